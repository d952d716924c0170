/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * CRC-32C (Castagnoli) in the form ext4 and e2fsprogs use it: {@code crc32c_le(crc, data)} without
 * the final inversion, so a running value can be fed on ({@code lib/ext2fs/crc32c.c}). The
 * filesystem seed is {@code update(~0, uuid)}.
 *
 * <p>Runs of {@value #MIN_JDK_LENGTH} bytes or more go through the JDK's {@link CRC32C} (intrinsic
 * code, many bytes per step), which always starts from {@code ~0}; the CRC is linear, so the value
 * from any other start is that result plus the start's difference carried across {@code len} zero
 * bytes: {@code R(c, d) = R(~0, d) ^ Z(c ^ ~0, len)}, where {@code Z(x, n)} is a 32x32 bit matrix
 * per length, made once (checksummed lengths are few: inodes, blocks, block tails).
 *
 * <p>Thread-safe; the only state is that cache.
 */
final class Crc32c {
  private static final int POLY_REFLECTED = 0x82F6_3B78;
  private static final int[] TABLE = new int[256];

  /** Shorter runs are fed a byte at a time: cheaper than a JDK call and a matrix. */
  static final int MIN_JDK_LENGTH = 64;

  /** At most this many lengths get a matrix; others are fed a byte at a time. */
  private static final int MAX_SHIFTS = 256;

  /** Per length n: column i is the register after n zero bytes from the register {@code 1 << i}. */
  private static final ConcurrentHashMap<Integer, int[]> SHIFTS = new ConcurrentHashMap<>();

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
    if (len >= MIN_JDK_LENGTH) {
      int[] shift = shift(len);
      if (shift != null) {
        CRC32C jdk = new CRC32C();
        jdk.update(b, off, len);
        int fromOnes = ~(int) jdk.getValue();
        return fromOnes ^ multiply(shift, crc ^ 0xFFFF_FFFF);
      }
    }
    return bytewise(crc, b, off, len);
  }

  private static int multiply(int[] matrix, int x) {
    int out = 0;
    for (int i = 0, v = x; v != 0; i++, v >>>= 1) {
      if ((v & 1) != 0) {
        out ^= matrix[i];
      }
    }
    return out;
  }

  private static int[] shift(int len) {
    int[] m = SHIFTS.get(len);
    if (m != null || SHIFTS.size() >= MAX_SHIFTS) {
      return m;
    }
    m = new int[32];
    for (int i = 0; i < 32; i++) {
      int c = 1 << i;
      for (int k = 0; k < len; k++) {
        c = TABLE[c & 0xFF] ^ (c >>> 8);
      }
      m[i] = c;
    }
    SHIFTS.putIfAbsent(len, m);
    return m;
  }

  /** The definition: one table step per byte. */
  static int bytewise(int crc, byte[] b, int off, int len) {
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
