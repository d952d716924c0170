/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.spi.FilesystemProvider;
import dev.jimg.core.spi.FilesystemReader;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.tree.FileTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A filesystem image (ext2/3/4, squashfs, FAT: whatever readers are installed) read as a source,
 * recognised by its superblock, never by its name. The tree's contents read from the image, which
 * stays open until {@link #close()}.
 */
public final class ImageSource implements Source {
  private final String name;
  private final FileImageChannel channel;
  private final FileTree tree;

  private ImageSource(String name, FileImageChannel channel, FileTree tree) {
    this.name = name;
    this.channel = channel;
    this.tree = tree;
  }

  /**
   * Opens {@code file} as a filesystem image if an installed reader recognises it.
   *
   * @return the source, or empty when no reader recognises the file (the file is then closed)
   */
  public static Optional<ImageSource> probe(Path file, Filesystems filesystems) throws IOException {
    FileImageChannel channel = FileImageChannel.openReadOnly(file);
    try {
      Optional<FilesystemProvider> provider = filesystems.probe(channel);
      Optional<FilesystemReader> reader = provider.flatMap(FilesystemProvider::newReader);
      if (reader.isEmpty()) {
        channel.close();
        return Optional.empty();
      }
      FileTree tree = reader.get().read(channel);
      return Optional.of(new ImageSource(file + " (" + provider.get().type() + ")", channel, tree));
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
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
  public void close() throws IOException {
    channel.close();
  }
}
