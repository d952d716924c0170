/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.Specs.flag;
import static dev.jimg.cli.Specs.lines;
import static dev.jimg.cli.Specs.option;

import dev.jimg.core.io.HostTreeWriter;
import dev.jimg.core.io.HostTreeWriter.Owners;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.deb.LayeredSources;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code jimg extract}: writes the tree the layered sources make into a new host directory, as
 * {@code tar -x} would, without mount or root (see {@link HostTreeWriter}).
 */
final class ExtractCommand implements Callable<Integer> {
  private final JimgCommand parent;
  private CommandSpec spec;

  private ExtractCommand(JimgCommand parent) {
    this.parent = parent;
  }

  /** The command line of {@code jimg extract}. */
  static CommandSpec spec(JimgCommand parent) {
    ExtractCommand c = new ExtractCommand(parent);
    c.spec =
        Specs.command(
                c,
                "extract",
                lines(
                    "Write the tree that the sources make into a new directory, as tar -x would.",
                    "Sources are layered left to right, as in 'jimg ls'. DIR gets files (holes"
                        + " kept), directories, symlinks and hard links with their modes, mtimes"
                        + " and user.* xattrs; owners too when run as root, as tar -x does.",
                    "DIR must not exist or be empty; the tree is written beside it and renamed into"
                        + " place when complete. A JVM cannot make device nodes, fifos or sockets,"
                        + " nor set xattrs outside user.*: devices and the like are refused unless"
                        + " --unsupported skip; such xattrs are left out with a warning. Times are"
                        + " exact from 1970 to 2262; before 1970 to the second, symlinks' to the"
                        + " microsecond (a warning names them)."),
                lines(
                    "",
                    "Examples:",
                    "  jimg extract root.img rootfs/",
                    "  jimg extract --unsupported skip base.tar *.deb rootfs/",
                    "  jimg extract disk.img parts/        (partitions as parts/1, parts/2, ...)"))
            .add(
                option(
                    "POLICY",
                    "Devices, fifos and sockets: error (default; all are listed before anything is"
                        + " written) or skip.",
                    "--unsupported"),
                option(
                    "WHEN",
                    "Set the tree's owners: auto (default: when run as root), keep (always) or"
                        + " skip.",
                    "--owners"),
                flag("Print nothing on success.", "-q", "--quiet"))
            .add(LayeringOptions.args())
            .add(
                PositionalParamSpec.builder()
                    .index("0..*")
                    .arity("2..*")
                    .required(true)
                    .paramLabel("SOURCE... DIR")
                    .hideParamSyntax(true)
                    .type(List.class)
                    .auxiliaryTypes(String.class)
                    .description("Sources (as in 'jimg ls'), then the directory to create.")
                    .build())
            .build();
    return c.spec;
  }

  @Override
  public Integer call() throws IOException {
    ParseResult pr = spec.commandLine().getParseResult();
    String unsupported = pr.matchedOptionValue("--unsupported", "error");
    String owners = pr.matchedOptionValue("--owners", "auto");
    boolean quiet = pr.matchedOptionValue("--quiet", false);
    LayeringOptions layering = LayeringOptions.of(pr);
    List<String> args = pr.matchedPositionalValue(0, List.of());
    boolean skip =
        switch (unsupported.toLowerCase(Locale.ROOT)) {
          case "error" -> false;
          case "skip" -> true;
          default -> throw usage("--unsupported: '" + unsupported + "' is not error or skip");
        };
    Owners who =
        switch (owners.toLowerCase(Locale.ROOT)) {
          case "auto" -> Owners.IF_ROOT;
          case "keep" -> Owners.KEEP;
          case "skip" -> Owners.SKIP;
          default -> throw usage("--owners: '" + owners + "' is not auto, keep or skip");
        };
    Path dir = Path.of(args.get(args.size() - 1));
    List<String> sources = args.subList(0, args.size() - 1);
    // before the sources are read, which can take long (many .debs, a large tar.xz)
    HostTreeWriter.checkTarget(dir);
    HostTreeWriter.Result result;
    try (LayeredSources layered = layering.open(sources, parent.stdin())) {
      ProgressListener progress =
          ProgressRenderer.forTerminal(parent.terminal() && !quiet, spec.commandLine().getErr());
      try {
        result =
            new HostTreeWriter(new HostTreeWriter.Options(skip, who))
                .write(layering.tree(layered), dir, progress);
      } finally {
        if (progress instanceof ProgressRenderer renderer) {
          renderer.finish();
        }
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    warn(err, result.droppedXattrs(), "extended attribute", "not written (a JVM sets only user.*)");
    warn(
        err,
        result.inexactTimes(),
        "mtime",
        "not kept exactly (a JVM sets times before 1970 to the second, of links to the"
            + " microsecond, none after 2262-04-11)");
    if (!quiet) {
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          Locale.ROOT,
          "%s: %,d entries%s%s%n",
          dir,
          result.entries(),
          result.ownersSet()
              ? ", owners kept"
              : who == Owners.SKIP ? ", owners not set" : ", owners not set (not root)",
          result.skipped().isEmpty()
              ? ""
              : String.format(Locale.ROOT, ", %,d skipped", result.skipped().size()));
      out.flush();
    }
    return Cli.EXIT_OK;
  }

  /** One warning line: how many {@code noun}s, what happened to them, the first three. */
  private static void warn(PrintWriter err, List<?> items, String noun, String what) {
    if (items.isEmpty()) {
      return;
    }
    List<String> shown =
        items.subList(0, Math.min(3, items.size())).stream().map(String::valueOf).toList();
    err.printf(
        Locale.ROOT,
        "jimg: warning: %,d %s%s %s: %s%s%n",
        items.size(),
        noun,
        items.size() == 1 ? "" : "s",
        what,
        String.join(", ", shown),
        items.size() > 3 ? ", ..." : "");
    err.flush();
  }

  private picocli.CommandLine.ParameterException usage(String message) {
    return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
  }
}
