/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.partition.OutputFormat;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options of the verbs that write whole disks ({@code disk}, {@code build}): a mixin. */
final class DiskOutputOptions {
  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "raw",
      description = "raw (sparse file, default), vhd (fixed), qcow2 or android-sparse.")
  String format;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      description =
          "Seed for all identities (overrides the spec's); a UUID is used as systemd-repart's"
              + " --seed.")
  String seed;

  /** The container to write. */
  OutputFormat outputFormat() throws InvalidOptionException {
    return OutputFormat.parse(format);
  }

  /** The seed given on the command line, if any. */
  Optional<String> seed() {
    return Optional.ofNullable(seed);
  }
}
