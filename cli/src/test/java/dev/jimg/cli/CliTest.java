/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.HelpCommand;

class CliTest {
  /** The outcome of one run: exit code and both streams. */
  record Run(int code, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.run(
            args,
            new ByteArrayInputStream(new byte[0]),
            new PrintWriter(out),
            new PrintWriter(err),
            env);
    return new Run(code, out.toString(), err.toString());
  }

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  @Test
  void verbsFor_namedVerb_addsOnlyThatVerb_elseAll() {
    assertThat(Cli.verbsFor(new String[] {"mkfs", "ext4", "a.img", "dir"})).containsExactly("mkfs");
    assertThat(Cli.verbsFor(new String[] {"--debug", "ls", "x"})).containsExactly("ls");
    for (String[] all :
        new String[][] {
          {},
          {"--help"},
          {"-h", "ls"},
          {"-V", "ls"},
          {"help", "mkfs"},
          {"lss"},
          {"@args"},
          {"--", "ls"}
        }) {
      assertThat(Cli.verbsFor(all)).as(String.join(" ", all)).isEqualTo(Cli.ALL_VERBS);
    }
    assertThat(Cli.verbsFor(new String[] {"--version"})).isEmpty();
    assertThat(Cli.verbsFor(new String[] {"-V"})).isEmpty();
    assertThat(Cli.ALL_VERBS).hasSize(JimgCommand.VERB_NAMES.size() + 1).endsWith("help");
  }

  @Test
  void eachVerb_isNamedAsItsCommandLineSays() {
    JimgCommand top = new JimgCommand(System.in, System.out, Map.of(), false);
    for (String name : Cli.ALL_VERBS) {
      assertThat(JimgCommand.verb(name, top).getCommandName()).isEqualTo(name);
    }
    Object help = JimgCommand.verb("help", top).getCommand();
    assertThat(help).isInstanceOf(HelpCommand.class);
  }

  /** Each verb, added alone, keeps the global option and its own help. */
  @Test
  void help_ofEachVerbAlone_showsTheInheritedDebugOption() {
    for (String verb : List.of("ls", "cat", "diff", "extract", "mkfs", "disk", "build", "deb")) {
      Run r = run(verb, "--help");
      assertThat(r.code()).as(verb).isZero();
      assertThat(r.out()).as(verb).startsWith("Usage: jimg " + verb).contains("--debug");
    }
    assertThat(run("help", "mkfs").out()).contains("Options of ");
  }

  @Test
  void help_root_exitsZeroAndListsVerbsAndExample() {
    Run r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("Usage: jimg").contains(" ls ").contains("Example");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void help_lsVerb_exitsZeroWithExample() {
    Run r = run("ls", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .startsWith("Usage: jimg ls")
        .contains("--json", "--xattrs", "--root-owner", "--replace")
        .contains("Examples:", "jimg ls testdata/examples/rootfs.tar");
  }

  @Test
  void help_helpVerb_showsLsHelp() {
    Run r = run("help", "ls");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("Usage: jimg ls");
  }

  @Test
  void version_printsProjectVersionFromResource_exitsZero() {
    Run r = run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out().lines().findFirst())
        .hasValueSatisfying(l -> assertThat(l).matches("jimg \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"));
    assertThat(r.out()).contains("Java ");
  }

  @Test
  void run_unknownOption_exitsTwoWithHintToHelp() {
    Run r = run("ls", "--no-such-option", "x");
    assertThat(r.code()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .startsWith("jimg: Unknown option: '--no-such-option'")
        .contains("Try 'jimg ls --help'");
  }

  @Test
  void run_unknownVerb_exitsTwo() {
    Run r = run("frobnicate");
    assertThat(r.code()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(r.err()).contains("frobnicate").contains("Try 'jimg --help'");
  }

  @Test
  void run_noVerb_exitsTwoWithUsageOnStderr() {
    Run r = run();
    assertThat(r.code()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("Usage: jimg");
  }

  @Test
  void ls_dashAsSource_isAcceptedAsStandardInput() {
    Run r = run("ls", "-");
    assertThat(r.code()).isNotEqualTo(Cli.EXIT_USAGE);
    assertThat(r.err()).doesNotContain("Unknown option").doesNotContain("Usage:");
  }

  @Test
  void ls_optionsAfterSources_areOptions(@TempDir Path dir) {
    Run r = run("ls", dir.resolve("x").toString(), "--json", "--debug");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("\tat dev.jimg.");
  }

  @Test
  void ls_noSource_exitsTwo() {
    Run r = run("ls");
    assertThat(r.code()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(r.err()).contains("SOURCE");
  }

  @Test
  void ls_missingSource_exitsOneWithOneLineNamingIt(@TempDir Path dir) {
    String missing = dir.resolve("no-such.tar").toString();
    Run r = run("ls", missing);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).containsExactly("jimg: " + missing + ": no such file or directory");
  }

  @Test
  void ls_missingSourceWithDebugAfterVerb_printsStackTrace(@TempDir Path dir) {
    String missing = dir.resolve("no-such.tar").toString();
    Run r = run("ls", "--debug", missing);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines().findFirst())
        .hasValue("jimg: " + missing + ": no such file or directory");
    assertThat(r.err()).contains("\tat dev.jimg.");
  }

  @Test
  void ls_missingSourceWithDebugBeforeVerb_printsStackTrace(@TempDir Path dir) {
    Run r = run("--debug", "ls", dir.resolve("x").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("\tat dev.jimg.");
  }

  @Test
  void ls_missingSourceWithDebugVariable_printsStackTrace(@TempDir Path dir) {
    Run r = run(Map.of(Cli.DEBUG_VARIABLE, "1"), "ls", dir.resolve("x").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("\tat dev.jimg.");
  }

  @Test
  void ls_debugVariableZero_noStackTrace(@TempDir Path dir) {
    Run r = run(Map.of(Cli.DEBUG_VARIABLE, "0"), "ls", dir.resolve("x").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines()).hasSize(1);
  }
}
