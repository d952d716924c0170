/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.XZInputStream;

/**
 * The compressions a tar may come in, recognised by their magic bytes (never by a file name).
 * Stateless; {@link #decompress} returns a new stream each time. Other modules (.deb members)
 * decompress through it too, so every input shares one set of decoders and limits.
 */
public enum Compression {
  NONE(new byte[0]),
  /** RFC 1952: 1F 8B, then compression method 8 (deflate). */
  GZIP(new byte[] {0x1f, (byte) 0x8b, 0x08}),
  /** The .xz container: FD '7' 'z' 'X' 'Z' 00. */
  XZ(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}),
  /** A zstd frame: 28 B5 2F FD (little-endian 0xFD2FB528). */
  ZSTD(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}),
  /**
   * bzip2: 'B' 'Z' 'h', the block size digit '1'..'9', then a block (31 41 59 26 53 59) or the end
   * of the stream (17 72 45 38 50 90), so that a tar whose first name starts "BZh1" is no bzip2.
   */
  BZIP2(new byte[] {'B', 'Z', 'h'});

  /** Bytes {@link #detect} needs to look at. */
  public static final int MAGIC_LENGTH = 10;

  private static final byte[] BZIP2_BLOCK = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};
  private static final byte[] BZIP2_END = {0x17, 0x72, 0x45, 0x38, 0x50, (byte) 0x90};

  /** Smallest memory limit for the xz decoder (enough for presets up to -6). */
  private static final long MIN_XZ_MEMORY = 16L << 20;

  private final byte[] magic;

  Compression(byte[] magic) {
    this.magic = magic;
  }

  /** The compression whose magic starts {@code head} (of which {@code n} bytes are valid). */
  public static Compression detect(byte[] head, int n) {
    for (Compression c : values()) {
      if (c != NONE && c.matches(head, n)) {
        return c;
      }
    }
    return NONE;
  }

  private boolean matches(byte[] head, int n) {
    if (n < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (head[i] != magic[i]) {
        return false;
      }
    }
    if (this == BZIP2) {
      return n >= 10
          && head[3] >= '1'
          && head[3] <= '9'
          && (java.util.Arrays.equals(head, 4, 10, BZIP2_BLOCK, 0, 6)
              || java.util.Arrays.equals(head, 4, 10, BZIP2_END, 0, 6));
    }
    return true;
  }

  /**
   * The decompressed bytes of {@code in}; concatenated members or frames are read as one. Close the
   * stream: an xz decoder then hands its dictionary (8 MiB for a .deb's data.tar.xz) back to a
   * shared cache for the next one, instead of every package allocating and zeroing its own.
   */
  public InputStream decompress(InputStream in) throws IOException {
    return switch (this) {
      case NONE -> in;
      case GZIP -> new GZIPInputStream(in, 1 << 16);
      case XZ -> new XZInputStream(in, xzMemoryLimitKib(), true, BasicArrayCache.getInstance());
      case ZSTD -> new ZstdInputStream(in);
      case BZIP2 -> new BZip2CompressorInputStream(in, true);
    };
  }

  /**
   * A limit for the xz dictionary so that a header claiming a huge one fails with an exception
   * instead of exhausting the heap: a quarter of the maximum heap, at least {@link #MIN_XZ_MEMORY}.
   */
  private static int xzMemoryLimitKib() {
    long limit = Math.max(MIN_XZ_MEMORY, Runtime.getRuntime().maxMemory() / 4);
    return (int) Math.min(Integer.MAX_VALUE, limit >> 10);
  }

  /** Lower-case name for messages. */
  public String displayName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
