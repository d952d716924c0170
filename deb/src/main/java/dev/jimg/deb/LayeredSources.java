/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.io.Closeables;
import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.Sources;
import dev.jimg.core.tree.FileTree;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sources layered left to right as {@code jimg mkfs} and {@code jimg build} layer them: a run of
 * .deb packages is unpacked over the tree so far as dpkg would ({@link DebUnpacker}: directory
 * symlinks followed, existing directories kept, file conflicts checked, the dpkg database written);
 * any other source (a directory, a tar, an image) is overlaid, later layers winning.
 *
 * <p>The tree's file contents read from the sources, so keep this open until the tree is written.
 */
public final class LayeredSources implements Closeable {
  private final List<Source> held = new ArrayList<>();
  private FileTree tree = FileTree.empty();

  private LayeredSources() {}

  /**
   * Opens {@code specs} (paths, or {@link Sources#STDIN} for {@code stdin}) and layers them.
   *
   * @param replaceTypes whether a later source may replace a directory by a file or the reverse
   */
  public static LayeredSources open(
      List<String> specs, InputStream stdin, SourceOptions options, boolean replaceTypes)
      throws IOException {
    Sources.checkExist(specs);
    LayeredSources layers = new LayeredSources();
    try {
      int i = 0;
      while (i < specs.size()) {
        List<Path> debs = new ArrayList<>();
        while (i < specs.size() && isDeb(specs.get(i))) {
          debs.add(Path.of(specs.get(i++)));
        }
        if (!debs.isEmpty()) {
          Source unpacked = DebUnpacker.over(layers.tree).options(options).unpack(debs);
          layers.held.add(unpacked);
          layers.tree = unpacked.tree();
          continue;
        }
        Source s = Sources.open(specs.get(i++), stdin, options);
        layers.held.add(s);
        layers.tree = Sources.layer(layers.tree, s, replaceTypes);
      }
      return layers;
    } catch (IOException | RuntimeException e) {
      try {
        layers.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Whether {@code spec} names a .deb package file. */
  public static boolean isDeb(String spec) throws IOException {
    if (Sources.STDIN.equals(spec)) {
      return false;
    }
    Path p = Path.of(spec);
    return Files.isRegularFile(p) && DebUnpacker.isDeb(p);
  }

  /** The sources, in layering order. */
  public List<Source> sources() {
    return List.copyOf(held);
  }

  /** The layered tree. */
  public FileTree tree() {
    return tree;
  }

  @Override
  public void close() throws IOException {
    Closeables.closeAll(held);
  }
}
