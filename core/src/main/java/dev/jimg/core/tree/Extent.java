/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

/**
 * A run of data bytes inside a file; bytes of a file outside its extents are a hole (zeros).
 *
 * @param offset first byte, from the start of the file
 * @param length number of bytes, at least 1
 */
public record Extent(long offset, long length) {
  public Extent {
    if (offset < 0 || length <= 0 || offset + length < 0) {
      throw new IllegalArgumentException("bad extent " + offset + "+" + length);
    }
  }

  /** One past the last byte. */
  public long end() {
    return offset + length;
  }
}
