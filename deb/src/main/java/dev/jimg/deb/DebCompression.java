/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * How a {@code control.tar} or {@code data.tar} member of a .deb is compressed, as its member name
 * says (dpkg decides by the name, and so do we; the bytes must then match). Stateless.
 */
enum DebCompression {
  NONE(""),
  GZIP(".gz"),
  XZ(".xz"),
  ZSTD(".zst"),
  BZIP2(".bz2");

  /** Smallest memory limit for the xz decoder (enough for presets up to -6). */
  private static final long MIN_XZ_MEMORY = 16L << 20;

  private final String suffix;

  DebCompression(String suffix) {
    this.suffix = suffix;
  }

  /**
   * The compression of member {@code name} that starts with {@code stem} ({@code "data.tar"}), or
   * {@code null} if the suffix is none of ours.
   */
  static DebCompression forMember(String stem, String name) {
    if (!name.startsWith(stem)) {
      return null;
    }
    String rest = name.substring(stem.length());
    for (DebCompression c : values()) {
      if (c.suffix.equals(rest)) {
        return c;
      }
    }
    return null;
  }

  InputStream decompress(InputStream in) throws IOException {
    return switch (this) {
      case NONE -> in;
      case GZIP -> new GZIPInputStream(in, 1 << 16);
      case XZ -> new XZInputStream(in, xzMemoryLimitKib());
      case ZSTD -> new ZstdInputStream(in);
      case BZIP2 -> new BZip2CompressorInputStream(in, true);
    };
  }

  /** A quarter of the heap, at least {@link #MIN_XZ_MEMORY}: a huge claimed dictionary fails. */
  private static int xzMemoryLimitKib() {
    long limit = Math.max(MIN_XZ_MEMORY, Runtime.getRuntime().maxMemory() / 4);
    return (int) Math.min(Integer.MAX_VALUE, limit >> 10);
  }

  String displayName() {
    return this == NONE ? "uncompressed" : name().toLowerCase(Locale.ROOT);
  }
}
