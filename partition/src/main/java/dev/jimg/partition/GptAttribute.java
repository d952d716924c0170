/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.InvalidOptionException;
import java.util.Locale;

/**
 * GPT partition attribute bits by name: the UEFI ones (bits 0–2, UEFI 2.10 Table 5-8) and those the
 * Discoverable Partitions Specification gives bits 59–63 of the type-specific range.
 */
public enum GptAttribute {
  /** Bit 0: the platform requires the partition to function. */
  REQUIRED("required", 0),
  /** Bit 1: firmware must not produce an EFI_BLOCK_IO_PROTOCOL for it. */
  NO_BLOCK_IO_PROTOCOL("no-block-io-protocol", 1),
  /** Bit 2: legacy BIOS bootable. */
  LEGACY_BIOS_BOOTABLE("legacy-bios-bootable", 2),
  /** Bit 59 (DPS): grow the filesystem to the partition on first mount. */
  GROW_FS("grow-fs", 59),
  /** Bit 60 (DPS): mount read-only. */
  READ_ONLY("read-only", 60),
  /** Bit 62 (DPS): hidden, not mounted automatically by its type. */
  HIDDEN("hidden", 62),
  /** Bit 63 (DPS): do not mount automatically. */
  NO_AUTO("no-auto", 63);

  private final String specName;
  private final int bit;

  GptAttribute(String specName, int bit) {
    this.specName = specName;
    this.bit = bit;
  }

  /** The name used in specs ({@code "read-only"}). */
  public String specName() {
    return specName;
  }

  /** The bit number, 0–63. */
  public int bit() {
    return bit;
  }

  /**
   * The bit mask for a name from this enum's {@link #specName()} or a bit number 0–63 written in
   * decimal (for bits without a name, such as 48–55 of the type-specific range).
   *
   * @param where what is being parsed, for the message ({@code "partitions[0].attributes[1]"})
   * @throws InvalidOptionException naming {@code where} and listing the names if it is neither
   */
  public static long mask(String where, String nameOrBit) throws InvalidOptionException {
    String n = nameOrBit.trim().toLowerCase(Locale.ROOT);
    for (GptAttribute a : values()) {
      if (a.specName.equals(n)) {
        return 1L << a.bit;
      }
    }
    if (n.matches("[0-9]{1,2}") && Integer.parseInt(n) < 64) {
      return 1L << Integer.parseInt(n);
    }
    StringBuilder names = new StringBuilder();
    for (GptAttribute a : values()) {
      names.append(names.length() == 0 ? "" : ", ").append(a.specName);
    }
    throw new InvalidOptionException(
        where
            + ": '"
            + nameOrBit
            + "' is not a GPT attribute; use one of "
            + names
            + " or a bit number 0-63");
  }
}
