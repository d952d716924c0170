/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.spi;

import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.tree.FileTree;
import java.io.IOException;

/**
 * Reads a filesystem image back into a {@link FileTree}, for listing, diffing, repacking and
 * round-trip tests. Strict: bad magic, versions, checksums or bounds are a {@link
 * dev.jimg.core.CorruptInputException}, never a hang or an out-of-memory error.
 *
 * <p>Stateless and thread-safe.
 */
public interface FilesystemReader {
  /**
   * Whether the channel starts with this format's superblock magic (and whatever cheap sanity
   * checks make a false match unlikely). Reads only a few blocks; never throws for foreign data.
   */
  boolean probe(ImageChannel channel) throws IOException;

  /**
   * The tree stored in {@code channel}. File contents read from the channel lazily, so the channel
   * must stay open while the tree's contents are used.
   *
   * @throws dev.jimg.core.CorruptInputException if the image is damaged or not of this type
   */
  FileTree read(ImageChannel channel) throws IOException;
}
