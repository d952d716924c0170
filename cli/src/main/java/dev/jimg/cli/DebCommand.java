/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.Specs.lines;

import dev.jimg.deb.DebListing;
import dev.jimg.deb.DebPackage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code jimg deb}: looks into Debian packages without dpkg. */
final class DebCommand implements Callable<Integer> {
  private CommandSpec spec;

  private DebCommand() {}

  /** The command line of {@code jimg deb}, with its verbs {@code info} and {@code contents}. */
  static CommandSpec spec() {
    DebCommand c = new DebCommand();
    c.spec =
        Specs.command(
                c,
                "deb",
                lines("Look into .deb packages (no dpkg needed)."),
                lines(
                    "",
                    "Examples:",
                    "  jimg deb info hello_2.10-3_amd64.deb",
                    "  jimg deb contents hello_2.10-3_amd64.deb"))
            .build();
    c.spec.usageMessage().synopsisSubcommandLabel("COMMAND");
    c.spec.addSubcommand("info", new CommandLine(Info.spec()));
    c.spec.addSubcommand("contents", new CommandLine(Contents.spec()));
    return c.spec;
  }

  /** {@code jimg deb} without a verb: usage on standard error, exit 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Cli.EXIT_USAGE;
  }

  /** {@code jimg deb info}: like {@code dpkg-deb --info}. */
  static final class Info implements Callable<Integer> {
    private CommandSpec spec;

    private Info() {}

    static CommandSpec spec() {
      Info c = new Info();
      c.spec =
          Specs.command(
                  c,
                  "info",
                  lines(
                      "Show a package's format, sizes, control files (with '*' for maintainer"
                          + " scripts and their interpreter) and control fields, as dpkg-deb"
                          + " --info does."),
                  lines())
              .add(packageParameter())
              .build();
      return c.spec;
    }

    @Override
    public Integer call() throws IOException {
      print(spec, DebListing.info(DebPackage.open(packagePath(spec))));
      return Cli.EXIT_OK;
    }
  }

  /** {@code jimg deb contents}: like {@code dpkg-deb --contents}. */
  static final class Contents implements Callable<Integer> {
    private CommandSpec spec;

    private Contents() {}

    static CommandSpec spec() {
      Contents c = new Contents();
      c.spec =
          Specs.command(
                  c,
                  "contents",
                  lines(
                      "List a package's data archive in archive order, as dpkg-deb --contents"
                          + " does (times in UTC)."),
                  lines())
              .add(packageParameter())
              .build();
      return c.spec;
    }

    @Override
    public Integer call() throws IOException {
      print(spec, DebListing.contents(DebPackage.open(packagePath(spec)).dataMembers()));
      return Cli.EXIT_OK;
    }
  }

  private static PositionalParamSpec packageParameter() {
    return Specs.positional("0", "PKG.deb", Path.class, "A Debian binary package.");
  }

  private static Path packagePath(CommandSpec spec) {
    return spec.commandLine().getParseResult().matchedPositionalValue(0, null);
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
