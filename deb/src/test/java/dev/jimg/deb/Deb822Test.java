/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class Deb822Test {
  @Test
  void parse_continuationLinesAndOrder_keptAsWritten() throws Exception {
    String text =
        "Package: hello\nVersion: 1.0\nDescription: short\n long line\n .\n more\n\n"
            + "Package: other\nconffiles:\n /etc/a 123\n";
    List<ControlParagraph> ps = Deb822.parse(text, "t", false);
    assertThat(ps).hasSize(2);
    assertThat(ps.get(0).fields())
        .extracting(ControlParagraph.Field::name)
        .containsExactly("Package", "Version", "Description");
    assertThat(ps.get(0).get("description")).hasValue("short\n long line\n .\n more");
    assertThat(ps.get(1).get("Conffiles")).hasValue("\n /etc/a 123");
    assertThat(Deb822.write(ps)).isEqualTo(text + "\n");
  }

  @Test
  void parse_fieldNamesCaseInsensitive_duplicateIsErrorWithLine() {
    assertThatThrownBy(() -> Deb822.parse("Package: a\nVersion: 1\npackage: b\n", "ctl", false))
        .isInstanceOf(Deb822Exception.class)
        .hasMessageContaining("ctl line 3")
        .hasMessageContaining("given twice");
  }

  @Test
  void parse_commentsSkippedOnlyWhenAllowed() throws Exception {
    String text = "# comment\nPackage: a\n# inside\nVersion: 1\n";
    assertThat(Deb822.parse(text, "c", true).get(0).fields()).hasSize(2);
    assertThatThrownBy(() -> Deb822.parse(text, "status", false))
        .isInstanceOf(Deb822Exception.class)
        .hasMessageContaining("status line 1");
  }

  @Test
  void parse_whitespaceOnlyLineSeparatesParagraphs() throws Exception {
    assertThat(Deb822.parse("A: 1\n \t\nB: 2\n", "t", false)).hasSize(2);
  }

  @Test
  void parse_continuationBeforeField_errorWithLine() {
    assertThatThrownBy(() -> Deb822.parse("\n continued\n", "f", false))
        .isInstanceOf(Deb822Exception.class)
        .hasMessageContaining("f line 2")
        .hasMessageContaining("continuation line before any field");
  }

  @Test
  void parse_lineWithoutColon_errorWithLine() {
    assertThatThrownBy(() -> Deb822.parse("A: 1\nnonsense\n", "f", false))
        .isInstanceOf(Deb822Exception.class)
        .hasMessageContaining("f line 2");
  }

  @Test
  void parse_badFieldName_error() {
    assertThatThrownBy(() -> Deb822.parse("Bad Name: 1\n", "f", false))
        .isInstanceOf(Deb822Exception.class)
        .hasMessageContaining("field name 'Bad Name'");
    assertThatThrownBy(() -> Deb822.parse(": 1\n", "f", false))
        .isInstanceOf(Deb822Exception.class)
        .hasMessageContaining("empty");
  }

  @Test
  void decode_invalidUtf8_typedError() {
    byte[] bad = "Maintainer: J\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> Deb822.decode(bad, "ctl"))
        .isInstanceOf(Deb822Exception.class)
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void parseOne_twoParagraphs_error() {
    assertThatThrownBy(() -> Deb822.parseOne("A: 1\n\nB: 2\n", "control"))
        .isInstanceOf(Deb822Exception.class)
        .hasMessageContaining("expected one paragraph, found 2");
  }

  @Test
  void builder_setReplacesInPlace_writesEmptyFirstLineWithoutSpace() {
    ControlParagraph p =
        ControlParagraph.builder()
            .set("Package", "a")
            .set("Conffiles", "\n /etc/x newconffile")
            .set("package", "b")
            .build();
    assertThat(p.toText()).isEqualTo("Package: b\nConffiles:\n /etc/x newconffile\n");
  }
}
