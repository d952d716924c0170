/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.progress;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * How far one phase of an operation has got: {@code done} of {@code total} bytes or items.
 *
 * @param phase a short name for what is happening ({@code "writing inode tables"}, {@code "copying
 *     file data"}), stable for the phase
 * @param unit what {@code done} and {@code total} count
 * @param done how many are done, from 0
 * @param total how many there are, or {@link #UNKNOWN}
 */
public record ProgressEvent(String phase, Unit unit, long done, long total) {
  /** The total when it is not known. */
  public static final long UNKNOWN = -1;

  /** What an event counts. */
  public enum Unit {
    BYTES,
    ITEMS
  }

  public ProgressEvent {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(unit, "unit");
    if (done < 0 || total < UNKNOWN) {
      throw new IllegalArgumentException(
          phase + ": negative progress done=" + done + " total=" + total);
    }
  }

  /** {@code done} of {@code total} bytes ({@link #UNKNOWN} if not known). */
  public static ProgressEvent bytes(String phase, long done, long total) {
    return new ProgressEvent(phase, Unit.BYTES, done, total);
  }

  /** {@code done} of {@code total} items ({@link #UNKNOWN} if not known). */
  public static ProgressEvent items(String phase, long done, long total) {
    return new ProgressEvent(phase, Unit.ITEMS, done, total);
  }

  /** The total, if known. */
  public OptionalLong totalIfKnown() {
    return total == UNKNOWN ? OptionalLong.empty() : OptionalLong.of(total);
  }

  /** Whether the total is known and reached. */
  public boolean isComplete() {
    return total != UNKNOWN && done >= total;
  }
}
