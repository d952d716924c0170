/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.io.Closeables;
import dev.jimg.core.source.Manifest;
import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.Sources;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.deb.DebUnpacker;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of every verb that reads layered sources ({@code ls}, {@code mkfs}): a mixin. Sources
 * are layered left to right; a run of .deb packages is unpacked over the tree so far as dpkg would
 * (directory symlinks followed, existing directories kept, file conflicts checked) and the dpkg
 * database is written, so the image knows its packages.
 */
final class LayeringOptions {
  @Option(names = "--root-owner", description = "Give every entry owner 0:0.")
  boolean rootOwner;

  @Option(
      names = "--replace",
      description =
          "Let a later source replace a directory by a file or the reverse (default: an error).")
  boolean replace;

  @Option(
      names = "--manifest",
      paramLabel = "FILE",
      description =
          "Apply a manifest after layering: add devices, directories, links; set modes, owners,"
              + " times, xattrs (see docs/manifest.md). May be repeated; applied in order.")
  List<Path> manifests = new ArrayList<>();

  /** A layered tree and the sources its contents point into; closing releases them. */
  static final class Layers implements Closeable {
    private final List<Source> held = new ArrayList<>();
    private FileTree tree;

    /** The sources, in layering order. */
    List<Source> sources() {
      return List.copyOf(held);
    }

    /** The layered tree (manifests not yet applied). */
    FileTree tree() {
      return tree;
    }

    @Override
    public void close() throws IOException {
      Closeables.closeAll(held);
    }
  }

  /** Opens {@code specs} and layers them left to right with these options. */
  Layers open(List<String> specs, InputStream stdin) throws IOException {
    SourceOptions options = SourceOptions.defaults().withRootOwner(rootOwner);
    Layers layers = new Layers();
    try {
      int i = 0;
      while (i < specs.size()) {
        List<Path> debs = new ArrayList<>();
        while (i < specs.size() && isDeb(specs.get(i))) {
          debs.add(Path.of(specs.get(i++)));
        }
        if (!debs.isEmpty()) {
          FileTree base = layers.tree == null ? FileTree.empty() : layers.tree;
          Source unpacked = DebUnpacker.over(base).options(options).unpack(debs);
          layers.held.add(unpacked);
          layers.tree = unpacked.tree();
          continue;
        }
        Source s = Sources.open(specs.get(i++), stdin, options);
        layers.held.add(s);
        FileTreeBuilder b = layers.tree == null ? new FileTreeBuilder() : layers.tree.toBuilder();
        layers.tree = b.replaceTypes(replace).overlay(s.tree()).build();
      }
      if (layers.tree == null) {
        layers.tree = FileTree.empty();
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

  private static boolean isDeb(String spec) throws IOException {
    if (Sources.STDIN.equals(spec)) {
      return false;
    }
    Path p = Path.of(spec);
    return Files.isRegularFile(p) && DebUnpacker.isDeb(p);
  }

  /** The layered tree with the manifests applied. */
  FileTree tree(Layers layers) throws IOException {
    FileTree tree = layers.tree();
    for (Path m : manifests) {
      tree = Manifest.parse(m).applyTo(tree);
    }
    return tree;
  }
}
