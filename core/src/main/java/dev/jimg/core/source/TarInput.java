/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.CorruptInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * The raw (decompressed) tar bytes under commons-compress' {@code TarArchiveInputStream}: counts
 * the position, and while a header is being read ({@link #beginHeader}) caps and records the bytes
 * read, so that a header claiming a terabyte fails early and the raw PAX records stay available
 * (commons-compress decodes PAX values as UTF-8, which loses binary xattr values and non-UTF-8
 * names).
 *
 * <p>Over a {@link FileChannel} it reads positionally and skips by moving the position; {@link
 * #discard} makes the next {@code n} bytes read return without being read at all, which is how the
 * data of a file whose contents stay in place is skipped (commons-compress skips by reading).
 *
 * <p>Not thread-safe; one reader uses it.
 */
final class TarInput extends InputStream {
  /** Largest total size of the headers of one entry (PAX records, long names, sparse maps). */
  static final int MAX_HEADER_BYTES = 8 << 20;

  private final String name;
  private final FileChannel channel;
  private final long channelSize;
  private final InputStream stream;
  private long position;
  private long discard;
  private boolean inHeader;
  private long headerStart;
  private long headerBytes;
  private long captureStart;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private static final int WINDOW = 1 << 16;
  static final int RECORD = 512;

  /**
   * Size of the PAX extended header data that follows the 'x' header block just read, -1 when none
   * is due: it is read whole, its GNU sparse keys are hidden from commons-compress ({@link
   * #hideSparseKeys}) and {@link #paxData} serves it.
   */
  private long paxDue = -1;

  private byte[] paxData;
  private int paxServed;

  /**
   * What a refill reads after a large gap (a large file's data left in place and skipped): the
   * padding, the next header and usual PAX records. Refills after no gap or a gap shorter than the
   * last refill (small files) double, up to {@link #WINDOW}: runs of small entries and long PAX
   * records read ahead as before.
   */
  private static final int AFTER_GAP = 1 << 12;

  /** Direct, so a read lands in it without the JDK's copy through a temporary direct buffer. */
  private final ByteBuffer window;

  private long windowStart;
  private int windowLength;
  private int lastRefill;

  private TarInput(String name, FileChannel channel, long channelSize, InputStream stream) {
    this.name = name;
    this.channel = channel;
    this.channelSize = channelSize;
    this.stream = stream;
    this.window = channel == null ? null : ByteBuffer.allocateDirect(WINDOW);
  }

  /** Positional reads from an uncompressed tar file. */
  static TarInput of(String name, FileChannel channel) throws IOException {
    return new TarInput(name, channel, channel.size(), null);
  }

  /** Sequential reads from a stream. */
  static TarInput of(String name, InputStream stream) {
    return new TarInput(name, null, -1, stream);
  }

  /** Whether contents can be read in place (a seekable file). */
  boolean seekable() {
    return channel != null;
  }

  /** Size of the underlying file, or -1 for a stream. */
  long size() {
    return channelSize;
  }

  /** Bytes consumed so far: the offset in the (decompressed) tar. */
  long position() {
    return position;
  }

  /** Skips the next {@code n} bytes without reading them (seekable input only). */
  void discard(long n) {
    if (channel == null) {
      throw new IllegalStateException("discard needs a seekable input");
    }
    discard = n;
  }

  /** Starts recording the header of the entry that starts at {@code entryOffset}. */
  void beginHeader(long entryOffset) {
    inHeader = true;
    headerStart = entryOffset;
    headerBytes = 0;
    captureStart = position;
    captured.reset();
  }

  /** The tar offset of the first byte {@link #endHeader} returns. */
  long capturedStart() {
    return captureStart;
  }

  /** Stops recording and returns the bytes read since {@link #beginHeader}. */
  byte[] endHeader() {
    inHeader = false;
    byte[] out = captured.toByteArray();
    captured.reset();
    return out;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (paxDue >= 0 && inHeader) {
      loadPaxData();
    }
    if (paxData != null) {
      int n = Math.min(len, paxData.length - paxServed);
      System.arraycopy(paxData, paxServed, b, off, n);
      paxServed += n;
      position += n;
      if (paxServed == paxData.length) {
        paxData = null;
      }
      return n;
    }
    if (discard > 0) {
      long left = channelSize - position;
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, Math.min(discard, left));
      position += n;
      discard -= n;
      return n;
    }
    // as many bytes as asked for, unless the input ends: commons-compress takes a short read of a
    // sparse entry's extent for its end and moves on to the next one, which put a sparse file's
    // data out of step when the tar came through a pipe or a decompressor
    int n = 0;
    while (n < len) {
      int r =
          channel != null
              ? readBuffered(b, off + n, len - n, position + n)
              : stream.read(b, off + n, len - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    if (n == 0) {
      n = -1;
    }
    if (n > 0) {
      if (inHeader && headerBytes == 0) {
        captureStart = position;
      }
      long at = position;
      position += n;
      if (inHeader) {
        countHeaderBytes(n);
        captured.write(b, off, n);
        if (at % RECORD == 0 && n == RECORD) {
          paxDue = paxExtendedHeaderSize(b, off);
        }
      }
    }
    return n;
  }

  private void countHeaderBytes(long n) throws CorruptInputException {
    headerBytes += n;
    if (headerBytes > MAX_HEADER_BYTES) {
      throw new CorruptInputException(
          name,
          headerStart,
          "the headers of one entry (PAX records, long names, sparse map) exceed "
              + MAX_HEADER_BYTES
              + " bytes; the archive is corrupt or hostile");
    }
  }

  /**
   * The size field of a ustar header block with type 'x' (a PAX extended header for the next
   * entry), or -1 for any other block. Only a plain octal size is taken: anything else is left to
   * commons-compress to judge.
   */
  private static long paxExtendedHeaderSize(byte[] b, int off) {
    if (!isHeader(b, off, 'x')) {
      return -1;
    }
    long size = octal(b, off + 124, off + 136);
    return size > MAX_HEADER_BYTES ? -1 : size;
  }

  /** Whether the 512 bytes at {@code off} are a ustar (or GNU) header block. */
  static boolean isUstar(byte[] b, int off) {
    return b[off + 257] == 'u'
        && b[off + 258] == 's'
        && b[off + 259] == 't'
        && b[off + 260] == 'a'
        && b[off + 261] == 'r';
  }

  /**
   * Whether the 512 bytes at {@code off} are a ustar (or GNU) header block of type {@code type}.
   */
  static boolean isHeader(byte[] b, int off, char type) {
    return b[off + 156] == type && isUstar(b, off);
  }

  /** The octal number in {@code b[from, to)} after any spaces, or -1 when it has no digit. */
  static long octal(byte[] b, int from, int to) {
    int i = from;
    while (i < to && b[i] == ' ') {
      i++;
    }
    long value = 0;
    int digits = 0;
    while (i < to && b[i] >= '0' && b[i] <= '7') {
      value = value * 8 + (b[i] - '0');
      i++;
      digits++;
    }
    return digits == 0 ? -1 : value;
  }

  /** Where the first header block starts in bytes captured from tar offset {@code start}. */
  static int firstRecord(long start) {
    return (int) Math.floorMod(-start, (long) RECORD);
  }

  /**
   * Reads the PAX extended header data due next whole, records it as it is and keeps a copy with
   * the GNU sparse keys hidden to serve to commons-compress.
   */
  private void loadPaxData() throws IOException {
    int size = (int) paxDue;
    paxDue = -1;
    if (size == 0) {
      return;
    }
    byte[] data = new byte[size];
    int n = 0;
    while (n < size) {
      int r =
          channel != null
              ? readBuffered(data, n, size - n, position + n)
              : stream.read(data, n, size - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    if (n == 0) {
      return;
    }
    if (n < size) {
      data = java.util.Arrays.copyOf(data, n);
    }
    if (headerBytes == 0) {
      captureStart = position;
    }
    countHeaderBytes(n);
    captured.write(data, 0, n);
    byte[] served = data.clone();
    hideSparseKeys(served);
    paxData = served;
    paxServed = 0;
  }

  /**
   * GNU tar's PAX sparse keys (the sizes {@code GNU.sparse.size} and {@code GNU.sparse.realsize},
   * the maps {@code GNU.sparse.map}, {@code .offset}, {@code .numbytes}) are renamed in place (same
   * length, so every record's length stays right) to keys commons-compress ignores:
   * commons-compress 1.28 parses those sizes as an int and fails on a sparse file of 2 GiB or more
   * ("Unable to parse int"). The entry then reaches {@link TarReader} as a plain file of its stored
   * bytes, and TarReader reads the sparse map itself from the raw records it keeps.
   */
  static void hideSparseKeys(byte[] d) {
    int p = 0;
    while (p < d.length) {
      int i = p;
      long len = 0;
      while (i < d.length && i - p < 19 && d[i] >= '0' && d[i] <= '9') {
        len = len * 10 + (d[i] - '0');
        i++;
      }
      if (i == p || i >= d.length || d[i] != ' ' || len <= i - p + 1 || p + len > d.length) {
        return;
      }
      int key = i + 1;
      for (byte[] k : SPARSE_KEYS) {
        hideKey(d, key, (int) (p + len), k);
      }
      p += (int) len;
    }
  }

  /** The keys hidden, with their '=': sizes and the format 0.0 and 0.1 maps. */
  private static final byte[][] SPARSE_KEYS = {
    ascii("GNU.sparse.size="),
    ascii("GNU.sparse.realsize="),
    ascii("GNU.sparse.map="),
    ascii("GNU.sparse.offset="),
    ascii("GNU.sparse.numbytes=")
  };

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** What the first letter of a hidden key becomes: {@code gNU.sparse.size}. */
  static final byte HIDDEN = 'g';

  private static void hideKey(byte[] d, int key, int end, byte[] keyEq) {
    if (end - key < keyEq.length) {
      return;
    }
    for (int j = 0; j < keyEq.length; j++) {
      if (d[key + j] != keyEq[j]) {
        return;
      }
    }
    d[key] = HIDDEN;
  }

  /**
   * Reads from the file at tar offset {@code at} through a read-ahead window: commons-compress
   * reads PAX records a byte at a time, which would otherwise be one system call per byte. After a
   * large gap only {@link #AFTER_GAP} bytes are read ahead: reading 64 KiB after each file whose
   * data was skipped to use one header of it had copied most of the archive through the window.
   */
  private int readBuffered(byte[] b, int off, int len, long at) throws IOException {
    long windowEnd = windowStart + windowLength;
    if (at < windowStart || at >= windowEnd) {
      if (len >= WINDOW) {
        return channel.read(ByteBuffer.wrap(b, off, len), at);
      }
      // a gap shorter than the last refill is the data of small files: keep reading ahead more;
      // a longer one skipped a large file, after which one header is all that is needed
      long gap = at - windowEnd;
      int refill = gap >= 0 && gap < lastRefill ? Math.min(WINDOW, 2 * lastRefill) : AFTER_GAP;
      refill = Math.max(refill, len);
      window.clear().limit(refill);
      int r = channel.read(window, at);
      if (r < 0) {
        return -1;
      }
      windowStart = at;
      windowLength = r;
      lastRefill = refill;
    }
    int from = (int) (at - windowStart);
    int n = Math.min(len, windowLength - from);
    window.get(from, b, off, n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    if (channel != null && !inHeader) {
      long s = Math.min(n, Math.max(0, channelSize - position));
      position += s;
      discard = Math.max(0, discard - s);
      return s;
    }
    byte[] scratch = new byte[(int) Math.min(n, 8192)];
    long done = 0;
    while (done < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public void close() throws IOException {
    if (stream != null) {
      stream.close();
    }
  }
}
