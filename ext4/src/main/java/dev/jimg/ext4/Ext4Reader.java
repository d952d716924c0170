/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.spi.FilesystemReader;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads an ext2/ext3/ext4 image (ours or mke2fs') into a {@link FileTree}: every entry type, hard
 * links, nanosecond times, owners, devices, xattrs (POSIX ACLs back in their xattr form), extents
 * at any depth and block maps; linear and htree directories alike (the index blocks parse as empty
 * records).
 *
 * <p>Strict, so that a damaged image gives a {@link CorruptInputException} naming the byte offset
 * and the field rather than a wrong tree, a hang or an unchecked exception: the superblock's magic,
 * geometry and incompatible features; with metadata_csum every checksum on the way (superblock,
 * group descriptors, inodes, extent blocks, directory blocks and htree nodes, xattr blocks); block
 * numbers within the filesystem, a file's mapping within its size and the filesystem's blocks;
 * directory names the tree can hold, no name twice in a directory and no directory reachable twice
 * (a loop). File contents are read lazily from the channel.
 *
 * <p>Stateless and thread-safe.
 */
public final class Ext4Reader implements FilesystemReader {
  private static final int KNOWN_INCOMPAT =
      Features.INCOMPAT_FILETYPE
          | Features.INCOMPAT_EXTENTS
          | Features.INCOMPAT_64BIT
          | Features.INCOMPAT_FLEX_BG
          | Features.INCOMPAT_CSUM_SEED
          // the reader reads every directory block in full, so three-level htrees need nothing
          // more, and case-insensitive directories store their names as given
          | Features.INCOMPAT_LARGEDIR
          | Features.INCOMPAT_INLINE_DATA
          | Features.INCOMPAT_CASEFOLD
          | Features.INCOMPAT_META_BG
          // encrypted inodes are refused one by one, by path
          | Features.INCOMPAT_ENCRYPT;

  private static final int INCOMPAT_RECOVER = 0x4;

  /** An fscrypt-encrypted inode: its names or contents are ciphertext. */
  private static final int ENCRYPT_FL = 0x800;

  private static final int COMPAT_SPARSE_SUPER2 = 0x200;
  private static final int S_FIRST_META_BG = 0x104;
  private static final int S_BACKUP_BGS = 0x24C;

  /** Names of incompatible feature bits the reader does not know, as mke2fs -O spells them. */
  private static final String[] INCOMPAT_NAMES = {
    "compression",
    null,
    null,
    "journal_dev",
    "meta_bg",
    null,
    null,
    null,
    "mmp",
    null,
    "ea_inode",
    null,
    "dirdata",
    null,
    null,
    null,
    "encrypt"
  };

  /** {@code bits} as feature names, each unknown one as its hex value. */
  static String incompatNames(int bits) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 32; i++) {
      if ((bits & (1 << i)) == 0) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(", ");
      }
      String name = i < INCOMPAT_NAMES.length ? INCOMPAT_NAMES[i] : null;
      sb.append(name != null ? name : "0x" + Integer.toHexString(1 << i));
    }
    return sb.toString();
  }

  private static final int MAX_DEPTH = 5;

  /**
   * The largest descriptor table read: 64 MiB holds the 1,048,576 groups of 64 bytes of a 128 TiB
   * filesystem of 4 KiB blocks.
   */
  private static final long MAX_DESCRIPTOR_BYTES = 64L << 20;

  /** More entries than any image holds (ext4 has at most 2^32 inodes, each of several names). */
  private static final int MAX_ENTRIES = 100_000_000;

  @Override
  public boolean probe(ImageChannel channel) throws IOException {
    if (channel.size() < Superblock.OFFSET + Superblock.SIZE) {
      return false;
    }
    ByteBuffer sb = ByteBuffer.allocate(Superblock.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    channel.readFully(sb, Superblock.OFFSET);
    if ((sb.getShort(Superblock.S_MAGIC) & 0xFFFF) != Superblock.MAGIC) {
      return false;
    }
    return kind == null || kind.equals(kindOf(sb));
  }

  /**
   * "ext4" when a feature outside ext3's set is on, else "ext3" with a journal, else "ext2": the
   * rule blkid uses to name the variant.
   */
  static String kindOf(ByteBuffer sb) {
    int compat = sb.getInt(Superblock.S_FEATURE_COMPAT);
    int incompat = sb.getInt(Superblock.S_FEATURE_INCOMPAT);
    int roCompat = sb.getInt(Superblock.S_FEATURE_RO_COMPAT);
    if ((incompat & ~EXT3_INCOMPAT) != 0 || (roCompat & ~EXT3_RO_COMPAT) != 0) {
      return "ext4";
    }
    return (compat & COMPAT_HAS_JOURNAL) != 0 ? "ext3" : "ext2";
  }

  /** filetype, recover, meta_bg: the incompatible features ext3 knows. */
  private static final int EXT3_INCOMPAT = 0x0002 | 0x0004 | 0x0010;

  /** sparse_super, large_file, btree_dir: the read-only features ext3 knows. */
  private static final int EXT3_RO_COMPAT = 0x0001 | 0x0002 | 0x0004;

  private static final int COMPAT_HAS_JOURNAL = 0x0004;

  private final String kind;

  /** A reader for any ext2/3/4 image. */
  public Ext4Reader() {
    this(null);
  }

  /**
   * A reader whose {@link #probe} recognises only the variant {@code kind} ("ext2", "ext3", "ext4";
   * {@code null} for any); it reads all three alike.
   */
  public Ext4Reader(String kind) {
    this.kind = kind;
  }

  @Override
  public FileTree read(ImageChannel channel) throws IOException {
    return new Image(channel).tree();
  }

  private static final class Image {
    private final ImageChannel ch;
    private final String name;
    private final int bs;
    private final long blocks;
    private final int ipg;
    private final int isz;
    private final long[] inodeTables;

    /** The seed of every metadata checksum, or null without metadata_csum. */
    private final Integer csumSeed;

    /** Where each block of group descriptors is (in order; spread out with meta_bg). */
    private long[] descBlockAt;

    Image(ImageChannel ch) throws IOException {
      this.ch = ch;
      this.name = ch.toString();
      if (ch.size() < Superblock.OFFSET + Superblock.SIZE) {
        throw corrupt(0, "too small for an ext superblock");
      }
      ByteBuffer sb = read(Superblock.OFFSET, Superblock.SIZE);
      int magic = sb.getShort(Superblock.S_MAGIC) & 0xFFFF;
      if (magic != Superblock.MAGIC) {
        throw corrupt(
            Superblock.OFFSET + Superblock.S_MAGIC,
            "magic 0x" + Integer.toHexString(magic) + ", expected 0xef53");
      }
      int ro = sb.getInt(Superblock.S_FEATURE_RO_COMPAT);
      if ((ro & Features.RO_COMPAT_METADATA_CSUM) != 0) {
        int want = Crc32c.update(~0, sb.array(), 0, Superblock.S_CHECKSUM);
        int got = sb.getInt(Superblock.S_CHECKSUM);
        verify(Superblock.OFFSET + Superblock.S_CHECKSUM, "the superblock", got, want);
      }
      int incompat = sb.getInt(Superblock.S_FEATURE_INCOMPAT);
      if ((incompat & INCOMPAT_RECOVER) != 0) {
        throw corrupt(Superblock.OFFSET, "the journal needs recovery; run e2fsck first");
      }
      if ((incompat & ~KNOWN_INCOMPAT) != 0) {
        throw corrupt(
            Superblock.OFFSET + Superblock.S_FEATURE_INCOMPAT,
            "unsupported incompatible features "
                + incompatNames(incompat & ~KNOWN_INCOMPAT)
                + "; jimg cannot read this filesystem");
      }
      int log = sb.getInt(Superblock.S_LOG_BLOCK_SIZE);
      if (log < 0 || log > 6) {
        throw corrupt(
            Superblock.OFFSET + Superblock.S_LOG_BLOCK_SIZE, "block size 2^" + (10 + log));
      }
      bs = 1024 << log;
      boolean is64 = (incompat & Features.INCOMPAT_64BIT) != 0;
      blocks =
          u32(sb, Superblock.S_BLOCKS_COUNT_LO)
              | (is64 ? u32(sb, Superblock.S_BLOCKS_COUNT_HI) << 32 : 0);
      ipg = sb.getInt(Superblock.S_INODES_PER_GROUP);
      int bpg = sb.getInt(Superblock.S_BLOCKS_PER_GROUP);
      int rev = sb.getInt(Superblock.S_REV_LEVEL);
      isz = rev == 0 ? Inode.GOOD_OLD_SIZE : sb.getShort(Superblock.S_INODE_SIZE) & 0xFFFF;
      // one bitmap block tracks a group's inodes (its blocks too, but with bigalloc in clusters);
      // inode sizes are powers of two
      if (ipg <= 0
          || bpg <= 0
          || ipg > 8 * bs
          || isz < Inode.GOOD_OLD_SIZE
          || isz > bs
          || Integer.bitCount(isz) != 1
          || blocks <= 0
          || blocks > ch.size() / bs) {
        throw corrupt(
            Superblock.OFFSET,
            "implausible geometry (inodes per group "
                + ipg
                + ", blocks per group "
                + bpg
                + ", inode size "
                + isz
                + ", "
                + blocks
                + " blocks of "
                + bs
                + " in "
                + ch.size()
                + " bytes)");
      }
      int first = sb.getInt(Superblock.S_FIRST_DATA_BLOCK);
      // 1 for 1 KiB blocks (0 with bigalloc), else 0
      if (first != 0 && !(first == 1 && bs == 1024)) {
        throw corrupt(
            Superblock.OFFSET + Superblock.S_FIRST_DATA_BLOCK,
            "first data block " + first + " with blocks of " + bs + " bytes");
      }
      long groups = (blocks - first + bpg - 1) / bpg;
      long inodeCount = u32(sb, Superblock.S_INODES_COUNT);
      if (groups * ipg != inodeCount) {
        throw corrupt(
            Superblock.OFFSET + Superblock.S_INODES_COUNT,
            inodeCount + " inodes, expected " + groups + " groups of " + ipg);
      }
      int ds = is64 ? sb.getShort(Superblock.S_DESC_SIZE) & 0xFFFF : GroupDescriptor.SIZE_32;
      if (ds < GroupDescriptor.SIZE_32 || ds > bs || Integer.bitCount(ds) != 1) {
        throw corrupt(Superblock.OFFSET + Superblock.S_DESC_SIZE, "descriptor size " + ds);
      }
      // the descriptors start in the block after the superblock's (not after the first data
      // block, which bigalloc may set to 0 with 1 KiB blocks)
      long gdtAt = (Superblock.OFFSET / bs + 1L) * bs;
      if (gdtAt + groups * ds > ch.size() || groups * ds > MAX_DESCRIPTOR_BYTES) {
        throw corrupt(
            Superblock.OFFSET + Superblock.S_BLOCKS_PER_GROUP,
            groups
                + " group descriptors of "
                + ds
                + " bytes: more than the "
                + ch.size()
                + " bytes of the image or the "
                + MAX_DESCRIPTOR_BYTES
                + " this reader takes");
      }
      if ((ro & Features.RO_COMPAT_METADATA_CSUM) == 0) {
        csumSeed = null;
      } else if ((incompat & Features.INCOMPAT_CSUM_SEED) != 0) {
        csumSeed = sb.getInt(Superblock.S_CHECKSUM_SEED);
      } else {
        byte[] uuid = new byte[16];
        sb.get(Superblock.S_UUID, uuid);
        csumSeed = Crc32c.update(~0, uuid);
      }
      // with meta_bg, each meta group's descriptors (one block of them) are in its first group,
      // after that group's superblock backup, from descriptor block s_first_meta_bg on
      boolean metaBg = (incompat & Features.INCOMPAT_META_BG) != 0;
      long firstMetaBg = metaBg ? u32(sb, S_FIRST_META_BG) : Long.MAX_VALUE;
      int perBlock = bs / ds;
      int gdtBlocks = (int) ((groups + perBlock - 1) / perBlock);
      descBlockAt = new long[gdtBlocks];
      ByteBuffer gdt = ByteBuffer.allocate((int) (groups * ds)).order(ByteOrder.LITTLE_ENDIAN);
      for (int k = 0; k < gdtBlocks; k++) {
        long at = gdtAt + (long) k * bs;
        if (k >= firstMetaBg) {
          long g = (long) k * perBlock;
          at = (first + g * bpg + (hasSuper(sb, g) ? 1 : 0)) * bs;
          if (at + bs > ch.size()) {
            throw corrupt(
                Superblock.OFFSET + S_FIRST_META_BG,
                "the descriptors of meta group "
                    + k
                    + " would be at byte "
                    + at
                    + ", past the "
                    + ch.size()
                    + " bytes of the image");
          }
        }
        descBlockAt[k] = at;
        int len = (int) Math.min(bs, groups * ds - (long) k * bs);
        gdt.put(k * bs, read(at, len).array());
      }
      inodeTables = new long[(int) groups];
      for (int g = 0; g < groups; g++) {
        if (csumSeed != null) {
          byte[] raw = new byte[ds];
          gdt.get(g * ds, raw);
          raw[GroupDescriptor.BG_CHECKSUM] = 0;
          raw[GroupDescriptor.BG_CHECKSUM + 1] = 0;
          int want = Crc32c.update(Crc32c.updateLe32(csumSeed, g), raw) & 0xFFFF;
          int got = gdt.getShort(g * ds + GroupDescriptor.BG_CHECKSUM) & 0xFFFF;
          verify(descAt(g, ds) + GroupDescriptor.BG_CHECKSUM, "group descriptor " + g, got, want);
        }
        long t = u32(gdt, g * ds + GroupDescriptor.BG_INODE_TABLE_LO);
        if (ds >= GroupDescriptor.SIZE_64) {
          t |= u32(gdt, g * ds + GroupDescriptor.BG_INODE_TABLE_HI) << 32;
        }
        long field = descAt(g, ds) + GroupDescriptor.BG_INODE_TABLE_LO;
        inodeTables[g] = checkBlock(t, "inode table of group " + g, field);
        if (t + ((long) ipg * isz + bs - 1) / bs > blocks) {
          throw corrupt(
              field,
              "inode table of group "
                  + g
                  + " at block "
                  + t
                  + " runs past the "
                  + blocks
                  + " blocks of the filesystem");
        }
      }
    }

    /** The byte offset of group {@code g}'s descriptor, of {@code ds} bytes. */
    private long descAt(int g, int ds) {
      int perBlock = bs / ds;
      return descBlockAt[g / perBlock] + (long) (g % perBlock) * ds;
    }

    /** Whether group {@code g} holds a superblock backup (for where meta_bg puts descriptors). */
    private static boolean hasSuper(ByteBuffer sb, long g) {
      if (g == 0) {
        return true;
      }
      if ((sb.getInt(Superblock.S_FEATURE_COMPAT) & COMPAT_SPARSE_SUPER2) != 0) {
        return g == u32(sb, S_BACKUP_BGS) || g == u32(sb, S_BACKUP_BGS + 4);
      }
      return (sb.getInt(Superblock.S_FEATURE_RO_COMPAT) & Features.RO_COMPAT_SPARSE_SUPER) == 0
          || Layout.sparseSuperGroup(g);
    }

    FileTree tree() throws IOException {
      TreeMap<ImagePath, Long> names = new TreeMap<>();
      Set<Long> directories = new HashSet<>();
      Set<Long> directoryBlocks = new HashSet<>();
      List<ImagePath> queue = new ArrayList<>();
      names.put(ImagePath.ROOT, (long) TreePlan.ROOT_INO);
      directories.add((long) TreePlan.ROOT_INO);
      queue.add(ImagePath.ROOT);
      while (!queue.isEmpty()) {
        ImagePath dir = queue.remove(queue.size() - 1);
        long dino = names.get(dir);
        ByteBuffer di = inode(dino);
        if ((di.getShort(Inode.I_MODE) & 0xF000) != 0x4000) {
          throw corrupt(inodeOffset(dino), "inode " + dino + " of /" + dir + " is no directory");
        }
        if ((di.getInt(Inode.I_FLAGS) & ENCRYPT_FL) != 0) {
          throw new UnsupportedEntryException(
              name
                  + ": /"
                  + dir
                  + " is an encrypted directory (fscrypt): jimg cannot read its names");
        }
        Listing out = new Listing(dir, dino, names, directories, queue);
        if ((di.getInt(Inode.I_FLAGS) & Inode.INLINE_DATA_FL) != 0) {
          // the parent's inode number, then records in i_block and in the system.data xattr
          ByteBuffer iblock =
              di.slice(Inode.I_BLOCK, Inode.I_BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
          records(iblock, 4, Inode.I_BLOCK_SIZE, inodeOffset(dino) + Inode.I_BLOCK, out);
          InlineTail tail = inlineTail(dino, di);
          if (tail != null) {
            records(
                ByteBuffer.wrap(tail.value()).order(ByteOrder.LITTLE_ENDIAN),
                0,
                tail.value().length,
                tail.at(),
                out);
          }
          continue;
        }
        boolean indexed = (di.getInt(Inode.I_FLAGS) & Inode.INDEX_FL) != 0;
        int seed = csumSeed == null ? 0 : inodeSeed(dino, di);
        for (long[] m : mappings(di, dino)) {
          for (int k = 0; k < m[2]; k++) {
            long blockAt = (m[1] + k) * bs;
            if (!directoryBlocks.add(m[1] + k)) {
              throw corrupt(
                  blockAt,
                  "block "
                      + (m[1] + k)
                      + " of directory /"
                      + dir
                      + " belongs to another directory too (cross-linked)");
            }
            ByteBuffer blk = read(blockAt, bs);
            verifyDirectoryBlock(blk, blockAt, dino, seed, indexed && m[0] + k == 0);
            records(blk, 0, bs, blockAt, out);
          }
        }
      }
      FileTreeBuilder b = new FileTreeBuilder();
      Map<Long, ImagePath> holder = new HashMap<>();
      for (var e : names.entrySet()) {
        long ino = e.getValue();
        ImagePath prev = holder.putIfAbsent(ino, e.getKey());
        if (prev != null && !e.getKey().isRoot()) {
          b.put(e.getKey(), Entry.hardlink(prev));
          continue;
        }
        ByteBuffer in = inode(ino);
        if ((in.getInt(Inode.I_FLAGS) & ENCRYPT_FL) != 0) {
          throw new UnsupportedEntryException(
              name
                  + ": /"
                  + e.getKey()
                  + " is encrypted (fscrypt): jimg cannot read encrypted files or directories");
        }
        b.put(e.getKey(), entry(ino, in));
      }
      return b.build();
    }

    /** Where the records of one directory go: the walk's names, directories and queue. */
    private record Listing(
        ImagePath dir,
        long dino,
        Map<ImagePath, Long> names,
        Set<Long> directories,
        List<ImagePath> queue) {}

    /**
     * The directory records in {@code buf}'s bytes {@code [from, end)}, which are at {@code bufAt}
     * in the image: a block, or the i_block or system.data part of an inline directory.
     */
    private void records(ByteBuffer buf, int from, int end, long bufAt, Listing out)
        throws IOException {
      int at = from;
      while (at + 8 <= end) {
        long ino = u32(buf, at);
        int recLen = buf.getShort(at + 4) & 0xFFFF;
        int nameLen = buf.get(at + 6) & 0xFF;
        if (recLen < 8 || at + recLen > end || 8 + nameLen > recLen) {
          throw corrupt(bufAt + at, "bad directory record in inode " + out.dino());
        }
        if (ino != 0) {
          byte[] nm = new byte[nameLen];
          buf.get(at + 8, nm);
          boolean dot = nameLen == 1 && nm[0] == '.';
          boolean dotdot = nameLen == 2 && nm[0] == '.' && nm[1] == '.';
          if (!dot && !dotdot) {
            ImagePath p = child(out.dir(), nm, bufAt + at);
            if (ino > (long) ipg * inodeTables.length) {
              throw corrupt(
                  bufAt + at,
                  "/" + p + " names inode " + ino + ", outside the filesystem's inodes");
            }
            if (out.names().put(p, ino) != null) {
              throw corrupt(bufAt + at, "two entries named /" + p);
            }
            if (out.names().size() > MAX_ENTRIES) {
              throw corrupt(bufAt + at, "more than " + MAX_ENTRIES + " entries");
            }
            if ((inode(ino).getShort(Inode.I_MODE) & 0xF000) == 0x4000) {
              if (!out.directories().add(ino)) {
                throw corrupt(
                    bufAt + at,
                    "/"
                        + p
                        + " is directory inode "
                        + ino
                        + " again: a loop or a hard-linked directory");
              }
              out.queue().add(p);
            }
          }
        }
        at += recLen;
      }
    }

    /** The value of an inline inode's system.data xattr and where it lies in the image. */
    private record InlineTail(byte[] value, long at) {}

    /**
     * The rest of an inline_data inode's data, after the 60 bytes of i_block: the value of its
     * system.data xattr, which lives in the inode body; null when there is none.
     */
    private InlineTail inlineTail(long ino, ByteBuffer in) throws CorruptInputException {
      if (isz <= Inode.GOOD_OLD_SIZE) {
        return null;
      }
      int start = Inode.GOOD_OLD_SIZE + (in.getShort(Inode.I_EXTRA_ISIZE) & 0xFFFF);
      if (start + 4 > isz || in.getInt(start) != XattrEntries.MAGIC) {
        return null;
      }
      InlineTail[] data = new InlineTail[1];
      parseXattrs(in, inodeOffset(ino), start + 4, isz, start + 4, new ArrayList<>(), ino, data);
      return data[0];
    }

    /**
     * An inline_data file's bytes, read from the inode in the image: i_block, then the system.data
     * value; past those it reads as zeros, as the kernel does (mke2fs stores a file that is all
     * hole this way, with its full size).
     */
    private Content inlineContent(long ino, ByteBuffer in, long size) throws CorruptInputException {
      InlineTail tail = inlineTail(ino, in);
      List<long[]> runs = new ArrayList<>();
      runs.add(new long[] {0, inodeOffset(ino) + Inode.I_BLOCK, Inode.I_BLOCK_SIZE});
      if (tail != null && tail.value().length > 0) {
        runs.add(new long[] {Inode.I_BLOCK_SIZE, tail.at(), tail.value().length});
      }
      try {
        return Content.ofImageRuns(
            ch, size, runs, "inline inode " + ino + " of " + size + " bytes");
      } catch (IllegalArgumentException e) {
        throw corrupt(inodeOffset(ino), "inline inode " + ino + ": " + e.getMessage());
      }
    }

    /** The first {@code size} bytes of an inline_data inode's data (i_block, then system.data). */
    private byte[] inlineData(long ino, ByteBuffer in, long size) throws CorruptInputException {
      InlineTail tail = inlineTail(ino, in);
      int have = Inode.I_BLOCK_SIZE + (tail == null ? 0 : tail.value().length);
      if (size > have) {
        throw corrupt(
            inodeOffset(ino) + Inode.I_SIZE_LO,
            "inline inode " + ino + " of " + size + " bytes holds only " + have);
      }
      byte[] data = new byte[(int) size];
      int first = (int) Math.min(size, Inode.I_BLOCK_SIZE);
      in.get(Inode.I_BLOCK, data, 0, first);
      if (size > first) {
        System.arraycopy(tail.value(), 0, data, first, (int) size - first);
      }
      return data;
    }

    /** {@code dir}'s child {@code name}, which must be a name the tree can hold. */
    private ImagePath child(ImagePath dir, byte[] name, long at) throws CorruptInputException {
      try {
        return dir.child(name);
      } catch (IllegalArgumentException e) {
        throw corrupt(
            at, "directory /" + dir + " has an entry of invalid name (" + e.getMessage() + ")");
      }
    }

    /**
     * With metadata_csum, checks a directory block's checksum: the tail of a leaf block, or the
     * dx_tail of an htree node ({@code root} for the first block of an indexed directory); {@code
     * seed} is the directory inode's {@link #inodeSeed}.
     */
    private void verifyDirectoryBlock(
        ByteBuffer blk, long blockAt, long ino, int seed, boolean root)
        throws CorruptInputException {
      if (csumSeed == null) {
        return;
      }
      int t = bs - DirectoryBlocks.TAIL_SIZE;
      if (blk.getInt(t) == 0
          && (blk.getShort(t + 4) & 0xFFFF) == DirectoryBlocks.TAIL_SIZE
          && blk.get(t + 6) == 0
          && (blk.get(t + 7) & 0xFF) == DirectoryBlocks.TAIL_FT) {
        int want = Crc32c.update(seed, blk.array(), 0, t);
        int got = blk.getInt(t + 8);
        verify(blockAt + t + 8, "a block of directory inode " + ino, got, want);
        return;
      }
      boolean node = blk.getInt(0) == 0 && (blk.getShort(4) & 0xFFFF) == bs;
      if (!root && !node) {
        throw corrupt(blockAt, "a block of directory inode " + ino + " has no checksum tail");
      }
      // dx_countlimit follows the dx_root_info (at 0x18, its length at 0x1D) or the empty record
      int countAt = root ? 0x18 + (blk.get(0x1D) & 0xFF) : 8;
      int limit = countAt + 4 <= bs ? blk.getShort(countAt) & 0xFFFF : 0;
      int count = countAt + 4 <= bs ? blk.getShort(countAt + 2) & 0xFFFF : 0;
      int tail = countAt + 8 * limit;
      if (limit == 0 || count > limit || tail + 8 > bs) {
        throw corrupt(
            blockAt + countAt,
            "htree node of directory inode " + ino + " has count " + count + " and limit " + limit);
      }
      int crc = Crc32c.update(seed, blk.array(), 0, countAt + 8 * count);
      crc = Crc32c.update(crc, blk.array(), tail, 4);
      int want = Crc32c.updateLe32(crc, 0);
      int got = blk.getInt(tail + 4);
      verify(blockAt + tail + 4, "an htree node of directory inode " + ino, got, want);
    }

    /** The checksum seed of one inode's metadata: the filesystem's, its number, its generation. */
    private int inodeSeed(long ino, ByteBuffer inode) {
      return Crc32c.updateLe32(
          Crc32c.updateLe32(csumSeed, (int) ino), inode.getInt(Inode.I_GENERATION));
    }

    private Entry entry(long ino, ByteBuffer in) throws IOException {
      int mode = in.getShort(Inode.I_MODE) & 0xFFFF;
      EntryType type =
          switch (mode & 0xF000) {
            case 0x8000 -> EntryType.REGULAR;
            case 0x4000 -> EntryType.DIRECTORY;
            case 0xA000 -> EntryType.SYMLINK;
            case 0x2000 -> EntryType.CHAR_DEVICE;
            case 0x6000 -> EntryType.BLOCK_DEVICE;
            case 0x1000 -> EntryType.FIFO;
            case 0xC000 -> EntryType.SOCKET;
            default ->
                throw corrupt(
                    inodeOffset(ino), "inode " + ino + " has mode 0" + Integer.toOctalString(mode));
          };
      boolean extra =
          isz > Inode.GOOD_OLD_SIZE && (in.getShort(Inode.I_EXTRA_ISIZE) & 0xFFFF) >= 24;
      Entry.Builder b =
          Entry.builder(type)
              .mode(mode & 07777)
              .uid(
                  (in.getShort(Inode.I_UID) & 0xFFFF)
                      | (long) (in.getShort(Inode.L_I_UID_HIGH) & 0xFFFF) << 16)
              .gid(
                  (in.getShort(Inode.I_GID) & 0xFFFF)
                      | (long) (in.getShort(Inode.L_I_GID_HIGH) & 0xFFFF) << 16)
              .mtime(time(in, Inode.I_MTIME, extra ? Inode.I_MTIME_EXTRA : -1))
              .atime(time(in, Inode.I_ATIME, extra ? Inode.I_ATIME_EXTRA : -1))
              .ctime(time(in, Inode.I_CTIME, extra ? Inode.I_CTIME_EXTRA : -1))
              .xattrs(xattrs(ino, in));
      long size = u32(in, Inode.I_SIZE_LO) | u32(in, Inode.I_SIZE_HIGH) << 32;
      if (size < 0) {
        throw corrupt(inodeOffset(ino) + Inode.I_SIZE_LO, "inode " + ino + " of size " + size);
      }
      boolean inline = (in.getInt(Inode.I_FLAGS) & Inode.INLINE_DATA_FL) != 0;
      switch (type) {
        case REGULAR ->
            b.content(
                inline
                    ? inlineContent(ino, in, size)
                    : mappedContent(ino, size, mappings(in, ino)));
        case SYMLINK -> {
          if (size >= bs || size <= 0) {
            throw corrupt(
                inodeOffset(ino) + Inode.I_SIZE_LO,
                "symlink inode " + ino + " of " + size + " bytes");
          }
          if (inline) {
            b.symlinkTarget(inlineData(ino, in, size));
            break;
          }
          byte[] target = new byte[(int) size];
          long fileAcl = u32(in, Inode.I_FILE_ACL_LO);
          long blocks512 = u32(in, Inode.I_BLOCKS_LO) - (fileAcl != 0 ? bs / 512 : 0);
          if ((in.getInt(Inode.I_FLAGS) & Inode.EXTENTS_FL) == 0 && blocks512 == 0) {
            if (size >= Inode.I_BLOCK_SIZE) {
              throw corrupt(
                  inodeOffset(ino) + Inode.I_SIZE_LO,
                  "fast symlink inode " + ino + " of " + size + " bytes (at most 59 fit)");
            }
            in.get(Inode.I_BLOCK, target);
          } else {
            List<long[]> m = mappings(in, ino);
            if (m.isEmpty() || m.get(0)[0] != 0) {
              throw corrupt(
                  inodeOffset(ino) + Inode.I_BLOCK,
                  "slow symlink inode " + ino + " has no block 0");
            }
            read(m.get(0)[1] * bs, (int) size).get(0, target);
          }
          b.symlinkTarget(target);
        }
        case CHAR_DEVICE, BLOCK_DEVICE -> {
          long w0 = u32(in, Inode.I_BLOCK);
          if (w0 != 0) {
            b.device((w0 >>> 8) & 0xFF, w0 & 0xFF);
          } else {
            long w1 = u32(in, Inode.I_BLOCK + 4);
            b.device((w1 >>> 8) & 0xFFF, (w1 & 0xFF) | ((w1 >>> 12) & 0xFFF00));
          }
        }
        default -> {}
      }
      try {
        return b.build();
      } catch (IllegalArgumentException e) {
        throw corrupt(inodeOffset(ino), "inode " + ino + ": " + e.getMessage());
      }
    }

    private List<Xattr> xattrs(long ino, ByteBuffer in) throws IOException {
      List<Xattr> out = new ArrayList<>();
      if (isz > Inode.GOOD_OLD_SIZE) {
        int start = Inode.GOOD_OLD_SIZE + (in.getShort(Inode.I_EXTRA_ISIZE) & 0xFFFF);
        if (start + 4 <= isz && in.getInt(start) == XattrEntries.MAGIC) {
          parseXattrs(in, inodeOffset(ino), start + 4, isz, start + 4, out, ino, null);
        }
      }
      long acl =
          u32(in, Inode.I_FILE_ACL_LO)
              | (long) (in.getShort(Inode.L_I_FILE_ACL_HIGH) & 0xFFFF) << 32;
      if (acl != 0) {
        ByteBuffer blk =
            read(
                checkBlock(
                        acl, "xattr block of inode " + ino, inodeOffset(ino) + Inode.I_FILE_ACL_LO)
                    * bs,
                bs);
        if (blk.getInt(0) != XattrEntries.MAGIC) {
          throw corrupt(acl * bs, "xattr block of inode " + ino + " has a bad magic");
        }
        if (csumSeed != null) {
          byte[] raw = blk.array().clone();
          ByteBuffer.wrap(raw).putInt(XattrEntries.H_CHECKSUM, 0);
          int want = Crc32c.update(Crc32c.updateLe64(csumSeed, acl), raw);
          int got = blk.getInt(XattrEntries.H_CHECKSUM);
          verify(acl * bs + XattrEntries.H_CHECKSUM, "the xattr block of inode " + ino, got, want);
        }
        parseXattrs(blk, acl * bs, XattrEntries.BLOCK_HEADER_SIZE, bs, 0, out, ino, null);
      }
      return out;
    }

    /**
     * Parses the entries of an xattr area, {@code b}, which is at {@code areaAt} in the image, into
     * {@code out}; the system.data value of inline_data goes to {@code data[0]} instead, when
     * {@code data} is given.
     */
    private void parseXattrs(
        ByteBuffer b,
        long areaAt,
        int at,
        int end,
        int base,
        List<Xattr> out,
        long ino,
        InlineTail[] data)
        throws CorruptInputException {
      int p = at;
      while (p + 4 <= end && b.getInt(p) != 0) {
        if (p + XattrEntries.ENTRY_HEADER_SIZE > end) {
          throw corrupt(areaAt + p, "xattr entry of inode " + ino + " runs past its area");
        }
        int nameLen = b.get(p) & 0xFF;
        int index = b.get(p + 1) & 0xFF;
        int offs = b.getShort(p + 2) & 0xFFFF;
        int size = b.getInt(p + 8);
        if (p + XattrEntries.ENTRY_HEADER_SIZE + nameLen > end
            || size < 0
            || base + offs + size > end
            || b.getInt(p + 4) != 0) {
          throw corrupt(areaAt + p, "xattr entry of inode " + ino + " is out of bounds");
        }
        byte[] nm = new byte[nameLen];
        b.get(p + XattrEntries.ENTRY_HEADER_SIZE, nm);
        byte[] value = new byte[size];
        b.get(base + offs, value);
        String suffix = new String(nm, StandardCharsets.UTF_8);
        String full =
            switch (index) {
              case 1 -> "user." + suffix;
              case 2 -> "system.posix_acl_access";
              case 3 -> "system.posix_acl_default";
              case 4 -> "trusted." + suffix;
              case 6 -> "security." + suffix;
              case 7 -> "system." + suffix;
              default -> suffix;
            };
        if (index == 2 || index == 3) {
          value = XattrEntries.aclFromDisk(value);
        }
        if (index == 7 && suffix.equals("data")) {
          if (data != null) {
            data[0] = new InlineTail(value, areaAt + base + offs);
          }
        } else {
          try {
            out.add(new Xattr(full, value));
          } catch (IllegalArgumentException e) {
            throw corrupt(areaAt + p, "xattr of inode " + ino + ": " + e.getMessage());
          }
        }
        p += (XattrEntries.ENTRY_HEADER_SIZE + nameLen + 3) & ~3;
      }
    }

    /**
     * {logical, physical, count} runs of the inode's data up to its size, in logical order. Blocks
     * mapped past the size are left out unread (fs-verity keeps its Merkle tree there, and e2fsck
     * allows a block just past the size). Bounded: no more blocks (nor map or extent tree blocks)
     * than the filesystem has, so blocks that point back at each other cannot make the walk blow
     * up.
     */
    private List<long[]> mappings(ByteBuffer in, long ino) throws IOException {
      long size = u32(in, Inode.I_SIZE_LO) | u32(in, Inode.I_SIZE_HIGH) << 32;
      Walk w = new Walk(ino, size < 0 ? 0 : (size + bs - 1) / bs);
      byte[] iBlock = new byte[Inode.I_BLOCK_SIZE];
      in.get(Inode.I_BLOCK, iBlock);
      ByteBuffer root = ByteBuffer.wrap(iBlock).order(ByteOrder.LITTLE_ENDIAN);
      if ((in.getInt(Inode.I_FLAGS) & Inode.EXTENTS_FL) != 0) {
        int seed = csumSeed == null ? 0 : inodeSeed(ino, in);
        extents(root, inodeOffset(ino) + Inode.I_BLOCK, w, seed, -1);
      } else {
        long p = bs / 4;
        long field = inodeOffset(ino) + Inode.I_BLOCK;
        for (int i = 0; i < BlockMap.DIRECT; i++) {
          add(w, i, u32(root, 4 * i), 1, field + 4 * i);
        }
        indirect(u32(root, 4 * BlockMap.IND), 1, BlockMap.DIRECT, w, field + 4 * BlockMap.IND);
        indirect(
            u32(root, 4 * BlockMap.DIND), 2, BlockMap.DIRECT + p, w, field + 4 * BlockMap.DIND);
        indirect(
            u32(root, 4 * BlockMap.TIND),
            3,
            BlockMap.DIRECT + p + p * p,
            w,
            field + 4 * BlockMap.TIND);
      }
      return w.runs;
    }

    /** One inode's mapping being read: its runs, and the counts that bound the walk. */
    private static final class Walk {
      final long ino;
      final long sizeBlocks;
      final List<long[]> runs = new ArrayList<>();
      long visited;

      Walk(long ino, long sizeBlocks) {
        this.ino = ino;
        this.sizeBlocks = sizeBlocks;
      }
    }

    /** Reads a map block, whose number {@code blk} is in the field at {@code at}. */
    private void indirect(long blk, int level, long firstLogical, Walk w, long at)
        throws IOException {
      if (blk == 0) {
        return;
      }
      if (firstLogical >= w.sizeBlocks) {
        return;
      }
      count(w, 1, at);
      ByteBuffer b = read(checkBlock(blk, "map block of inode " + w.ino, at) * bs, bs);
      long p = bs / 4;
      long span = level == 1 ? 1 : level == 2 ? p : p * p;
      for (int i = 0; i < p; i++) {
        long child = u32(b, 4 * i);
        if (level == 1) {
          add(w, firstLogical + i, child, 1, blk * bs + 4 * i);
        } else {
          indirect(child, level - 1, firstLogical + i * span, w, blk * bs + 4 * i);
        }
      }
    }

    /**
     * Adds {@code count} blocks at {@code physical} (0: a hole) as the file's {@code logical}; the
     * block number was read from the field at {@code at}.
     */
    private void add(Walk w, long logical, long physical, int count, long at)
        throws CorruptInputException {
      if (physical == 0 || count == 0) {
        return;
      }
      checkBlock(physical, "data of inode " + w.ino, at);
      checkBlock(physical + count - 1, "data of inode " + w.ino, at);
      if (logical >= w.sizeBlocks) {
        return;
      }
      int n = (int) Math.min(count, w.sizeBlocks - logical);
      count(w, n, at);
      long[] last = w.runs.isEmpty() ? null : w.runs.get(w.runs.size() - 1);
      if (last != null && last[0] + last[2] > logical) {
        throw corrupt(
            at, "inode " + w.ino + " maps its block " + logical + " twice or out of order");
      }
      if (last != null && last[0] + last[2] == logical && last[1] + last[2] == physical) {
        last[2] += n;
      } else {
        w.runs.add(new long[] {logical, physical, n});
      }
    }

    private void count(Walk w, long n, long at) throws CorruptInputException {
      w.visited += n;
      if (w.visited > blocks) {
        throw corrupt(
            at, "inode " + w.ino + " maps more blocks than the " + blocks + " of the filesystem");
      }
    }

    /**
     * Reads an extent tree node; {@code depth} is what its parent says it must be (-1 for the root
     * in the inode).
     */
    private void extents(ByteBuffer node, long at, Walk w, int seed, int depth) throws IOException {
      int entries = node.getShort(2) & 0xFFFF;
      int max = node.getShort(4) & 0xFFFF;
      int d = node.getShort(6) & 0xFFFF;
      if ((node.getShort(0) & 0xFFFF) != ExtentTree.EH_MAGIC
          || d > MAX_DEPTH
          || (depth >= 0 && d != depth)
          || entries > max
          || ExtentTree.HEADER_SIZE + max * ExtentTree.ENTRY_SIZE > node.capacity()) {
        throw corrupt(
            at,
            "bad extent header in inode "
                + w.ino
                + " (magic "
                + hex(node.getShort(0) & 0xFFFF)
                + ", "
                + entries
                + " of "
                + max
                + " entries, depth "
                + d
                + ")");
      }
      if (depth >= 0 && csumSeed != null) {
        int tail = ExtentTree.HEADER_SIZE + max * ExtentTree.ENTRY_SIZE;
        if (tail + 4 > bs) {
          throw corrupt(at, "extent block of inode " + w.ino + " has no room for its checksum");
        }
        int want = Crc32c.update(seed, node.array(), 0, tail);
        int got = node.getInt(tail);
        verify(at + tail, "an extent block of inode " + w.ino, got, want);
      }
      for (int i = 0; i < entries; i++) {
        int e = ExtentTree.HEADER_SIZE + i * ExtentTree.ENTRY_SIZE;
        if (d == 0) {
          long logical = u32(node, e);
          int len = node.getShort(e + 4) & 0xFFFF;
          long phys = u32(node, e + 8) | (long) (node.getShort(e + 6) & 0xFFFF) << 32;
          if (len > ExtentTree.MAX_LEN) {
            continue; // an uninitialized extent reads as zeros
          }
          add(w, logical, phys, len, at + e + 6);
        } else {
          long child = u32(node, e + 4) | (long) (node.getShort(e + 8) & 0xFFFF) << 32;
          count(w, 1, at + e + 4);
          long childAt = checkBlock(child, "extent node of inode " + w.ino, at + e + 4) * bs;
          extents(read(childAt, bs), childAt, w, seed, d - 1);
        }
      }
    }

    /** Inode {@code ino}, its checksum verified with metadata_csum. */
    private ByteBuffer inode(long ino) throws IOException {
      long at = inodeOffset(ino);
      ByteBuffer in = read(at, isz);
      if (csumSeed != null) {
        boolean hi =
            isz > Inode.GOOD_OLD_SIZE
                && (in.getShort(Inode.I_EXTRA_ISIZE) & 0xFFFF)
                    >= Inode.I_CHECKSUM_HI + 2 - Inode.GOOD_OLD_SIZE;
        byte[] raw = in.array().clone();
        raw[Inode.L_I_CHECKSUM_LO] = 0;
        raw[Inode.L_I_CHECKSUM_LO + 1] = 0;
        if (hi) {
          raw[Inode.I_CHECKSUM_HI] = 0;
          raw[Inode.I_CHECKSUM_HI + 1] = 0;
        }
        int crc = Crc32c.update(inodeSeed(ino, in), raw);
        int got = in.getShort(Inode.L_I_CHECKSUM_LO) & 0xFFFF;
        if (hi) {
          got |= (in.getShort(Inode.I_CHECKSUM_HI) & 0xFFFF) << 16;
        } else {
          crc &= 0xFFFF;
        }
        verify(at + Inode.L_I_CHECKSUM_LO, "inode " + ino, got, crc);
      }
      return in;
    }

    /** Where inode {@code ino} is in the image. */
    private long inodeOffset(long ino) throws CorruptInputException {
      long g = (ino - 1) / ipg;
      if (ino < 1 || g >= inodeTables.length) {
        throw corrupt(CorruptInputException.UNKNOWN_OFFSET, "inode " + ino + " out of range");
      }
      return inodeTables[(int) g] * bs + ((ino - 1) % ipg) * isz;
    }

    /** Throws unless a checksum read ({@code got}) equals the one computed ({@code want}). */
    private void verify(long at, String what, int got, int want) throws CorruptInputException {
      if (got != want) {
        throw corrupt(at, "checksum of " + what + " is " + hex(got) + ", expected " + hex(want));
      }
    }

    private static String hex(long v) {
      return "0x" + Long.toHexString(v & 0xFFFF_FFFFL);
    }

    private Timestamp time(ByteBuffer in, int off, int extraOff) {
      long s = in.getInt(off);
      int nanos = 0;
      if (extraOff >= 0) {
        int x = in.getInt(extraOff);
        s += (long) (x & 3) << 32;
        nanos = x >>> 2;
        if (nanos > 999_999_999) {
          nanos = 0;
        }
      }
      return new Timestamp(s, nanos);
    }

    /** {@code b}, a block number read from the field at {@code at}, if inside the filesystem. */
    private long checkBlock(long b, String what, long at) throws CorruptInputException {
      if (b <= 0 || b >= blocks) {
        throw corrupt(at, what + " points at block " + b + " outside the " + blocks + " blocks");
      }
      return b;
    }

    private ByteBuffer read(long at, int len) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
      ch.readFully(b, at);
      return b;
    }

    private CorruptInputException corrupt(long offset, String problem) {
      return new CorruptInputException(name, offset, problem);
    }

    private static long u32(ByteBuffer b, int at) {
      return b.getInt(at) & 0xFFFF_FFFFL;
    }

    /**
     * A file's bytes, read from its mapped blocks ({logical, physical, count}) on demand; unmapped
     * blocks are holes.
     */
    private Content mappedContent(long ino, long size, List<long[]> maps)
        throws CorruptInputException {
      List<long[]> runs = new ArrayList<>(maps.size());
      for (long[] m : maps) {
        runs.add(new long[] {m[0] * bs, m[1] * bs, m[2] * bs});
      }
      try {
        return Content.ofImageRuns(ch, size, runs, "inode " + ino + " of " + size + " bytes");
      } catch (IllegalArgumentException e) {
        throw corrupt(
            inodeOffset(ino) + Inode.I_BLOCK,
            "the block map of inode " + ino + " is invalid: " + e.getMessage());
      }
    }
  }
}
