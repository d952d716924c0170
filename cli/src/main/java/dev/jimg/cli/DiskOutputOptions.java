/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.partition.OutputFormat;
import java.util.Optional;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.ParseResult;

/** The options of the verbs that write whole disks ({@code disk}, {@code build}). */
final class DiskOutputOptions {
  private final String format;
  private final String seed;

  private DiskOutputOptions(String format, String seed) {
    this.format = format;
    this.seed = seed;
  }

  /** The options, for a verb's command line. */
  static ArgSpec[] args() {
    return new ArgSpec[] {
      Specs.option(
          "FORMAT",
          "raw (sparse file, default), vhd (fixed), qcow2 or android-sparse.",
          "--format"),
      Specs.option(
          "SEED",
          "Seed for all identities (overrides the spec's); a UUID is used as systemd-repart's"
              + " --seed.",
          "--seed")
    };
  }

  /** The options as given on a command line parsed with {@link #args}. */
  static DiskOutputOptions of(ParseResult pr) {
    return new DiskOutputOptions(
        pr.matchedOptionValue("--format", "raw"), pr.matchedOptionValue("--seed", null));
  }

  /** The container to write. */
  OutputFormat outputFormat() throws InvalidOptionException {
    return OutputFormat.parse(format);
  }

  /** The seed given on the command line, if any. */
  Optional<String> seed() {
    return Optional.ofNullable(seed);
  }
}
