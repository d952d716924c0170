/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import java.time.Instant;

/**
 * A point in time as signed 64-bit seconds since 1970-01-01T00:00:00Z plus nanoseconds
 * (0..999,999,999). Covers the full 64-bit range, before 1970 and after 2038 alike; {@link Instant}
 * is used only where a value fits it.
 *
 * @param seconds seconds since the epoch, negative before 1970
 * @param nanos nanoseconds within the second, 0..999,999,999
 */
public record Timestamp(long seconds, int nanos) implements Comparable<Timestamp> {
  /** 1970-01-01T00:00:00Z. */
  public static final Timestamp EPOCH = new Timestamp(0, 0);

  public Timestamp {
    if (nanos < 0 || nanos > 999_999_999) {
      throw new IllegalArgumentException("nanoseconds out of range: " + nanos);
    }
  }

  /** Whole seconds. */
  public static Timestamp ofSeconds(long seconds) {
    return new Timestamp(seconds, 0);
  }

  public static Timestamp of(Instant instant) {
    return new Timestamp(instant.getEpochSecond(), instant.getNano());
  }

  /**
   * As an {@link Instant}.
   *
   * @throws java.time.DateTimeException if outside Instant's range
   */
  public Instant toInstant() {
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** This time with the nanoseconds dropped. */
  public Timestamp truncatedToSeconds() {
    return nanos == 0 ? this : new Timestamp(seconds, 0);
  }

  @Override
  public int compareTo(Timestamp o) {
    int c = Long.compare(seconds, o.seconds);
    return c != 0 ? c : Integer.compare(nanos, o.nanos);
  }

  /** The later of two times. */
  public static Timestamp max(Timestamp a, Timestamp b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** ISO-8601 in UTC where it fits an Instant, else {@code seconds.nanos}. */
  @Override
  public String toString() {
    try {
      return toInstant().toString();
    } catch (java.time.DateTimeException e) {
      return seconds + "." + String.format(java.util.Locale.ROOT, "%09d", nanos) + "s";
    }
  }
}
