/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.Specs.lines;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/**
 * The top-level {@code jimg} command: global options. Its verbs ({@link #VERB_NAMES}) are added by
 * {@link Cli}, only the one named when a command line names one: building all of them cost every
 * run of a cold JVM time before the command started.
 */
final class JimgCommand implements Callable<Integer> {
  /** The verbs, in the order the help lists them ({@code help}, picocli's, comes last). */
  static final List<String> VERB_NAMES =
      List.of("ls", "mkfs", "disk", "build", "deb", "cat", "extract", "diff");

  /** The global option that adds stack traces to failures. */
  static final String DEBUG_OPTION = "--debug";

  private final InputStream stdin;
  private final OutputStream stdout;
  private final Map<String, String> environment;
  private final boolean terminal;

  private CommandSpec spec;

  JimgCommand(
      InputStream stdin, OutputStream stdout, Map<String, String> environment, boolean terminal) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.environment = Map.copyOf(environment);
    this.terminal = terminal;
  }

  /** The command line of {@code jimg} itself, running {@code top}; no verbs yet. */
  static CommandSpec spec(JimgCommand top) {
    top.spec =
        Specs.command(
                top,
                "jimg",
                lines(
                    "Reproducible filesystem and disk images (ext4, squashfs, FAT, GPT) from"
                        + " directories, tars and .deb packages, in pure Java and without root."),
                lines(
                    "",
                    "A SOURCE is a directory, a tar file (compressed or not; detected by content,"
                        + " not by name), a .deb, a filesystem image (ext2/3/4, squashfs, FAT)"
                        + " or '-' for a tar on standard input; several are layered left to right.",
                    "",
                    "Exit codes: 0 ok, 1 failed (one line 'jimg: <message>' on standard error), 2"
                        + " bad usage; diff: 0 same, 1 different, 2 trouble.",
                    "",
                    "Examples:",
                    "  jimg ls testdata/examples/rootfs.tar",
                    "  jimg mkfs ext4 root.img testdata/examples/rootfs.tar",
                    "  jimg diff testdata/examples/rootfs.tar root.img",
                    "  jimg help ls"))
            .add(
                OptionSpec.builder(DEBUG_OPTION)
                    .scopeType(ScopeType.INHERIT)
                    .description("On failure, print the stack trace too (also JIMG_DEBUG=1).")
                    .build())
            .build();
    top.spec.usageMessage().synopsisSubcommandLabel("COMMAND");
    return top.spec;
  }

  /** The command line of the verb {@code name} (one of {@link #VERB_NAMES} or {@code help}). */
  static CommandLine verb(String name, JimgCommand top) {
    return switch (name) {
      case "ls" -> new CommandLine(LsCommand.spec(top));
      case "mkfs" -> new CommandLine(MkfsCommand.spec(top));
      case "disk" -> new CommandLine(DiskCommand.spec(top));
      case "build" -> new CommandLine(BuildCommand.spec(top));
      case "deb" -> new CommandLine(DebCommand.spec());
      case "cat" -> new CommandLine(CatCommand.spec(top));
      case "extract" -> new CommandLine(ExtractCommand.spec(top));
      case "diff" -> new CommandLine(DiffCommand.spec(top));
      case "help" -> new CommandLine(new HelpCommand());
      default -> throw new IllegalArgumentException("no verb " + name);
    };
  }

  /** Whether the user watches a terminal (then progress is shown on standard error). */
  boolean terminal() {
    return terminal;
  }

  /** The environment the command runs in (SOURCE_DATE_EPOCH is read from it). */
  Map<String, String> environment() {
    return environment;
  }

  /** What {@code -} reads. */
  InputStream stdin() {
    return stdin;
  }

  /** Where raw bytes (file contents) go: standard output, unencoded. */
  OutputStream stdout() {
    return stdout;
  }

  /** {@code jimg} without a verb: usage on standard error, exit 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Cli.EXIT_USAGE;
  }
}
