/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.source.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * How a {@code control.tar} or {@code data.tar} member of a .deb is compressed, as its member name
 * says (dpkg decides by the name, and so do we; the bytes must then match). Decoding is core's
 * {@link Compression} of the same name. Stateless.
 */
enum DebCompression {
  NONE(""),
  GZIP(".gz"),
  XZ(".xz"),
  ZSTD(".zst"),
  BZIP2(".bz2");

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
    return Compression.valueOf(name()).decompress(in);
  }

  String displayName() {
    return this == NONE ? "uncompressed" : name().toLowerCase(Locale.ROOT);
  }
}
