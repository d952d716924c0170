/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShortNameTest {
  private static String s(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }

  @Test
  void of_classifiesCase() {
    assertThat(ShortName.of("README.TXT").needsLongName()).isFalse();
    assertThat(ShortName.of("readme.txt").ntFlags()).isEqualTo(0x18);
    assertThat(ShortName.of("Readme.txt").needsLongName()).isTrue();
    assertThat(s(ShortName.of("Readme.txt").bytes())).isEqualTo("README  TXT");
    assertThat(ShortName.of("toolongname.txt")).isNull();
    assertThat(ShortName.of(".bashrc")).isNull();
    assertThat(ShortName.of("a+b")).isNull();
    assertThat(ShortName.of("a.b.c")).isNull();
  }

  @Test
  void generate_tildesThenHashTails() {
    ShortName.Generator g = new ShortName.Generator();
    assertThat(s(g.generate("Long File Name.html"))).isEqualTo("LONGFI~1HTM");
    assertThat(s(g.generate("Long File Name 2.html"))).isEqualTo("LONGFI~2HTM");
    assertThat(s(g.generate("Long File Name 3.html"))).isEqualTo("LONGFI~3HTM");
    assertThat(s(g.generate("Long File Name 4.html"))).isEqualTo("LONGFI~4HTM");
    assertThat(s(g.generate("Long File Name 5.html"))).matches("LO[0-9A-F]{4}~1HTM");
    assertThat(s(g.generate(".profile"))).isEqualTo("PROFIL~1   ");
    assertThat(s(g.generate("a+b;c"))).isEqualTo("A_B_C~1    ");
    assertThat(s(g.generate("\u00e9t\u00e9.txt"))).isEqualTo("_T_~1   TXT");
  }
}
