/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

/**
 * CRC-32C (Castagnoli) in the form ext4 and e2fsprogs use it: {@code crc32c_le(crc, data)} without
 * the final inversion, so a running value can be fed on ({@code lib/ext2fs/crc32c.c}). The
 * filesystem seed is {@code update(~0, uuid)}.
 *
 * <p>Stateless and thread-safe.
 */
final class Crc32c {
  private static final int POLY_REFLECTED = 0x82F6_3B78;
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
      }
      TABLE[i] = c;
    }
  }

  private Crc32c() {}

  /** Continues {@code crc} over {@code b[off, off + len)}. */
  static int update(int crc, byte[] b, int off, int len) {
    int c = crc;
    for (int i = off; i < off + len; i++) {
      c = TABLE[(c ^ b[i]) & 0xFF] ^ (c >>> 8);
    }
    return c;
  }

  /** Continues {@code crc} over all of {@code b}. */
  static int update(int crc, byte[] b) {
    return update(crc, b, 0, b.length);
  }

  /** Continues {@code crc} over the little-endian bytes of {@code v}. */
  static int updateLe32(int crc, int v) {
    int c = crc;
    for (int i = 0; i < 4; i++) {
      c = TABLE[(c ^ (v >>> (8 * i))) & 0xFF] ^ (c >>> 8);
    }
    return c;
  }

  /** Continues {@code crc} over the little-endian bytes of {@code v}. */
  static int updateLe64(int crc, long v) {
    return updateLe32(updateLe32(crc, (int) v), (int) (v >>> 32));
  }
}
