/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import dev.jimg.core.tree.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A FAT date and time (Microsoft FAT specification 1.03, "Date and Time Formats"): a 16-bit date
 * (year since 1980, month, day) and a 16-bit time with 2-second resolution, plus a creation-time
 * hundredths byte. FAT stores no zone; jimg always writes UTC, so images do not depend on the build
 * host's {@code TZ}.
 *
 * @param date {@code DIR_WrtDate} layout: bits 15–9 year − 1980, 8–5 month, 4–0 day
 * @param time {@code DIR_WrtTime} layout: bits 15–11 hours, 10–5 minutes, 4–0 seconds / 2
 * @param tenths {@code DIR_CrtTimeTenth}: hundredths of a second, 0–199
 */
public record FatTimestamp(int date, int time, int tenths) {
  /** 1980-01-01T00:00:00Z, the earliest FAT time. */
  public static final Timestamp MIN = Timestamp.ofSeconds(315_532_800L);

  /** 2107-12-31T23:59:58Z, the latest FAT time. */
  public static final Timestamp MAX = Timestamp.ofSeconds(4_354_819_198L);

  /** {@code t} in UTC, clamped to {@link #MIN}..{@link #MAX}, seconds rounded down to even. */
  public static FatTimestamp of(Timestamp t) {
    Timestamp c = clamp(t);
    LocalDateTime d = LocalDateTime.ofEpochSecond(c.seconds(), 0, ZoneOffset.UTC);
    int date = ((d.getYear() - 1980) << 9) | (d.getMonthValue() << 5) | d.getDayOfMonth();
    int time = (d.getHour() << 11) | (d.getMinute() << 5) | (d.getSecond() / 2);
    int tenths = c == t ? (d.getSecond() % 2) * 100 + t.nanos() / 10_000_000 : 0;
    return new FatTimestamp(date, time, tenths);
  }

  /** {@code t} limited to {@link #MIN}..{@link #MAX} ({@code t} itself when inside). */
  static Timestamp clamp(Timestamp t) {
    return t.compareTo(MIN) < 0 ? MIN : t.compareTo(MAX) > 0 ? MAX : t;
  }

  /** The UTC time these fields name (creation hundredths ignored), or {@code null} if invalid. */
  public static Timestamp decode(int date, int time) {
    int year = 1980 + ((date >>> 9) & 0x7F);
    int month = (date >>> 5) & 0xF;
    int day = date & 0x1F;
    int hour = (time >>> 11) & 0x1F;
    int minute = (time >>> 5) & 0x3F;
    int second = (time & 0x1F) * 2;
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    try {
      LocalDateTime d = LocalDateTime.of(year, month, day, hour, minute, second);
      return Timestamp.ofSeconds(d.toEpochSecond(ZoneOffset.UTC));
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }
}
