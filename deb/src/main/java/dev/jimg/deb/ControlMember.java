/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.tree.Timestamp;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One file of a package's {@code control.tar} ({@code control}, {@code md5sums}, {@code conffiles},
 * {@code postinst}, ...): its name without {@code ./}, permission bits, mtime and bytes. Immutable
 * (the bytes are copied in and out).
 */
public record ControlMember(String name, int mode, Timestamp mtime, byte[] data) {
  public ControlMember {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mtime, "mtime");
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The bytes as UTF-8 text (invalid bytes replaced; for listings). */
  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** Number of bytes. */
  public int size() {
    return data.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ControlMember m
        && m.name.equals(name)
        && m.mode == mode
        && m.mtime.equals(mtime)
        && java.util.Arrays.equals(m.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, mode, mtime, java.util.Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return name + " (" + data.length + " bytes, mode " + Integer.toOctalString(mode) + ")";
  }
}
