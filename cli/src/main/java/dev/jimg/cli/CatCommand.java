/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.JimgException;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.deb.LayeredSources;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code jimg cat}: writes the contents of files inside a source (an image, a tar, a directory, a
 * .deb) to standard output, byte for byte, following symbolic links inside the source's tree.
 */
@Command(
    name = "cat",
    addMethodSubcommands = false,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Write files inside a source to standard output.",
      "The files' bytes go out unchanged, in the order given.",
      "PATHs are inside the source's tree ('/etc/os-release' and 'etc/os-release' are the same);"
          + " symbolic links are followed inside the tree, never on the host. Every PATH is"
          + " checked before anything is written."
    },
    footer = {
      "",
      "Examples:",
      "  jimg cat root.img /etc/os-release",
      "  jimg cat usr.sqfs /usr/lib/os-release | grep VERSION",
      "  jimg cat disk.img 1/EFI/BOOT/BOOTX64.EFI > bootx64.efi"
    })
final class CatCommand implements Callable<Integer> {
  @ParentCommand private JimgCommand parent;

  @Parameters(
      index = "0",
      paramLabel = "SOURCE",
      description = "An image, a directory, a tar file or .deb, or '-' (a tar on standard input).")
  private String source;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH", description = "Files to write.")
  private List<String> paths;

  @Override
  public Integer call() throws IOException {
    try (LayeredSources layered =
        LayeredSources.open(List.of(source), parent.stdin(), SourceOptions.defaults(), false)) {
      FileTree tree = layered.tree();
      List<Entry> files = new ArrayList<>(paths.size());
      for (String path : paths) {
        files.add(regularFile(tree, path));
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

  /** The regular file {@code path} names in the tree, links followed; else an error saying why. */
  private Entry regularFile(FileTree tree, String path) throws JimgException {
    String relative = path.replaceFirst("^/+", "");
    ImagePath p;
    try {
      p = ImagePath.of(relative);
    } catch (IllegalArgumentException e) {
      throw new JimgException(
          source + ": " + path + ": not a path inside the image (" + e.getMessage() + ")");
    }
    ImagePath target = tree.follow(p);
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
