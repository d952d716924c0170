/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An inode's extent tree ({@code struct ext4_extent_header}, {@code ext4_extent}, {@code
 * ext4_extent_idx}, {@code ext4_extent_tail}; Linux {@code fs/ext4/ext4_extents.h}): up to four
 * entries in {@code i_block}, full leaf blocks below when there are more, and index levels until
 * the root's four slots suffice, so the tree is as shallow and narrow as e2fsck wants it.
 */
final class ExtentTree {
  static final int EH_MAGIC = 0xF30A;
  static final int HEADER_SIZE = 12;
  static final int ENTRY_SIZE = 12;
  static final int ROOT_MAX = 4;
  static final int MAX_LEN = 32768;

  private static final int EH_MAGIC_OFF = 0;
  private static final int EH_ENTRIES = 2;
  private static final int EH_MAX = 4;
  private static final int EH_DEPTH = 6;

  /**
   * One mapping of {@code len} logical blocks from {@code logical} to physical {@code physical}.
   */
  record Mapping(long logical, long physical, int len) {}

  /** A written tree block. */
  record Block(long number, byte[] bytes) {}

  private ExtentTree() {}

  static int perBlock(int blockSize) {
    return (blockSize - HEADER_SIZE) / ENTRY_SIZE;
  }

  /** How many tree blocks (below the root in the inode) {@code extents} mappings need. */
  static int blocksNeeded(int extents, int blockSize) {
    int per = perBlock(blockSize);
    int total = 0;
    int nodes = extents;
    while (nodes > ROOT_MAX) {
      nodes = (nodes + per - 1) / per;
      total += nodes;
    }
    return total;
  }

  /**
   * Builds the tree: writes the root into {@code iBlock} and returns the tree blocks, numbered from
   * {@code treeBlocks} in order (leaves first), with checksum tails when {@code csumSeed} is set.
   */
  static List<Block> build(
      List<Mapping> mappings,
      long[] treeBlocks,
      int blockSize,
      byte[] iBlock,
      long ino,
      Integer csumSeed) {
    int per = perBlock(blockSize);
    List<Block> out = new ArrayList<>();
    // entries of the current level: {firstLogical, physicalOrChild, len (leaves only)}
    List<long[]> level = new ArrayList<>();
    for (Mapping m : mappings) {
      level.add(new long[] {m.logical(), m.physical(), m.len()});
    }
    int depth = 0;
    int next = 0;
    while (level.size() > ROOT_MAX) {
      List<long[]> up = new ArrayList<>();
      for (int i = 0; i < level.size(); i += per) {
        List<long[]> chunk = level.subList(i, Math.min(level.size(), i + per));
        long number = treeBlocks[next++];
        ByteBuffer b = ByteBuffer.allocate(blockSize).order(ByteOrder.LITTLE_ENDIAN);
        writeNode(b, chunk, per, depth);
        byte[] bytes = b.array();
        if (csumSeed != null) {
          int tail = HEADER_SIZE + ENTRY_SIZE * per;
          int crc = Crc32c.updateLe32(Crc32c.updateLe32(csumSeed, (int) ino), 0);
          b.putInt(tail, Crc32c.update(crc, bytes, 0, tail));
        }
        out.add(new Block(number, bytes));
        up.add(new long[] {chunk.get(0)[0], number, 0});
      }
      level = up;
      depth++;
    }
    ByteBuffer root = ByteBuffer.wrap(iBlock).order(ByteOrder.LITTLE_ENDIAN);
    writeNode(root, level, ROOT_MAX, depth);
    return out;
  }

  private static void writeNode(ByteBuffer b, List<long[]> entries, int max, int depth) {
    b.putShort(EH_MAGIC_OFF, (short) EH_MAGIC);
    b.putShort(EH_ENTRIES, (short) entries.size());
    b.putShort(EH_MAX, (short) max);
    b.putShort(EH_DEPTH, (short) depth);
    int at = HEADER_SIZE;
    for (long[] e : entries) {
      b.putInt(at, (int) e[0]);
      if (depth == 0) {
        b.putShort(at + 4, (short) e[2]);
        b.putShort(at + 6, (short) (e[1] >>> 32));
        b.putInt(at + 8, (int) e[1]);
      } else {
        b.putInt(at + 4, (int) e[1]);
        b.putShort(at + 8, (short) (e[1] >>> 32));
      }
      at += ENTRY_SIZE;
    }
  }
}
