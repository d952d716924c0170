/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import dev.jimg.core.JimgException;
import dev.jimg.core.io.Futures;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Extent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * Writes the data area: file blocks, compressed in parallel and written in input order, and
 * fragment blocks holding the tails of files.
 *
 * <p>The calling thread reads each file block by block and hands full blocks to a pool of {@code
 * threads} compressors through a bounded queue; it writes finished blocks strictly in queue order,
 * so the bytes never depend on the thread count or on timing. Every decision (holes, duplicates,
 * fragment placement) is taken by the calling thread in that order. Memory is bounded by the queue
 * ({@code ~ 4 x threads} blocks) plus one fragment block, whatever the size of the content.
 *
 * <ul>
 *   <li>An all-zero block is a hole (stored size 0) and not compressed; a block that does not
 *       shrink is stored raw (bit 24 of its size word).
 *   <li>The tail (the last partial block) goes into a fragment block shared with other tails,
 *       unless fragments are off; an all-zero tail is a hole.
 *   <li>Duplicates are found in two parts, as mksquashfs does: a file's blocks (the bytes before
 *       its fragment tail) are shared with an earlier file whose blocks have the same length,
 *       CRC32C and bytes (its own just-written blocks are taken back), and its tail with an earlier
 *       tail of the same length, CRC32C and bytes. So two builds of a library that differ only in
 *       their last few KiB share all their full blocks, and a file equal to an earlier one shares
 *       both.
 * </ul>
 *
 * Not thread-safe; one instance writes one image.
 */
final class DataWriter implements AutoCloseable {
  /** Size-word bit: the data block or fragment is stored raw. */
  static final int UNCOMPRESSED_BIT = 1 << 24;

  private static final byte[] HOLE_MARK =
      "squashfs-hole".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Where one file's data went. */
  static final class FileData {
    final String path;
    final Content content;
    final long size;

    /** CRC32C of the bytes stored as blocks (holes as a marker) and of the fragment tail. */
    long blocksCrc;

    long tailCrc;

    /** How many bytes from the start are stored as blocks (the rest is the fragment tail). */
    long blocksLength;

    long blocksStart;
    int[] blockSizes = new int[0];
    int blockCount;
    int fragmentIndex = -1;
    int fragmentOffset;
    long sparseBytes;
    byte[] tail;

    FileData(String path, Content content) {
      this.path = path;
      this.content = content;
      this.size = content.size();
    }

    void addBlock(int sizeWord) {
      if (blockCount == blockSizes.length) {
        blockSizes = Arrays.copyOf(blockSizes, Math.max(4, blockCount * 2));
      }
      blockSizes[blockCount++] = sizeWord;
    }

    int[] blocks() {
      return blockCount == blockSizes.length ? blockSizes : Arrays.copyOf(blockSizes, blockCount);
    }
  }

  /** A fragment table entry. */
  record Fragment(long start, int sizeWord) {}

  private record Compressed(byte[] bytes, boolean raw) {}

  /**
   * One queued thing: a block of a file (compressing, or a hole when {@code block} is null) or the
   * end of a file. {@code seq}: how many compressed blocks were queued before it.
   */
  private record Item(
      FileData file, int index, int length, Future<Compressed> block, boolean end, long seq) {}

  /**
   * A fragment block being compressed, to be written before the first file start whose {@code seq}
   * is at least {@code after}.
   */
  private record PendingFragment(Future<Compressed> block, long after) {}

  /**
   * Most fragment blocks waiting to be written. Through a long run of small files no file's first
   * block comes along to write them before, and each holds its compressed bytes.
   */
  static final int MAX_PENDING_FRAGMENTS = 16;

  private final ImageChannel channel;
  private final Compression.Codec codec;
  private final int blockSize;
  private final boolean fragments;
  private final boolean dedup;
  private final ExecutorService pool;
  private final int capacity;
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private final Map<Long, List<FileData>> byBlocks = new HashMap<>();
  private final Map<Long, List<FileData>> byTail = new HashMap<>();
  private final byte[] fragmentBuffer;
  private int fragmentFill;
  private final ArrayDeque<PendingFragment> pendingFragments = new ArrayDeque<>();
  private long blocksQueued;

  /**
   * How many compressed blocks later in the queue than the file end that closed it a fragment block
   * is written (before the next file's first block from there). More than the reader runs ahead of
   * the writer ({@code 4 x threads} blocks) up to 16 threads, so the fragment was queued for
   * compression before that block and is done or being done when the writer gets there. A constant:
   * a lag that followed the thread count would move fragments with it.
   */
  static final long FRAGMENT_LAG = 64;

  private final List<Fragment> fragmentTable = new ArrayList<>();
  private int fragmentsClosed;
  private long position;
  private long highWater;
  private boolean duplicatesFound;

  DataWriter(
      ImageChannel channel,
      long start,
      Compression.Codec codec,
      int blockSize,
      boolean fragments,
      boolean dedup,
      int threads) {
    this.channel = channel;
    this.position = start;
    this.highWater = start;
    this.codec = codec;
    this.blockSize = blockSize;
    this.fragments = fragments;
    this.dedup = dedup;
    this.fragmentBuffer = new byte[blockSize];
    this.capacity = 4 * threads;
    this.pool = Futures.daemonPool(threads, "jimg-squashfs-compress");
  }

  /** Reads {@code file}'s content and queues its blocks; its {@link FileData} fills in later. */
  void add(FileData file) throws IOException {
    long size = file.size;
    if (size == 0) {
      enqueue(file, -1, 0, null, true);
      return;
    }
    long fullBlocks = size / blockSize;
    int tailLength = (int) (size % blockSize);
    long dataBlocks = fullBlocks + (tailLength > 0 && !fragments ? 1 : 0);
    List<Extent> extents = file.content.extents();
    int extentCursor = 0;
    CRC32C crc = new CRC32C();
    try (InputStream in = file.content.open()) {
      for (long i = 0; i < dataBlocks; i++) {
        long offset = i * blockSize;
        int length = (int) Math.min(blockSize, size - offset);
        while (extentCursor < extents.size() && extents.get(extentCursor).end() <= offset) {
          extentCursor++;
        }
        boolean inHole =
            extentCursor >= extents.size() || extents.get(extentCursor).offset() >= offset + length;
        if (inHole) {
          in.skipNBytes(length);
          crc.update(HOLE_MARK);
          enqueue(file, (int) i, length, null, false);
          continue;
        }
        byte[] buf = readFully(in, length, file, offset);
        if (isZero(buf)) {
          crc.update(HOLE_MARK);
          enqueue(file, (int) i, length, null, false);
          continue;
        }
        crc.update(buf, 0, length);
        enqueue(file, (int) i, length, pool.submit(() -> compress(buf)), false);
      }
      if (fragments && tailLength > 0) {
        byte[] tail = readFully(in, tailLength, file, fullBlocks * blockSize);
        if (isZero(tail)) {
          crc.update(HOLE_MARK);
          enqueue(file, (int) fullBlocks, tailLength, null, false);
        } else {
          CRC32C tailCrc = new CRC32C();
          tailCrc.update(tail, 0, tailLength);
          file.tailCrc = tailCrc.getValue();
          file.tail = tail;
        }
      }
    }
    file.blocksCrc = crc.getValue();
    file.blocksLength = file.tail == null ? size : size - file.tail.length;
    enqueue(file, -1, 0, null, true);
  }

  private Compressed compress(byte[] buf) {
    byte[] packed = codec.compress(buf, 0, buf.length);
    return packed == null ? new Compressed(buf, true) : new Compressed(packed, false);
  }

  private static byte[] readFully(InputStream in, int length, FileData file, long offset)
      throws IOException {
    byte[] buf = new byte[length];
    int n = in.readNBytes(buf, 0, length);
    if (n != length) {
      throw new JimgException(
          file.path
              + ": content ended at byte "
              + (offset + n)
              + " but its size is "
              + file.size
              + "; the source changed while the image was written");
    }
    return buf;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private void enqueue(FileData file, int index, int length, Future<Compressed> block, boolean end)
      throws IOException {
    Item item = new Item(file, index, length, block, end, blocksQueued);
    if (block != null) {
      blocksQueued++;
    }
    queue.addLast(item);
    while (queue.size() > capacity) {
      drainOne();
    }
  }

  private void drainOne() throws IOException {
    Item item = queue.removeFirst();
    FileData file = item.file;
    if (item.end) {
      finishFile(file, item.seq);
      return;
    }
    if (item.index == 0) {
      // Fragment blocks go between files, FRAGMENT_LAG blocks after where they were closed, so
      // waiting for them never leaves a compressor without work: written at the next file start,
      // the writer waited for the whole queue and then for the fragment alone while one
      // compressor idled (10 s of the writer's 13 s on minbase). Decided by queue order only, so
      // the bytes depend neither on timing nor on the thread count.
      writePendingFragments(item.seq);
      file.blocksStart = position;
    }
    if (item.block == null) {
      file.addBlock(0);
      file.sparseBytes += item.length;
      return;
    }
    Compressed c = await(item.block);
    write(c.bytes);
    file.addBlock(c.bytes.length | (c.raw ? UNCOMPRESSED_BIT : 0));
  }

  /** Places a file's blocks and tail; {@code seq} is its end's place in the queue. */
  private void finishFile(FileData file, long seq) throws IOException {
    if (dedup && file.blocksLength > 0) {
      FileData earlier =
          findEarlier(
              byBlocks,
              file.blocksLength,
              file.blocksCrc,
              file,
              e ->
                  e.blocksLength == file.blocksLength
                      && e.blocksCrc == file.blocksCrc
                      && sameBytes(e, file, file.blocksLength));
      if (earlier != null) {
        position = file.blocksStart;
        file.blocksStart = earlier.blocksStart;
        file.blockSizes = earlier.blockSizes;
        file.blockCount = earlier.blockCount;
        file.sparseBytes = earlier.sparseBytes;
        duplicatesFound = true;
      }
    }
    if (dedup && file.tail != null) {
      byte[] tail = file.tail;
      FileData earlier =
          findEarlier(
              byTail,
              tail.length,
              file.tailCrc,
              file,
              e ->
                  e.size - e.blocksLength == tail.length
                      && e.tailCrc == file.tailCrc
                      && sameBytes(e, e.blocksLength, tail));
      if (earlier != null) {
        file.fragmentIndex = earlier.fragmentIndex;
        file.fragmentOffset = earlier.fragmentOffset;
        file.tail = null;
        duplicatesFound = true;
      }
    }
    if (file.tail != null) {
      if (fragmentFill + file.tail.length > blockSize) {
        closeFragment(seq + FRAGMENT_LAG);
      }
      file.fragmentIndex = fragmentsClosed;
      file.fragmentOffset = fragmentFill;
      System.arraycopy(file.tail, 0, fragmentBuffer, fragmentFill, file.tail.length);
      fragmentFill += file.tail.length;
      file.tail = null;
    }
    while (pendingFragments.size() > MAX_PENDING_FRAGMENTS) {
      writeFragment(pendingFragments.removeFirst());
    }
    if (file.blockCount == 0) {
      file.blocksStart = 0;
    }
  }

  /** Whether an earlier file holds the same bytes (its blocks, or its tail) as the one added. */
  @FunctionalInterface
  private interface SameAs {
    boolean test(FileData earlier) throws IOException;
  }

  /**
   * An earlier file in {@code map} under the key of ({@code length}, {@code crc}) that {@code same}
   * accepts, or null; when there is none, {@code file} becomes a candidate for later files.
   */
  private static FileData findEarlier(
      Map<Long, List<FileData>> map, long length, long crc, FileData file, SameAs same)
      throws IOException {
    List<FileData> candidates =
        map.computeIfAbsent(crc ^ (length * 0x9E37_79B9_7F4A_7C15L), k -> new ArrayList<>(1));
    for (FileData earlier : candidates) {
      if (same.test(earlier)) {
        return earlier;
      }
    }
    candidates.add(file);
    return null;
  }

  /** Whether {@code file}'s content from {@code offset} on is exactly {@code bytes}. */
  private static boolean sameBytes(FileData file, long offset, byte[] bytes) throws IOException {
    try (InputStream in = file.content.open()) {
      in.skipNBytes(offset);
      return Arrays.equals(in.readNBytes(bytes.length), bytes);
    }
  }

  /** Whether the first {@code length} bytes of two files' contents are equal. */
  private static boolean sameBytes(FileData a, FileData b, long length) throws IOException {
    try (InputStream x = a.content.open();
        InputStream y = b.content.open()) {
      byte[] bx = new byte[65536];
      byte[] by = new byte[65536];
      long left = length;
      while (left > 0) {
        int n = (int) Math.min(bx.length, left);
        if (x.readNBytes(bx, 0, n) != n || y.readNBytes(by, 0, n) != n) {
          return false;
        }
        if (!Arrays.equals(bx, 0, n, by, 0, n)) {
          return false;
        }
        left -= n;
      }
      return true;
    }
  }

  /** Queues the fragment block for compression, to be written from file start {@code after} on. */
  private void closeFragment(long after) {
    byte[] block = Arrays.copyOf(fragmentBuffer, fragmentFill);
    pendingFragments.addLast(new PendingFragment(pool.submit(() -> compress(block)), after));
    fragmentsClosed++;
    fragmentFill = 0;
  }

  /** Writes the pending fragment blocks queued for compression before block number {@code seq}. */
  private void writePendingFragments(long seq) throws IOException {
    while (!pendingFragments.isEmpty() && pendingFragments.peekFirst().after <= seq) {
      writeFragment(pendingFragments.removeFirst());
    }
  }

  private void writeFragment(PendingFragment f) throws IOException {
    Compressed c = await(f.block);
    fragmentTable.add(new Fragment(position, c.bytes.length | (c.raw ? UNCOMPRESSED_BIT : 0)));
    write(c.bytes);
  }

  private void write(byte[] bytes) throws IOException {
    channel.write(ByteBuffer.wrap(bytes), position);
    position += bytes.length;
    highWater = Math.max(highWater, position);
  }

  private static Compressed await(Future<Compressed> f) throws IOException {
    return Futures.await(f, "compressing");
  }

  /** Writes everything still queued and the last fragment block. */
  void finish() throws IOException {
    while (!queue.isEmpty()) {
      drainOne();
    }
    if (fragmentFill > 0) {
      closeFragment(Long.MAX_VALUE);
    }
    writePendingFragments(Long.MAX_VALUE);
  }

  /** The first byte after the data area (valid after {@link #finish}). */
  long position() {
    return position;
  }

  /**
   * The furthest byte ever written (a rolled-back duplicate may have written past {@link
   * #position}).
   */
  long highWater() {
    return highWater;
  }

  List<Fragment> fragmentTable() {
    return fragmentTable;
  }

  boolean duplicatesFound() {
    return duplicatesFound;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
