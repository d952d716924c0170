/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.tree.FileTree;
import java.io.Closeable;
import java.io.IOException;

/**
 * An input that has been read into a {@link FileTree}: a host directory, a tar stream, later a .deb
 * or an image. The tree's contents may point into resources the source holds (an open archive, a
 * spool file); they stay readable until the source is closed.
 */
public interface Source extends Closeable {
  /** The tree read from this source. */
  FileTree tree();

  /** What the source was opened from, for messages. */
  String name();

  /** Releases what the contents point into; the tree's contents cannot be read afterwards. */
  @Override
  void close() throws IOException;
}
