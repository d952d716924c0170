/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One of the four 16-byte partition records of a master boot record (UEFI 2.10 §5.2.1, Table 5-2),
 * also used in extended boot records.
 *
 * <p>The CHS fields are derived from the LBAs with the geometry sfdisk and fdisk assume for images
 * (255 heads, 63 sectors per track); addresses past cylinder 1023 are written {@code FE FF FF}, as
 * sfdisk does.
 *
 * @param bootIndicator {@code 0x80} for the active partition, else 0
 * @param osType the partition type byte
 * @param startingLba first sector
 * @param sizeInLba number of sectors
 */
record MbrPartitionRecord(int bootIndicator, int osType, long startingLba, long sizeInLba) {
  static final int SIZE = 16;

  static final int BOOT_INDICATOR = 0x00;
  static final int STARTING_CHS = 0x01;
  static final int OS_TYPE = 0x04;
  static final int ENDING_CHS = 0x05;
  static final int STARTING_LBA = 0x08;
  static final int SIZE_IN_LBA = 0x0C;

  static final int ACTIVE = 0x80;
  static final int HEADS = 255;
  static final int SECTORS_PER_TRACK = 63;
  static final int MAX_CYLINDER = 1023;
  static final long MAX_LBA32 = 0xFFFF_FFFFL;

  MbrPartitionRecord {
    if (startingLba < 0 || startingLba > MAX_LBA32 || sizeInLba < 0 || sizeInLba > MAX_LBA32) {
      throw new IllegalArgumentException(
          "MBR partition at sector "
              + startingLba
              + " of "
              + sizeInLba
              + " sectors does not fit the 32-bit MBR fields; use a GPT table");
    }
  }

  void write(ByteBuffer sector, int offset) {
    write(sector, offset, 0);
  }

  /**
   * Writes the record; the CHS fields describe {@code base + startingLba} (an extended boot
   * record's LBAs are relative, its CHS fields absolute).
   */
  void write(ByteBuffer sector, int offset, long base) {
    ByteBuffer b = sector.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    b.put(offset + BOOT_INDICATOR, (byte) bootIndicator);
    putChs(b, offset + STARTING_CHS, base + startingLba);
    b.put(offset + OS_TYPE, (byte) osType);
    putChs(b, offset + ENDING_CHS, base + startingLba + sizeInLba - 1);
    b.putInt(offset + STARTING_LBA, (int) startingLba);
    b.putInt(offset + SIZE_IN_LBA, (int) sizeInLba);
  }

  private static void putChs(ByteBuffer b, int at, long lba) {
    long cylinder = lba / (HEADS * SECTORS_PER_TRACK);
    if (cylinder > MAX_CYLINDER) {
      b.put(at, (byte) 0xFE);
      b.put(at + 1, (byte) 0xFF);
      b.put(at + 2, (byte) 0xFF);
      return;
    }
    long head = (lba / SECTORS_PER_TRACK) % HEADS;
    long sector = lba % SECTORS_PER_TRACK + 1;
    b.put(at, (byte) head);
    b.put(at + 1, (byte) (sector | ((cylinder >> 2) & 0xC0)));
    b.put(at + 2, (byte) (cylinder & 0xFF));
  }
}
