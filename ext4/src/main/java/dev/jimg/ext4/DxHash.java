/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

/**
 * The half-MD4 directory hash of ext3/ext4 htrees (Linux {@code fs/ext4/hash.c}, {@code
 * str2hashbuf_unsigned} and {@code half_md4_transform}), in its unsigned-char form, which this
 * writer selects explicitly with the superblock's unsigned-hash flag. Stateless and thread-safe.
 */
final class DxHash {
  private static final int K2 = 0x5A82_7999;
  private static final int K3 = 0x6ED9_EBA1;
  private static final int[] DEFAULT_SEED = {0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476};

  /** The hash value the kernel reserves for end of directory, shifted as stored. */
  private static final int EOF_HASH = 0x7FFF_FFFF << 1;

  private DxHash() {}

  /**
   * {hash, minor hash} of {@code name}; {@code seed} is {@code s_hash_seed} as four little-endian
   * words (all zero means the default constants).
   */
  static int[] halfMd4(byte[] name, int[] seed) {
    int[] buf = DEFAULT_SEED.clone();
    if (seed[0] != 0 || seed[1] != 0 || seed[2] != 0 || seed[3] != 0) {
      buf = seed.clone();
    }
    int[] in = new int[8];
    int off = 0;
    int len = name.length;
    do {
      strToHashBuf(name, off, len, in);
      transform(buf, in);
      len -= 32;
      off += 32;
    } while (len > 0);
    int hash = buf[1] & ~1;
    if (hash == EOF_HASH) {
      hash = (0x7FFF_FFFF - 1) << 1;
    }
    return new int[] {hash, buf[2]};
  }

  private static void strToHashBuf(byte[] msg, int off, int len, int[] out) {
    int pad = len | (len << 8);
    pad |= pad << 16;
    int val = pad;
    int n = Math.min(len, 32);
    int num = 8;
    int k = 0;
    for (int i = 0; i < n; i++) {
      val = (msg[off + i] & 0xFF) + (val << 8);
      if (i % 4 == 3) {
        out[k++] = val;
        val = pad;
        num--;
      }
    }
    if (--num >= 0) {
      out[k++] = val;
    }
    while (--num >= 0) {
      out[k++] = pad;
    }
  }

  private static int f(int x, int y, int z) {
    return z ^ (x & (y ^ z));
  }

  private static int g(int x, int y, int z) {
    return (x & y) + ((x ^ y) & z);
  }

  private static int h(int x, int y, int z) {
    return x ^ y ^ z;
  }

  private static void transform(int[] buf, int[] in) {
    int a = buf[0];
    int b = buf[1];
    int c = buf[2];
    int d = buf[3];
    a = Integer.rotateLeft(a + f(b, c, d) + in[0], 3);
    d = Integer.rotateLeft(d + f(a, b, c) + in[1], 7);
    c = Integer.rotateLeft(c + f(d, a, b) + in[2], 11);
    b = Integer.rotateLeft(b + f(c, d, a) + in[3], 19);
    a = Integer.rotateLeft(a + f(b, c, d) + in[4], 3);
    d = Integer.rotateLeft(d + f(a, b, c) + in[5], 7);
    c = Integer.rotateLeft(c + f(d, a, b) + in[6], 11);
    b = Integer.rotateLeft(b + f(c, d, a) + in[7], 19);

    a = Integer.rotateLeft(a + g(b, c, d) + in[1] + K2, 3);
    d = Integer.rotateLeft(d + g(a, b, c) + in[3] + K2, 5);
    c = Integer.rotateLeft(c + g(d, a, b) + in[5] + K2, 9);
    b = Integer.rotateLeft(b + g(c, d, a) + in[7] + K2, 13);
    a = Integer.rotateLeft(a + g(b, c, d) + in[0] + K2, 3);
    d = Integer.rotateLeft(d + g(a, b, c) + in[2] + K2, 5);
    c = Integer.rotateLeft(c + g(d, a, b) + in[4] + K2, 9);
    b = Integer.rotateLeft(b + g(c, d, a) + in[6] + K2, 13);

    a = Integer.rotateLeft(a + h(b, c, d) + in[3] + K3, 3);
    d = Integer.rotateLeft(d + h(a, b, c) + in[7] + K3, 9);
    c = Integer.rotateLeft(c + h(d, a, b) + in[2] + K3, 11);
    b = Integer.rotateLeft(b + h(c, d, a) + in[6] + K3, 15);
    a = Integer.rotateLeft(a + h(b, c, d) + in[1] + K3, 3);
    d = Integer.rotateLeft(d + h(a, b, c) + in[5] + K3, 9);
    c = Integer.rotateLeft(c + h(d, a, b) + in[0] + K3, 11);
    b = Integer.rotateLeft(b + h(c, d, a) + in[4] + K3, 15);

    buf[0] += a;
    buf[1] += b;
    buf[2] += c;
    buf[3] += d;
  }
}
