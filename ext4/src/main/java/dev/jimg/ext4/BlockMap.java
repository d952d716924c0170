/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The classic ext2/ext3 block map of an inode: twelve direct pointers in {@code i_block}, then a
 * single, a double and a triple indirect block of 32-bit pointers; holes are zero pointers.
 */
final class BlockMap {
  static final int DIRECT = 12;
  static final int IND = 12;
  static final int DIND = 13;
  static final int TIND = 14;

  /** An indirect block: its path from {@code i_block} ({@code [slot, i, j]}), then its number. */
  record Block(long number, byte[] bytes) {}

  private BlockMap() {}

  /** The indirect blocks needed by these mappings, as sorted keys (see {@link #keys}). */
  static int blocksNeeded(List<ExtentTree.Mapping> mappings, int blockSize) {
    return keys(mappings, blockSize).size();
  }

  /**
   * Keys of the indirect blocks: {@code slot*2^60 + (i+1)*2^30 + (j+1)} identifies the block
   * reached from {@code i_block[slot]}, then entry {@code i}, then entry {@code j}.
   */
  private static TreeMap<Long, long[]> keys(List<ExtentTree.Mapping> mappings, int blockSize) {
    long p = blockSize / 4;
    TreeMap<Long, long[]> keys = new TreeMap<>();
    for (ExtentTree.Mapping m : mappings) {
      for (long k = 0; k < m.len(); k++) {
        long l = m.logical() + k;
        if (l < DIRECT) {
          continue;
        }
        l -= DIRECT;
        if (l < p) {
          keys.putIfAbsent(key(IND, -1, -1), new long[1]);
          continue;
        }
        l -= p;
        if (l < p * p) {
          keys.putIfAbsent(key(DIND, -1, -1), new long[1]);
          keys.putIfAbsent(key(DIND, l / p, -1), new long[1]);
          continue;
        }
        l -= p * p;
        keys.putIfAbsent(key(TIND, -1, -1), new long[1]);
        keys.putIfAbsent(key(TIND, l / (p * p), -1), new long[1]);
        keys.putIfAbsent(key(TIND, l / (p * p), (l / p) % p), new long[1]);
      }
    }
    return keys;
  }

  private static long key(int slot, long i, long j) {
    return ((long) slot << 60) | ((i + 1) << 30) | (j + 1);
  }

  /**
   * Fills {@code iBlock} and returns the indirect blocks, numbered from {@code mapBlocks} in key
   * order.
   */
  static List<Block> build(
      List<ExtentTree.Mapping> mappings, long[] mapBlocks, int blockSize, byte[] iBlock) {
    long p = blockSize / 4;
    TreeMap<Long, long[]> keys = keys(mappings, blockSize);
    TreeMap<Long, ByteBuffer> contents = new TreeMap<>();
    int n = 0;
    for (var e : keys.entrySet()) {
      e.getValue()[0] = mapBlocks[n++];
      contents.put(e.getKey(), ByteBuffer.allocate(blockSize).order(ByteOrder.LITTLE_ENDIAN));
    }
    ByteBuffer root = ByteBuffer.wrap(iBlock).order(ByteOrder.LITTLE_ENDIAN);
    for (var e : keys.entrySet()) {
      long k = e.getKey();
      int slot = (int) (k >>> 60);
      long i = ((k >>> 30) & 0x3FFF_FFFFL) - 1;
      long j = (k & 0x3FFF_FFFFL) - 1;
      long number = e.getValue()[0];
      if (i < 0) {
        root.putInt(slot * 4, (int) number);
      } else if (j < 0) {
        contents.get(key(slot, -1, -1)).putInt((int) (i * 4), (int) number);
      } else {
        contents.get(key(slot, i, -1)).putInt((int) (j * 4), (int) number);
      }
    }
    for (ExtentTree.Mapping m : mappings) {
      for (long k = 0; k < m.len(); k++) {
        long l = m.logical() + k;
        int phys = (int) (m.physical() + k);
        if (l < DIRECT) {
          root.putInt((int) (l * 4), phys);
          continue;
        }
        l -= DIRECT;
        if (l < p) {
          contents.get(key(IND, -1, -1)).putInt((int) (l * 4), phys);
          continue;
        }
        l -= p;
        if (l < p * p) {
          contents.get(key(DIND, l / p, -1)).putInt((int) ((l % p) * 4), phys);
          continue;
        }
        l -= p * p;
        contents.get(key(TIND, l / (p * p), (l / p) % p)).putInt((int) ((l % p) * 4), phys);
      }
    }
    List<Block> out = new ArrayList<>();
    for (var e : keys.entrySet()) {
      out.add(new Block(e.getValue()[0], contents.get(e.getKey()).array()));
    }
    return out;
  }
}
