/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.spi.FilesystemOptions;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The parsed options of an ext2/ext3/ext4 writer, named as the CLI flags ({@code --block-size},
 * {@code --label}, ...). Immutable.
 *
 * @param type {@code "ext2"}, {@code "ext3"} or {@code "ext4"}
 * @param size the filesystem size in bytes, or empty for the smallest that fits plus headroom
 * @param blockSize 1024, 2048 or 4096
 * @param inodeSize 128, 256, 512 or 1024
 * @param inodes the number of inodes, or empty to derive it from {@code bytesPerInode}
 * @param bytesPerInode one inode per this many bytes of filesystem (at least one per entry)
 * @param label the volume label, at most 16 bytes of UTF-8
 * @param uuid the filesystem UUID, or empty to derive it from the build's identities
 * @param journalSize the journal size in bytes, or empty for mke2fs' default for the size
 * @param reservedPercent blocks reserved for root, in percent
 * @param features the feature set
 */
record Ext4Options(
    String type,
    OptionalLong size,
    int blockSize,
    int inodeSize,
    OptionalLong inodes,
    long bytesPerInode,
    byte[] label,
    Optional<UUID> uuid,
    OptionalLong journalSize,
    int reservedPercent,
    Features features) {

  static final int DEFAULT_BLOCK_SIZE = 4096;
  static final int DEFAULT_INODE_SIZE = 256;
  static final long DEFAULT_BYTES_PER_INODE = 16_384;
  static final int MAX_LABEL_BYTES = 16;

  /** The writer options, name to description, for help and for rejecting unknown names. */
  static SortedMap<String, String> descriptions() {
    SortedMap<String, String> m = new TreeMap<>();
    m.put("size", "filesystem size (K/M/G/T suffixes); default: smallest that fits plus headroom");
    m.put("block-size", "block size in bytes: 1024, 2048 or 4096 (default 4096)");
    m.put("inode-size", "inode size in bytes: 128, 256, 512 or 1024 (default 256)");
    m.put("inodes", "number of inodes (default: from bytes-per-inode, at least one per entry)");
    m.put("bytes-per-inode", "one inode per this many bytes (default 16384)");
    m.put("label", "volume label, at most 16 bytes");
    m.put("uuid", "filesystem UUID (default: derived from the build seed)");
    m.put("journal-size", "journal size (K/M/G suffixes; default as mke2fs for the size)");
    m.put("no-journal", "true to leave out the journal (ext3/ext4)");
    m.put("reserved-percent", "percent of blocks reserved for root (default 0)");
    m.put("features", "feature changes, e.g. -huge_file,+metadata_csum");
    return Collections.unmodifiableSortedMap(m);
  }

  static Ext4Options parse(String type, Features defaults, Map<String, String> raw)
      throws InvalidOptionException {
    FilesystemOptions o = FilesystemOptions.requireKnown(type, raw, descriptions().keySet());
    int blockSize = (int) o.integer("block-size", 1024, 4096).orElse(DEFAULT_BLOCK_SIZE);
    if (blockSize != 1024 && blockSize != 2048 && blockSize != 4096) {
      throw new InvalidOptionException(
          type + " option block-size: " + blockSize + " is not 1024, 2048 or 4096");
    }
    int inodeSize = (int) o.integer("inode-size", 128, 1024).orElse(DEFAULT_INODE_SIZE);
    if (Integer.bitCount(inodeSize) != 1 || inodeSize > blockSize) {
      throw new InvalidOptionException(
          type
              + " option inode-size: "
              + inodeSize
              + " is not 128, 256, 512 or 1024 (and at most the block size)");
    }
    OptionalLong inodes = o.integer("inodes", 16, 0xFFFF_FFFFL);
    long bpi = o.integer("bytes-per-inode", 1024, 1L << 26).orElse(DEFAULT_BYTES_PER_INODE);
    byte[] label = o.string("label").orElse("").getBytes(StandardCharsets.UTF_8);
    if (label.length > MAX_LABEL_BYTES) {
      throw new InvalidOptionException(
          type
              + " option label: '"
              + o.string("label").orElseThrow()
              + "' is "
              + label.length
              + " bytes of UTF-8; ext labels hold at most 16");
    }
    Features features = defaults;
    Optional<String> list = o.string("features");
    if (list.isPresent()) {
      features = features.apply(type, list.get());
    }
    if (o.bool("no-journal").orElse(false)) {
      features = features.with("has_journal", false);
    }
    if (features.hasIncompat(Features.INCOMPAT_64BIT)
        && !features.hasIncompat(Features.INCOMPAT_EXTENTS)) {
      throw new InvalidOptionException(
          type + " option features: 64bit needs extent; add +extent or -64bit");
    }
    OptionalLong journal = o.size("journal-size");
    if (journal.isPresent() && journal.getAsLong() / blockSize < 1024) {
      throw new InvalidOptionException(
          type
              + " option journal-size: "
              + journal.getAsLong()
              + " bytes is fewer than 1024 blocks of "
              + blockSize);
    }
    OptionalLong size = o.size("size");
    return new Ext4Options(
        type,
        size,
        blockSize,
        inodeSize,
        inodes,
        bpi,
        label,
        o.uuid("uuid"),
        journal,
        (int) o.integer("reserved-percent", 0, 50).orElse(0),
        features);
  }

  boolean csum() {
    return features.hasRoCompat(Features.RO_COMPAT_METADATA_CSUM);
  }

  boolean extents() {
    return features.hasIncompat(Features.INCOMPAT_EXTENTS);
  }

  boolean journal() {
    return features.hasCompat(Features.COMPAT_HAS_JOURNAL);
  }

  boolean flexBg() {
    return features.hasIncompat(Features.INCOMPAT_FLEX_BG);
  }

  int descSize() {
    return features.hasIncompat(Features.INCOMPAT_64BIT)
        ? GroupDescriptor.SIZE_64
        : GroupDescriptor.SIZE_32;
  }
}
