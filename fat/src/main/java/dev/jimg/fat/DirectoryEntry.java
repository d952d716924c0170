/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A 32-byte short directory entry (Microsoft FAT specification 1.03, section 6).
 *
 * @param name {@code DIR_Name}: 11 bytes, 8 of base and 3 of extension, space padded
 * @param attributes {@code DIR_Attr}
 * @param ntFlags {@code DIR_NTRes}: {@link #NT_LOWER_BASE}, {@link #NT_LOWER_EXT}
 * @param created creation time ({@code DIR_CrtTimeTenth}, {@code DIR_CrtTime}, {@code DIR_CrtDate})
 * @param accessDate {@code DIR_LstAccDate}
 * @param written {@code DIR_WrtTime}, {@code DIR_WrtDate}
 * @param firstCluster {@code DIR_FstClusHI}:{@code DIR_FstClusLO}
 * @param fileSize {@code DIR_FileSize}
 */
public record DirectoryEntry(
    byte[] name,
    int attributes,
    int ntFlags,
    FatTimestamp created,
    int accessDate,
    FatTimestamp written,
    long firstCluster,
    long fileSize) {
  /** Bytes per entry. */
  public static final int SIZE = 32;

  static final int DIR_NAME = 0x00;
  static final int DIR_ATTR = 0x0B;
  static final int DIR_NT_RES = 0x0C;
  static final int DIR_CRT_TIME_TENTH = 0x0D;
  static final int DIR_CRT_TIME = 0x0E;
  static final int DIR_CRT_DATE = 0x10;
  static final int DIR_LST_ACC_DATE = 0x12;
  static final int DIR_FST_CLUS_HI = 0x14;
  static final int DIR_WRT_TIME = 0x16;
  static final int DIR_WRT_DATE = 0x18;
  static final int DIR_FST_CLUS_LO = 0x1A;
  static final int DIR_FILE_SIZE = 0x1C;

  /** {@code ATTR_READ_ONLY}. */
  public static final int ATTR_READ_ONLY = 0x01;

  /** {@code ATTR_HIDDEN}. */
  public static final int ATTR_HIDDEN = 0x02;

  /** {@code ATTR_SYSTEM}. */
  public static final int ATTR_SYSTEM = 0x04;

  /** {@code ATTR_VOLUME_ID}. */
  public static final int ATTR_VOLUME_ID = 0x08;

  /** {@code ATTR_DIRECTORY}. */
  public static final int ATTR_DIRECTORY = 0x10;

  /** {@code ATTR_ARCHIVE}. */
  public static final int ATTR_ARCHIVE = 0x20;

  /** {@code ATTR_LONG_NAME}: the attribute byte of a long-name slot. */
  public static final int ATTR_LONG_NAME = 0x0F;

  /** {@code DIR_NTRes} bit (Windows NT and later): the base name is shown in lower case. */
  public static final int NT_LOWER_BASE = 0x08;

  /** {@code DIR_NTRes} bit: the extension is shown in lower case. */
  public static final int NT_LOWER_EXT = 0x10;

  /** Writes the entry at {@code offset} of {@code b}. */
  public void write(ByteBuffer b, int offset) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    b.put(offset + DIR_NAME, name, 0, 11);
    b.put(offset + DIR_ATTR, (byte) attributes);
    b.put(offset + DIR_NT_RES, (byte) ntFlags);
    b.put(offset + DIR_CRT_TIME_TENTH, (byte) created.tenths());
    b.putShort(offset + DIR_CRT_TIME, (short) created.time());
    b.putShort(offset + DIR_CRT_DATE, (short) created.date());
    b.putShort(offset + DIR_LST_ACC_DATE, (short) accessDate);
    b.putShort(offset + DIR_FST_CLUS_HI, (short) (firstCluster >>> 16));
    b.putShort(offset + DIR_WRT_TIME, (short) written.time());
    b.putShort(offset + DIR_WRT_DATE, (short) written.date());
    b.putShort(offset + DIR_FST_CLUS_LO, (short) firstCluster);
    b.putInt(offset + DIR_FILE_SIZE, (int) fileSize);
  }

  /** Reads the entry at {@code offset} of {@code b}. */
  public static DirectoryEntry read(ByteBuffer b, int offset) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    byte[] name = new byte[11];
    b.get(offset + DIR_NAME, name);
    return new DirectoryEntry(
        name,
        b.get(offset + DIR_ATTR) & 0xFF,
        b.get(offset + DIR_NT_RES) & 0xFF,
        new FatTimestamp(
            b.getShort(offset + DIR_CRT_DATE) & 0xFFFF,
            b.getShort(offset + DIR_CRT_TIME) & 0xFFFF,
            b.get(offset + DIR_CRT_TIME_TENTH) & 0xFF),
        b.getShort(offset + DIR_LST_ACC_DATE) & 0xFFFF,
        new FatTimestamp(
            b.getShort(offset + DIR_WRT_DATE) & 0xFFFF,
            b.getShort(offset + DIR_WRT_TIME) & 0xFFFF,
            0),
        ((long) (b.getShort(offset + DIR_FST_CLUS_HI) & 0xFFFF) << 16)
            | (b.getShort(offset + DIR_FST_CLUS_LO) & 0xFFFF),
        b.getInt(offset + DIR_FILE_SIZE) & 0xFFFF_FFFFL);
  }
}
