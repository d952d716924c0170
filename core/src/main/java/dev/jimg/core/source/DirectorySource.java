/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.tree.FileTree;
import java.io.IOException;
import java.nio.file.Path;

/** A host directory read into a tree; contents are read from the host files when written. */
public final class DirectorySource implements Source {
  private final String name;
  private final FileTree tree;

  private DirectorySource(String name, FileTree tree) {
    this.name = name;
    this.tree = tree;
  }

  /** Reads the directory tree below {@code dir} (which becomes the root). */
  public static DirectorySource open(Path dir, SourceOptions options) throws IOException {
    throw new UnsupportedOperationException("directory source not written yet: " + dir);
  }

  @Override
  public FileTree tree() {
    return tree;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {}
}
