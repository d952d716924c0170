/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Human sizes in binary units: parses {@code 600M}, {@code 1.5G}, {@code 4096}, {@code 8K}, {@code
 * 2T}, {@code 64MiB} and formats {@code 1.2 GiB}, {@code 600 MiB}, {@code 512 B}.
 *
 * <p>Units are powers of 1024 (K = KiB = 1024, M = MiB = 1024², G, T, and P, E for the record),
 * case-insensitive, with an optional trailing {@code B} ({@code 8KB} is 8192, as mkfs tools read
 * it). A fraction is allowed and rounded down to a whole byte ({@code 1.2G} is 1,288,490,188).
 * Output uses {@link Locale#ROOT} and never depends on the host's locale.
 *
 * <p>Stateless and thread-safe.
 */
public final class Sizes {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  private static final String SUFFIXES = "KMGTPE";
  private static final Pattern SIZE =
      Pattern.compile(
          "([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)([kmgtpe](?:i?b)?|b)?", Pattern.CASE_INSENSITIVE);
  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private Sizes() {}

  /**
   * Parses a size in bytes.
   *
   * @throws InvalidOptionException if {@code text} is empty, negative, not a size, or more than
   *     {@link Long#MAX_VALUE} bytes; the message quotes the text and says the accepted form
   */
  public static long parse(String text) throws InvalidOptionException {
    return parse(null, text);
  }

  /**
   * Parses a size in bytes given for {@code option}, which the error message names first (for
   * example {@code "--size: '12Q' is not a size; ..."}).
   *
   * @throws InvalidOptionException as {@link #parse(String)} does
   */
  public static long parse(String option, String text) throws InvalidOptionException {
    Matcher m = text == null ? null : SIZE.matcher(text);
    if (m == null || !m.matches()) {
      throw notASize(option, text);
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String unit = m.group(2);
    int power = 0;
    if (unit != null && !unit.equalsIgnoreCase("b")) {
      power = SUFFIXES.indexOf(Character.toUpperCase(unit.charAt(0))) + 1;
    }
    BigInteger bytes =
        number.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(10 * power))).toBigInteger();
    if (bytes.compareTo(MAX) > 0) {
      throw new InvalidOptionException(
          prefix(option)
              + "'"
              + text
              + "' is too large; the largest size is "
              + thousands(Long.MAX_VALUE)
              + " bytes (8 EiB)");
    }
    return bytes.longValueExact();
  }

  private static InvalidOptionException notASize(String option, String text) {
    return new InvalidOptionException(
        prefix(option)
            + "'"
            + text
            + "' is not a size; use a number with an optional K, M, G or T suffix");
  }

  private static String prefix(String option) {
    return option == null ? "" : option + ": ";
  }

  /**
   * Formats a byte count for people: below 1 KiB as {@code "512 B"}, otherwise in the largest
   * binary unit that leaves at least 1, with one decimal that is dropped when it is zero ({@code
   * "600 MiB"}, {@code "1.2 GiB"}). Rounds half up.
   *
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public static String format(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative size " + bytes);
    }
    int unit = 0;
    while (unit + 1 < UNITS.length && bytes >= 1L << (10 * (unit + 1))) {
      unit++;
    }
    if (unit == 0) {
      return bytes + " B";
    }
    BigDecimal value =
        new BigDecimal(bytes)
            .divide(new BigDecimal(1L << (10 * unit)))
            .setScale(1, RoundingMode.HALF_UP);
    if (value.compareTo(BigDecimal.valueOf(1024)) >= 0 && unit + 1 < UNITS.length) {
      unit++;
      value = value.divide(BigDecimal.valueOf(1024)).setScale(1, RoundingMode.HALF_UP);
    }
    String digits = value.toPlainString();
    if (digits.endsWith(".0")) {
      digits = digits.substring(0, digits.length() - 2);
    }
    return digits + " " + UNITS[unit];
  }

  /** An integer with comma thousands separators, whatever the host locale: {@code "1,234"}. */
  public static String thousands(long value) {
    // by hand: String.format's first use in a JVM loads the formatter and the locale's data, about
    // 7 ms of every mkfs (its summary line)
    String digits = Long.toString(value);
    int sign = value < 0 ? 1 : 0;
    int n = digits.length() - sign;
    StringBuilder sb = new StringBuilder(digits.length() + n / 3);
    sb.append(digits, 0, sign);
    for (int i = 0; i < n; i++) {
      if (i > 0 && (n - i) % 3 == 0) {
        sb.append(',');
      }
      sb.append(digits.charAt(sign + i));
    }
    return sb.toString();
  }
}
