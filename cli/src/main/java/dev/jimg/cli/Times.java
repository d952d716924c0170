/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.tree.Timestamp;

/**
 * Renders a {@link Timestamp} as ISO-8601 in UTC for every signed 64-bit second count, including
 * times far outside {@link java.time.Instant}'s range. Within that range the text equals what
 * {@code Instant.toString()} prints except that a non-zero fraction always has nine digits.
 *
 * <p>Stateless and thread-safe.
 */
final class Times {
  private static final long SECONDS_PER_DAY = 86_400L;

  /** Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar. */
  private static final long DAYS_0000_03_01_TO_EPOCH = 719_468L;

  private static final long DAYS_PER_400_YEARS = 146_097L;

  private Times() {}

  /**
   * {@code [+-]YYYY-MM-DDTHH:MM:SS[.nnnnnnnnn]Z}: years beyond 9999 carry a {@code +}, years before
   * 0000 a {@code -} (astronomical numbering, year 0 exists); the fraction appears only when the
   * nanoseconds are not zero.
   */
  static String iso8601(Timestamp t) {
    long days = Math.floorDiv(t.seconds(), SECONDS_PER_DAY);
    long secondOfDay = Math.floorMod(t.seconds(), SECONDS_PER_DAY);

    // Civil date from a day count, counting years from March so that the leap day comes last.
    long z = days + DAYS_0000_03_01_TO_EPOCH;
    long era = Math.floorDiv(z, DAYS_PER_400_YEARS);
    long dayOfEra = z - era * DAYS_PER_400_YEARS;
    long yearOfEra =
        (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / (DAYS_PER_400_YEARS - 1))
            / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthFromMarch = (5 * dayOfYear + 2) / 153;
    long day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
    long month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

    StringBuilder sb = new StringBuilder(32);
    if (year > 9999) {
      sb.append('+').append(year);
    } else if (year < 0) {
      sb.append('-');
      pad(sb, -year, 4);
    } else {
      pad(sb, year, 4);
    }
    sb.append('-');
    pad(sb, month, 2);
    sb.append('-');
    pad(sb, day, 2);
    sb.append('T');
    pad(sb, secondOfDay / 3600, 2);
    sb.append(':');
    pad(sb, secondOfDay / 60 % 60, 2);
    sb.append(':');
    pad(sb, secondOfDay % 60, 2);
    if (t.nanos() != 0) {
      sb.append('.');
      pad(sb, t.nanos(), 9);
    }
    return sb.append('Z').toString();
  }

  private static void pad(StringBuilder sb, long value, int width) {
    String digits = Long.toString(value);
    for (int i = digits.length(); i < width; i++) {
      sb.append('0');
    }
    sb.append(digits);
  }
}
