/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.Specs.flag;
import static dev.jimg.cli.Specs.lines;
import static dev.jimg.cli.Specs.option;
import static dev.jimg.cli.Specs.positionals;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.Sizes;
import dev.jimg.core.io.AtomicOutput;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.spi.FilesystemImage;
import dev.jimg.core.spi.FilesystemProvider;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.spi.WriteResult;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.deb.LayeredSources;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * {@code jimg mkfs TYPE IMAGE SOURCE...}: writes one filesystem image from layered sources through
 * the format's {@link FilesystemProvider}. Options the format defines ({@code --block-size 4096},
 * {@code --label root}, {@code --no-journal}) are passed to it by name; the options below are
 * common to every format.
 */
final class MkfsCommand implements Callable<Integer> {
  private final JimgCommand parent;
  private CommandSpec spec;

  private MkfsCommand(JimgCommand parent) {
    this.parent = parent;
  }

  /** The command line of {@code jimg mkfs}. */
  static CommandSpec spec(JimgCommand parent) {
    MkfsCommand c = new MkfsCommand(parent);
    c.spec =
        Specs.command(
                c,
                "mkfs",
                lines(
                    "Write a filesystem image of TYPE from the tree that the sources make (layered"
                        + " left to right, as in 'jimg ls').",
                    "Format options are given as --NAME VALUE or --NAME=VALUE (a flag alone means"
                        + " true); 'jimg mkfs --help' lists them for every installed type. The"
                        + " image is written to a temporary file beside IMAGE and renamed into place"
                        + " only when complete.",
                    "Times: --time, else SOURCE_DATE_EPOCH (newer times are clamped to it), else"
                        + " the newest time in the input. Identities (UUIDs, volume ids, hash"
                        + " seeds) come from --seed, else from a hash of the input's metadata and"
                        + " the options."),
                lines(
                    "",
                    "Examples:",
                    "  jimg mkfs ext4 root.img rootfs.tar",
                    "  jimg mkfs ext4 --size 2G --label root --seed demo root.img base.tar overlay/",
                    "  SOURCE_DATE_EPOCH=1704067200 jimg mkfs squashfs --compression xz usr.sqfs"
                        + " usr/",
                    "  jimg mkfs fat --label ESP esp.img boot/"))
            .add(
                option(
                    "SEED",
                    "Derive every identity from SEED (a UUID is taken as its 16 bytes, as"
                        + " systemd-repart does; any other text as its UTF-8 bytes).",
                    "--seed"),
                option(
                    "TIME",
                    "The build time: @SECONDS since 1970 or ISO-8601 UTC (2024-01-01T00:00:00Z)."
                        + " Newer times in the input are clamped to it. Overrides"
                        + " SOURCE_DATE_EPOCH.",
                    "--time"))
            .add(LayeringOptions.args())
            .add(
                flag("Print nothing on success.", "-q", "--quiet"),
                positionals(
                    "0..*",
                    "1..*",
                    "TYPE IMAGE SOURCE",
                    "TYPE: the filesystem (ext4, ext3, ext2, squashfs, fat: those installed).",
                    "IMAGE: the file to write (replaced if it exists).",
                    "SOURCE: a directory, a tar file (compressed or not), a .deb or '-' (tar on"
                        + " standard input); several are layered."))
            .build();
    c.spec.usageMessage().sortOptions(false);
    return c.spec;
  }

  @Override
  public Integer call() throws IOException {
    ParseResult pr = spec.commandLine().getParseResult();
    List<String> words = pr.matchedPositionalValue(0, List.of());
    String seed = pr.matchedOptionValue("--seed", null);
    boolean quiet = pr.matchedOptionValue("--quiet", false);
    LayeringOptions layering = LayeringOptions.of(pr);
    Filesystems filesystems = Filesystems.installed(MkfsCommand.class.getClassLoader());
    String type = words.get(0);
    FilesystemProvider provider = filesystems.provider(type);
    Arguments args = Arguments.split(words.subList(1, words.size()), provider);
    // every option and the output path are checked before the sources are read, which can take
    // long (a large tar.xz); the options first: a mistyped one ("--lable") takes the next word as
    // its value, and saying so helps more than "missing IMAGE"
    provider.checkOptions(args.formatOptions);
    if (args.positional.size() < 2) {
      throw new ParameterException(
          spec.commandLine(), "Missing IMAGE or SOURCE: give 'jimg mkfs TYPE IMAGE SOURCE...'");
    }
    Path image = Path.of(args.positional.get(0));
    List<String> sources = args.positional.subList(1, args.positional.size());
    Optional<Timestamp> buildTime = parseTime(pr.matchedOptionValue("--time", null));
    AtomicOutput.checkTarget(image);

    PrintWriter out = spec.commandLine().getOut();
    try (LayeredSources layered = layering.open(sources, parent.stdin())) {
      FileTree input = layering.tree(layered);
      FilesystemImage mkfs =
          FilesystemImage.of(type)
              .filesystems(filesystems)
              .options(args.formatOptions)
              .buildTime(buildTime)
              .environment(parent.environment());
      if (seed != null) {
        mkfs.seed(seed);
      }
      ProgressListener progress =
          ProgressRenderer.forTerminal(parent.terminal() && !quiet, spec.commandLine().getErr());
      FilesystemImage.Written written;
      try {
        written = mkfs.progress(progress).write(input, image);
      } finally {
        if (progress instanceof ProgressRenderer renderer) {
          renderer.finish();
        }
      }
      if (!quiet) {
        out.println(summary(image, type, written.sizeBytes(), written.filesystem()));
      }
    }
    out.flush();
    return Cli.EXIT_OK;
  }

  private static String summary(Path image, String type, long size, WriteResult result) {
    StringBuilder sb =
        new StringBuilder()
            .append(image)
            .append(": ")
            .append(type)
            .append(", ")
            .append(Sizes.format(size))
            .append(" (")
            .append(Sizes.thousands(size))
            .append(" bytes)");
    result.filesystemUuid().ifPresent(u -> sb.append(", UUID ").append(u));
    result.label().ifPresent(l -> sb.append(", label '").append(l).append('\''));
    return sb.toString();
  }

  /**
   * Makes the help of {@code mkfs} end with each installed format and its options, found when the
   * help is shown: loading every format's provider for it cost each run of {@code mkfs} about 25
   * ms.
   */
  static void describeFormatsInHelp(CommandLine mkfs) {
    Map<String, IHelpSectionRenderer> sections = mkfs.getHelpSectionMap();
    sections.put(
        UsageMessageSpec.SECTION_KEY_FOOTER,
        new FormatsFooter(sections.get(UsageMessageSpec.SECTION_KEY_FOOTER)));
    mkfs.setHelpSectionMap(sections);
  }

  /**
   * The footer, with the formats appended the first time it is shown (a class, not a lambda: see
   * {@code Cli}'s handlers).
   */
  private static final class FormatsFooter implements IHelpSectionRenderer {
    private final IHelpSectionRenderer footer;
    private boolean described;

    FormatsFooter(IHelpSectionRenderer footer) {
      this.footer = footer;
    }

    @Override
    public String render(Help help) {
      if (!described) {
        described = true;
        describeFormats(help.commandSpec());
      }
      return footer.render(help);
    }
  }

  /** Appends each installed format and its options to the help text. */
  static void describeFormats(CommandSpec spec) {
    Filesystems filesystems = Filesystems.installed(MkfsCommand.class.getClassLoader());
    List<String> lines = new ArrayList<>(List.of(spec.usageMessage().footer()));
    lines.add("");
    if (filesystems.types().isEmpty()) {
      lines.add("No filesystem formats are installed.");
    }
    for (String type : filesystems.types()) {
      FilesystemProvider p;
      try {
        p = filesystems.provider(type);
      } catch (InvalidOptionException impossible) {
        continue;
      }
      lines.add("Options of " + p.description() + ":");
      p.writerOptions()
          .forEach(
              (name, text) ->
                  lines.addAll(
                      optionLines(
                          "--" + name + (p.writerFlags().contains(name) ? "" : " V"), text)));
    }
    spec.usageMessage().footer(lines.toArray(new String[0]));
  }

  /**
   * One format option for the help: the name in a 25-column field, the text wrapped under itself so
   * that no line passes 80 columns (picocli would wrap a longer line back to column 0).
   */
  static List<String> optionLines(String name, String text) {
    String indent = " ".repeat(27);
    List<String> out = new ArrayList<>();
    StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "  %-24s ", name));
    if (line.length() > indent.length()) {
      out.add(line.toString().stripTrailing());
      line = new StringBuilder(indent);
    }
    boolean empty = true;
    for (String word : text.split(" ")) {
      if (!empty && line.length() + 1 + word.length() > 80) {
        out.add(line.toString());
        line = new StringBuilder(indent);
        empty = true;
      }
      if (!empty) {
        line.append(' ');
      }
      line.append(word);
      empty = false;
    }
    out.add(line.toString());
    return out;
  }

  /** Parses {@code --time}: {@code @SECONDS} or an ISO-8601 instant. */
  static Optional<Timestamp> parseTime(String text) throws InvalidOptionException {
    if (text == null) {
      return Optional.empty();
    }
    try {
      if (text.startsWith("@")) {
        return Optional.of(Timestamp.ofSeconds(Long.parseLong(text.substring(1))));
      }
      return Optional.of(Timestamp.of(Instant.parse(text)));
    } catch (NumberFormatException | DateTimeException e) {
      throw new InvalidOptionException(
          "--time: '"
              + text
              + "' is not a time; use @SECONDS since 1970 or ISO-8601 UTC like"
              + " 2024-01-01T00:00:00Z");
    }
  }

  /** The words after TYPE, split into IMAGE/SOURCE and the format's own options. */
  static final class Arguments {
    final List<String> positional = new ArrayList<>();
    final Map<String, String> formatOptions = new TreeMap<>();

    /**
     * {@code --name=value}, {@code --name value}, or {@code --name} alone (true) when the next word
     * is missing or is itself an option; a name the format marks as a flag never takes a value.
     * Unknown names are left for the format to refuse, listing the ones it knows. {@code --} ends
     * options.
     */
    static Arguments split(List<String> words, FilesystemProvider provider)
        throws InvalidOptionException {
      Arguments a = new Arguments();
      boolean optionsEnded = false;
      for (int i = 0; i < words.size(); i++) {
        String w = words.get(i);
        if (optionsEnded || !w.startsWith("--") || w.length() == 2) {
          if (w.equals("--") && !optionsEnded) {
            optionsEnded = true;
          } else {
            a.positional.add(w);
          }
          continue;
        }
        String name = w.substring(2);
        String value;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        } else if (provider.writerFlags().contains(name)
            || i + 1 >= words.size()
            || words.get(i + 1).startsWith("-")) {
          value = "true";
        } else {
          value = words.get(++i);
        }
        if (a.formatOptions.put(name, value) != null) {
          throw new InvalidOptionException("--" + name + " is given twice");
        }
      }
      return a;
    }
  }
}
