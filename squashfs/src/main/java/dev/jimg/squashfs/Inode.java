/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Squashfs 4.0 inodes ({@code struct squashfs_*_inode} of the kernel's {@code squashfs_fs.h}): a
 * 16-byte common header ({@code inode_type, mode, uid, guid, mtime, inode_number}) followed by the
 * type's fields. Basic types 1..7, extended types 8..14 (basic + 7).
 */
final class Inode {
  static final int BASIC_DIR = 1;
  static final int BASIC_FILE = 2;
  static final int BASIC_SYMLINK = 3;
  static final int BASIC_BLKDEV = 4;
  static final int BASIC_CHRDEV = 5;
  static final int BASIC_FIFO = 6;
  static final int BASIC_SOCKET = 7;
  static final int EXTENDED_OFFSET = 7;

  static final int NO_XATTR = 0xFFFF_FFFF;
  static final int NO_FRAGMENT = 0xFFFF_FFFF;

  static final int HEADER_SIZE = 16;

  private Inode() {}

  /** The common header fields. */
  record Header(int type, int mode, int uidIndex, int gidIndex, long mtime, long number) {}

  private static ByteBuffer start(Header h, int bodySize) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + bodySize).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) h.type);
    b.putShort((short) h.mode);
    b.putShort((short) h.uidIndex);
    b.putShort((short) h.gidIndex);
    b.putInt((int) h.mtime);
    b.putInt((int) h.number);
    return b;
  }

  /** {@code squashfs_dir_inode} (type 1). */
  static byte[] basicDir(
      Header h, long startBlock, long nlink, int fileSize, int offset, long parent) {
    ByteBuffer b = start(h, 16);
    b.putInt((int) startBlock);
    b.putInt((int) nlink);
    b.putShort((short) fileSize);
    b.putShort((short) offset);
    b.putInt((int) parent);
    return b.array();
  }

  /** A {@code squashfs_dir_index} entry of an extended directory. */
  record DirIndex(long index, long startBlock, byte[] name) {}

  /** {@code squashfs_ldir_inode} (type 8) with its index. */
  static byte[] extendedDir(
      Header h,
      long nlink,
      long fileSize,
      long startBlock,
      long parent,
      int offset,
      int xattr,
      List<DirIndex> index) {
    int size = 24;
    for (DirIndex d : index) {
      size += 12 + d.name.length;
    }
    ByteBuffer b = start(h, size);
    b.putInt((int) nlink);
    b.putInt((int) fileSize);
    b.putInt((int) startBlock);
    b.putInt((int) parent);
    b.putShort((short) index.size());
    b.putShort((short) offset);
    b.putInt(xattr);
    for (DirIndex d : index) {
      b.putInt((int) d.index);
      b.putInt((int) d.startBlock);
      b.putInt(d.name.length - 1);
      b.put(d.name);
    }
    return b.array();
  }

  /** {@code squashfs_reg_inode} (type 2). */
  static byte[] basicFile(
      Header h, long blocksStart, int fragment, int fragmentOffset, long size, int[] blocks) {
    ByteBuffer b = start(h, 16 + 4 * blocks.length);
    b.putInt((int) blocksStart);
    b.putInt(fragment);
    b.putInt(fragmentOffset);
    b.putInt((int) size);
    for (int s : blocks) {
      b.putInt(s);
    }
    return b.array();
  }

  /** {@code squashfs_lreg_inode} (type 9). */
  static byte[] extendedFile(
      Header h,
      long blocksStart,
      long size,
      long sparse,
      long nlink,
      int fragment,
      int fragmentOffset,
      int xattr,
      int[] blocks) {
    ByteBuffer b = start(h, 40 + 4 * blocks.length);
    b.putLong(blocksStart);
    b.putLong(size);
    b.putLong(sparse);
    b.putInt((int) nlink);
    b.putInt(fragment);
    b.putInt(fragmentOffset);
    b.putInt(xattr);
    for (int s : blocks) {
      b.putInt(s);
    }
    return b.array();
  }

  /** {@code squashfs_symlink_inode} (type 3, or 10 with the xattr index after the target). */
  static byte[] symlink(Header h, long nlink, byte[] target, int xattr, boolean extended) {
    ByteBuffer b = start(h, 8 + target.length + (extended ? 4 : 0));
    b.putInt((int) nlink);
    b.putInt(target.length);
    b.put(target);
    if (extended) {
      b.putInt(xattr);
    }
    return b.array();
  }

  /** {@code squashfs_dev_inode} (types 4/5, or 11/12 with an xattr index). */
  static byte[] device(Header h, long nlink, int rdev, int xattr, boolean extended) {
    ByteBuffer b = start(h, 8 + (extended ? 4 : 0));
    b.putInt((int) nlink);
    b.putInt(rdev);
    if (extended) {
      b.putInt(xattr);
    }
    return b.array();
  }

  /** {@code squashfs_ipc_inode} (types 6/7, or 13/14 with an xattr index). */
  static byte[] ipc(Header h, long nlink, int xattr, boolean extended) {
    ByteBuffer b = start(h, 4 + (extended ? 4 : 0));
    b.putInt((int) nlink);
    if (extended) {
      b.putInt(xattr);
    }
    return b.array();
  }

  /**
   * The kernel's {@code new_encode_dev}: {@code (minor & 0xff) | (major << 8) | ((minor & ~0xff) <<
   * 12)}.
   */
  static int encodeDevice(long major, long minor) {
    return (int) ((minor & 0xFF) | (major << 8) | ((minor & ~0xFFL) << 12));
  }
}
