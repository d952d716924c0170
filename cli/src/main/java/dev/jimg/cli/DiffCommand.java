/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.Specs.flag;
import static dev.jimg.cli.Specs.lines;
import static dev.jimg.cli.Specs.option;
import static dev.jimg.cli.Specs.positional;

import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.Sources;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.TreeDiff;
import dev.jimg.core.tree.TreeDiff.Change;
import dev.jimg.core.tree.TreeDiff.Difference;
import dev.jimg.core.tree.TreeDiff.Field;
import dev.jimg.deb.LayeredSources;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * {@code jimg diff}: compares the trees of two sources (images, directories, tars, .debs) entry by
 * entry, as {@link TreeDiff} does, and exits as {@code diff} does: 0 when they are the same, 1 when
 * they differ, 2 when a source cannot be read or the command line is wrong.
 */
final class DiffCommand implements Callable<Integer> {
  /** The sources differ. */
  static final int EXIT_DIFFERENT = 1;

  /** A source cannot be read (diff's "trouble"). */
  static final int EXIT_TROUBLE = 2;

  private final JimgCommand parent;
  private CommandSpec spec;

  // what the command line gave (read when the command runs)
  private List<Field> ignore;
  private List<String> exclude;
  private String timeResolution;
  private boolean json;
  private boolean quiet;
  private String left;
  private String right;

  private DiffCommand(JimgCommand parent) {
    this.parent = parent;
  }

  /** The command line of {@code jimg diff}. */
  static CommandSpec spec(JimgCommand parent) {
    DiffCommand c = new DiffCommand(parent);
    c.spec =
        Specs.command(
                c,
                "diff",
                lines(
                    "Compare the trees of two sources, entry by entry.",
                    "Compared: type, mode, owner, mtime, size, content (byte for byte), symlink"
                        + " target, device numbers, xattrs and hard-link groups.",
                    "One line per difference, in path order:",
                    "  - PATH            only in LEFT (a directory counts what lies below it)",
                    "  + PATH            only in RIGHT",
                    "  ~ PATH  FIELD LEFT -> RIGHT; ...",
                    "Exit codes: 0 the same, 1 different, 2 a source cannot be read or bad usage (as"
                        + " diff)."),
                lines(
                    "",
                    "Examples:",
                    "  jimg diff build1/root.img build2/root.img",
                    "  jimg diff --exclude lost+found rootfs.tar root.img",
                    "  jimg diff --time-resolution s --ignore xattrs rootfs/ usr.sqfs",
                    "  jimg diff --ignore mode,owner,mtime esp/ esp.img"))
            .add(
                OptionSpec.builder("--ignore")
                    .splitRegex(",")
                    .paramLabel("FIELD")
                    .type(List.class)
                    .auxiliaryTypes(Field.class)
                    .description(
                        "Fields not to compare, comma-separated: type, mode, owner, mtime, size,"
                            + " content, target, device, xattrs, links.")
                    .build(),
                OptionSpec.builder("--exclude")
                    .paramLabel("PATTERN")
                    .type(List.class)
                    .auxiliaryTypes(String.class)
                    .description(
                        "Leave out, on both sides, entries matching the glob PATTERN and what lies"
                            + " below them (repeatable). A PATTERN without '/' matches names at any"
                            + " depth (lost+found, '*.pyc'), one with '/' whole paths from the root"
                            + " ('var/cache/**', 'etc/machine-id').")
                    .build(),
                option(
                    "UNIT",
                    "Compare mtimes truncated to ns (default), us, ms, s or 2s: squashfs keeps"
                        + " seconds, FAT two seconds.",
                    "--time-resolution"),
                flag(
                    "JSON Lines: one object per difference (path, status: only_left, only_right or"
                        + " changed; below; changes: [{field, left, right}]).",
                    "--json"),
                flag("Print nothing; only the exit code tells.", "-q", "--quiet"),
                positional(
                    "0",
                    "LEFT",
                    String.class,
                    "A source: an image, a directory, a tar file or .deb, or '-' (a tar on"
                        + " stdin)."),
                positional("1", "RIGHT", String.class, "The source to compare it with."))
            .build();
    return c.spec;
  }

  @Override
  public Integer call() throws IOException {
    ParseResult pr = spec.commandLine().getParseResult();
    ignore = pr.matchedOptionValue("--ignore", List.of());
    exclude = pr.matchedOptionValue("--exclude", List.of());
    timeResolution = pr.matchedOptionValue("--time-resolution", "ns");
    json = pr.matchedOptionValue("--json", false);
    quiet = pr.matchedOptionValue("--quiet", false);
    left = pr.matchedPositionalValue(0, null);
    right = pr.matchedPositionalValue(1, null);
    long resolution = resolutionNanos();
    if (left.equals("-") && right.equals("-")) {
      throw new ParameterException(spec.commandLine(), "only one of LEFT and RIGHT can be '-'");
    }
    // RIGHT missing should not wait until LEFT was read (a large image or tar.xz)
    Sources.checkExist(List.of(left, right));
    List<Exclusion> exclusions = exclusions();
    TreeDiff diff = TreeDiff.ignoring(Set.copyOf(ignore), resolution);
    PrintWriter out = spec.commandLine().getOut();
    long[] kinds = new long[Difference.Kind.values().length];
    long count;
    try (LayeredSources a = open(left);
        LayeredSources b = open(right)) {
      count =
          diff.compare(
              without(a.tree(), exclusions),
              without(b.tree(), exclusions),
              d -> {
                kinds[d.kind().ordinal()]++;
                if (!quiet) {
                  out.println(json ? json(d) : text(d));
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    out.flush();
    if (count == 0) {
      return Cli.EXIT_OK;
    }
    if (!quiet) {
      PrintWriter err = spec.commandLine().getErr();
      err.printf(
          Locale.ROOT,
          "jimg: %,d difference%s (%,d only in %s, %,d only in %s, %,d changed)%n",
          count,
          count == 1 ? "" : "s",
          kinds[Difference.Kind.ONLY_LEFT.ordinal()],
          left,
          kinds[Difference.Kind.ONLY_RIGHT.ordinal()],
          right,
          kinds[Difference.Kind.CHANGED.ordinal()]);
      err.flush();
    }
    return EXIT_DIFFERENT;
  }

  /** One {@code --exclude}: a glob, matched against names or against whole paths. */
  private record Exclusion(PathMatcher glob, boolean wholePath) {
    boolean matches(ImagePath p) {
      return glob.matches(Path.of(wholePath ? p.toString() : p.nameString()));
    }
  }

  private List<Exclusion> exclusions() {
    List<Exclusion> out = new ArrayList<>();
    for (String pattern : exclude) {
      String p = pattern;
      while (p.startsWith("./") || p.startsWith("/")) {
        p = p.substring(p.charAt(0) == '.' ? 2 : 1);
      }
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      if (p.isEmpty() || p.indexOf('\0') >= 0) {
        throw new ParameterException(
            spec.commandLine(),
            "--exclude: '" + pattern + "' matches no path; give a name or glob");
      }
      try {
        out.add(
            new Exclusion(
                FileSystems.getDefault().getPathMatcher("glob:" + p), p.indexOf('/') >= 0));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), "--exclude: '" + pattern + "' is not a glob: " + e.getMessage());
      }
    }
    return out;
  }

  /** {@code tree} without what {@code exclusions} match (hard links elsewhere keep the file). */
  private static FileTree without(FileTree tree, List<Exclusion> exclusions) throws IOException {
    if (exclusions.isEmpty()) {
      return tree;
    }
    FileTreeBuilder b = null;
    ImagePath removed = null;
    for (Map.Entry<ImagePath, Entry> e : tree) {
      ImagePath p = e.getKey();
      if (p.isRoot() || (removed != null && p.startsWith(removed))) {
        continue;
      }
      for (Exclusion x : exclusions) {
        if (x.matches(p)) {
          if (b == null) {
            b = tree.toBuilder();
          }
          b.remove(p);
          removed = p;
          break;
        }
      }
    }
    return b == null ? tree : b.build();
  }

  private LayeredSources open(String source) throws IOException {
    return LayeredSources.open(List.of(source), parent.stdin(), SourceOptions.defaults(), false);
  }

  private long resolutionNanos() {
    return switch (timeResolution.toLowerCase(Locale.ROOT)) {
      case "ns" -> 1L;
      case "us" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "2s" -> 2_000_000_000L;
      default ->
          throw new ParameterException(
              spec.commandLine(),
              "--time-resolution: '" + timeResolution + "' is not one of ns, us, ms, s, 2s");
    };
  }

  static String text(Difference d) {
    StringBuilder sb = new StringBuilder();
    switch (d.kind()) {
      case ONLY_LEFT -> sb.append("- ").append(d.path());
      case ONLY_RIGHT -> sb.append("+ ").append(d.path());
      case CHANGED -> {
        sb.append("~ ").append(d.path()).append("  ");
        boolean first = true;
        for (Change c : d.changes()) {
          if (!first) {
            sb.append("; ");
          }
          first = false;
          sb.append(c.field().label()).append(' ');
          if (c.field() == Field.CONTENT) {
            sb.append("differs from ").append(c.left());
          } else {
            sb.append(c.left()).append(" -> ").append(c.right());
          }
        }
      }
    }
    if (d.below() > 0) {
      sb.append(String.format(Locale.ROOT, " (%,d entries below)", d.below()));
    }
    return sb.toString();
  }

  static String json(Difference d) {
    StringBuilder sb = new StringBuilder();
    Json j = new Json(sb).beginObject().field("path", d.path().toString());
    j.field("status", d.kind().name().toLowerCase(Locale.ROOT));
    if (d.below() > 0) {
      j.field("below", d.below());
    }
    if (!d.changes().isEmpty()) {
      j.beginArray("changes");
      for (Change c : d.changes()) {
        j.beginObject()
            .field("field", c.field().label())
            .field("left", c.left())
            .field("right", c.right())
            .endObject();
      }
      j.endArray();
    }
    j.endObject();
    return sb.toString();
  }
}
