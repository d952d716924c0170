/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One extended attribute: a full name with its namespace prefix ({@code user.foo}, {@code
 * security.capability}) and a raw value. Immutable; the value is copied in and out.
 */
public final class Xattr {
  /** Orders by the unsigned UTF-8 bytes of the name, as formats store them. */
  public static final Comparator<Xattr> BY_NAME =
      (a, b) -> Arrays.compareUnsigned(a.nameBytes, b.nameBytes);

  private final String name;
  private final byte[] nameBytes;
  private final byte[] value;

  public Xattr(String name, byte[] value) {
    if (name.isEmpty() || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("bad xattr name: " + name);
    }
    this.name = name;
    this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
    this.value = value.clone();
  }

  public String name() {
    return name;
  }

  /** The value (a copy). */
  public byte[] value() {
    return value.clone();
  }

  /** Length of the value in bytes. */
  public int valueLength() {
    return value.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Xattr x && name.equals(x.name) && Arrays.equals(value, x.value);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    StringBuilder hex = new StringBuilder();
    for (byte b : value) {
      hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return name + "=0x" + hex;
  }
}
