/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.Sizes;
import dev.jimg.core.TreeConflictException;
import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.source.Source;
import dev.jimg.core.spi.FilesystemProvider;
import dev.jimg.core.spi.FilesystemReader;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A partitioned disk image read as a source: the tree has one directory per partition, named by its
 * number, holding the partition's filesystem when an installed reader recognises it (empty
 * otherwise). The image stays open until {@link #close()}, since contents read from it.
 */
public final class DiskSource implements Source {
  private final String name;
  private final FileImageChannel channel;
  private final PartitionTableReader.Table table;
  private final Map<Integer, String> filesystems;
  private final FileTree tree;

  private DiskSource(
      String name,
      FileImageChannel channel,
      PartitionTableReader.Table table,
      Map<Integer, String> filesystems,
      FileTree tree) {
    this.name = name;
    this.channel = channel;
    this.table = table;
    this.filesystems = Map.copyOf(filesystems);
    this.tree = tree;
  }

  /** Opens {@code file}; empty (and nothing left open) when it has no partition table. */
  public static Optional<DiskSource> open(Path file) throws IOException {
    FileImageChannel channel = FileImageChannel.openReadOnly(file);
    try {
      Filesystems installed = Filesystems.installed(DiskSource.class.getClassLoader());
      Optional<PartitionTableReader.Table> table =
          PartitionTableReader.read(
              channel, file.toString(), slice -> installed.probe(slice).isPresent());
      if (table.isEmpty()) {
        channel.close();
        return Optional.empty();
      }
      FileTreeBuilder b = new FileTreeBuilder();
      Map<Integer, String> kinds = new java.util.TreeMap<>();
      for (PartitionTableReader.Partition p : table.get().parts()) {
        ImagePath dir = ImagePath.ROOT.child(Integer.toString(p.number()));
        b.put(dir, FileTreeBuilder.DEFAULT_DIRECTORY);
        if (p.offset() + p.size() > channel.size()) {
          throw new CorruptInputException(
              file.toString(),
              p.offset(),
              "partition "
                  + p.number()
                  + (p.name().isEmpty() ? "" : " (" + p.name() + ")")
                  + " spans bytes "
                  + Sizes.thousands(p.offset())
                  + ".."
                  + Sizes.thousands(p.offset() + p.size())
                  + " but the disk ends at byte "
                  + Sizes.thousands(channel.size())
                  + ": the image is truncated (or its table is wrong)");
        }
        ImageChannel slice = channel.slice("partition " + p.number(), p.offset(), p.size());
        Optional<FilesystemProvider> fs = installed.probe(slice);
        Optional<FilesystemReader> reader = fs.flatMap(FilesystemProvider::newReader);
        if (reader.isPresent()) {
          kinds.put(p.number(), fs.get().type());
          graft(b, dir, reader.get().read(slice));
        }
      }
      return Optional.of(new DiskSource(file.toString(), channel, table.get(), kinds, b.build()));
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static void graft(FileTreeBuilder b, ImagePath dir, FileTree part)
      throws TreeConflictException {
    for (Map.Entry<ImagePath, Entry> e : part) {
      Entry entry = e.getValue();
      if (entry.type() == EntryType.HARDLINK) {
        entry = Entry.hardlink(dir.resolve(entry.hardlinkTarget()));
      }
      b.put(dir.resolve(e.getKey()), entry);
    }
  }

  /** The partition table. */
  public PartitionTableReader.Table table() {
    return table;
  }

  /** The filesystem type found in a partition, if a reader recognised it. */
  public Optional<String> filesystem(int partitionNumber) {
    return Optional.ofNullable(filesystems.get(partitionNumber));
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
