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
 */
public record DiskSpec(
    TableType table,
    int sectorSize,
    OptionalLong size,
    Optional<String> seed,
    long alignment,
    Optional<Path> bootCode,
    List<PartitionSpec> partitions,
    List<BlobSpec> blobs) {
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
      sb.append(p.attributes()).append(p.bootable()).append(p.hybrid()).append('\n');
    }
    return sb.toString();
  }
}
