/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.tree.Timestamp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct ext4_inode} (Linux {@code fs/ext4/ext4.h}): the 128-byte base and, in larger
 * inodes, 32 extra bytes (nanosecond times with epoch bits, creation time, the checksum's high
 * half) followed by the in-inode extended attributes. Mutable, filled by the writer; not
 * thread-safe.
 */
final class Inode {
  static final int GOOD_OLD_SIZE = 128;
  static final int EXTRA_ISIZE = 32;
  static final int I_BLOCK_SIZE = 60;

  static final int I_MODE = 0x00;
  static final int I_UID = 0x02;
  static final int I_SIZE_LO = 0x04;
  static final int I_ATIME = 0x08;
  static final int I_CTIME = 0x0C;
  static final int I_MTIME = 0x10;
  static final int I_GID = 0x18;
  static final int I_LINKS_COUNT = 0x1A;
  static final int I_BLOCKS_LO = 0x1C;
  static final int I_FLAGS = 0x20;
  static final int I_BLOCK = 0x28;
  static final int I_GENERATION = 0x64;
  static final int I_FILE_ACL_LO = 0x68;
  static final int I_SIZE_HIGH = 0x6C;
  static final int L_I_BLOCKS_HIGH = 0x74;
  static final int L_I_FILE_ACL_HIGH = 0x76;
  static final int L_I_UID_HIGH = 0x78;
  static final int L_I_GID_HIGH = 0x7A;
  static final int L_I_CHECKSUM_LO = 0x7C;
  static final int I_EXTRA_ISIZE = 0x80;
  static final int I_CHECKSUM_HI = 0x82;
  static final int I_CTIME_EXTRA = 0x84;
  static final int I_MTIME_EXTRA = 0x88;
  static final int I_ATIME_EXTRA = 0x8C;
  static final int I_CRTIME = 0x90;
  static final int I_CRTIME_EXTRA = 0x94;

  static final int EXTENTS_FL = 0x80000;
  static final int INDEX_FL = 0x1000;

  /** Data in i_block and the system.data xattr (inline_data), not in blocks. */
  static final int INLINE_DATA_FL = 0x10000000;

  /** Smallest and largest seconds the 32-bit field plus two epoch bits can hold. */
  static final long MIN_SECONDS = -(1L << 31);

  static final long MAX_SECONDS = (1L << 34) - (1L << 31) - 1;

  /**
   * The first and last seconds (2310-04-04T16:10:40Z and 2378-04-22T19:24:47Z) stored with both
   * epoch bits set and a negative 32-bit field. The kernel reads them as written, but e2fsck (1.47,
   * while its clock is before 2242-03-16) takes such an inode for a pre-1970 time written by an old
   * kernel: {@code e2fsck -n} reports "Timestamp(s) on inode N beyond 2310-04-04 are likely
   * pre-1970" and {@code e2fsck -p} (the boot-time check) clears the epoch bits, turning 2318 into
   * 1910.
   */
  static final long E2FSCK_SUSPECT_MIN = (3L << 32) - (1L << 31);

  static final long E2FSCK_SUSPECT_MAX = (3L << 32) - 1;

  int mode;
  long uid;
  long gid;
  long size;
  Timestamp atime = Timestamp.EPOCH;
  Timestamp ctime = Timestamp.EPOCH;
  Timestamp mtime = Timestamp.EPOCH;
  Timestamp crtime = Timestamp.EPOCH;
  int links;
  long blocks512;
  int flags;
  byte[] iBlock = new byte[I_BLOCK_SIZE];
  long fileAcl;

  /** The in-inode xattr region (from offset 128 + {@link #EXTRA_ISIZE}), or null. */
  byte[] ibodyXattrs;

  /** The encoded inode of number {@code ino}, checksum included when {@code csumSeed} is set. */
  byte[] encode(long ino, int inodeSize, Integer csumSeed) {
    ByteBuffer b = ByteBuffer.allocate(inodeSize).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(I_MODE, (short) mode);
    b.putShort(I_UID, (short) uid);
    b.putShort(L_I_UID_HIGH, (short) (uid >>> 16));
    b.putShort(I_GID, (short) gid);
    b.putShort(L_I_GID_HIGH, (short) (gid >>> 16));
    b.putInt(I_SIZE_LO, (int) size);
    b.putInt(I_SIZE_HIGH, (int) (size >>> 32));
    b.putInt(I_ATIME, (int) atime.seconds());
    b.putInt(I_CTIME, (int) ctime.seconds());
    b.putInt(I_MTIME, (int) mtime.seconds());
    b.putShort(I_LINKS_COUNT, (short) links);
    b.putInt(I_BLOCKS_LO, (int) blocks512);
    b.putShort(L_I_BLOCKS_HIGH, (short) (blocks512 >>> 32));
    b.putInt(I_FLAGS, flags);
    b.put(I_BLOCK, iBlock);
    b.putInt(I_FILE_ACL_LO, (int) fileAcl);
    b.putShort(L_I_FILE_ACL_HIGH, (short) (fileAcl >>> 32));
    if (inodeSize > GOOD_OLD_SIZE) {
      b.putShort(I_EXTRA_ISIZE, (short) EXTRA_ISIZE);
      b.putInt(I_CTIME_EXTRA, extra(ctime));
      b.putInt(I_MTIME_EXTRA, extra(mtime));
      b.putInt(I_ATIME_EXTRA, extra(atime));
      b.putInt(I_CRTIME, (int) crtime.seconds());
      b.putInt(I_CRTIME_EXTRA, extra(crtime));
      if (ibodyXattrs != null) {
        b.put(GOOD_OLD_SIZE + EXTRA_ISIZE, ibodyXattrs);
      }
    }
    byte[] out = b.array();
    if (csumSeed != null) {
      int crc = Crc32c.updateLe32(csumSeed, (int) ino);
      crc = Crc32c.updateLe32(crc, 0); // i_generation
      crc = Crc32c.update(crc, out);
      b.putShort(L_I_CHECKSUM_LO, (short) crc);
      if (inodeSize > GOOD_OLD_SIZE) {
        b.putShort(I_CHECKSUM_HI, (short) (crc >>> 16));
      }
    }
    return out;
  }

  /** {@code nsec << 2 | epoch}: the epoch bits extend the signed 32-bit seconds. */
  static int extra(Timestamp t) {
    long epoch = ((t.seconds() - (int) t.seconds()) >> 32) & 3;
    return (t.nanos() << 2) | (int) epoch;
  }
}
