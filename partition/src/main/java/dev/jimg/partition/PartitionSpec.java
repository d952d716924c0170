/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.tree.FileTree;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What one partition should be: its table fields, its size rule and what fills it. Build with
 * {@link #builder()}.
 *
 * <p>Size rules: {@code size} fixes the size; otherwise the size is what the content needs
 * (filesystem plan or content file), at least {@code minSize} and at most {@code maxSize}, rounded
 * up to the disk's alignment; {@code grow} adds the disk's free space (shared equally between
 * growing partitions, capped at {@code maxSize}).
 *
 * @param name the GPT partition name (PARTLABEL); empty for none
 * @param type the partition type; empty for the default (Linux generic)
 * @param size a fixed size in bytes
 * @param minSize a lower bound in bytes
 * @param maxSize an upper bound in bytes
 * @param offset a fixed start in bytes (a multiple of the sector size)
 * @param grow whether the partition takes the disk's free space
 * @param filesystem the filesystem type to write ({@code fat}, {@code ext4}, …) or empty for none
 * @param sources the layered sources of the filesystem tree (directories, tar files)
 * @param tree a tree given directly (by {@code jimg build}); sources, if any, are layered on it
 * @param options the filesystem writer's options
 * @param label the filesystem label, passed to the writer as its {@code label} option
 * @param uuid an explicit partition GUID
 * @param attributes GPT attribute bits
 * @param bootable the MBR active flag
 * @param hybrid whether a hybrid MBR mirrors this partition
 * @param content a raw file copied to the start of the partition (with no filesystem)
 */
public record PartitionSpec(
    String name,
    Optional<PartitionType> type,
    OptionalLong size,
    OptionalLong minSize,
    OptionalLong maxSize,
    OptionalLong offset,
    boolean grow,
    Optional<String> filesystem,
    List<String> sources,
    Optional<FileTree> tree,
    SortedMap<String, String> options,
    Optional<String> label,
    Optional<UUID> uuid,
    long attributes,
    boolean bootable,
    boolean hybrid,
    Optional<Path> content) {
  public PartitionSpec {
    Objects.requireNonNull(name, "name");
    sources = List.copyOf(sources);
    options = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(options));
    if (filesystem.isPresent() && content.isPresent()) {
      throw new IllegalArgumentException(
          "partition '" + name + "': give either a filesystem or a content file, not both");
    }
    if (filesystem.isEmpty() && (!sources.isEmpty() || tree.isPresent())) {
      throw new IllegalArgumentException(
          "partition '" + name + "': sources need a filesystem to write them into");
    }
  }

  /** A builder with no size rule, no content and no attributes. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link PartitionSpec}. Not thread-safe. */
  public static final class Builder {
    private String name = "";
    private PartitionType type;
    private OptionalLong size = OptionalLong.empty();
    private OptionalLong minSize = OptionalLong.empty();
    private OptionalLong maxSize = OptionalLong.empty();
    private OptionalLong offset = OptionalLong.empty();
    private boolean grow;
    private String filesystem;
    private final List<String> sources = new ArrayList<>();
    private FileTree tree;
    private final SortedMap<String, String> options = new TreeMap<>();
    private String label;
    private UUID uuid;
    private long attributes;
    private boolean bootable;
    private boolean hybrid;
    private Path content;

    private Builder() {}

    /** The GPT name. */
    public Builder name(String value) {
      this.name = Objects.requireNonNull(value);
      return this;
    }

    /** The type. */
    public Builder type(PartitionType value) {
      this.type = value;
      return this;
    }

    /** A fixed size in bytes. */
    public Builder size(long bytes) {
      this.size = OptionalLong.of(bytes);
      return this;
    }

    /** A minimum size in bytes. */
    public Builder minSize(long bytes) {
      this.minSize = OptionalLong.of(bytes);
      return this;
    }

    /** A maximum size in bytes. */
    public Builder maxSize(long bytes) {
      this.maxSize = OptionalLong.of(bytes);
      return this;
    }

    /** A fixed start in bytes. */
    public Builder offset(long bytes) {
      this.offset = OptionalLong.of(bytes);
      return this;
    }

    /** Whether to take the free space. */
    public Builder grow(boolean value) {
      this.grow = value;
      return this;
    }

    /** The filesystem type. */
    public Builder filesystem(String value) {
      this.filesystem = value;
      return this;
    }

    /** Adds a source layer (a directory or archive path). */
    public Builder source(String spec) {
      this.sources.add(Objects.requireNonNull(spec));
      return this;
    }

    /** A tree to write (sources, if any, are layered on top of it). */
    public Builder tree(FileTree value) {
      this.tree = value;
      return this;
    }

    /** Sets a writer option. */
    public Builder option(String key, String value) {
      this.options.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /** Sets writer options. */
    public Builder options(Map<String, String> values) {
      this.options.putAll(values);
      return this;
    }

    /** The filesystem label. */
    public Builder label(String value) {
      this.label = value;
      return this;
    }

    /** An explicit partition GUID. */
    public Builder uuid(UUID value) {
      this.uuid = value;
      return this;
    }

    /** Adds attribute bits. */
    public Builder attributes(long mask) {
      this.attributes |= mask;
      return this;
    }

    /** Adds an attribute. */
    public Builder attribute(GptAttribute attribute) {
      this.attributes |= 1L << attribute.bit();
      return this;
    }

    /** The MBR active flag. */
    public Builder bootable(boolean value) {
      this.bootable = value;
      return this;
    }

    /** Whether a hybrid MBR mirrors the partition. */
    public Builder hybrid(boolean value) {
      this.hybrid = value;
      return this;
    }

    /** A raw file to copy into the partition. */
    public Builder content(Path file) {
      this.content = file;
      return this;
    }

    /** The spec. */
    public PartitionSpec build() {
      return new PartitionSpec(
          name,
          Optional.ofNullable(type),
          size,
          minSize,
          maxSize,
          offset,
          grow,
          Optional.ofNullable(filesystem),
          sources,
          Optional.ofNullable(tree),
          options,
          Optional.ofNullable(label),
          Optional.ofNullable(uuid),
          attributes,
          bootable,
          hybrid,
          Optional.ofNullable(content));
    }
  }
}
