/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Where everything goes for one filesystem size: the group geometry, each group's bitmaps and inode
 * table (packed from the start with flex_bg, inside their own group without), the journal, and each
 * inode's data, tree and xattr blocks, allocated in inode order as contiguous as the backup
 * superblocks allow. Made by {@link #of}, which reports instead how many blocks were missing.
 */
final class Layout {
  final int blockSize;
  final long blocks;
  final int firstDataBlock;
  final int blocksPerGroup;
  final int groups;
  final int gdtBlocks;
  final int inodesPerGroup;
  final int itableBlocks;
  final long[] blockBitmap;
  final long[] inodeBitmap;
  final long[] inodeTable;
  final BitSet used;
  final long journalBlocks;
  List<ExtentTree.Mapping> journalMappings = List.of();
  long[] journalMapBlocks = new long[0];

  /**
   * Per node (index into the plan's list): data mappings, tree/map blocks, xattr block (0 none).
   */
  final List<List<ExtentTree.Mapping>> mappings = new ArrayList<>();

  final List<long[]> treeBlocks = new ArrayList<>();
  final long[] xattrBlock;

  /** How many inodes share each xattr block (identical blocks are stored once). */
  final java.util.Map<Long, Integer> xattrRefs = new java.util.HashMap<>();

  private long cursor;
  private long missing;

  private Layout(Ext4Options opt, long blocksWanted, TreePlan plan, long journalBlocks) {
    this.blockSize = opt.blockSize();
    this.firstDataBlock = blockSize == 1024 ? 1 : 0;
    this.blocksPerGroup = 8 * blockSize;
    long b = blocksWanted;
    int g = (int) ((b - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup);
    int descPerBlock = blockSize / opt.descSize();
    int gdt = (g + descPerBlock - 1) / descPerBlock;
    long last = b - firstDataBlock - (long) (g - 1) * blocksPerGroup;
    if (g > 1 && last < (hasSuper(opt, g - 1) ? 1 + gdt : 0) + 256) {
      g--;
      b = firstDataBlock + (long) g * blocksPerGroup;
      gdt = (g + descPerBlock - 1) / descPerBlock;
    }
    this.blocks = b;
    this.groups = g;
    this.gdtBlocks = gdt;
    int perItableBlock = blockSize / opt.inodeSize();
    long wanted =
        opt.inodes().isPresent()
            ? opt.inodes().getAsLong()
            : Math.max(plan.inodesNeeded, b * blockSize / opt.bytesPerInode());
    wanted = Math.max(wanted, plan.inodesNeeded);
    long ipg = (wanted + g - 1) / g;
    int unit = Math.max(8, perItableBlock);
    ipg = Math.max(unit, (ipg + unit - 1) / unit * unit);
    if (ipg > blocksPerGroup) {
      ipg = blocksPerGroup;
      missing += ((wanted + blocksPerGroup - 1) / blocksPerGroup - g) * (long) blocksPerGroup;
    }
    this.inodesPerGroup = (int) ipg;
    this.itableBlocks = (int) (ipg / perItableBlock);
    this.blockBitmap = new long[g];
    this.inodeBitmap = new long[g];
    this.inodeTable = new long[g];
    this.used = new BitSet((int) Math.min(Integer.MAX_VALUE, b));
    this.xattrBlock = new long[plan.nodes.size()];
    this.journalBlocks = journalBlocks;
    if (b > Integer.MAX_VALUE) {
      throw new IllegalStateException("more than 2^31 blocks is not supported yet");
    }
    for (int i = 0; i < g; i++) {
      if (hasSuper(opt, i)) {
        long s = groupStart(i);
        used.set((int) s, (int) Math.min(b, s + 1 + gdt));
      }
    }
    if (opt.flexBg()) {
      cursor = firstDataBlock + 1 + gdt;
      for (int i = 0; i < g; i++) {
        blockBitmap[i] = allocOne();
      }
      for (int i = 0; i < g; i++) {
        inodeBitmap[i] = allocOne();
      }
      for (int i = 0; i < g; i++) {
        inodeTable[i] = allocContiguous(itableBlocks);
      }
    } else {
      for (int i = 0; i < g; i++) {
        long start = groupStart(i) + (hasSuper(opt, i) ? 1 + gdt : 0);
        long end = Math.min(b, groupStart(i) + blocksPerGroup);
        if (start + 2 + itableBlocks > end) {
          missing += start + 2 + itableBlocks - end + blocksPerGroup;
          continue;
        }
        blockBitmap[i] = start;
        inodeBitmap[i] = start + 1;
        inodeTable[i] = start + 2;
        used.set((int) start, (int) (start + 2 + itableBlocks));
      }
      cursor = firstDataBlock;
    }
    if (journalBlocks > 0) {
      journalMappings = allocRuns(List.<long[]>of(new long[] {0, journalBlocks}), opt.extents());
      journalMapBlocks = allocTree(journalMappings, opt);
    }
    java.util.Map<java.nio.ByteBuffer, Long> shared = new java.util.HashMap<>();
    for (int i = 0; i < plan.nodes.size(); i++) {
      TreePlan.Node n = plan.nodes.get(i);
      if (n.xattrBlockKey != null) {
        Long blk = shared.get(n.xattrBlockKey);
        if (blk == null) {
          blk = allocOne();
          shared.put(n.xattrBlockKey, blk);
        }
        xattrBlock[i] = blk;
        xattrRefs.merge(blk, 1, Integer::sum);
      }
      List<ExtentTree.Mapping> m = allocRuns(n.runs, opt.extents());
      mappings.add(m);
      treeBlocks.add(allocTree(m, opt));
    }
  }

  /**
   * The layout for {@code blocks} blocks, or null if it does not fit; then {@link #missing} of the
   * attempt says roughly how many blocks more are needed.
   */
  static Layout of(Ext4Options opt, long blocks, TreePlan plan) {
    long journal = 0;
    if (opt.journal()) {
      journal =
          opt.journalSize().isPresent()
              ? opt.journalSize().getAsLong() / opt.blockSize()
              : JournalSuperblock.defaultBlocks(blocks);
    }
    return new Layout(opt, blocks, plan, journal);
  }

  boolean fits() {
    return missing == 0;
  }

  long missing() {
    return missing;
  }

  long freeBlocks() {
    return blocks - firstDataBlock - used.cardinality();
  }

  long groupStart(int group) {
    return firstDataBlock + (long) group * blocksPerGroup;
  }

  long groupBlocks(int group) {
    return Math.min(blocksPerGroup, blocks - groupStart(group));
  }

  static boolean hasSuper(Ext4Options opt, int group) {
    return !opt.features().hasRoCompat(Features.RO_COMPAT_SPARSE_SUPER) || sparseSuperGroup(group);
  }

  /**
   * Whether sparse_super keeps a superblock backup in {@code group}: 0, 1 and powers of 3, 5, 7.
   */
  static boolean sparseSuperGroup(long group) {
    return group <= 1 || isPower(group, 3) || isPower(group, 5) || isPower(group, 7);
  }

  private static boolean isPower(long n, int base) {
    long x = n;
    while (x % base == 0) {
      x /= base;
    }
    return x == 1;
  }

  private long allocOne() {
    long p = used.nextClearBit((int) cursor);
    if (p >= blocks) {
      missing++;
      return 0;
    }
    used.set((int) p);
    cursor = p + 1;
    return p;
  }

  private long allocContiguous(int n) {
    long p = cursor;
    while (true) {
      p = used.nextClearBit((int) p);
      if (p + n > blocks) {
        missing += n;
        return 0;
      }
      int set = used.nextSetBit((int) p);
      if (set < 0 || set >= p + n) {
        used.set((int) p, (int) (p + n));
        cursor = p + n;
        return p;
      }
      p = set;
    }
  }

  private List<ExtentTree.Mapping> allocRuns(List<long[]> runs, boolean extents) {
    List<ExtentTree.Mapping> out = new ArrayList<>();
    for (long[] r : runs) {
      long logical = r[0];
      long left = r[1];
      while (left > 0) {
        long p = cursor < blocks ? used.nextClearBit((int) cursor) : blocks;
        if (p >= blocks) {
          missing += left;
          return out;
        }
        long limit = Math.min(blocks, p + Math.min(left, ExtentTree.MAX_LEN));
        int len = (int) (firstUsed(p, limit) - p);
        used.set((int) p, (int) (p + len));
        cursor = p + len;
        ExtentTree.Mapping prev = out.isEmpty() ? null : out.get(out.size() - 1);
        if (prev != null
            && prev.logical() + prev.len() == logical
            && prev.physical() + prev.len() == p
            && prev.len() + len <= ExtentTree.MAX_LEN) {
          out.set(
              out.size() - 1,
              new ExtentTree.Mapping(prev.logical(), prev.physical(), prev.len() + len));
        } else {
          out.add(new ExtentTree.Mapping(logical, p, len));
        }
        logical += len;
        left -= len;
      }
    }
    return out;
  }

  /**
   * The first used block in {@code [from, limit)}, or {@code limit}. Looks no further than {@code
   * limit}: an unbounded {@code nextSetBit} walked the free space up to the next group's metadata
   * for every file, a third of the planning time for a 1.1 GB tree.
   */
  private long firstUsed(long from, long limit) {
    int set = used.get((int) from, (int) limit).nextSetBit(0);
    return set < 0 ? limit : from + set;
  }

  private long[] allocTree(List<ExtentTree.Mapping> m, Ext4Options opt) {
    int n =
        opt.extents()
            ? ExtentTree.blocksNeeded(m.size(), blockSize)
            : BlockMap.blocksNeeded(m, blockSize);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = allocOne();
    }
    return out;
  }
}
