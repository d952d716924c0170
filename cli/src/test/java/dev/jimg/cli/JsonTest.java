/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {
  private static String quote(String s) {
    StringBuilder sb = new StringBuilder();
    Json.string(sb, s);
    return sb.toString();
  }

  @Test
  void string_quotesAndBackslashes_areEscaped() {
    assertThat(quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
  }

  @Test
  void string_controlCharacters_areEscaped() {
    assertThat(quote("\n\r\t\b\f\u0000\u001f\u007f"))
        .isEqualTo("\"\\n\\r\\t\\b\\f\\u0000\\u001f\\u007f\"");
  }

  @Test
  void string_lineSeparators_areEscaped() {
    assertThat(quote("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
  }

  @Test
  void string_nonAscii_isKept() {
    assertThat(quote("ü😀/")).isEqualTo("\"ü😀/\"");
  }

  @Test
  void object_nestedFields_areCommaSeparated() {
    StringBuilder sb = new StringBuilder();
    new Json(sb)
        .beginObject()
        .field("a", "x")
        .field("b", -1L)
        .field("c", true)
        .beginArray("d")
        .beginObject()
        .field("e", 1)
        .endObject()
        .beginObject()
        .endObject()
        .endArray()
        .endObject();
    assertThat(sb).hasToString("{\"a\":\"x\",\"b\":-1,\"c\":true,\"d\":[{\"e\":1},{}]}");
  }

  @Test
  void hex_allBytes_twoLowerCaseDigitsEach() {
    assertThat(Json.hex(new byte[] {0, 0x7f, (byte) 0x80, (byte) 0xff})).isEqualTo("007f80ff");
  }
}
