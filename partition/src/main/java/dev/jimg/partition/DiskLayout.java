/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import java.util.List;
import java.util.UUID;

/**
 * Where everything of a disk lies, as planned and written.
 *
 * @param table the table type
 * @param sectorSize the logical sector size
 * @param sectors the disk size in sectors
 * @param firstUsableLba the first sector a partition may use
 * @param lastUsableLba the last sector a partition may use
 * @param diskGuid the GPT disk GUID (GPT only, else {@code null})
 * @param diskSignature the MBR disk signature (MBR only, else 0)
 * @param partitions the partitions in table order
 */
public record DiskLayout(
    TableType table,
    int sectorSize,
    long sectors,
    long firstUsableLba,
    long lastUsableLba,
    UUID diskGuid,
    int diskSignature,
    List<Placed> partitions) {
  public DiskLayout {
    partitions = List.copyOf(partitions);
  }

  /** The disk size in bytes. */
  public long sizeBytes() {
    return sectors * sectorSize;
  }

  /**
   * One partition as placed.
   *
   * @param number 1-based partition number
   * @param name the GPT name
   * @param gptType the GPT type GUID (GPT only, else {@code null})
   * @param mbrType the MBR type byte (MBR only, else 0)
   * @param uuid the partition GUID (for MBR the value the filesystem identities derive from)
   * @param offset first byte
   * @param size length in bytes
   * @param attributes GPT attribute bits
   */
  public record Placed(
      int number,
      String name,
      UUID gptType,
      int mbrType,
      UUID uuid,
      long offset,
      long size,
      long attributes) {}
}
