/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.tree.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TimesTest {
  private static final DateTimeFormatter NINE_DIGITS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  @Test
  void iso8601_epoch_hasNoFraction() {
    assertThat(Times.iso8601(Timestamp.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void iso8601_nanos_printsNineDigits() {
    assertThat(Times.iso8601(new Timestamp(1, 5))).isEqualTo("1970-01-01T00:00:01.000000005Z");
    assertThat(Times.iso8601(new Timestamp(0, 500_000_000)))
        .isEqualTo("1970-01-01T00:00:00.500000000Z");
  }

  @Test
  void iso8601_before1970_countsBackwards() {
    assertThat(Times.iso8601(new Timestamp(-1, 999_999_999)))
        .isEqualTo("1969-12-31T23:59:59.999999999Z");
    assertThat(Times.iso8601(Timestamp.ofSeconds(-2_208_988_800L)))
        .isEqualTo("1900-01-01T00:00:00Z");
  }

  @Test
  void iso8601_after2038_isExact() {
    assertThat(Times.iso8601(Timestamp.ofSeconds(1L << 31))).isEqualTo("2038-01-19T03:14:08Z");
    assertThat(Times.iso8601(Timestamp.ofSeconds(1L << 34))).isEqualTo("2514-05-30T01:53:04Z");
  }

  @Test
  void iso8601_leapDays_areRight() {
    assertThat(Times.iso8601(Timestamp.ofSeconds(951_782_400L))).isEqualTo("2000-02-29T00:00:00Z");
    assertThat(Times.iso8601(Timestamp.ofSeconds(4_107_542_400L)))
        .isEqualTo("2100-03-01T00:00:00Z");
  }

  @Test
  void iso8601_outsideInstantRange_stillPrints() {
    assertThat(Times.iso8601(new Timestamp(Long.MAX_VALUE, 999_999_999)))
        .isEqualTo("+292277026596-12-04T15:30:07.999999999Z");
    assertThat(Times.iso8601(Timestamp.ofSeconds(Long.MIN_VALUE)))
        .isEqualTo("-292277022657-01-27T08:29:52Z");
  }

  @Test
  void iso8601_farYears_matchInstantSigns() {
    Instant big = Instant.parse("+10000-01-01T00:00:00Z");
    assertThat(Times.iso8601(Timestamp.of(big))).isEqualTo(big.toString());
    Instant negative = Instant.parse("-0001-12-31T23:59:59Z");
    assertThat(Times.iso8601(Timestamp.of(negative))).isEqualTo(negative.toString());
  }

  @Property
  void iso8601_wholeSecondsInInstantRange_equalsInstant(
      @ForAll @LongRange(min = -31_557_014_167_219_200L, max = 31_556_889_864_403_199L)
          long seconds) {
    assertThat(Times.iso8601(Timestamp.ofSeconds(seconds)))
        .isEqualTo(Instant.ofEpochSecond(seconds).toString());
  }

  @Property
  void iso8601_withNanosAroundToday_equalsFormatter(
      @ForAll @LongRange(min = -100_000_000_000L, max = 200_000_000_000L) long seconds,
      @ForAll @IntRange(min = 1, max = 999_999_999) int nanos) {
    assertThat(Times.iso8601(new Timestamp(seconds, nanos)))
        .isEqualTo(NINE_DIGITS.format(Instant.ofEpochSecond(seconds, nanos)));
  }
}
