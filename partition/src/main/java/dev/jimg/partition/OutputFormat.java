/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.InvalidOptionException;
import java.util.Locale;

/** The container a disk image is written in. */
public enum OutputFormat {
  /** The plain disk bytes, zero regions left as holes. */
  RAW("raw"),
  /** A fixed VHD: the raw bytes and a 512-byte footer; the size must be whole MiB. */
  VHD("vhd"),
  /** qcow2 version 3, 64 KiB clusters, zero clusters left unallocated. */
  QCOW2("qcow2"),
  /** Android sparse image (version 1.0, 4 KiB blocks). */
  ANDROID_SPARSE("android-sparse");

  private final String cliName;

  OutputFormat(String cliName) {
    this.cliName = cliName;
  }

  /** The name on the command line and in specs. */
  public String cliName() {
    return cliName;
  }

  /**
   * The format named {@code name} (case-insensitive).
   *
   * @throws InvalidOptionException listing the names if there is none
   */
  public static OutputFormat parse(String name) throws InvalidOptionException {
    for (OutputFormat f : values()) {
      if (f.cliName.equals(name.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new InvalidOptionException(
        "--format: '" + name + "' is not an output format; use raw, vhd, qcow2 or android-sparse");
  }
}
