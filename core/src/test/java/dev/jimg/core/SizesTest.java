/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SizesTest {
  @Test
  void parse_unitsAreBinaryAndCaseInsensitive() throws Exception {
    assertThat(Sizes.parse("4096")).isEqualTo(4096);
    assertThat(Sizes.parse("8K")).isEqualTo(8192);
    assertThat(Sizes.parse("8k")).isEqualTo(8192);
    assertThat(Sizes.parse("600M")).isEqualTo(600L << 20);
    assertThat(Sizes.parse("1.5G")).isEqualTo(3L << 29);
    assertThat(Sizes.parse("2T")).isEqualTo(2L << 40);
    assertThat(Sizes.parse("64MiB")).isEqualTo(64L << 20);
    assertThat(Sizes.parse("64mib")).isEqualTo(64L << 20);
    assertThat(Sizes.parse("1KiB")).isEqualTo(1024);
    assertThat(Sizes.parse("3GiB")).isEqualTo(3L << 30);
    assertThat(Sizes.parse("1TiB")).isEqualTo(1L << 40);
    assertThat(Sizes.parse("8KB")).isEqualTo(8192);
    assertThat(Sizes.parse("512B")).isEqualTo(512);
    assertThat(Sizes.parse("0")).isZero();
    assertThat(Sizes.parse(".5K")).isEqualTo(512);
  }

  @Test
  void parse_fraction_roundsDownToWholeByte() throws Exception {
    assertThat(Sizes.parse("1.2G")).isEqualTo(1_288_490_188L);
    assertThat(Sizes.parse("0.1K")).isEqualTo(102);
  }

  @Test
  void parse_garbage_isRejectedWithAcceptedForm() {
    for (String bad :
        new String[] {
          "12Q", "", "-1", "-1M", "1.", "M", "1 M", " 1", "1e6", "0x10", "1MM", "1iB"
        }) {
      assertThatThrownBy(() -> Sizes.parse(bad))
          .as("'%s'", bad)
          .isInstanceOf(InvalidOptionException.class)
          .hasMessage(
              "'" + bad + "' is not a size; use a number with an optional K, M, G or T suffix");
    }
  }

  @Test
  void parse_withOption_namesTheOption() {
    assertThatThrownBy(() -> Sizes.parse("--size", "12Q"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage(
            "--size: '12Q' is not a size; use a number with an optional K, M, G or T suffix");
  }

  @Test
  void parse_overflow_isRejected() throws Exception {
    assertThat(Sizes.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(Sizes.parse("7E")).isEqualTo(7L << 60);
    for (String big :
        new String[] {"9223372036854775808", "8E", "9999999T", "99999999999999999999"}) {
      assertThatThrownBy(() -> Sizes.parse(big))
          .as(big)
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("'" + big + "' is too large");
    }
  }

  @Test
  void format_picksLargestUnitWithOneDecimal() {
    assertThat(Sizes.format(0)).isEqualTo("0 B");
    assertThat(Sizes.format(512)).isEqualTo("512 B");
    assertThat(Sizes.format(1023)).isEqualTo("1023 B");
    assertThat(Sizes.format(1024)).isEqualTo("1 KiB");
    assertThat(Sizes.format(1536)).isEqualTo("1.5 KiB");
    assertThat(Sizes.format(600L << 20)).isEqualTo("600 MiB");
    assertThat(Sizes.format(1_288_490_188L)).isEqualTo("1.2 GiB");
    assertThat(Sizes.format((1L << 30) - 1)).isEqualTo("1 GiB");
    assertThat(Sizes.format(Long.MAX_VALUE)).isEqualTo("8 EiB");
  }

  @Test
  void format_negative_isRejected() {
    assertThatThrownBy(() -> Sizes.format(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void thousands_usesCommasWhateverTheLocale() {
    assertThat(Sizes.thousands(1234)).isEqualTo("1,234");
    assertThat(Sizes.thousands(0)).isEqualTo("0");
    assertThat(Sizes.thousands(-1_234_567)).isEqualTo("-1,234,567");
  }

  @Property(tries = 1000)
  void thousands_isWhatTheRootLocaleFormatGives(@ForAll long n) {
    assertThat(Sizes.thousands(n)).isEqualTo(String.format(java.util.Locale.ROOT, "%,d", n));
  }

  @Property(tries = 300)
  void parse_ofPlainDigits_isTheNumber(@ForAll @LongRange(min = 0) long n) throws Exception {
    assertThat(Sizes.parse(Long.toString(n))).isEqualTo(n);
  }

  @Property(tries = 300)
  void format_thenParse_isWithinRoundingOfOriginal(
      @ForAll @LongRange(min = 0, max = 1L << 50) long n) throws Exception {
    String s = Sizes.format(n).replace(" ", "");
    long back = Sizes.parse(s);
    assertThat((double) Math.abs(back - n)).isLessThanOrEqualTo(Math.max(1, n * 0.05));
  }
}
