/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import dev.jimg.core.JimgException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Yields exactly {@code size} bytes of the underlying stream: fails if it ends early (the file
 * shrank since the tree was built) and stops at {@code size} if it has more.
 */
final class BoundedInputStream extends FilterInputStream {
  private final String name;
  private long remaining;

  BoundedInputStream(InputStream in, long size, String name) {
    super(in);
    this.remaining = size;
    this.name = name;
  }

  @Override
  public int read() throws IOException {
    if (remaining == 0) {
      return -1;
    }
    int b = super.read();
    if (b < 0) {
      throw shrank();
    }
    remaining--;
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    if (remaining == 0) {
      return -1;
    }
    int n = super.read(buf, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw shrank();
    }
    remaining -= n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = super.skip(Math.min(n, remaining));
    remaining -= s;
    return s;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(super.available(), remaining);
  }

  private JimgException shrank() {
    return new JimgException(
        name + ": file ended " + remaining + " bytes early; it changed while jimg was reading it");
  }
}
