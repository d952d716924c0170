/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.repro.Identities;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The GPT header ({@code EFI_PARTITION_TABLE_HEADER}, UEFI 2.10 §5.3.2), primary at LBA 1 or backup
 * at the last LBA. Occupies one logical block; the 92 bytes this class writes are followed by
 * zeros.
 *
 * @param myLba the LBA of this header
 * @param alternateLba the LBA of the other header
 * @param firstUsableLba the first LBA a partition may use
 * @param lastUsableLba the last LBA a partition may use
 * @param diskGuid the disk GUID
 * @param partitionEntryLba the first LBA of this header's entry array
 * @param numberOfPartitionEntries entries in the array
 * @param sizeOfPartitionEntry bytes per entry
 * @param partitionEntryArrayCrc32 CRC32 of the whole array
 */
record GptHeader(
    long myLba,
    long alternateLba,
    long firstUsableLba,
    long lastUsableLba,
    UUID diskGuid,
    long partitionEntryLba,
    int numberOfPartitionEntries,
    int sizeOfPartitionEntry,
    int partitionEntryArrayCrc32) {
  static final byte[] SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
  static final int REVISION_1_0 = 0x0001_0000;
  static final int HEADER_SIZE = 92;

  static final int SIGNATURE_OFFSET = 0x00;
  static final int REVISION = 0x08;
  static final int HEADER_SIZE_OFFSET = 0x0C;
  static final int HEADER_CRC32 = 0x10;
  static final int RESERVED = 0x14;
  static final int MY_LBA = 0x18;
  static final int ALTERNATE_LBA = 0x20;
  static final int FIRST_USABLE_LBA = 0x28;
  static final int LAST_USABLE_LBA = 0x30;
  static final int DISK_GUID = 0x38;
  static final int PARTITION_ENTRY_LBA = 0x48;
  static final int NUMBER_OF_PARTITION_ENTRIES = 0x50;
  static final int SIZE_OF_PARTITION_ENTRY = 0x54;
  static final int PARTITION_ENTRY_ARRAY_CRC32 = 0x58;

  /** Writes the header into a zeroed block of {@code blockSize} bytes, the header CRC last. */
  byte[] toBlock(int blockSize) {
    ByteBuffer b = ByteBuffer.allocate(blockSize).order(ByteOrder.LITTLE_ENDIAN);
    b.put(SIGNATURE_OFFSET, SIGNATURE);
    b.putInt(REVISION, REVISION_1_0);
    b.putInt(HEADER_SIZE_OFFSET, HEADER_SIZE);
    b.putInt(RESERVED, 0);
    b.putLong(MY_LBA, myLba);
    b.putLong(ALTERNATE_LBA, alternateLba);
    b.putLong(FIRST_USABLE_LBA, firstUsableLba);
    b.putLong(LAST_USABLE_LBA, lastUsableLba);
    b.put(DISK_GUID, Identities.toGptBytes(diskGuid));
    b.putLong(PARTITION_ENTRY_LBA, partitionEntryLba);
    b.putInt(NUMBER_OF_PARTITION_ENTRIES, numberOfPartitionEntries);
    b.putInt(SIZE_OF_PARTITION_ENTRY, sizeOfPartitionEntry);
    b.putInt(PARTITION_ENTRY_ARRAY_CRC32, partitionEntryArrayCrc32);
    CRC32 crc = new CRC32();
    crc.update(b.array(), 0, HEADER_SIZE);
    b.putInt(HEADER_CRC32, (int) crc.getValue());
    return b.array();
  }
}
