/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The squashfs 4.0 superblock ({@code struct squashfs_super_block} of the Linux kernel's {@code
 * fs/squashfs/squashfs_fs.h}): 96 bytes at offset 0, little-endian.
 *
 * @param inodeCount number of inodes
 * @param mkfsTime filesystem time, unsigned 32-bit seconds
 * @param blockSize data block size, a power of two from 4 KiB to 1 MiB
 * @param fragmentCount fragment table entries
 * @param compressionId compressor id
 * @param flags {@code SQUASHFS_*} flag bits
 * @param idCount id table entries
 * @param rootInode reference of the root directory inode
 * @param bytesUsed filesystem size without the padding to 4 KiB
 * @param idTableStart id index table
 * @param xattrIdTableStart xattr id table header, or {@link #INVALID}
 * @param inodeTableStart inode table
 * @param directoryTableStart directory table
 * @param fragmentTableStart fragment index table
 * @param exportTableStart export (inode lookup) index table, or {@link #INVALID}
 */
record Superblock(
    long inodeCount,
    long mkfsTime,
    int blockSize,
    long fragmentCount,
    int compressionId,
    int flags,
    int idCount,
    long rootInode,
    long bytesUsed,
    long idTableStart,
    long xattrIdTableStart,
    long inodeTableStart,
    long directoryTableStart,
    long fragmentTableStart,
    long exportTableStart) {

  static final int SIZE = 96;
  static final int MAGIC = 0x73717368;
  static final long INVALID = 0xFFFF_FFFF_FFFF_FFFFL;

  static final int S_MAGIC = 0x00;
  static final int S_INODES = 0x04;
  static final int S_MKFS_TIME = 0x08;
  static final int S_BLOCK_SIZE = 0x0C;
  static final int S_FRAGMENTS = 0x10;
  static final int S_COMPRESSION = 0x14;
  static final int S_BLOCK_LOG = 0x16;
  static final int S_FLAGS = 0x18;
  static final int S_NO_IDS = 0x1A;
  static final int S_MAJOR = 0x1C;
  static final int S_MINOR = 0x1E;
  static final int S_ROOT_INODE = 0x20;
  static final int S_BYTES_USED = 0x28;
  static final int S_ID_TABLE_START = 0x30;
  static final int S_XATTR_ID_TABLE_START = 0x38;
  static final int S_INODE_TABLE_START = 0x40;
  static final int S_DIRECTORY_TABLE_START = 0x48;
  static final int S_FRAGMENT_TABLE_START = 0x50;
  static final int S_LOOKUP_TABLE_START = 0x58;

  static final int FLAG_UNCOMPRESSED_INODES = 0x0001;
  static final int FLAG_UNCOMPRESSED_DATA = 0x0002;
  static final int FLAG_UNCOMPRESSED_FRAGMENTS = 0x0008;
  static final int FLAG_NO_FRAGMENTS = 0x0010;
  static final int FLAG_ALWAYS_FRAGMENTS = 0x0020;
  static final int FLAG_DUPLICATES = 0x0040;
  static final int FLAG_EXPORTABLE = 0x0080;
  static final int FLAG_UNCOMPRESSED_XATTRS = 0x0100;
  static final int FLAG_NO_XATTRS = 0x0200;
  static final int FLAG_COMPRESSOR_OPTIONS = 0x0400;
  static final int FLAG_UNCOMPRESSED_IDS = 0x0800;

  static final int VERSION_MAJOR = 4;
  static final int VERSION_MINOR = 0;

  /** The 96 bytes. */
  byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(S_MAGIC, MAGIC);
    b.putInt(S_INODES, (int) inodeCount);
    b.putInt(S_MKFS_TIME, (int) mkfsTime);
    b.putInt(S_BLOCK_SIZE, blockSize);
    b.putInt(S_FRAGMENTS, (int) fragmentCount);
    b.putShort(S_COMPRESSION, (short) compressionId);
    b.putShort(S_BLOCK_LOG, (short) Integer.numberOfTrailingZeros(blockSize));
    b.putShort(S_FLAGS, (short) flags);
    b.putShort(S_NO_IDS, (short) idCount);
    b.putShort(S_MAJOR, (short) VERSION_MAJOR);
    b.putShort(S_MINOR, (short) VERSION_MINOR);
    b.putLong(S_ROOT_INODE, rootInode);
    b.putLong(S_BYTES_USED, bytesUsed);
    b.putLong(S_ID_TABLE_START, idTableStart);
    b.putLong(S_XATTR_ID_TABLE_START, xattrIdTableStart);
    b.putLong(S_INODE_TABLE_START, inodeTableStart);
    b.putLong(S_DIRECTORY_TABLE_START, directoryTableStart);
    b.putLong(S_FRAGMENT_TABLE_START, fragmentTableStart);
    b.putLong(S_LOOKUP_TABLE_START, exportTableStart);
    return b.array();
  }

  /** Decodes the 96 bytes at the buffer's position 0 (magic and version not checked here). */
  static Superblock read(ByteBuffer raw) {
    ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    return new Superblock(
        b.getInt(S_INODES) & 0xFFFF_FFFFL,
        b.getInt(S_MKFS_TIME) & 0xFFFF_FFFFL,
        b.getInt(S_BLOCK_SIZE),
        b.getInt(S_FRAGMENTS) & 0xFFFF_FFFFL,
        b.getShort(S_COMPRESSION) & 0xFFFF,
        b.getShort(S_FLAGS) & 0xFFFF,
        b.getShort(S_NO_IDS) & 0xFFFF,
        b.getLong(S_ROOT_INODE),
        b.getLong(S_BYTES_USED),
        b.getLong(S_ID_TABLE_START),
        b.getLong(S_XATTR_ID_TABLE_START),
        b.getLong(S_INODE_TABLE_START),
        b.getLong(S_DIRECTORY_TABLE_START),
        b.getLong(S_FRAGMENT_TABLE_START),
        b.getLong(S_LOOKUP_TABLE_START));
  }
}
