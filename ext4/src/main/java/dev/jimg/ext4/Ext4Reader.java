/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.CorruptInputException;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads an ext2/ext3/ext4 image (ours or mke2fs') into a {@link FileTree}: every entry type, hard
 * links, nanosecond times, owners, devices, xattrs (POSIX ACLs back in their xattr form), extents
 * at any depth and block maps; linear and htree directories alike (the index blocks parse as empty
 * records). Checks the superblock's magic, its checksum, and the incompatible features it knows;
 * block numbers are bounded by the filesystem size. File contents are read lazily from the channel.
 *
 * <p>Stateless and thread-safe.
 */
public final class Ext4Reader implements FilesystemReader {
  private static final int KNOWN_INCOMPAT =
      Features.INCOMPAT_FILETYPE
          | Features.INCOMPAT_EXTENTS
          | Features.INCOMPAT_64BIT
          | Features.INCOMPAT_FLEX_BG;
  private static final int INCOMPAT_RECOVER = 0x4;
  private static final int MAX_DEPTH = 5;

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
        if (want != got) {
          throw corrupt(
              Superblock.OFFSET + Superblock.S_CHECKSUM,
              "superblock checksum 0x"
                  + Integer.toHexString(got)
                  + ", expected 0x"
                  + Integer.toHexString(want));
        }
      }
      int incompat = sb.getInt(Superblock.S_FEATURE_INCOMPAT);
      if ((incompat & INCOMPAT_RECOVER) != 0) {
        throw corrupt(Superblock.OFFSET, "the journal needs recovery; run e2fsck first");
      }
      if ((incompat & ~KNOWN_INCOMPAT) != 0) {
        throw corrupt(
            Superblock.OFFSET + Superblock.S_FEATURE_INCOMPAT,
            "unsupported incompatible features 0x"
                + Integer.toHexString(incompat & ~KNOWN_INCOMPAT));
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
      if (ipg <= 0
          || bpg <= 0
          || isz < Inode.GOOD_OLD_SIZE
          || isz > bs
          || blocks * bs > ch.size()) {
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
      long groups = (blocks - first + bpg - 1) / bpg;
      int ds = is64 ? sb.getShort(Superblock.S_DESC_SIZE) & 0xFFFF : GroupDescriptor.SIZE_32;
      if (ds < GroupDescriptor.SIZE_32) {
        throw corrupt(Superblock.OFFSET + Superblock.S_DESC_SIZE, "descriptor size " + ds);
      }
      ByteBuffer gdt = read((first + 1L) * bs, (int) (groups * ds));
      inodeTables = new long[(int) groups];
      for (int g = 0; g < groups; g++) {
        long t = u32(gdt, g * ds + GroupDescriptor.BG_INODE_TABLE_LO);
        if (ds >= GroupDescriptor.SIZE_64) {
          t |= u32(gdt, g * ds + GroupDescriptor.BG_INODE_TABLE_HI) << 32;
        }
        inodeTables[g] = checkBlock(t, "inode table of group " + g);
      }
    }

    FileTree tree() throws IOException {
      TreeMap<ImagePath, Long> names = new TreeMap<>();
      Map<Long, ByteBuffer> inodes = new HashMap<>();
      List<ImagePath> queue = new ArrayList<>();
      names.put(ImagePath.ROOT, (long) TreePlan.ROOT_INO);
      queue.add(ImagePath.ROOT);
      while (!queue.isEmpty()) {
        ImagePath dir = queue.remove(queue.size() - 1);
        long dino = names.get(dir);
        ByteBuffer di = inode(dino);
        if (names.size() > 100_000_000) {
          throw corrupt(0, "too many entries");
        }
        for (long[] m : mappings(di, dino)) {
          for (int k = 0; k < m[2]; k++) {
            ByteBuffer blk = read((m[1] + k) * bs, bs);
            int at = 0;
            while (at + 8 <= bs) {
              long ino = u32(blk, at);
              int recLen = blk.getShort(at + 4) & 0xFFFF;
              int nameLen = blk.get(at + 6) & 0xFF;
              if (recLen < 8 || at + recLen > bs || 8 + nameLen > recLen) {
                throw corrupt((m[1] + k) * bs + at, "bad directory record in inode " + dino);
              }
              if (ino != 0) {
                byte[] nm = new byte[nameLen];
                blk.get(at + 8, nm);
                boolean dot = nameLen == 1 && nm[0] == '.';
                boolean dotdot = nameLen == 2 && nm[0] == '.' && nm[1] == '.';
                if (!dot && !dotdot) {
                  ImagePath p = dir.child(nm);
                  names.put(p, ino);
                  if ((inode(ino).getShort(Inode.I_MODE) & 0xF000) == 0x4000) {
                    queue.add(p);
                  }
                }
              }
              at += recLen;
            }
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
        b.put(e.getKey(), entry(ino, inode(ino), inodes));
      }
      return b.build();
    }

    private Entry entry(long ino, ByteBuffer in, Map<Long, ByteBuffer> unused) throws IOException {
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
                throw corrupt(0, "inode " + ino + " has mode 0" + Integer.toOctalString(mode));
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
      switch (type) {
        case REGULAR -> b.content(mappedContent(ino, size, mappings(in, ino)));
        case SYMLINK -> {
          if (size >= bs || size <= 0) {
            throw corrupt(0, "symlink inode " + ino + " of " + size + " bytes");
          }
          byte[] target = new byte[(int) size];
          long fileAcl = u32(in, Inode.I_FILE_ACL_LO);
          long blocks512 = u32(in, Inode.I_BLOCKS_LO) - (fileAcl != 0 ? bs / 512 : 0);
          if ((in.getInt(Inode.I_FLAGS) & Inode.EXTENTS_FL) == 0 && blocks512 == 0) {
            in.get(Inode.I_BLOCK, target);
          } else {
            List<long[]> m = mappings(in, ino);
            if (m.isEmpty()) {
              throw corrupt(0, "slow symlink inode " + ino + " has no block");
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
      return b.build();
    }

    private List<Xattr> xattrs(long ino, ByteBuffer in) throws IOException {
      List<Xattr> out = new ArrayList<>();
      if (isz > Inode.GOOD_OLD_SIZE) {
        int start = Inode.GOOD_OLD_SIZE + (in.getShort(Inode.I_EXTRA_ISIZE) & 0xFFFF);
        if (start + 4 <= isz && in.getInt(start) == XattrEntries.MAGIC) {
          parseXattrs(in, start + 4, isz, start + 4, out, ino);
        }
      }
      long acl =
          u32(in, Inode.I_FILE_ACL_LO)
              | (long) (in.getShort(Inode.L_I_FILE_ACL_HIGH) & 0xFFFF) << 32;
      if (acl != 0) {
        ByteBuffer blk = read(checkBlock(acl, "xattr block of inode " + ino) * bs, bs);
        if (blk.getInt(0) != XattrEntries.MAGIC) {
          throw corrupt(acl * bs, "xattr block of inode " + ino + " has a bad magic");
        }
        parseXattrs(blk, XattrEntries.BLOCK_HEADER_SIZE, bs, 0, out, ino);
      }
      return out;
    }

    private void parseXattrs(ByteBuffer b, int at, int end, int base, List<Xattr> out, long ino)
        throws CorruptInputException {
      int p = at;
      while (p + 4 <= end && b.getInt(p) != 0) {
        if (p + XattrEntries.ENTRY_HEADER_SIZE > end) {
          throw corrupt(0, "xattr entry of inode " + ino + " runs past its area");
        }
        int nameLen = b.get(p) & 0xFF;
        int index = b.get(p + 1) & 0xFF;
        int offs = b.getShort(p + 2) & 0xFFFF;
        int size = b.getInt(p + 8);
        if (p + XattrEntries.ENTRY_HEADER_SIZE + nameLen > end
            || size < 0
            || base + offs + size > end
            || b.getInt(p + 4) != 0) {
          throw corrupt(0, "xattr entry of inode " + ino + " is out of bounds");
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
        if (!(index == 7 && suffix.equals("data"))) {
          out.add(new Xattr(full, value));
        }
        p += (XattrEntries.ENTRY_HEADER_SIZE + nameLen + 3) & ~3;
      }
    }

    /** {logical, physical, count} runs of the inode's data, in logical order. */
    private List<long[]> mappings(ByteBuffer in, long ino) throws IOException {
      List<long[]> out = new ArrayList<>();
      byte[] iBlock = new byte[Inode.I_BLOCK_SIZE];
      in.get(Inode.I_BLOCK, iBlock);
      ByteBuffer root = ByteBuffer.wrap(iBlock).order(ByteOrder.LITTLE_ENDIAN);
      if ((in.getInt(Inode.I_FLAGS) & Inode.EXTENTS_FL) != 0) {
        extents(root, ino, 0, out);
      } else {
        long p = bs / 4;
        for (int i = 0; i < BlockMap.DIRECT; i++) {
          add(out, i, u32(root, 4 * i), ino);
        }
        indirect(u32(root, 4 * BlockMap.IND), 1, BlockMap.DIRECT, ino, out);
        indirect(u32(root, 4 * BlockMap.DIND), 2, BlockMap.DIRECT + p, ino, out);
        indirect(u32(root, 4 * BlockMap.TIND), 3, BlockMap.DIRECT + p + p * p, ino, out);
      }
      return out;
    }

    private void indirect(long blk, int level, long firstLogical, long ino, List<long[]> out)
        throws IOException {
      if (blk == 0) {
        return;
      }
      ByteBuffer b = read(checkBlock(blk, "map block of inode " + ino) * bs, bs);
      long p = bs / 4;
      long span = level == 1 ? 1 : level == 2 ? p : p * p;
      for (int i = 0; i < p; i++) {
        long child = u32(b, 4 * i);
        if (level == 1) {
          add(out, firstLogical + i, child, ino);
        } else {
          indirect(child, level - 1, firstLogical + i * span, ino, out);
        }
      }
    }

    private void add(List<long[]> out, long logical, long physical, long ino)
        throws CorruptInputException {
      if (physical == 0) {
        return;
      }
      checkBlock(physical, "data of inode " + ino);
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last[0] + last[2] == logical && last[1] + last[2] == physical) {
        last[2]++;
      } else {
        out.add(new long[] {logical, physical, 1});
      }
    }

    private void extents(ByteBuffer node, long ino, int level, List<long[]> out)
        throws IOException {
      if ((node.getShort(0) & 0xFFFF) != ExtentTree.EH_MAGIC || level > MAX_DEPTH) {
        throw corrupt(0, "bad extent header in inode " + ino);
      }
      int entries = node.getShort(2) & 0xFFFF;
      int depth = node.getShort(6) & 0xFFFF;
      if (ExtentTree.HEADER_SIZE + entries * ExtentTree.ENTRY_SIZE > node.capacity()) {
        throw corrupt(0, "extent node of inode " + ino + " overflows");
      }
      for (int i = 0; i < entries; i++) {
        int at = ExtentTree.HEADER_SIZE + i * ExtentTree.ENTRY_SIZE;
        if (depth == 0) {
          long logical = u32(node, at);
          int len = node.getShort(at + 4) & 0xFFFF;
          long phys = u32(node, at + 8) | (long) (node.getShort(at + 6) & 0xFFFF) << 32;
          if (len > ExtentTree.MAX_LEN) {
            continue; // an uninitialized extent reads as zeros
          }
          checkBlock(phys + len - 1, "extent of inode " + ino);
          out.add(new long[] {logical, phys, len});
        } else {
          long child = u32(node, at + 4) | (long) (node.getShort(at + 8) & 0xFFFF) << 32;
          extents(
              read(checkBlock(child, "extent node of inode " + ino) * bs, bs), ino, level + 1, out);
        }
      }
    }

    private ByteBuffer inode(long ino) throws IOException {
      long g = (ino - 1) / ipg;
      if (ino < 1 || g >= inodeTables.length) {
        throw corrupt(0, "inode " + ino + " out of range");
      }
      long at = inodeTables[(int) g] * bs + ((ino - 1) % ipg) * isz;
      return read(at, isz);
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

    private long checkBlock(long b, String what) throws CorruptInputException {
      if (b <= 0 || b >= blocks) {
        throw corrupt(
            b * bs, what + " points at block " + b + " outside the " + blocks + " blocks");
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
        throw corrupt(0, "the block map of inode " + ino + " is invalid: " + e.getMessage());
      }
    }
  }
}
