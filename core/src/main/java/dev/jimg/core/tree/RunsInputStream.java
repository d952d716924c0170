/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * The logical bytes of a file stored in runs, with holes between them: a subclass says how to read
 * part of one run ({@link #readRun}); this class walks the runs in order, gives zeros for holes and
 * skips without reading.
 *
 * <p>Runs are given as ascending, non-overlapping {@code (start, length)} ranges of the file; the
 * stream ends at {@code size}. Not thread-safe, like any stream.
 */
public abstract class RunsInputStream extends InputStream {
  private final long size;
  private final long[] starts;
  private final long[] lengths;
  private long pos;
  private int run;

  /**
   * @param starts the runs' first file offsets, ascending (not copied)
   * @param lengths the runs' lengths (not copied)
   */
  protected RunsInputStream(long size, long[] starts, long[] lengths) {
    if (starts.length != lengths.length) {
      throw new IllegalArgumentException(
          starts.length + " starts but " + lengths.length + " lengths");
    }
    this.size = size;
    this.starts = starts;
    this.lengths = lengths;
  }

  /**
   * Reads up to {@code len} (at least one) bytes of run {@code run}, from {@code inRun} bytes into
   * it, into {@code b}. Returns how many were read, or -1 if the stored bytes end early.
   */
  protected abstract int readRun(int run, long inRun, byte[] b, int off, int len)
      throws IOException;

  @Override
  public final int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public final int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (pos >= size) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    int want = (int) Math.min(len, size - pos);
    while (run < starts.length && starts[run] + lengths[run] <= pos) {
      run++;
    }
    int n;
    if (run < starts.length && starts[run] <= pos) {
      long inRun = pos - starts[run];
      n = readRun(run, inRun, b, off, (int) Math.min(want, lengths[run] - inRun));
      if (n < 0) {
        return -1;
      }
    } else {
      long holeEnd = run < starts.length ? starts[run] : size;
      n = (int) Math.min(want, holeEnd - pos);
      Arrays.fill(b, off, off + n, (byte) 0);
    }
    pos += n;
    return n;
  }

  @Override
  public final long skip(long n) {
    long s = Math.max(0, Math.min(n, size - pos));
    pos += s;
    return s;
  }

  @Override
  public int available() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, size - pos));
  }
}
