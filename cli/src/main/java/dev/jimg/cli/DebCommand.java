/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.deb.DebListing;
import dev.jimg.deb.DebPackage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jimg deb}: looks into Debian packages without dpkg. */
@Command(
    name = "deb",
    addMethodSubcommands = false,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {DebCommand.Info.class, DebCommand.Contents.class},
    description = {"Look into .deb packages (no dpkg needed)."},
    footer = {
      "",
      "Examples:",
      "  jimg deb info hello_2.10-3_amd64.deb",
      "  jimg deb contents hello_2.10-3_amd64.deb"
    })
final class DebCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  /** {@code jimg deb} without a verb: usage on standard error, exit 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Cli.EXIT_USAGE;
  }

  /** {@code jimg deb info}: like {@code dpkg-deb --info}. */
  @Command(
      name = "info",
      addMethodSubcommands = false,
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = {
        "Show a package's format, sizes, control files (with '*' for maintainer scripts and"
            + " their interpreter) and control fields, as dpkg-deb --info does."
      })
  static final class Info implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(arity = "1", paramLabel = "PKG.deb", description = "A Debian binary package.")
    private Path deb;

    @Override
    public Integer call() throws IOException {
      print(spec, DebListing.info(DebPackage.open(deb)));
      return Cli.EXIT_OK;
    }
  }

  /** {@code jimg deb contents}: like {@code dpkg-deb --contents}. */
  @Command(
      name = "contents",
      addMethodSubcommands = false,
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = {
        "List a package's data archive in archive order, as dpkg-deb --contents does"
            + " (times in UTC)."
      })
  static final class Contents implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(arity = "1", paramLabel = "PKG.deb", description = "A Debian binary package.")
    private Path deb;

    @Override
    public Integer call() throws IOException {
      print(spec, DebListing.contents(DebPackage.open(deb).dataMembers()));
      return Cli.EXIT_OK;
    }
  }

  private static void print(CommandSpec spec, List<String> lines) {
    PrintWriter out = spec.commandLine().getOut();
    for (String line : lines) {
      out.print(line);
      out.print('\n');
    }
    out.flush();
  }
}
