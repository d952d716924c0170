/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.TreeConflictException;
import dev.jimg.core.spi.FilesystemProvider;
import dev.jimg.core.spi.FilesystemReader;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The {@code fat} filesystem type: FAT12/16/32 with VFAT long names ({@link FatWriter}). Options as
 * in {@link FatOptions#DESCRIPTIONS}. Stateless and thread-safe.
 */
public final class FatProvider implements FilesystemProvider {
  /** The type name. */
  public static final String TYPE = "fat";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "fat (FAT12/16/32 with VFAT long names)";
  }

  @Override
  public SortedMap<String, String> writerOptions() {
    return FatOptions.DESCRIPTIONS;
  }

  @Override
  public Optional<FilesystemReader> newReader() {
    return Optional.of(new FatReader());
  }

  @Override
  public void checkOptions(Map<String, String> options) throws InvalidOptionException {
    FatOptions.parse(options);
  }

  /**
   * What FAT keeps of each entry: its name and type, a file's size (and bytes), a link's target
   * (copied or refused by the writer) and a file's or directory's modification time as FAT stores
   * it (UTC, 1980-2107, to the hundredth of a second with the creation time's extra byte). Owners,
   * modes, xattrs, access and change times are left out, so the derived volume id does not depend
   * on them: the same files unpacked by another user, with another umask or on a filesystem without
   * xattrs make the same image.
   */
  @Override
  public FileTree storedView(FileTree tree) {
    FileTreeBuilder b = new FileTreeBuilder();
    try {
      for (Map.Entry<ImagePath, Entry> me : tree) {
        Entry e = me.getValue();
        Entry kept =
            e.type() == EntryType.HARDLINK
                ? e
                : e.toBuilder()
                    .mode(e.type() == EntryType.DIRECTORY ? 0755 : 0644)
                    .uid(0)
                    .gid(0)
                    .mtime(stores(e.type()) ? stored(e.mtime()) : Timestamp.EPOCH)
                    .atime(null)
                    .ctime(null)
                    .xattrs(List.of())
                    .build();
        b.put(me.getKey(), kept);
      }
      return b.build();
    } catch (TreeConflictException e) {
      throw new IllegalStateException("a valid tree stopped being one without its metadata", e);
    }
  }

  /**
   * Whether FAT keeps an entry of this type with its own time: files and directories. A symbolic
   * link is skipped, refused or replaced by its target's file, devices and the like skipped or
   * refused.
   */
  private static boolean stores(EntryType type) {
    return type == EntryType.REGULAR || type == EntryType.DIRECTORY;
  }

  /** {@code t} as a FAT entry holds it: clamped to 1980-2107, hundredths of a second. */
  static Timestamp stored(Timestamp t) {
    Timestamp c = FatTimestamp.clamp(t);
    return c != t ? c : new Timestamp(t.seconds(), t.nanos() - t.nanos() % 10_000_000);
  }

  @Override
  public FilesystemWriter newWriter(Map<String, String> options, WriteContext context)
      throws InvalidOptionException {
    return new FatWriter(FatOptions.parse(options), context);
  }
}
