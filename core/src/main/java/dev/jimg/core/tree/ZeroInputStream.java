/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import java.io.InputStream;
import java.util.Arrays;

/** {@code size} zero bytes. */
final class ZeroInputStream extends InputStream {
  private long remaining;

  ZeroInputStream(long size) {
    this.remaining = size;
  }

  @Override
  public int read() {
    if (remaining == 0) {
      return -1;
    }
    remaining--;
    return 0;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    if (remaining == 0) {
      return -1;
    }
    int n = (int) Math.min(len, remaining);
    Arrays.fill(b, off, off + n, (byte) 0);
    remaining -= n;
    return n;
  }

  @Override
  public long skip(long n) {
    long s = Math.max(0, Math.min(n, remaining));
    remaining -= s;
    return s;
  }
}
