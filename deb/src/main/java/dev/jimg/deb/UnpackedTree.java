/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.io.Closeables;
import dev.jimg.core.source.Source;
import dev.jimg.core.tree.FileTree;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The tree {@link DebUnpacker} made: the base tree with the packages' files and the dpkg database.
 * Its contents point into the packages' spooled data until {@link #close()}.
 */
public final class UnpackedTree implements Source {
  /** One unpacked package and the state the database gives it. */
  public record Package(
      String name, String version, String architecture, String status, List<String> scripts) {
    public Package {
      Objects.requireNonNull(name);
      scripts = List.copyOf(scripts);
    }
  }

  private final FileTree tree;
  private final List<Package> packages;
  private final List<DebData> data;

  UnpackedTree(FileTree tree, List<Package> packages, List<DebData> data) {
    this.tree = tree;
    this.packages = List.copyOf(packages);
    this.data = List.copyOf(data);
  }

  @Override
  public FileTree tree() {
    return tree;
  }

  /** The packages in the order they were unpacked. */
  public List<Package> packages() {
    return packages;
  }

  @Override
  public String name() {
    return String.join(" + ", data.stream().map(DebData::name).toList());
  }

  @Override
  public void close() throws IOException {
    Closeables.closeAll(data);
  }
}
