/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code journal_superblock_t} of an empty JBD2 journal (Linux {@code include/linux/jbd2.h}),
 * big-endian, in the first block of the journal inode: version 2, first log block 1, sequence 1,
 * {@code s_start} 0 (nothing to replay), the filesystem's UUID and no features, as mke2fs makes it.
 */
final class JournalSuperblock {
  static final int MAGIC = 0xC03B_3998;
  static final int BLOCKTYPE_SUPERBLOCK_V2 = 4;

  private static final int H_MAGIC = 0x00;
  private static final int H_BLOCKTYPE = 0x04;
  private static final int S_BLOCKSIZE = 0x0C;
  private static final int S_MAXLEN = 0x10;
  private static final int S_FIRST = 0x14;
  private static final int S_SEQUENCE = 0x18;
  private static final int S_UUID = 0x30;
  private static final int S_NR_USERS = 0x40;

  private JournalSuperblock() {}

  /** The first block of a journal of {@code blocks} blocks. */
  static byte[] encode(int blockSize, long blocks, byte[] fsUuid) {
    ByteBuffer b = ByteBuffer.allocate(blockSize).order(ByteOrder.BIG_ENDIAN);
    b.putInt(H_MAGIC, MAGIC);
    b.putInt(H_BLOCKTYPE, BLOCKTYPE_SUPERBLOCK_V2);
    b.putInt(S_BLOCKSIZE, blockSize);
    b.putInt(S_MAXLEN, (int) blocks);
    b.putInt(S_FIRST, 1);
    b.putInt(S_SEQUENCE, 1);
    b.put(S_UUID, fsUuid);
    b.putInt(S_NR_USERS, 1);
    return b.array();
  }

  /** mke2fs' default journal size in blocks for a filesystem of {@code fsBlocks} blocks. */
  static long defaultBlocks(long fsBlocks) {
    if (fsBlocks < 32_768) {
      return 1024;
    } else if (fsBlocks < 256 * 1024) {
      return 4096;
    } else if (fsBlocks < 512 * 1024) {
      return 8192;
    } else if (fsBlocks < 4096 * 1024) {
      return 16_384;
    } else if (fsBlocks < 8192 * 1024) {
      return 32_768;
    } else if (fsBlocks < 16_384 * 1024) {
      return 65_536;
    } else if (fsBlocks < 32_768 * 1024) {
      return 131_072;
    }
    return 262_144;
  }
}
