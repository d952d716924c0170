/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.spi;

import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import java.util.Objects;

/**
 * What every writer needs from the build besides its options: the clock for "now" and the ceiling
 * of times, and the identities to draw UUIDs, volume ids and hash seeds from.
 *
 * <p>For a filesystem in a partition the disk layer passes {@code
 * Identities.fromSeed(partitionUuid)} so that the filesystem UUID, as {@code
 * identities.uuid(Identities.FILESYSTEM_UUID_LABEL)}, matches what systemd-repart would give it.
 * Writers use {@link Identities#FILESYSTEM_UUID_LABEL} for their filesystem UUID and their own
 * labels ({@code "ext4-hash-seed"}) for everything else.
 *
 * @param clock the build clock
 * @param identities where identities come from
 */
public record WriteContext(BuildClock clock, Identities identities) {
  public WriteContext {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(identities, "identities");
  }
}
