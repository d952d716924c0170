/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code jimg} command: global options. Its verbs ({@link #VERBS}) are added by
 * {@link Cli}, only the one named when a command line names one: picocli builds a verb's model from
 * its annotations when it is added, and building all of them cost every run about 40 ms of
 * start-up.
 */
@Command(
    name = "jimg",
    addMethodSubcommands = false,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Reproducible filesystem and disk images (ext4, squashfs, FAT, GPT) from directories, tars"
          + " and .deb packages, in pure Java and without root."
    },
    footer = {
      "",
      "A SOURCE is a directory, a tar file (compressed or not; detected by content, not by name),"
          + " a .deb, a filesystem image (ext2/3/4, squashfs, FAT)"
          + " or '-' for a tar on standard input; several are layered left to right.",
      "",
      "Exit codes: 0 ok, 1 failed (one line 'jimg: <message>' on standard error), 2 bad usage;"
          + " diff: 0 same, 1 different, 2 trouble.",
      "",
      "Examples:",
      "  jimg ls testdata/examples/rootfs.tar",
      "  jimg mkfs ext4 root.img testdata/examples/rootfs.tar",
      "  jimg diff testdata/examples/rootfs.tar root.img",
      "  jimg help ls"
    })
final class JimgCommand implements Callable<Integer> {
  /** The verbs, in the order the help lists them. */
  static final List<Class<?>> VERBS =
      List.of(
          LsCommand.class,
          MkfsCommand.class,
          DiskCommand.class,
          BuildCommand.class,
          DebCommand.class,
          CatCommand.class,
          ExtractCommand.class,
          DiffCommand.class,
          HelpCommand.class);

  /**
   * The names of {@link #VERBS} but {@code help}, in the same order: looking them up in the
   * annotations would parse every verb's annotations at each start (a test checks they agree).
   */
  static final List<String> VERB_NAMES =
      List.of("ls", "mkfs", "disk", "build", "deb", "cat", "extract", "diff");

  /** The global option that adds stack traces to failures. */
  static final String DEBUG_OPTION = "--debug";

  private final InputStream stdin;
  private final OutputStream stdout;
  private final Map<String, String> environment;
  private final boolean terminal;

  @Spec private CommandSpec spec;

  @Option(
      names = DEBUG_OPTION,
      scope = ScopeType.INHERIT,
      description = "On failure, print the stack trace too (also JIMG_DEBUG=1).")
  private boolean debug;

  JimgCommand(
      InputStream stdin, OutputStream stdout, Map<String, String> environment, boolean terminal) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.environment = Map.copyOf(environment);
    this.terminal = terminal;
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
