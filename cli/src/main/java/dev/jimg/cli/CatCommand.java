/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.Specs.lines;
import static dev.jimg.cli.Specs.positional;
import static dev.jimg.cli.Specs.positionals;

import dev.jimg.core.JimgException;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.deb.LayeredSources;
import dev.jimg.partition.DiskSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code jimg cat}: writes the contents of files inside a source (an image, a tar, a directory, a
 * .deb) to standard output, byte for byte, following symbolic links inside the source's tree.
 */
final class CatCommand implements Callable<Integer> {
  private final JimgCommand parent;
  private CommandSpec spec;

  private CatCommand(JimgCommand parent) {
    this.parent = parent;
  }

  /** The command line of {@code jimg cat}. */
  static CommandSpec spec(JimgCommand parent) {
    CatCommand c = new CatCommand(parent);
    c.spec =
        Specs.command(
                c,
                "cat",
                lines(
                    "Write files inside a source to standard output.",
                    "The files' bytes go out unchanged, in the order given.",
                    "PATHs are inside the source's tree ('/etc/os-release' and 'etc/os-release' are"
                        + " the same); symbolic links are followed inside the tree, never on the"
                        + " host. Every PATH is checked before anything is written."),
                lines(
                    "",
                    "Examples:",
                    "  jimg cat root.img /etc/os-release",
                    "  jimg cat usr.sqfs /usr/lib/os-release | grep VERSION",
                    "  jimg cat disk.img 1/EFI/BOOT/BOOTX64.EFI > bootx64.efi"))
            .add(
                positional(
                    "0",
                    "SOURCE",
                    String.class,
                    "An image, a directory, a tar file or .deb, or '-' (a tar on standard input)."),
                positionals("1..*", "1..*", "PATH", "Files to write."))
            .build();
    return c.spec;
  }

  @Override
  public Integer call() throws IOException {
    ParseResult pr = spec.commandLine().getParseResult();
    String source = pr.matchedPositionalValue(0, null);
    List<String> paths = pr.matchedPositionalValue(1, List.of());
    try (LayeredSources layered =
        LayeredSources.open(List.of(source), parent.stdin(), SourceOptions.defaults(), false)) {
      FileTree tree = layered.tree();
      boolean disk = layered.sources().stream().anyMatch(s -> s instanceof DiskSource);
      List<Entry> files = new ArrayList<>(paths.size());
      for (String path : paths) {
        files.add(regularFile(source, tree, path, disk));
      }
      OutputStream out = parent.stdout();
      for (Entry file : files) {
        try (InputStream in = file.content().open()) {
          in.transferTo(out);
        }
      }
      out.flush();
    }
    return Cli.EXIT_OK;
  }

  /**
   * The regular file {@code path} names in the tree, links followed; else an error saying why. On a
   * disk, links are followed inside the partition the path starts in (its first component), whose
   * root an absolute link target names, as when the partition is mounted.
   */
  private static Entry regularFile(String source, FileTree tree, String path, boolean disk)
      throws JimgException {
    String relative = path.replaceFirst("^/+", "");
    ImagePath p;
    try {
      p = ImagePath.of(relative);
    } catch (IllegalArgumentException e) {
      throw new JimgException(
          source + ": " + path + ": not a path inside the image (" + e.getMessage() + ")");
    }
    ImagePath target;
    List<byte[]> parts = p.components();
    if (disk && !parts.isEmpty()) {
      ImagePath partition = ImagePath.ROOT.child(parts.get(0));
      ImagePath inside = ImagePath.ROOT;
      for (byte[] c : parts.subList(1, parts.size())) {
        inside = inside.child(c);
      }
      target = tree.followWithin(partition, inside);
    } else {
      target = tree.follow(p);
    }
    if (target == null) {
      throw new JimgException(
          source
              + ": "
              + path
              + ": no such file in the tree"
              + (tree.contains(p) ? " (a symbolic link that leads nowhere or loops)" : ""));
    }
    Entry e = tree.resolve(target);
    if (e.type() != EntryType.REGULAR) {
      String what =
          e.type() == EntryType.DIRECTORY
              ? "a directory"
              : "a " + e.type().name().toLowerCase(Locale.ROOT).replace('_', ' ');
      throw new JimgException(
          source + ": " + path + ": is " + what + ", not a regular file; 'jimg ls' lists it");
    }
    return e;
  }
}
