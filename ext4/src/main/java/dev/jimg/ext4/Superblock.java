/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct ext4_super_block} (Linux {@code fs/ext4/ext4.h}, e2fsprogs {@code
 * lib/ext2fs/ext2_fs.h}): 1,024 bytes at byte 1,024 of the filesystem, copied at the start of the
 * backup groups. Fields not listed stay zero. Mutable, filled by the writer; not thread-safe.
 */
final class Superblock {
  static final int SIZE = 1024;
  static final int OFFSET = 1024;
  static final int MAGIC = 0xEF53;

  static final int S_INODES_COUNT = 0x00;
  static final int S_BLOCKS_COUNT_LO = 0x04;
  static final int S_R_BLOCKS_COUNT_LO = 0x08;
  static final int S_FREE_BLOCKS_COUNT_LO = 0x0C;
  static final int S_FREE_INODES_COUNT = 0x10;
  static final int S_FIRST_DATA_BLOCK = 0x14;
  static final int S_LOG_BLOCK_SIZE = 0x18;
  static final int S_LOG_CLUSTER_SIZE = 0x1C;
  static final int S_BLOCKS_PER_GROUP = 0x20;
  static final int S_CLUSTERS_PER_GROUP = 0x24;
  static final int S_INODES_PER_GROUP = 0x28;
  static final int S_WTIME = 0x30;
  static final int S_MAX_MNT_COUNT = 0x36;
  static final int S_MAGIC = 0x38;
  static final int S_STATE = 0x3A;
  static final int S_ERRORS = 0x3C;
  static final int S_LASTCHECK = 0x40;
  static final int S_REV_LEVEL = 0x4C;
  static final int S_FIRST_INO = 0x54;
  static final int S_INODE_SIZE = 0x58;
  static final int S_BLOCK_GROUP_NR = 0x5A;
  static final int S_FEATURE_COMPAT = 0x5C;
  static final int S_FEATURE_INCOMPAT = 0x60;
  static final int S_FEATURE_RO_COMPAT = 0x64;
  static final int S_UUID = 0x68;
  static final int S_VOLUME_NAME = 0x78;
  static final int S_JOURNAL_INUM = 0xE0;
  static final int S_HASH_SEED = 0xEC;
  static final int S_DEF_HASH_VERSION = 0xFC;
  static final int S_JNL_BACKUP_TYPE = 0xFD;
  static final int S_DESC_SIZE = 0xFE;
  static final int S_DEFAULT_MOUNT_OPTS = 0x100;
  static final int S_MKFS_TIME = 0x108;
  static final int S_JNL_BLOCKS = 0x10C;
  static final int S_BLOCKS_COUNT_HI = 0x150;
  static final int S_R_BLOCKS_COUNT_HI = 0x154;
  static final int S_FREE_BLOCKS_COUNT_HI = 0x158;
  static final int S_MIN_EXTRA_ISIZE = 0x15C;
  static final int S_WANT_EXTRA_ISIZE = 0x15E;
  static final int S_FLAGS = 0x160;
  static final int S_LOG_GROUPS_PER_FLEX = 0x174;
  static final int S_CHECKSUM_TYPE = 0x175;
  static final int S_CHECKSUM_SEED = 0x270;
  static final int S_WTIME_HI = 0x27C;
  static final int S_MKFS_TIME_HI = 0x27E;
  static final int S_LASTCHECK_HI = 0x27F;
  static final int S_CHECKSUM = 0x3FC;

  static final int STATE_VALID = 1;
  static final int ERRORS_CONTINUE = 1;
  static final int REV_DYNAMIC = 1;
  static final int FIRST_INO = 11;
  static final int HASH_HALF_MD4 = 1;
  static final int FLAGS_UNSIGNED_HASH = 0x2;
  static final int JNL_BACKUP_BLOCKS = 1;
  static final int DEFM_XATTR_USER = 0x4;
  static final int DEFM_ACL = 0x8;
  static final int CHECKSUM_TYPE_CRC32C = 1;

  long inodesCount;
  long blocksCount;
  long reservedBlocks;
  long freeBlocks;
  long freeInodes;
  int firstDataBlock;
  int logBlockSize;
  int blocksPerGroup;
  int inodesPerGroup;

  /**
   * The creation and last-check time, never negative. The last write and mount times stay zero:
   * e2fsck warns when they lie in its future, and a build time taken from the tree may.
   */
  long time;

  int inodeSize;
  Features features;
  byte[] uuid = new byte[16];
  byte[] volumeName = new byte[16];
  int journalInum;
  byte[] hashSeed = new byte[16];
  int descSize;
  int[] jnlBlocks;
  int logGroupsPerFlex;

  /** The superblock of group {@code group} (0 for the primary), checksum included. */
  byte[] encode(int group) {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(S_INODES_COUNT, (int) inodesCount);
    b.putInt(S_BLOCKS_COUNT_LO, (int) blocksCount);
    b.putInt(S_BLOCKS_COUNT_HI, (int) (blocksCount >>> 32));
    b.putInt(S_R_BLOCKS_COUNT_LO, (int) reservedBlocks);
    b.putInt(S_R_BLOCKS_COUNT_HI, (int) (reservedBlocks >>> 32));
    b.putInt(S_FREE_BLOCKS_COUNT_LO, (int) freeBlocks);
    b.putInt(S_FREE_BLOCKS_COUNT_HI, (int) (freeBlocks >>> 32));
    b.putInt(S_FREE_INODES_COUNT, (int) freeInodes);
    b.putInt(S_FIRST_DATA_BLOCK, firstDataBlock);
    b.putInt(S_LOG_BLOCK_SIZE, logBlockSize);
    b.putInt(S_LOG_CLUSTER_SIZE, logBlockSize);
    b.putInt(S_BLOCKS_PER_GROUP, blocksPerGroup);
    b.putInt(S_CLUSTERS_PER_GROUP, blocksPerGroup);
    b.putInt(S_INODES_PER_GROUP, inodesPerGroup);
    b.putShort(S_MAX_MNT_COUNT, (short) -1);
    b.putShort(S_MAGIC, (short) MAGIC);
    b.putShort(S_STATE, (short) STATE_VALID);
    b.putShort(S_ERRORS, (short) ERRORS_CONTINUE);
    b.putInt(S_LASTCHECK, (int) time);
    b.putInt(S_REV_LEVEL, REV_DYNAMIC);
    b.putInt(S_FIRST_INO, FIRST_INO);
    b.putShort(S_INODE_SIZE, (short) inodeSize);
    b.putShort(S_BLOCK_GROUP_NR, (short) group);
    b.putInt(S_FEATURE_COMPAT, features.compat());
    b.putInt(S_FEATURE_INCOMPAT, features.incompat());
    b.putInt(S_FEATURE_RO_COMPAT, features.roCompat());
    b.put(S_UUID, uuid);
    b.put(S_VOLUME_NAME, volumeName);
    b.putInt(S_JOURNAL_INUM, journalInum);
    b.put(S_HASH_SEED, hashSeed);
    b.put(S_DEF_HASH_VERSION, (byte) HASH_HALF_MD4);
    if (jnlBlocks != null) {
      b.put(S_JNL_BACKUP_TYPE, (byte) JNL_BACKUP_BLOCKS);
      for (int i = 0; i < jnlBlocks.length; i++) {
        b.putInt(S_JNL_BLOCKS + 4 * i, jnlBlocks[i]);
      }
    }
    if (features.hasIncompat(Features.INCOMPAT_64BIT)) {
      b.putShort(S_DESC_SIZE, (short) descSize);
    }
    b.putInt(S_DEFAULT_MOUNT_OPTS, DEFM_XATTR_USER | DEFM_ACL);
    b.putInt(S_MKFS_TIME, (int) time);
    if (inodeSize > Inode.GOOD_OLD_SIZE) {
      b.putShort(S_MIN_EXTRA_ISIZE, (short) Inode.EXTRA_ISIZE);
      b.putShort(S_WANT_EXTRA_ISIZE, (short) Inode.EXTRA_ISIZE);
    }
    b.putInt(S_FLAGS, FLAGS_UNSIGNED_HASH);
    b.put(S_LOG_GROUPS_PER_FLEX, (byte) logGroupsPerFlex);
    byte hi = (byte) (time >>> 32);
    b.put(S_MKFS_TIME_HI, hi);
    b.put(S_LASTCHECK_HI, hi);
    byte[] out = b.array();
    if (features.hasRoCompat(Features.RO_COMPAT_METADATA_CSUM)) {
      b.put(S_CHECKSUM_TYPE, (byte) CHECKSUM_TYPE_CRC32C);
      b.putInt(S_CHECKSUM, Crc32c.update(~0, out, 0, S_CHECKSUM));
    }
    return out;
  }
}
