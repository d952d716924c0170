/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The master boot record in the first 512 bytes of LBA 0 (UEFI 2.10 §5.2.1): boot code, the 32-bit
 * disk signature, four partition records and the {@code 55 AA} signature. A protective MBR is one
 * whose only record has type {@code 0xEE} (§5.2.3).
 *
 * @param bootCode up to {@link #BOOT_CODE_SIZE} bytes of boot code (zero-padded)
 * @param uniqueMbrDiskSignature the disk signature
 * @param records up to four partition records, in slot order
 */
record MasterBootRecord(
    byte[] bootCode, int uniqueMbrDiskSignature, List<MbrPartitionRecord> records) {
  static final int SIZE = 512;
  static final int BOOT_CODE_SIZE = 440;
  static final int BOOT_CODE = 0x000;
  static final int UNIQUE_MBR_DISK_SIGNATURE = 0x1B8;
  static final int UNKNOWN = 0x1BC;
  static final int PARTITION_RECORD = 0x1BE;
  static final int SIGNATURE = 0x1FE;
  static final int SIGNATURE_VALUE = 0xAA55;
  static final int RECORDS = 4;
  static final int GPT_PROTECTIVE = 0xEE;

  MasterBootRecord {
    if (bootCode.length > BOOT_CODE_SIZE) {
      throw new IllegalArgumentException(
          "boot code is " + bootCode.length + " bytes; the MBR holds " + BOOT_CODE_SIZE);
    }
    if (records.size() > RECORDS) {
      throw new IllegalArgumentException("an MBR holds 4 partition records, not " + records.size());
    }
    bootCode = bootCode.clone();
    records = List.copyOf(records);
  }

  /**
   * A protective MBR for a GPT disk of {@code sectors} logical blocks: one 0xEE record from LBA 1
   * of {@code min(sectors - 1, 0xFFFFFFFF)} blocks.
   */
  static MasterBootRecord protective(long sectors) {
    long size = Math.min(sectors - 1, MbrPartitionRecord.MAX_LBA32);
    return new MasterBootRecord(
        new byte[0], 0, List.of(new MbrPartitionRecord(0, GPT_PROTECTIVE, 1, size)));
  }

  /** The 512 bytes of this MBR. */
  byte[] toBytes() {
    return toBytes(List.of(0L, 0L, 0L, 0L));
  }

  /**
   * The 512 bytes of this record used as an extended boot record: the LBAs of an EBR's entries are
   * relative (to the EBR for the partition entry, to the extended partition for the link), but
   * their CHS fields absolute, so entry {@code i}'s CHS is computed from {@code chsBases[i] +
   * startingLba}.
   */
  byte[] toBytes(List<Long> chsBases) {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(BOOT_CODE, bootCode);
    b.putInt(UNIQUE_MBR_DISK_SIGNATURE, uniqueMbrDiskSignature);
    b.putShort(UNKNOWN, (short) 0);
    for (int i = 0; i < records.size(); i++) {
      records.get(i).write(b, PARTITION_RECORD + i * MbrPartitionRecord.SIZE, chsBases.get(i));
    }
    b.putShort(SIGNATURE, (short) SIGNATURE_VALUE);
    return b.array();
  }
}
