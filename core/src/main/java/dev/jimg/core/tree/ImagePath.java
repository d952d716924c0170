/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A normalised path inside an image, relative to its root, held as bytes (POSIX names are bytes,
 * not necessarily UTF-8). Components are joined by {@code /}; there is no leading or trailing
 * slash, no empty, {@code .} or {@code ..} component and no NUL byte. The root is the empty path.
 * Paths order by unsigned bytes, so a parent always sorts before its descendants.
 *
 * <p>Immutable and thread-safe.
 */
public final class ImagePath implements Comparable<ImagePath> {
  /** The image root. */
  public static final ImagePath ROOT = new ImagePath(new byte[0]);

  private static final byte SLASH = '/';

  private final byte[] bytes;
  private int hash;

  private ImagePath(byte[] normalised) {
    this.bytes = normalised;
  }

  /**
   * Parses a path given as UTF-8 text. See {@link #parse(byte[])}.
   *
   * @throws IllegalArgumentException if the path is unsafe; see {@link #problem(byte[])}
   */
  public static ImagePath of(String path) {
    return parse(path.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses raw path bytes. Leading {@code ./}, repeated and trailing slashes and {@code .}
   * components are dropped; {@code "."}, {@code "./"} and {@code ""} name the root.
   *
   * @throws IllegalArgumentException if {@link #problem(byte[])} reports one
   */
  public static ImagePath parse(byte[] raw) {
    String problem = problem(raw);
    if (problem != null) {
      throw new IllegalArgumentException(problem + ": " + display(raw));
    }
    byte[] out = new byte[raw.length];
    int n = 0;
    int i = 0;
    while (i < raw.length) {
      int end = i;
      while (end < raw.length && raw[end] != SLASH) {
        end++;
      }
      int len = end - i;
      boolean dot = len == 1 && raw[i] == '.';
      if (len > 0 && !dot) {
        if (n > 0) {
          out[n++] = SLASH;
        }
        System.arraycopy(raw, i, out, n, len);
        n += len;
      }
      i = end + 1;
    }
    return n == 0 ? ROOT : new ImagePath(Arrays.copyOf(out, n));
  }

  /**
   * Says why raw path bytes cannot name an entry inside an image, or returns {@code null} when they
   * can: an absolute path, a {@code ..} component or a NUL byte. Sources call this to raise their
   * own typed error naming the input and offset.
   */
  public static String problem(byte[] raw) {
    if (raw.length > 0 && raw[0] == SLASH) {
      return "absolute path";
    }
    int i = 0;
    while (i <= raw.length) {
      int end = i;
      while (end < raw.length && raw[end] != SLASH) {
        if (raw[end] == 0) {
          return "NUL byte in path";
        }
        end++;
      }
      if (end - i == 2 && raw[i] == '.' && raw[i + 1] == '.') {
        return "'..' component (a path in an image names no '..', even one that stays inside)";
      }
      i = end + 1;
    }
    return null;
  }

  /** Whether this is the root. */
  public boolean isRoot() {
    return bytes.length == 0;
  }

  /** The path's bytes (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Number of bytes of the path. */
  public int length() {
    return bytes.length;
  }

  /** The parent directory; the root's parent is the root. */
  public ImagePath parent() {
    int slash = lastSlash();
    return slash < 0 ? ROOT : new ImagePath(Arrays.copyOf(bytes, slash));
  }

  /** The last component's bytes (empty for the root). */
  public byte[] name() {
    return Arrays.copyOfRange(bytes, lastSlash() + 1, bytes.length);
  }

  /** The last component decoded as UTF-8 (invalid bytes replaced); for display and ASCII checks. */
  public String nameString() {
    return new String(name(), StandardCharsets.UTF_8);
  }

  /**
   * This path with one more component.
   *
   * @throws IllegalArgumentException if the name is empty, {@code .}, {@code ..}, or contains a
   *     slash or NUL
   */
  public ImagePath child(byte[] name) {
    if (name.length == 0
        || (name.length == 1 && name[0] == '.')
        || (name.length == 2 && name[0] == '.' && name[1] == '.')) {
      throw new IllegalArgumentException("not a file name: " + display(name));
    }
    for (byte b : name) {
      if (b == SLASH || b == 0) {
        throw new IllegalArgumentException("not a file name: " + display(name));
      }
    }
    if (isRoot()) {
      return new ImagePath(name.clone());
    }
    byte[] out = Arrays.copyOf(bytes, bytes.length + 1 + name.length);
    out[bytes.length] = SLASH;
    System.arraycopy(name, 0, out, bytes.length + 1, name.length);
    return new ImagePath(out);
  }

  /** {@link #child(byte[])} for a UTF-8 name. */
  public ImagePath child(String name) {
    return child(name.getBytes(StandardCharsets.UTF_8));
  }

  /** This path followed by a relative one. */
  public ImagePath resolve(ImagePath relative) {
    if (relative.isRoot()) {
      return this;
    }
    if (isRoot()) {
      return relative;
    }
    byte[] out = Arrays.copyOf(bytes, bytes.length + 1 + relative.bytes.length);
    out[bytes.length] = SLASH;
    System.arraycopy(relative.bytes, 0, out, bytes.length + 1, relative.bytes.length);
    return new ImagePath(out);
  }

  /** Number of components; 0 for the root. */
  public int depth() {
    if (isRoot()) {
      return 0;
    }
    int d = 1;
    for (byte b : bytes) {
      if (b == SLASH) {
        d++;
      }
    }
    return d;
  }

  /** The components, first to last. */
  public List<byte[]> components() {
    List<byte[]> out = new ArrayList<>();
    int i = 0;
    while (i < bytes.length) {
      int end = i;
      while (end < bytes.length && bytes[end] != SLASH) {
        end++;
      }
      out.add(Arrays.copyOfRange(bytes, i, end));
      i = end + 1;
    }
    return out;
  }

  /** Whether {@code ancestor} is this path or one of its ancestors (the root is everyone's). */
  public boolean startsWith(ImagePath ancestor) {
    if (ancestor.isRoot()) {
      return true;
    }
    if (bytes.length < ancestor.bytes.length) {
      return false;
    }
    if (!Arrays.equals(bytes, 0, ancestor.bytes.length, ancestor.bytes, 0, ancestor.bytes.length)) {
      return false;
    }
    return bytes.length == ancestor.bytes.length || bytes[ancestor.bytes.length] == SLASH;
  }

  /**
   * The smallest path greater than every descendant of this one: descendants of {@code p} are
   * exactly the paths in [{@code p + "/"}, {@code descendantsEnd()}).
   */
  ImagePath descendantsStart() {
    return isRoot() ? ROOT : new ImagePath(appendByte(SLASH));
  }

  ImagePath descendantsEnd() {
    return new ImagePath(appendByte((byte) (SLASH + 1)));
  }

  private byte[] appendByte(byte b) {
    byte[] out = Arrays.copyOf(bytes, bytes.length + 1);
    out[bytes.length] = b;
    return out;
  }

  private int lastSlash() {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == SLASH) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public int compareTo(ImagePath other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImagePath p && Arrays.equals(bytes, p.bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(bytes);
      hash = h;
    }
    return h;
  }

  /**
   * The path for people: UTF-8 where valid, other bytes as {@code \xNN}, backslash doubled. The
   * root is {@code "."}.
   */
  @Override
  public String toString() {
    return isRoot() ? "." : display(bytes);
  }

  /** Renders arbitrary bytes as text: valid UTF-8 as is, other bytes as {@code \xNN}. */
  public static String display(byte[] raw) {
    // Runs of valid, printable UTF-8 are decoded whole (one String per run, not per character);
    // every name of a tree is displayed once as it is read, so this is on the hot path.
    StringBuilder sb = null;
    int start = 0;
    int i = 0;
    while (i < raw.length) {
      int b = raw[i] & 0xFF;
      int len = utf8Length(raw, i);
      if (len != 0 && b != '\\' && b >= 0x20 && b != 0x7F) {
        i += len;
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(raw.length + 8);
      }
      sb.append(new String(raw, start, i - start, StandardCharsets.UTF_8));
      if (len != 0 && b == '\\') {
        sb.append("\\\\");
      } else {
        sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", b));
      }
      i++;
      start = i;
    }
    if (sb == null) {
      return new String(raw, StandardCharsets.UTF_8);
    }
    return sb.append(new String(raw, start, i - start, StandardCharsets.UTF_8)).toString();
  }

  /** Length of the well-formed UTF-8 sequence at {@code i}, or 0 if there is none. */
  private static int utf8Length(byte[] raw, int i) {
    int b = raw[i] & 0xFF;
    int len;
    int min;
    if (b < 0x80) {
      return 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
      min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      min = 0x10000;
    } else {
      return 0;
    }
    if (i + len > raw.length) {
      return 0;
    }
    int cp = b & (0x3F >> (len - 1));
    for (int k = 1; k < len; k++) {
      int c = raw[i + k] & 0xFF;
      if ((c & 0xC0) != 0x80) {
        return 0;
      }
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return 0;
    }
    return len;
  }
}
