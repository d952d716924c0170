/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.JimgException;
import dev.jimg.core.TreeConflictException;
import dev.jimg.core.io.Closeables;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.spi.SourceProvider;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Opens sources named on a command line or in a spec: a directory, a tar file (compressed or not,
 * detected by magic, never by name), or {@code -} for a tar on standard input.
 */
public final class Sources {
  /** The name that means "a tar stream on standard input". */
  public static final String STDIN = "-";

  /**
   * Installed providers in a fixed order (by name), so recognition does not depend on the class
   * path order.
   */
  private static final List<SourceProvider> PROVIDERS = loadProviders();

  private Sources() {}

  private static List<SourceProvider> loadProviders() {
    List<SourceProvider> found = new ArrayList<>();
    ServiceLoader.load(SourceProvider.class, Sources.class.getClassLoader()).forEach(found::add);
    found.sort(Comparator.comparing(SourceProvider::name));
    return List.copyOf(found);
  }

  /**
   * Opens one source.
   *
   * @param spec a directory, a file, or {@link #STDIN}
   * @param stdin the stream {@link #STDIN} reads (the caller's standard input)
   */
  public static Source open(String spec, InputStream stdin, SourceOptions options)
      throws IOException {
    if (STDIN.equals(spec)) {
      return TarSource.read(stdin, "standard input", options);
    }
    Path p = Path.of(spec);
    if (Files.isDirectory(p)) {
      return DirectorySource.open(p, options);
    }
    if (Files.isRegularFile(p)) {
      SourceProvider provider = providerFor(p);
      if (provider != null) {
        return provider.open(p, options);
      }
      Optional<ImageSource> image =
          ImageSource.probe(p, Filesystems.installed(Sources.class.getClassLoader()));
      return image.isPresent() ? image.get() : TarSource.open(p, options);
    }
    throw notASource(spec);
  }

  /**
   * Checks that every source names something that exists and could be a source (a directory, a file
   * or {@link #STDIN}), without reading any. Commands call it before they open the first: a
   * mistyped last source should fail at once, not after the others were read (a large tar.xz, many
   * .debs).
   *
   * @throws JimgException naming the first source that cannot be one
   */
  public static void checkExist(List<String> specs) throws JimgException {
    for (String spec : specs) {
      if (!STDIN.equals(spec)) {
        check(spec);
      }
    }
  }

  private static void check(String spec) throws JimgException {
    Path p = Path.of(spec);
    if (!Files.isDirectory(p) && !Files.isRegularFile(p)) {
      throw notASource(spec);
    }
  }

  /** Why {@code spec}, neither a directory nor a regular file, cannot be a source. */
  private static JimgException notASource(String spec) {
    return Files.exists(Path.of(spec))
        ? new JimgException(
            spec + ": not a directory, a tar file, a package, a filesystem image or '-'")
        : new JimgException(spec + ": no such file or directory");
  }

  /** The installed provider that recognises the file's first bytes, or {@code null} (a tar). */
  private static SourceProvider providerFor(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(SourceProvider.PROBE_BYTES);
    }
    for (SourceProvider provider : PROVIDERS) {
      if (provider.recognises(head)) {
        return provider;
      }
    }
    return null;
  }

  /**
   * Opens several sources and layers them left to right (later ones win; see {@link
   * FileTreeBuilder#overlay}). Close the result to release every source.
   */
  public static LayeredSource openLayered(
      List<String> specs, InputStream stdin, SourceOptions options, boolean replaceTypes)
      throws IOException {
    checkExist(specs);
    List<Source> opened = new ArrayList<>();
    try {
      FileTree tree = FileTree.empty();
      for (String spec : specs) {
        Source s = open(spec, stdin, options);
        opened.add(s);
        tree = layer(tree, s, replaceTypes);
      }
      return new LayeredSource(tree, opened);
    } catch (IOException | RuntimeException e) {
      for (Source s : opened) {
        try {
          s.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * {@code upper}'s tree layered over {@code lower} ({@link FileTree#overlaidBy}); a conflict names
   * the source and, when replacing types is off, the option that allows it.
   */
  public static FileTree layer(FileTree lower, Source upper, boolean replaceTypes)
      throws TreeConflictException {
    try {
      return lower.overlaidBy(upper.tree(), replaceTypes);
    } catch (TreeConflictException e) {
      throw new TreeConflictException(
          "layering "
              + upper.name()
              + " over the sources before it: "
              + e.getMessage()
              + (replaceTypes
                  ? ""
                  : " (--replace lets a later source replace a directory by a file or the"
                      + " reverse)"));
    }
  }

  /** Several sources layered into one tree; closing it closes them all. */
  public static final class LayeredSource implements Source {
    private final FileTree tree;
    private final List<Source> sources;

    LayeredSource(FileTree tree, List<Source> sources) {
      this.tree = tree;
      this.sources = List.copyOf(sources);
    }

    @Override
    public FileTree tree() {
      return tree;
    }

    @Override
    public String name() {
      return String.join(" + ", sources.stream().map(Source::name).toList());
    }

    @Override
    public void close() throws IOException {
      Closeables.closeAll(sources);
    }
  }
}
