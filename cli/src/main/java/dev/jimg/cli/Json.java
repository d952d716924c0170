/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

/**
 * A minimal JSON writer for one object at a time: string, number, boolean and nested array/object
 * values, written in call order to a {@link StringBuilder}. Strings are escaped per RFC 8259
 * (quote, backslash and every control character; U+2028/U+2029 too, so the output is also valid
 * JavaScript). The caller is responsible for well-formed nesting.
 *
 * <p>Not thread-safe.
 */
final class Json {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder out;
  private boolean needComma;

  Json(StringBuilder out) {
    this.out = out;
  }

  Json beginObject() {
    separator();
    out.append('{');
    needComma = false;
    return this;
  }

  Json endObject() {
    out.append('}');
    needComma = true;
    return this;
  }

  Json beginArray(String name) {
    name(name);
    out.append('[');
    needComma = false;
    return this;
  }

  Json endArray() {
    out.append(']');
    needComma = true;
    return this;
  }

  Json field(String name, String value) {
    name(name);
    string(out, value);
    needComma = true;
    return this;
  }

  Json field(String name, long value) {
    name(name);
    out.append(value);
    needComma = true;
    return this;
  }

  Json field(String name, boolean value) {
    name(name);
    out.append(value);
    needComma = true;
    return this;
  }

  private void name(String name) {
    separator();
    string(out, name);
    out.append(':');
  }

  private void separator() {
    if (needComma) {
      out.append(',');
    }
  }

  /** Appends {@code s} as a quoted, escaped JSON string. */
  static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029') {
            out.append("\\u")
                .append(HEX[(c >> 12) & 0xF])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** Lower-case hex of {@code bytes}, two digits a byte. */
  static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[bytes[i] & 0xF];
    }
    return new String(out);
  }
}
