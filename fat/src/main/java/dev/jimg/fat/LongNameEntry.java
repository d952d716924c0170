/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * VFAT long-name slots (Microsoft FAT specification 1.03, section 7): 13 UTF-16LE code units per
 * 32-byte slot, stored last slot first before the short entry they name, each carrying the short
 * name's checksum. A name that does not fill its last slot ends with {@code 0x0000}, then {@code
 * 0xFFFF} padding.
 */
public final class LongNameEntry {
  static final int LDIR_ORD = 0x00;
  static final int LDIR_NAME1 = 0x01;
  static final int LDIR_ATTR = 0x0B;
  static final int LDIR_TYPE = 0x0C;
  static final int LDIR_CHKSUM = 0x0D;
  static final int LDIR_NAME2 = 0x0E;
  static final int LDIR_FST_CLUS_LO = 0x1A;
  static final int LDIR_NAME3 = 0x1C;

  /** Code units per slot. */
  public static final int CHARS_PER_SLOT = 13;

  /** {@code LAST_LONG_ENTRY}: or-ed into the ordinal of the last (first stored) slot. */
  public static final int LAST_LONG_ENTRY = 0x40;

  /** Longest long name in UTF-16 code units. */
  public static final int MAX_LENGTH = 255;

  /** Offsets of the 13 code units within a slot. */
  static final int[] CHAR_OFFSETS = {
    LDIR_NAME1,
    LDIR_NAME1 + 2,
    LDIR_NAME1 + 4,
    LDIR_NAME1 + 6,
    LDIR_NAME1 + 8,
    LDIR_NAME2,
    LDIR_NAME2 + 2,
    LDIR_NAME2 + 4,
    LDIR_NAME2 + 6,
    LDIR_NAME2 + 8,
    LDIR_NAME2 + 10,
    LDIR_NAME3,
    LDIR_NAME3 + 2
  };

  private LongNameEntry() {}

  /** Number of slots a long name of {@code length} code units takes. */
  public static int slots(int length) {
    return (length + CHARS_PER_SLOT - 1) / CHARS_PER_SLOT;
  }

  /** {@code ChkSum}: rotate right and add over the 11 bytes of a short name. */
  public static int checksum(byte[] shortName) {
    int sum = 0;
    for (int i = 0; i < 11; i++) {
      sum = ((sum & 1) << 7) + (sum >>> 1) + (shortName[i] & 0xFF);
      sum &= 0xFF;
    }
    return sum;
  }

  /**
   * Writes the slots of {@code name} from {@code offset} of {@code b}, in on-disk order (highest
   * ordinal first); returns the offset after them.
   */
  public static int write(ByteBuffer b, int offset, String name, int checksum) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    int n = slots(name.length());
    int pos = offset;
    for (int ord = n; ord >= 1; ord--) {
      b.put(pos + LDIR_ORD, (byte) (ord == n ? ord | LAST_LONG_ENTRY : ord));
      b.put(pos + LDIR_ATTR, (byte) DirectoryEntry.ATTR_LONG_NAME);
      b.put(pos + LDIR_TYPE, (byte) 0);
      b.put(pos + LDIR_CHKSUM, (byte) checksum);
      b.putShort(pos + LDIR_FST_CLUS_LO, (short) 0);
      int base = (ord - 1) * CHARS_PER_SLOT;
      for (int i = 0; i < CHARS_PER_SLOT; i++) {
        int k = base + i;
        char c = k < name.length() ? name.charAt(k) : k == name.length() ? 0 : (char) 0xFFFF;
        b.putChar(pos + CHAR_OFFSETS[i], c);
      }
      pos += DirectoryEntry.SIZE;
    }
    return pos;
  }
}
