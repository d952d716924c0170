/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.source.Manifest;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.tree.FileTree;
import dev.jimg.deb.LayeredSources;
import java.io.IOException;
import java.io.InputStream;
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

  /** The manifests, parsed before any source is read so that a mistake in one fails at once. */
  private List<Manifest> parsed;

  /**
   * Parses the manifests, then opens {@code specs} and layers them left to right with these
   * options.
   */
  LayeredSources open(List<String> specs, InputStream stdin) throws IOException {
    List<Manifest> list = new ArrayList<>();
    for (Path m : manifests) {
      list.add(Manifest.parse(m));
    }
    parsed = list;
    return LayeredSources.open(
        specs, stdin, SourceOptions.defaults().withRootOwner(rootOwner), replace);
  }

  /** The layered tree with the manifests applied ({@link #open} first). */
  FileTree tree(LayeredSources layers) throws IOException {
    if (parsed == null) {
      throw new IllegalStateException("open() parses the manifests before tree()");
    }
    FileTree tree = layers.tree();
    for (Manifest m : parsed) {
      tree = m.applyTo(tree);
    }
    return tree;
  }
}
