/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A whole disk: table, geometry, identities seed, partitions and blobs. Usually read from YAML by
 * {@link DiskSpecParser}; see {@code docs/disk-spec.md}.
 *
 * @param table the partition table type
 * @param sectorSize the logical sector size, 512 or 4096
 * @param size the disk size in bytes; empty for what the partitions need, rounded up to the
 *     alignment
 * @param seed the seed all identities derive from (a UUID is taken as systemd-repart's {@code
 *     --seed}); empty for one derived from this spec
 * @param alignment where partitions start and computed sizes end: a multiple of the sector size
 * @param bootCode a file with up to 440 bytes of MBR boot code (MBR tables)
 * @param partitions the partitions in table order
 * @param blobs raw files at byte offsets
 * @param gptLocation the byte offset of the primary GPT entry array (default: LBA 2, right after
 *     the header); moving it leaves room for a boot loader before it, as some boards' boot ROMs
 *     read at fixed offsets such as 8 KiB. The first usable LBA then follows the array.
 */
public record DiskSpec(
    TableType table,
    int sectorSize,
    OptionalLong size,
    Optional<String> seed,
    long alignment,
    Optional<Path> bootCode,
    List<PartitionSpec> partitions,
    List<BlobSpec> blobs,
    OptionalLong gptLocation) {
  /** The default alignment: 1 MiB. */
  public static final long DEFAULT_ALIGNMENT = 1L << 20;

  public DiskSpec {
    Objects.requireNonNull(table, "table");
    if (sectorSize != 512 && sectorSize != 4096) {
      throw new IllegalArgumentException("sector size must be 512 or 4096, not " + sectorSize);
    }
    if (alignment <= 0 || alignment % sectorSize != 0) {
      throw new IllegalArgumentException(
          "alignment "
              + alignment
              + " is not a positive multiple of the sector size "
              + sectorSize);
    }
    partitions = List.copyOf(partitions);
    blobs = List.copyOf(blobs);
    Objects.requireNonNull(gptLocation, "gptLocation");
    if (gptLocation.isPresent()) {
      long at = gptLocation.getAsLong();
      if (table == TableType.MBR || at < 2L * sectorSize || at % sectorSize != 0) {
        throw new IllegalArgumentException(
            "gpt-location "
                + at
                + " must be a multiple of the sector size from LBA 2 on, on a GPT or hybrid disk");
      }
    }
  }

  /** A spec with the primary GPT entry array at its standard place (LBA 2). */
  public DiskSpec(
      TableType table,
      int sectorSize,
      OptionalLong size,
      Optional<String> seed,
      long alignment,
      Optional<Path> bootCode,
      List<PartitionSpec> partitions,
      List<BlobSpec> blobs) {
    this(
        table,
        sectorSize,
        size,
        seed,
        alignment,
        bootCode,
        partitions,
        blobs,
        OptionalLong.empty());
  }

  /** The LBA of the primary GPT entry array. */
  long primaryArrayLba() {
    return gptLocation.isPresent() ? gptLocation.getAsLong() / sectorSize : 2;
  }

  /** A builder for a GPT disk with 512-byte sectors, 1 MiB alignment and no partitions yet. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a {@link DiskSpec} fluently:
   *
   * <pre>{@code
   * DiskSpec spec =
   *     DiskSpec.builder()
   *         .seed("my-board")
   *         .partition(PartitionSpec.builder().name("esp").type(PartitionType.parse("type", "esp"))
   *             .size(100 << 20).filesystem("fat").source("boot/").build())
   *         .blob(Path.of("u-boot.bin"), 8192, false)
   *         .table(TableType.MBR)
   *         .build();
   * }</pre>
   *
   * Not thread-safe.
   */
  public static final class Builder {
    private TableType table = TableType.GPT;
    private int sectorSize = 512;
    private OptionalLong size = OptionalLong.empty();
    private Optional<String> seed = Optional.empty();
    private long alignment = DEFAULT_ALIGNMENT;
    private Optional<Path> bootCode = Optional.empty();
    private final List<PartitionSpec> partitions = new java.util.ArrayList<>();
    private final List<BlobSpec> blobs = new java.util.ArrayList<>();
    private OptionalLong gptLocation = OptionalLong.empty();

    private Builder() {}

    /** The table type (default GPT). */
    public Builder table(TableType value) {
      this.table = Objects.requireNonNull(value);
      return this;
    }

    /** The sector size, 512 (default) or 4096. */
    public Builder sectorSize(int value) {
      this.sectorSize = value;
      return this;
    }

    /** The disk size in bytes (default: what the partitions need). */
    public Builder size(long bytes) {
      this.size = OptionalLong.of(bytes);
      return this;
    }

    /** The identities seed. */
    public Builder seed(String value) {
      this.seed = Optional.of(value);
      return this;
    }

    /** The alignment in bytes (default 1 MiB). */
    public Builder alignment(long bytes) {
      this.alignment = bytes;
      return this;
    }

    /** A file of MBR boot code. */
    public Builder bootCode(Path file) {
      this.bootCode = Optional.of(file);
      return this;
    }

    /** The byte offset of the primary GPT entry array (default LBA 2). */
    public Builder gptLocation(long bytes) {
      this.gptLocation = OptionalLong.of(bytes);
      return this;
    }

    /** Appends a partition. */
    public Builder partition(PartitionSpec value) {
      this.partitions.add(Objects.requireNonNull(value));
      return this;
    }

    /** Appends a blob. */
    public Builder blob(Path file, long offset, boolean allowOverlap) {
      this.blobs.add(new BlobSpec(file, offset, allowOverlap));
      return this;
    }

    /**
     * The spec.
     *
     * @throws IllegalArgumentException if the sector size or alignment is invalid
     */
    public DiskSpec build() {
      return new DiskSpec(
          table, sectorSize, size, seed, alignment, bootCode, partitions, blobs, gptLocation);
    }
  }

  /** A canonical text of the spec, hashed into the default seed. */
  String fingerprint() {
    StringBuilder sb = new StringBuilder("jimg-disk-v1\n");
    sb.append(table).append(' ').append(sectorSize).append(' ').append(size).append(' ');
    sb.append(alignment).append('\n');
    for (PartitionSpec p : partitions) {
      sb.append(p.name()).append('|');
      sb.append(p.type().map(PartitionType::name).orElse("")).append('|');
      sb.append(p.size()).append(p.minSize()).append(p.maxSize()).append(p.offset());
      sb.append(p.grow()).append('|').append(p.filesystem().orElse("")).append('|');
      sb.append(p.options()).append('|').append(p.label().orElse("")).append('|');
      sb.append(gptLocation).append('|');
      sb.append(p.attributes()).append(p.bootable()).append(p.hybrid()).append('\n');
    }
    return sb.toString();
  }
}
