/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.FutureTask;

/**
 * An {@link ImageChannel} over a host file that keeps the file sparse: whole aligned blocks of
 * zeros ({@link #ZERO_BLOCK_SIZE}) are not written where the file is known to hold zeros, and the
 * size is set with {@code ftruncate}, so a tail never written is a hole.
 *
 * <p>"Known to hold zeros" means never written with data through this channel since it was created
 * empty: the channel keeps the set of byte ranges it wrote data to, and a zero block that overlaps
 * one of them is written for real. A channel opened on an existing file treats the file's current
 * contents as data.
 *
 * <p>Thread-safe for writes, transfers and reads of disjoint regions (slices included): the
 * bookkeeping is locked, the I/O is positional. {@link #setSize} must not race with writes.
 */
public final class FileImageChannel implements ImageChannel {
  /** The granule of zero detection: a page and the block size of most host filesystems. */
  public static final int ZERO_BLOCK_SIZE = 4096;

  private static final ByteBuffer ZERO_BLOCK =
      ByteBuffer.allocateDirect(ZERO_BLOCK_SIZE).asReadOnlyBuffer();

  private static final byte[] ZERO_ARRAY = new byte[ZERO_BLOCK_SIZE];

  private final Path path;
  private final RandomAccessFile file;
  private final FileChannel channel;

  /** Start → end of byte ranges that may hold data, disjoint and not adjacent. */
  private final TreeMap<Long, Long> dirty = new TreeMap<>();

  private long size;

  /** Writes and transfers running now, on any thread. */
  private int activeWrites;

  /**
   * Every {@link #FLUSH_EVERY} bytes written, a background thread starts the kernel writing them to
   * disk (fdatasync) while the writer goes on, so the final {@link #force} has less left to wait
   * for: on a 1.2 GB ext4 image that wait was about a quarter of the run. Every 64 MiB rather than
   * 256: {@code mkfs ext4} of the 170 MB minbase tar 0.91 -> 0.84 s, of the 670 MB boot rootfs tar
   * 1.68 -> 1.50 s (means of 10 and 6 alternating runs), a 1.1 GB directory unchanged (1.79 s
   * median); every 32 MiB was no better. Every 16 MiB (session 13), so that the disk starts on the
   * image while the tree is still being planned and written: the minbase directory 0.716 -> 0.686 s
   * (means of 16 alternating runs, +-0.007), the 1.1 GB directory 1.49 -> 1.46 s and {@code mkfs
   * fat} of a /usr/share/doc copy 0.572 -> 0.569 s (medians); a flush starts only when the last one
   * is done, so a fast writer still waits for no more than one at a time.
   */
  private static final long FLUSH_EVERY = 16L << 20;

  /**
   * Below this many bytes a transfer is a read and a write: the kernel copy's extra system calls
   * (position, size, sendfile) cost more than copying a small file through the heap.
   */
  private static final long MIN_KERNEL_COPY = 64 * 1024;

  private long unflushed;
  private FutureTask<?> flushing;

  /** Channels onto the same file for {@link #transferFrom}, one per concurrent transfer. */
  private final ConcurrentLinkedQueue<FileChannel> spareChannels = new ConcurrentLinkedQueue<>();

  private FileImageChannel(Path path, RandomAccessFile file) throws IOException {
    this.path = path;
    this.file = file;
    this.channel = file.getChannel();
    this.size = channel.size();
    if (size > 0) {
      dirty.put(0L, size);
    }
  }

  /**
   * Creates {@code path} empty (truncating an existing file) and opens it for reading and writing.
   */
  public static FileImageChannel create(Path path) throws IOException {
    RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw");
    try {
      raf.setLength(0);
      return new FileImageChannel(path, raf);
    } catch (IOException | RuntimeException e) {
      raf.close();
      throw e;
    }
  }

  /** Opens an existing file for reading and writing, keeping its contents. */
  public static FileImageChannel open(Path path) throws IOException {
    RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw");
    try {
      return new FileImageChannel(path, raf);
    } catch (IOException | RuntimeException e) {
      raf.close();
      throw e;
    }
  }

  /**
   * Opens an existing file read-only; writes throw {@link
   * java.nio.channels.NonWritableChannelException}.
   */
  public static FileImageChannel openReadOnly(Path path) throws IOException {
    RandomAccessFile raf = new RandomAccessFile(path.toFile(), "r");
    try {
      return new FileImageChannel(path, raf);
    } catch (IOException | RuntimeException e) {
      raf.close();
      throw e;
    }
  }

  /** The file. */
  public Path path() {
    return path;
  }

  @Override
  public void write(ByteBuffer src, long position) throws IOException {
    int n = src.remaining();
    checkWrite(n, position);
    int base = src.position();
    long end = position + n;
    beginWrite();
    try {
      writeBlocks(src, base, position, end);
    } finally {
      endWrite(end);
    }
  }

  private void writeBlocks(ByteBuffer src, int base, long position, long end) throws IOException {
    // Blocks are aligned to the file, not to the write; runs of blocks to write are coalesced.
    long runStart = -1;
    for (long pos = position; pos < end; ) {
      long blockEnd = Math.min(end, (pos / ZERO_BLOCK_SIZE + 1) * ZERO_BLOCK_SIZE);
      boolean skip =
          blockEnd - pos == ZERO_BLOCK_SIZE
              && isZero(src, base + (int) (pos - position), ZERO_BLOCK_SIZE)
              && !overlapsDirty(pos, blockEnd);
      if (skip && runStart >= 0) {
        writeRun(src, base, position, runStart, pos);
        runStart = -1;
      } else if (!skip && runStart < 0) {
        runStart = pos;
      }
      pos = blockEnd;
    }
    if (runStart >= 0) {
      writeRun(src, base, position, runStart, end);
    }
    src.position(src.limit());
  }

  private void checkWrite(long n, long position) throws ChannelBoundsException {
    if (position < 0 || n < 0 || position > Long.MAX_VALUE - n) {
      throw new ChannelBoundsException(path + ": a write of " + n + " bytes at offset " + position);
    }
  }

  private synchronized void beginWrite() {
    activeWrites++;
  }

  /**
   * Records that the channel reaches {@code end} and, when no other write is running, lengthens the
   * file to {@link #size} (a write whose last blocks were skipped as zeros leaves it shorter). With
   * another write running the length is left to whichever ends last: {@code setLength} would cut
   * the file if that write lengthened it meanwhile. Reads past the file's end within the size give
   * zeros.
   */
  private synchronized void endWrite(long end) throws IOException {
    try {
      size = Math.max(size, end);
      if (activeWrites == 1) {
        settleLength();
      }
    } finally {
      activeWrites--;
    }
  }

  /** Lengthens the file to {@link #size}. */
  private synchronized void settleLength() throws IOException {
    if (channel.isOpen() && channel.size() < size) {
      file.setLength(size);
    }
  }

  /**
   * Lets the kernel copy (sendfile or copy_file_range): the bytes never enter the Java heap. Unlike
   * {@link #write}, zero blocks in {@code src} are written, not left as holes. Transfers under 64
   * KiB are read and written through a buffer.
   */
  @Override
  public long transferFrom(FileChannel src, long srcPosition, long count, long position)
      throws IOException {
    checkWrite(count, position);
    if (count < MIN_KERNEL_COPY) {
      return ImageChannel.super.transferFrom(src, srcPosition, count, position);
    }
    // sendfile writes at the target's file position, so each transfer has a channel of its own
    FileChannel out = spareChannels.poll();
    if (out == null) {
      out = FileChannel.open(path, StandardOpenOption.WRITE);
    }
    long done = 0;
    beginWrite();
    try {
      while (done < count) {
        out.position(position + done);
        long n = src.transferTo(srcPosition + done, count - done, out);
        if (n <= 0) {
          break;
        }
        done += n;
      }
    } finally {
      spareChannels.add(out);
      if (done > 0) {
        markDirty(position, position + done);
      }
      endWrite(position + done);
    }
    return done;
  }

  /** Writes file bytes {@code [from, to)}, found in {@code src} from index {@code base}. */
  private void writeRun(ByteBuffer src, int base, long position, long from, long to)
      throws IOException {
    ByteBuffer run = src.duplicate();
    run.limit(base + (int) (to - position)).position(base + (int) (from - position));
    long p = from;
    while (run.hasRemaining()) {
      p += channel.write(run, p);
    }
    markDirty(from, to);
  }

  private static boolean isZero(ByteBuffer b, int from, int len) {
    if (b.hasArray()) {
      // without the two slices per block, which the C1-only JIT (see ./jimg) does not elide
      int at = b.arrayOffset() + from;
      return Arrays.mismatch(b.array(), at, at + len, ZERO_ARRAY, 0, len) < 0;
    }
    return b.slice(from, len).mismatch(ZERO_BLOCK.slice(0, len)) < 0;
  }

  private synchronized boolean overlapsDirty(long from, long to) {
    Map.Entry<Long, Long> before = dirty.lowerEntry(to);
    return before != null && before.getValue() > from;
  }

  private synchronized void markDirty(long from, long to) {
    unflushed += to - from;
    if (unflushed >= FLUSH_EVERY && (flushing == null || flushing.isDone())) {
      unflushed = 0;
      flushing = new FutureTask<>(() -> flushQuietly(), null);
      Thread t = new Thread(flushing, "jimg-flush " + path.getFileName());
      t.setDaemon(true);
      t.start();
    }
    long start = from;
    long end = to;
    Map.Entry<Long, Long> left = dirty.floorEntry(start);
    if (left != null && left.getValue() >= start) {
      start = left.getKey();
      end = Math.max(end, left.getValue());
    }
    Map.Entry<Long, Long> next = dirty.ceilingEntry(start);
    while (next != null && next.getKey() <= end) {
      end = Math.max(end, next.getValue());
      dirty.remove(next.getKey());
      next = dirty.ceilingEntry(start);
    }
    dirty.put(start, end);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    if (position < 0) {
      throw new ChannelBoundsException(path + ": negative read offset " + position);
    }
    long end = size();
    if (position >= end) {
      return -1;
    }
    ByteBuffer limited = dst.slice().limit((int) Math.min(dst.remaining(), end - position));
    int n = channel.read(limited, position);
    if (n < 0) {
      // past the file's end but within the size: a zero tail not yet lengthened into a hole
      n = limited.remaining();
      for (int i = 0; i < n; i++) {
        limited.put(i, (byte) 0);
      }
    }
    dst.position(dst.position() + n);
    return n;
  }

  @Override
  public synchronized long size() {
    return size;
  }

  /** Writes to disjoint regions may come from several threads at once. */
  @Override
  public boolean concurrentWrites() {
    return true;
  }

  @Override
  public synchronized void setSize(long newSize) throws IOException {
    if (newSize < 0) {
      throw new ChannelBoundsException(path + ": negative size " + newSize);
    }
    file.setLength(newSize);
    if (newSize < size) {
      Map.Entry<Long, Long> last = dirty.lowerEntry(newSize);
      dirty.tailMap(newSize, true).clear();
      if (last != null && last.getValue() > newSize) {
        dirty.put(last.getKey(), newSize);
      }
    }
    size = newSize;
  }

  /** A region of the file; it may lie past the current size (the file grows as it is written). */
  @Override
  public ImageChannel slice(String name, long offset, long length) throws ChannelBoundsException {
    return new SliceChannel(this, name, offset, length);
  }

  private void flushQuietly() {
    try {
      channel.force(false);
    } catch (IOException e) {
      // only an early start on the writeback: force() reports what matters
    }
  }

  /** Waits for a background flush started by a write, if one is running. */
  private void awaitFlush() throws IOException {
    FutureTask<?> f;
    synchronized (this) {
      f = flushing;
    }
    if (f != null) {
      Futures.await(f, "flushing " + path);
    }
  }

  @Override
  public void force() throws IOException {
    awaitFlush();
    settleLength();
    channel.force(true);
  }

  @Override
  public void close() throws IOException {
    try {
      awaitFlush();
      settleLength();
    } finally {
      closeChannels();
    }
  }

  private void closeChannels() throws IOException {
    try {
      for (FileChannel c; (c = spareChannels.poll()) != null; ) {
        c.close();
      }
    } finally {
      file.close();
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
