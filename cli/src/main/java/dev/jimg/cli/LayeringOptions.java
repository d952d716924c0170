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
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.ParseResult;

/**
 * The options of every verb that reads layered sources ({@code ls}, {@code mkfs}, {@code extract}).
 * Sources are layered left to right; a run of .deb packages is unpacked over the tree so far as
 * dpkg would (directory symlinks followed, existing directories kept, file conflicts checked) and
 * the dpkg database is written, so the image knows its packages.
 */
final class LayeringOptions {
  private final boolean rootOwner;
  private final boolean replace;
  private final List<Path> manifests;

  private LayeringOptions(boolean rootOwner, boolean replace, List<Path> manifests) {
    this.rootOwner = rootOwner;
    this.replace = replace;
    this.manifests = manifests;
  }

  /** The options, for a verb's command line. */
  static ArgSpec[] args() {
    return new ArgSpec[] {
      Specs.flag("Give every entry owner 0:0.", "--root-owner"),
      Specs.flag(
          "Let a later source replace a directory by a file or the reverse (default: an error).",
          "--replace"),
      Specs.repeatable(
          "FILE",
          Path.class,
          "Apply a manifest after layering: add devices, directories, links; set modes, owners,"
              + " times, xattrs (see docs/manifest.md). May be repeated; applied in order.",
          "--manifest")
    };
  }

  /** The options as given on a command line parsed with {@link #args}. */
  static LayeringOptions of(ParseResult pr) {
    return new LayeringOptions(
        pr.matchedOptionValue("--root-owner", false),
        pr.matchedOptionValue("--replace", false),
        pr.matchedOptionValue("--manifest", List.of()));
  }

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
