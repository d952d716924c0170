/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.tree.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FatTimestampTest {
  private static FatTimestamp at(String iso) {
    return FatTimestamp.of(Timestamp.of(Instant.parse(iso)));
  }

  @Test
  void of_utcFieldsTwoSecondResolution() {
    FatTimestamp t = at("2023-11-14T22:13:21.50Z");
    assertThat(t.date()).isEqualTo(((2023 - 1980) << 9) | (11 << 5) | 14);
    assertThat(t.time()).isEqualTo((22 << 11) | (13 << 5) | 10);
    assertThat(t.tenths()).isEqualTo(150);
  }

  @Test
  void of_2100IsNotALeapYear() {
    assertThat(at("2100-03-01T00:00:00Z").date()).isEqualTo((120 << 9) | (3 << 5) | 1);
    assertThat(FatTimestamp.decode((120 << 9) | (3 << 5) | 1, 0))
        .isEqualTo(Timestamp.of(Instant.parse("2100-03-01T00:00:00Z")));
  }

  @Test
  void of_outsideRange_clamped() {
    assertThat(FatTimestamp.of(Timestamp.ofSeconds(0)))
        .isEqualTo(new FatTimestamp((0 << 9) | (1 << 5) | 1, 0, 0));
    assertThat(FatTimestamp.of(Timestamp.ofSeconds(1L << 40)))
        .isEqualTo(new FatTimestamp((127 << 9) | (12 << 5) | 31, (23 << 11) | (59 << 5) | 29, 0));
  }
}
