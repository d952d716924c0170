/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.ImageTooSmallException;
import dev.jimg.core.Sizes;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.io.ParallelWrites;
import dev.jimg.core.progress.ProgressEvent;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.spi.WriteResult;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Writes an ext2, ext3 or ext4 filesystem from a {@link FileTree}: the layout is planned from the
 * tree first ({@link TreePlan}, {@link Layout}), then each file's content is read once and written
 * once in large sequential writes, then the metadata (inodes, bitmaps, descriptors, superblocks)
 * with every checksum. The same tree, options and context give the same bytes.
 *
 * <p>Not thread-safe; a writer may be used for several trees in turn.
 */
public final class Ext4Writer implements FilesystemWriter {
  /** The Linux filesystem data partition type GUID. */
  public static final UUID LINUX_DATA_GPT_TYPE =
      UUID.fromString("0fc63daf-8483-4772-8e79-3d69d8477de4");

  /** The label the ext4 directory hash seed is derived with. */
  public static final String HASH_SEED_LABEL = "ext4-hash-seed";

  private static final int MBR_LINUX = 0x83;
  private static final long HEADROOM_BYTES = 1 << 20;

  /**
   * Threads copying file contents: the kernel does the copying (sendfile), so two keep both cores
   * of a small machine busy and more gain nothing; the image does not depend on it.
   */
  private static final int COPY_THREADS = 2;

  private final Ext4Options opt;
  private final WriteContext context;
  private final byte[] uuid;
  private final Integer csumSeed;
  private FileTree lastSource;
  private TreePlan lastPlan;
  private long lastMinimal;
  private Layout lastLayout;
  private TreePlan lastLayoutPlan;
  private long lastLayoutBlocks;

  Ext4Writer(Ext4Options opt, WriteContext context) {
    this.opt = opt;
    this.context = context;
    UUID u =
        opt.uuid().orElseGet(() -> context.identities().uuid(Identities.FILESYSTEM_UUID_LABEL));
    this.uuid = Identities.toBytes(u);
    this.csumSeed = opt.csum() ? Crc32c.update(~0, uuid) : null;
  }

  @Override
  public long plan(FileTree tree) throws IOException {
    TreePlan plan = treePlan(tree);
    if (opt.size().isPresent()) {
      long blocks = opt.size().getAsLong() / opt.blockSize();
      Layout l = layout(plan, blocks);
      if (!l.fits()) {
        throw tooSmall(plan, opt.size().getAsLong());
      }
      return opt.size().getAsLong();
    }
    return minimalBlocks(plan, true) * opt.blockSize();
  }

  @Override
  public WriteResult write(FileTree source, ImageChannel channel, ProgressListener progress)
      throws IOException {
    TreePlan plan = treePlan(source);
    long bytes;
    if (opt.size().isPresent()) {
      bytes = opt.size().getAsLong();
    } else if (channel.size() > 0) {
      bytes = channel.size();
    } else {
      bytes = minimalBlocks(plan, true) * opt.blockSize();
    }
    if (channel.size() > 0 && channel.size() < bytes) {
      throw new ImageTooSmallException(
          opt.type()
              + ": the output holds "
              + Sizes.format(channel.size())
              + " but the filesystem is "
              + Sizes.format(bytes)
              + "; give a larger output or a smaller --size",
          bytes,
          channel.size());
    }
    Layout l = layout(plan, bytes / opt.blockSize());
    if (!l.fits()) {
      throw tooSmall(plan, bytes);
    }
    if (channel.size() < l.blocks * opt.blockSize()) {
      channel.setSize(l.blocks * opt.blockSize());
    }
    new Emitter(plan, l, channel, progress).run();
    return new WriteResult(
        l.blocks * opt.blockSize(),
        Optional.of(Identities.fromBytes(uuid)),
        opt.label().length == 0
            ? Optional.empty()
            : Optional.of(new String(opt.label(), java.nio.charset.StandardCharsets.UTF_8)),
        Optional.of(LINUX_DATA_GPT_TYPE),
        OptionalInt.of(MBR_LINUX));
  }

  /**
   * The layout of {@code plan} in {@code blocks}: the last one made is kept, since {@link #write}
   * asks for the one {@link #plan} settled on. Layouts are not changed once made.
   */
  private Layout layout(TreePlan plan, long blocks) {
    Layout l = lastLayout;
    if (l == null || lastLayoutPlan != plan || lastLayoutBlocks != blocks) {
      l = Layout.of(opt, blocks, plan);
      lastLayout = l;
      lastLayoutPlan = plan;
      lastLayoutBlocks = blocks;
    }
    return l;
  }

  private TreePlan treePlan(FileTree source) throws IOException {
    if (source == lastSource) {
      return lastPlan;
    }
    lastPlan = newTreePlan(source);
    lastSource = source;
    lastMinimal = 0;
    return lastPlan;
  }

  private TreePlan newTreePlan(FileTree source) throws IOException {
    FileTree tree = context.clock().clampTimes(source);
    ByteBuffer seed =
        ByteBuffer.wrap(context.identities().bytes(HASH_SEED_LABEL, 16))
            .order(ByteOrder.LITTLE_ENDIAN);
    int[] hashSeed = {seed.getInt(0), seed.getInt(4), seed.getInt(8), seed.getInt(12)};
    return TreePlan.of(tree, opt, csumSeed, hashSeed, context.clock().buildTime());
  }

  private ImageTooSmallException tooSmall(TreePlan plan, long given) {
    long needed = minimalBlocks(plan, false) * opt.blockSize();
    long suggest = minimalBlocks(plan, true) * opt.blockSize();
    return new ImageTooSmallException(
        opt.type()
            + ": the tree needs at least "
            + Sizes.format(needed)
            + " but --size is "
            + Sizes.format(given)
            + "; use --size "
            + Sizes.format(suggest)
            + " or omit --size",
        needed,
        given);
  }

  /** The fewest blocks that hold the plan, with headroom (5% and 1 MiB free) when asked. */
  private long minimalBlocks(TreePlan plan, boolean headroom) {
    if (headroom && plan == lastPlan) {
      if (lastMinimal == 0) {
        lastMinimal = searchMinimalBlocks(plan, true);
      }
      return lastMinimal;
    }
    return searchMinimalBlocks(plan, headroom);
  }

  private long searchMinimalBlocks(TreePlan plan, boolean headroom) {
    int bs = opt.blockSize();
    long guess = 64;
    for (TreePlan.Node n : plan.nodes) {
      guess += n.dataBlocks();
    }
    for (int round = 0; round < 200; round++) {
      Layout l = layout(plan, guess);
      if (l.fits()) {
        if (!headroom) {
          return l.blocks;
        }
        long usedBlocks = l.blocks - l.freeBlocks();
        long want = usedBlocks / 20 + HEADROOM_BYTES / bs;
        if (l.freeBlocks() >= want) {
          return l.blocks;
        }
        long mib = HEADROOM_BYTES / bs;
        guess = (guess + (want - l.freeBlocks()) + mib - 1) / mib * mib;
      } else {
        guess += Math.max(l.missing(), 16) + guess / 64;
      }
    }
    throw new IllegalStateException("ext layout did not converge for " + plan.nodes.size());
  }

  /** One write of one plan into one layout. */
  private final class Emitter {
    private final TreePlan plan;
    private final Layout l;
    private final ImageChannel ch;
    private final ProgressListener progress;
    private final int bs;
    private final java.util.BitSet usedInodes = new java.util.BitSet();
    private final java.util.Set<Long> writtenXattrBlocks = new java.util.HashSet<>();

    Emitter(TreePlan plan, Layout l, ImageChannel ch, ProgressListener progress) {
      this.plan = plan;
      this.l = l;
      this.ch = ch;
      this.progress = progress;
      this.bs = opt.blockSize();
    }

    void run() throws IOException {
      Timestamp now = context.clock().buildTime();
      int isz = opt.inodeSize();
      byte[][] tables = new byte[l.groups][];
      int[] usedInGroup = new int[l.groups];
      int[] maxInGroup = new int[l.groups];
      long[] dirsInGroup = new long[l.groups];
      long total = 0;
      for (TreePlan.Node n : plan.nodes) {
        total += n.dataBlocks();
      }
      String phase = opt.type() + ": writing";
      progress.onProgress(ProgressEvent.bytes(phase, 0, total * bs));

      try (ParallelWrites copies = ParallelWrites.into(ch, COPY_THREADS, "jimg-ext4-copy")) {
        writeInodes(tables, usedInGroup, maxInGroup, dirsInGroup, copies, phase, total);
        copies.finish();
      }
      int[] jnlBlocks = null;
      if (l.journalBlocks > 0) {
        Inode j = new Inode();
        j.mode = EntryType.REGULAR.formatBits() | 0600;
        j.links = 1;
        j.size = l.journalBlocks * bs;
        j.mtime = now;
        j.atime = now;
        j.ctime = now;
        j.crtime = now;
        j.blocks512 = (l.journalBlocks + l.journalMapBlocks.length) * (bs / 512);
        writeMap(l.journalMappings, l.journalMapBlocks, j, TreePlan.JOURNAL_INO);
        put(
            JournalSuperblock.encode(bs, l.journalBlocks, uuid),
            l.journalMappings.get(0).physical());
        storeInode(
            tables,
            usedInGroup,
            maxInGroup,
            TreePlan.JOURNAL_INO,
            j.encode(TreePlan.JOURNAL_INO, isz, csumSeed));
        ByteBuffer ib = ByteBuffer.wrap(j.iBlock).order(ByteOrder.LITTLE_ENDIAN);
        jnlBlocks = new int[17];
        for (int k = 0; k < 15; k++) {
          jnlBlocks[k] = ib.getInt(4 * k);
        }
        jnlBlocks[15] = (int) (j.size >>> 32);
        jnlBlocks[16] = (int) j.size;
      }
      // reserved inodes 1..10 count as used
      for (int ino = 1; ino < Superblock.FIRST_INO; ino++) {
        if (!usedInodes.get(ino)) {
          usedInodes.set(ino);
          markInode(usedInGroup, maxInGroup, ino);
        }
      }
      for (int g = 0; g < l.groups; g++) {
        if (tables[g] != null) {
          int len = maxInGroup[g] * isz;
          ch.write(ByteBuffer.wrap(tables[g], 0, len), l.inodeTable[g] * bs);
        }
      }
      writeGroupsAndSuper(usedInGroup, maxInGroup, dirsInGroup, jnlBlocks, now);
      progress.onProgress(ProgressEvent.bytes(phase, total * bs, total * bs));
    }

    /**
     * Writes every node's blocks and stores its inode; file contents are copied by {@code copies},
     * possibly on other threads.
     */
    private void writeInodes(
        byte[][] tables,
        int[] usedInGroup,
        int[] maxInGroup,
        long[] dirsInGroup,
        ParallelWrites copies,
        String phase,
        long total)
        throws IOException {
      int isz = opt.inodeSize();
      long done = 0;
      for (int i = 0; i < plan.nodes.size(); i++) {
        TreePlan.Node n = plan.nodes.get(i);
        List<ExtentTree.Mapping> maps = l.mappings.get(i);
        Inode inode = new Inode();
        inode.mode = n.type.formatBits() | n.meta.mode();
        inode.uid = n.meta.uid();
        inode.gid = n.meta.gid();
        inode.mtime = n.meta.mtime();
        inode.atime = n.meta.atime().orElse(n.meta.mtime());
        inode.ctime = n.meta.ctime().orElse(n.meta.mtime());
        inode.crtime = inode.ctime;
        inode.links = n.links;
        inode.size = n.size;
        long blocksUsed = n.dataBlocks() + l.treeBlocks.get(i).length;
        switch (n.type) {
          case REGULAR -> {
            if (batchable(n, maps)) {
              ExtentTree.Mapping m = maps.get(0);
              copies.submitSmall(n.meta.content(), n.path, m.physical() * bs, (long) m.len() * bs);
            } else {
              copies.submit(() -> writeContent(n, maps));
            }
          }
          case DIRECTORY -> writeBlocks(n.dirBlocks, maps);
          case SYMLINK -> {
            if (n.fastSymlink()) {
              System.arraycopy(n.meta.symlinkTarget(), 0, inode.iBlock, 0, (int) n.size);
            } else {
              writeBlocks(List.of(Arrays.copyOf(n.meta.symlinkTarget(), bs)), maps);
            }
          }
          case CHAR_DEVICE, BLOCK_DEVICE -> encodeDevice(n, inode.iBlock);
          default -> {}
        }
        boolean mapped =
            n.type == EntryType.REGULAR
                || n.type == EntryType.DIRECTORY
                || (n.type == EntryType.SYMLINK && !n.fastSymlink());
        if (mapped) {
          writeMap(maps, l.treeBlocks.get(i), inode, n.ino);
        }
        if (n.indexed) {
          inode.flags |= Inode.INDEX_FL;
        }
        if (n.xattrs != null) {
          if (!n.xattrs.ibody().isEmpty()) {
            inode.ibodyXattrs =
                XattrEntries.encodeIbody(
                    n.xattrs.ibody(), isz - Inode.GOOD_OLD_SIZE - Inode.EXTRA_ISIZE);
          }
          if (l.xattrBlock[i] != 0) {
            inode.fileAcl = l.xattrBlock[i];
            blocksUsed++;
            if (writtenXattrBlocks.add(l.xattrBlock[i])) {
              int refs = l.xattrRefs.get(l.xattrBlock[i]);
              put(
                  XattrEntries.encodeBlock(n.xattrs.block(), bs, l.xattrBlock[i], refs, csumSeed),
                  l.xattrBlock[i]);
            }
          }
        }
        inode.blocks512 = blocksUsed * (bs / 512);
        storeInode(tables, usedInGroup, maxInGroup, n.ino, inode.encode(n.ino, isz, csumSeed));
        if (n.type == EntryType.DIRECTORY) {
          dirsInGroup[(int) ((n.ino - 1) / l.inodesPerGroup)]++;
        }
        done += n.dataBlocks();
        progress.onProgress(ProgressEvent.bytes(phase, done * bs, total * bs));
      }
    }

    private void markInode(int[] usedInGroup, int[] maxInGroup, long ino) {
      int g = (int) ((ino - 1) / l.inodesPerGroup);
      int local = (int) ((ino - 1) % l.inodesPerGroup);
      usedInGroup[g]++;
      maxInGroup[g] = Math.max(maxInGroup[g], local + 1);
    }

    private void storeInode(
        byte[][] tables, int[] usedInGroup, int[] maxInGroup, long ino, byte[] bytes) {
      int g = (int) ((ino - 1) / l.inodesPerGroup);
      int local = (int) ((ino - 1) % l.inodesPerGroup);
      if (tables[g] == null) {
        tables[g] = new byte[l.inodesPerGroup * opt.inodeSize()];
      }
      System.arraycopy(bytes, 0, tables[g], local * opt.inodeSize(), bytes.length);
      usedInodes.set((int) ino);
      markInode(usedInGroup, maxInGroup, ino);
    }

    private void writeGroupsAndSuper(
        int[] usedInGroup, int[] maxInGroup, long[] dirsInGroup, int[] jnlBlocks, Timestamp now)
        throws IOException {
      int ipg = l.inodesPerGroup;
      int ds = opt.descSize();
      ByteBuffer gdt = ByteBuffer.allocate(l.gdtBlocks * bs).order(ByteOrder.LITTLE_ENDIAN);
      long freeBlocks = 0;
      long freeInodes = 0;
      for (int g = 0; g < l.groups; g++) {
        long start = l.groupStart(g);
        long count = l.groupBlocks(g);
        byte[] bb = new byte[bs];
        int usedBlocks = 0;
        for (int k = 0; k < l.blocksPerGroup; k++) {
          if (k >= count || l.used.get((int) (start + k))) {
            bb[k >>> 3] |= (byte) (1 << (k & 7));
            if (k < count) {
              usedBlocks++;
            }
          }
        }
        byte[] ib = new byte[bs];
        Arrays.fill(ib, ipg / 8, bs, (byte) 0xFF);
        long first = (long) g * ipg + 1;
        // inodes in use: reserved ones and every planned inode (numbers are dense from 1)
        int usedInodes = usedInGroup[g];
        for (int k = 0; k < maxInGroup[g]; k++) {
          long ino = first + k;
          if (ino < Superblock.FIRST_INO || inodeUsed(ino)) {
            ib[k >>> 3] |= (byte) (1 << (k & 7));
          }
        }
        GroupDescriptor d = new GroupDescriptor();
        d.blockBitmap = l.blockBitmap[g];
        d.inodeBitmap = l.inodeBitmap[g];
        d.inodeTable = l.inodeTable[g];
        d.freeBlocks = count - usedBlocks;
        d.freeInodes = ipg - usedInodes;
        d.usedDirs = dirsInGroup[g];
        if (csumSeed != null) {
          d.flags = GroupDescriptor.FLAG_INODE_ZEROED;
          if (usedInodes == 0) {
            d.flags |= GroupDescriptor.FLAG_INODE_UNINIT;
          }
          d.itableUnused = ipg - maxInGroup[g];
          d.blockBitmapCsum = Crc32c.update(csumSeed, bb, 0, l.blocksPerGroup / 8);
          d.inodeBitmapCsum = Crc32c.update(csumSeed, ib, 0, ipg / 8);
        }
        freeBlocks += d.freeBlocks;
        freeInodes += d.freeInodes;
        d.encode(gdt, g * ds, ds, g, csumSeed);
        put(bb, l.blockBitmap[g]);
        put(ib, l.inodeBitmap[g]);
      }
      Superblock sb = new Superblock();
      sb.inodesCount = (long) ipg * l.groups;
      sb.blocksCount = l.blocks;
      sb.reservedBlocks = l.blocks * opt.reservedPercent() / 100;
      sb.freeBlocks = freeBlocks;
      sb.freeInodes = freeInodes;
      sb.firstDataBlock = l.firstDataBlock;
      sb.logBlockSize = Integer.numberOfTrailingZeros(bs) - 10;
      sb.blocksPerGroup = l.blocksPerGroup;
      sb.inodesPerGroup = ipg;
      sb.time = Math.max(0, now.seconds());
      sb.inodeSize = opt.inodeSize();
      sb.features = opt.features();
      sb.uuid = uuid;
      sb.volumeName = Arrays.copyOf(opt.label(), 16);
      sb.hashSeed = context.identities().bytes(HASH_SEED_LABEL, 16);
      sb.descSize = ds;
      sb.logGroupsPerFlex = opt.flexBg() ? 4 : 0;
      if (jnlBlocks != null) {
        sb.journalInum = TreePlan.JOURNAL_INO;
        sb.jnlBlocks = jnlBlocks;
      }
      byte[] gdtBytes = gdt.array();
      for (int g = 0; g < l.groups; g++) {
        if (!Layout.hasSuper(opt, g)) {
          continue;
        }
        long start = l.groupStart(g);
        byte[] s = sb.encode(g);
        if (g == 0) {
          ch.write(ByteBuffer.wrap(s), Superblock.OFFSET);
        } else {
          ch.write(ByteBuffer.wrap(s), start * bs);
        }
        ch.write(ByteBuffer.wrap(gdtBytes), (start + 1) * bs);
      }
    }

    private boolean inodeUsed(long ino) {
      return usedInodes.get((int) ino);
    }

    private void writeMap(List<ExtentTree.Mapping> maps, long[] treeBlocks, Inode inode, long ino)
        throws IOException {
      if (opt.extents()) {
        inode.flags |= Inode.EXTENTS_FL;
        for (ExtentTree.Block b :
            ExtentTree.build(maps, treeBlocks, bs, inode.iBlock, ino, csumSeed)) {
          put(b.bytes(), b.number());
        }
      } else {
        for (BlockMap.Block b : BlockMap.build(maps, treeBlocks, bs, inode.iBlock)) {
          put(b.bytes(), b.number());
        }
      }
    }

    private void encodeDevice(TreePlan.Node n, byte[] iBlock) {
      ByteBuffer b = ByteBuffer.wrap(iBlock).order(ByteOrder.LITTLE_ENDIAN);
      long major = n.meta.devMajor();
      long minor = n.meta.devMinor();
      if (major < 256 && minor < 256) {
        b.putInt(0, (int) (major << 8 | minor));
      } else {
        b.putInt(4, (int) ((minor & 0xFF) | (major << 8) | ((minor & ~0xFFL) << 12)));
      }
    }

    private void put(byte[] block, long number) throws IOException {
      ch.write(ByteBuffer.wrap(block), number * bs);
    }

    private void writeBlocks(List<byte[]> blocks, List<ExtentTree.Mapping> maps)
        throws IOException {
      int k = 0;
      for (ExtentTree.Mapping m : maps) {
        ByteBuffer run = ByteBuffer.allocate(m.len() * bs);
        for (int j = 0; j < m.len(); j++) {
          run.put(blocks.get(k++));
        }
        run.flip();
        ch.write(run, m.physical() * bs);
      }
    }

    /**
     * Whether a file's content can go to {@link ParallelWrites#submitSmall}: small, not sparse, and
     * stored in one run of blocks from its first byte.
     */
    private boolean batchable(TreePlan.Node n, List<ExtentTree.Mapping> maps) {
      if (n.size <= 0 || n.size > ParallelWrites.SMALL_FILE || maps.size() != 1) {
        return false;
      }
      ExtentTree.Mapping m = maps.get(0);
      return m.logical() == 0 && (long) m.len() * bs >= n.size && !n.meta.content().isSparse();
    }

    /**
     * Copies each mapped run of the file's bytes to its blocks; {@link
     * dev.jimg.core.tree.Content#copyTo} lets the kernel copy bytes that lie in a host file.
     */
    private void writeContent(TreePlan.Node n, List<ExtentTree.Mapping> maps) throws IOException {
      for (ExtentTree.Mapping m : maps) {
        long from = m.logical() * bs;
        long length = Math.min(n.size, (m.logical() + m.len()) * bs) - from;
        n.meta.content().copyFully(from, length, ch, m.physical() * bs, n.path);
      }
    }
  }
}
