/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import java.nio.ByteBuffer;

/**
 * {@code struct ext4_group_desc} (Linux {@code fs/ext4/ext4.h}): 32 bytes, or 64 with the 64bit
 * feature. Mutable, filled by the writer; not thread-safe.
 */
final class GroupDescriptor {
  static final int SIZE_32 = 32;
  static final int SIZE_64 = 64;

  static final int BG_BLOCK_BITMAP_LO = 0x00;
  static final int BG_INODE_BITMAP_LO = 0x04;
  static final int BG_INODE_TABLE_LO = 0x08;
  static final int BG_FREE_BLOCKS_COUNT_LO = 0x0C;
  static final int BG_FREE_INODES_COUNT_LO = 0x0E;
  static final int BG_USED_DIRS_COUNT_LO = 0x10;
  static final int BG_FLAGS = 0x12;
  static final int BG_BLOCK_BITMAP_CSUM_LO = 0x18;
  static final int BG_INODE_BITMAP_CSUM_LO = 0x1A;
  static final int BG_ITABLE_UNUSED_LO = 0x1C;
  static final int BG_CHECKSUM = 0x1E;
  static final int BG_BLOCK_BITMAP_HI = 0x20;
  static final int BG_INODE_BITMAP_HI = 0x24;
  static final int BG_INODE_TABLE_HI = 0x28;
  static final int BG_FREE_BLOCKS_COUNT_HI = 0x2C;
  static final int BG_FREE_INODES_COUNT_HI = 0x2E;
  static final int BG_USED_DIRS_COUNT_HI = 0x30;
  static final int BG_ITABLE_UNUSED_HI = 0x32;
  static final int BG_BLOCK_BITMAP_CSUM_HI = 0x38;
  static final int BG_INODE_BITMAP_CSUM_HI = 0x3A;

  static final int FLAG_INODE_UNINIT = 0x1;
  static final int FLAG_INODE_ZEROED = 0x4;

  long blockBitmap;
  long inodeBitmap;
  long inodeTable;
  long freeBlocks;
  long freeInodes;
  long usedDirs;
  int flags;
  long itableUnused;
  int blockBitmapCsum;
  int inodeBitmapCsum;

  /**
   * Writes the descriptor of group {@code group} at {@code at} in {@code b} ({@code size} bytes,
   * little-endian), with its checksum when {@code csumSeed} is present.
   */
  void encode(ByteBuffer b, int at, int size, int group, Integer csumSeed) {
    b.putInt(at + BG_BLOCK_BITMAP_LO, (int) blockBitmap);
    b.putInt(at + BG_INODE_BITMAP_LO, (int) inodeBitmap);
    b.putInt(at + BG_INODE_TABLE_LO, (int) inodeTable);
    b.putShort(at + BG_FREE_BLOCKS_COUNT_LO, (short) freeBlocks);
    b.putShort(at + BG_FREE_INODES_COUNT_LO, (short) freeInodes);
    b.putShort(at + BG_USED_DIRS_COUNT_LO, (short) usedDirs);
    b.putShort(at + BG_FLAGS, (short) flags);
    b.putShort(at + BG_ITABLE_UNUSED_LO, (short) itableUnused);
    b.putShort(at + BG_BLOCK_BITMAP_CSUM_LO, (short) blockBitmapCsum);
    b.putShort(at + BG_INODE_BITMAP_CSUM_LO, (short) inodeBitmapCsum);
    if (size >= SIZE_64) {
      b.putInt(at + BG_BLOCK_BITMAP_HI, (int) (blockBitmap >>> 32));
      b.putInt(at + BG_INODE_BITMAP_HI, (int) (inodeBitmap >>> 32));
      b.putInt(at + BG_INODE_TABLE_HI, (int) (inodeTable >>> 32));
      b.putShort(at + BG_FREE_BLOCKS_COUNT_HI, (short) (freeBlocks >>> 16));
      b.putShort(at + BG_FREE_INODES_COUNT_HI, (short) (freeInodes >>> 16));
      b.putShort(at + BG_USED_DIRS_COUNT_HI, (short) (usedDirs >>> 16));
      b.putShort(at + BG_ITABLE_UNUSED_HI, (short) (itableUnused >>> 16));
      b.putShort(at + BG_BLOCK_BITMAP_CSUM_HI, (short) (blockBitmapCsum >>> 16));
      b.putShort(at + BG_INODE_BITMAP_CSUM_HI, (short) (inodeBitmapCsum >>> 16));
    }
    if (csumSeed != null) {
      b.putShort(at + BG_CHECKSUM, (short) 0);
      byte[] raw = new byte[size];
      b.get(at, raw);
      int crc = Crc32c.update(Crc32c.updateLe32(csumSeed, group), raw);
      b.putShort(at + BG_CHECKSUM, (short) crc);
    }
  }
}
