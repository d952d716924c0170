/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.repro.Identities;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One GPT partition entry ({@code EFI_PARTITION_ENTRY}, UEFI 2.10 §5.3.3), 128 bytes.
 *
 * @param partitionTypeGuid the type
 * @param uniquePartitionGuid the partition's own GUID (PARTUUID)
 * @param startingLba first LBA
 * @param endingLba last LBA, inclusive
 * @param attributes attribute bits (see {@link GptAttribute})
 * @param partitionName the name (PARTLABEL), at most {@link #NAME_UNITS} UTF-16 code units
 */
record GptPartitionEntry(
    UUID partitionTypeGuid,
    UUID uniquePartitionGuid,
    long startingLba,
    long endingLba,
    long attributes,
    String partitionName) {
  static final int SIZE = 128;
  static final int NAME_UNITS = 36;

  static final int PARTITION_TYPE_GUID = 0x00;
  static final int UNIQUE_PARTITION_GUID = 0x10;
  static final int STARTING_LBA = 0x20;
  static final int ENDING_LBA = 0x28;
  static final int ATTRIBUTES = 0x30;
  static final int PARTITION_NAME = 0x38;

  GptPartitionEntry {
    if (partitionName.length() > NAME_UNITS) {
      throw new IllegalArgumentException(
          "GPT partition name '"
              + partitionName
              + "' is "
              + partitionName.length()
              + " UTF-16 units; GPT holds at most "
              + NAME_UNITS);
    }
  }

  /** Writes this entry at {@code offset} of {@code array}. */
  void write(ByteBuffer array, int offset) {
    ByteBuffer b = array.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    b.put(offset + PARTITION_TYPE_GUID, Identities.toGptBytes(partitionTypeGuid));
    b.put(offset + UNIQUE_PARTITION_GUID, Identities.toGptBytes(uniquePartitionGuid));
    b.putLong(offset + STARTING_LBA, startingLba);
    b.putLong(offset + ENDING_LBA, endingLba);
    b.putLong(offset + ATTRIBUTES, attributes);
    b.put(offset + PARTITION_NAME, partitionName.getBytes(StandardCharsets.UTF_16LE));
  }
}
