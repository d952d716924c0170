/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.tree.FileTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** A tar archive (ustar, GNU, PAX; optionally compressed) read into a tree. */
public final class TarSource implements Source {
  private final String name;
  private final FileTree tree;

  private TarSource(String name, FileTree tree) {
    this.name = name;
    this.tree = tree;
  }

  /** Reads a tar file, compressed or not (detected by magic). */
  public static TarSource open(Path file, SourceOptions options) throws IOException {
    throw new UnsupportedOperationException("tar source not written yet: " + file);
  }

  /** Reads a tar stream, compressed or not (detected by magic); {@code name} is for messages. */
  public static TarSource read(InputStream in, String name, SourceOptions options)
      throws IOException {
    throw new UnsupportedOperationException("tar source not written yet: " + name);
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
  public void close() throws IOException {}
}
