/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.spi;

import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.tree.FileTree;
import java.io.IOException;

/**
 * Writes one filesystem from a {@link FileTree} into an {@link ImageChannel}, configured when its
 * {@link FilesystemProvider} made it. The same tree, options and {@link WriteContext} give the same
 * bytes.
 *
 * <p>Use: {@link #plan} to learn the minimum size, give a channel of at least that size (a file
 * channel sized by the caller, or a partition slice) to {@link #write}. A writer may be used for
 * several trees; it is not required to be thread-safe.
 */
public interface FilesystemWriter {
  /**
   * The fewest bytes a channel must have for {@link #write} of {@code tree} to succeed with this
   * writer's options; if the options fix a size, that size.
   *
   * @throws dev.jimg.core.UnsupportedEntryException if the format cannot hold an entry of the tree
   */
  long plan(FileTree tree) throws IOException;

  /**
   * Writes the filesystem into {@code channel} from offset 0, filling {@code channel.size()} bytes
   * (or, for a growable channel of size 0, the planned size). Regions the filesystem leaves zero
   * need not be written.
   *
   * @throws dev.jimg.core.ImageTooSmallException if the channel is smaller than needed
   * @throws dev.jimg.core.UnsupportedEntryException if the format cannot hold an entry
   * @throws IOException if reading content or writing the channel fails
   */
  WriteResult write(FileTree tree, ImageChannel channel, ProgressListener progress)
      throws IOException;
}
