/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a tree becomes in ext terms before any block is placed: one {@link Node} per inode, in inode
 * order (root 2, lost+found 11, then the tree's entries in path order from 12), with each
 * directory's blocks already built (they depend only on inode numbers) and each file's logical data
 * runs. Checks every entry against the format's limits, naming the entry.
 */
final class TreePlan {
  static final int ROOT_INO = 2;
  static final int JOURNAL_INO = 8;
  static final int LOST_FOUND_INO = 11;
  static final int FIRST_USER_INO = 12;
  static final int LINK_MAX = 65_000;
  static final int NAME_MAX = 255;
  static final int FAST_SYMLINK_MAX = Inode.I_BLOCK_SIZE - 1;
  static final byte[] LOST_FOUND = "lost+found".getBytes(StandardCharsets.US_ASCII);
  static final int LOST_FOUND_BYTES = 16_384;

  /** One inode to write. */
  static final class Node {
    final long ino;
    final ImagePath path;
    final Entry meta;
    final EntryType type;
    int links;

    /** Hard links to it besides its own name. */
    int extraLinks;

    /** Logical data runs {start, count} in blocks (empty for most inodes until a run is added). */
    List<long[]> runs = List.of();

    List<byte[]> dirBlocks;

    /** Whether the directory is an htree ({@code EXT4_INDEX_FL}). */
    boolean indexed;

    XattrEntries.Placement xattrs;

    /** The xattr block's content before checksum and refcount, for sharing; null if none. */
    java.nio.ByteBuffer xattrBlockKey;

    long size;

    Node(long ino, ImagePath path, Entry meta, EntryType type) {
      this.ino = ino;
      this.path = path;
      this.meta = meta;
      this.type = type;
    }

    long dataBlocks() {
      long n = 0;
      for (long[] r : runs) {
        n += r[1];
      }
      return n;
    }

    void addRun(long start, long count) {
      if (runs.isEmpty()) {
        runs = new ArrayList<>(1);
      }
      runs.add(new long[] {start, count});
    }

    boolean fastSymlink() {
      return type == EntryType.SYMLINK && meta.symlinkTarget().length <= FAST_SYMLINK_MAX;
    }
  }

  final List<Node> nodes = new ArrayList<>();
  final long inodesNeeded;
  final long directories;

  private TreePlan(long inodesNeeded, long directories) {
    this.inodesNeeded = inodesNeeded;
    this.directories = directories;
  }

  static TreePlan of(
      FileTree tree, Ext4Options opt, Integer csumSeed, int[] hashSeed, Timestamp buildTime)
      throws UnsupportedEntryException {
    int bs = opt.blockSize();
    // the node of each path, hard links' paths mapping to their target's node
    Map<ImagePath, Node> nodeOf = new HashMap<>();
    Node root = new Node(ROOT_INO, ImagePath.ROOT, tree.root(), EntryType.DIRECTORY);
    nodeOf.put(ImagePath.ROOT, root);
    ImagePath lpfPath = ImagePath.ROOT.child(LOST_FOUND);
    Entry lpfEntry = tree.contains(lpfPath) ? tree.get(lpfPath) : null;
    boolean lpfFromTree = lpfEntry != null && lpfEntry.type() == EntryType.DIRECTORY;
    boolean makeLpf = lpfEntry == null;
    List<Node> ordered = new ArrayList<>();
    ordered.add(root);
    if (makeLpf) {
      Entry lpf =
          Entry.builder(EntryType.DIRECTORY)
              .mode(0700)
              .mtime(buildTime)
              .atime(buildTime)
              .ctime(buildTime)
              .build();
      ordered.add(new Node(LOST_FOUND_INO, lpfPath, lpf, EntryType.DIRECTORY));
    }
    if (lpfFromTree) {
      Node lpf = new Node(LOST_FOUND_INO, lpfPath, lpfEntry, EntryType.DIRECTORY);
      nodeOf.put(lpfPath, lpf);
      ordered.add(lpf);
    }
    // the tree's entries in path order from FIRST_USER_INO, so in inode order
    long next = FIRST_USER_INO;
    for (var e : tree) {
      ImagePath p = e.getKey();
      Entry en = e.getValue();
      if (p.isRoot() || en.type() == EntryType.HARDLINK || (lpfFromTree && p.equals(lpfPath))) {
        continue;
      }
      Node n = new Node(next++, p, en, en.type());
      nodeOf.put(p, n);
      ordered.add(n);
    }
    for (var e : tree) {
      if (e.getValue().type() == EntryType.HARDLINK) {
        Node target = nodeOf.get(finalTarget(tree, e.getKey()));
        nodeOf.put(e.getKey(), target);
        target.extraLinks++;
      }
    }
    long dirs = 0;
    boolean csum = csumSeed != null;
    boolean dirNlink = opt.features().hasRoCompat(Features.RO_COMPAT_DIR_NLINK);
    int ibodySpace =
        opt.inodeSize() > Inode.GOOD_OLD_SIZE
            ? opt.inodeSize() - Inode.GOOD_OLD_SIZE - Inode.EXTRA_ISIZE
            : 0;
    boolean extraTimes = opt.inodeSize() > Inode.GOOD_OLD_SIZE;
    for (Node n : ordered) {
      if (!(makeLpf && n.ino == LOST_FOUND_INO)) {
        checkTimes(n, extraTimes);
      }
    }
    if (makeLpf || opt.journal()) {
      String stamped =
          makeLpf && opt.journal()
              ? "lost+found and the journal inode"
              : makeLpf ? "lost+found" : "the journal inode";
      checkTime(
          () -> stamped,
          "build time (SOURCE_DATE_EPOCH or an explicit time)",
          buildTime,
          extraTimes,
          "choose another build time");
    }
    for (Node n : ordered) {
      if (!n.meta.xattrs().isEmpty()) {
        if (!opt.features().hasCompat(Features.COMPAT_EXT_ATTR)) {
          throw new UnsupportedEntryException(
              where(n) + ": has extended attributes but the ext_attr feature is off");
        }
        n.xattrs = XattrEntries.place(n.meta.xattrs(), ibodySpace, bs);
        if (n.xattrs == null) {
          throw new UnsupportedEntryException(
              where(n)
                  + ": its "
                  + n.meta.xattrs().size()
                  + " extended attributes do not fit in the inode and one "
                  + bs
                  + "-byte block; use a larger --inode-size or --block-size, or drop some");
        }
        if (!n.xattrs.block().isEmpty()) {
          n.xattrBlockKey =
              java.nio.ByteBuffer.wrap(XattrEntries.encodeBlock(n.xattrs.block(), bs, 0, 0, null));
        }
      }
      switch (n.type) {
        case REGULAR -> {
          n.size = n.meta.size();
          n.links = 1 + n.extraLinks;
          addRuns(n, bs);
        }
        case SYMLINK -> {
          n.size = n.meta.symlinkTarget().length;
          n.links = 1 + n.extraLinks;
          if (n.size == 0 || n.size >= bs) {
            throw new UnsupportedEntryException(
                where(n) + ": symlink target of " + n.size + " bytes; ext holds 1 to " + (bs - 1));
          }
          if (!n.fastSymlink()) {
            n.addRun(0, 1);
          }
        }
        case CHAR_DEVICE, BLOCK_DEVICE -> {
          n.links = 1 + n.extraLinks;
          if (n.meta.devMajor() > 0xFFF || n.meta.devMinor() > 0xF_FFFF) {
            throw new UnsupportedEntryException(
                where(n)
                    + ": device "
                    + n.meta.devMajor()
                    + ":"
                    + n.meta.devMinor()
                    + " is beyond ext's 12-bit major and 20-bit minor");
          }
        }
        case FIFO, SOCKET -> n.links = 1 + n.extraLinks;
        case DIRECTORY -> dirs++;
        default -> throw new UnsupportedEntryException(where(n) + ": unexpected " + n.type);
      }
      if (n.links > LINK_MAX) {
        throw new UnsupportedEntryException(
            where(n) + ": " + n.links + " hard links; ext allows at most " + LINK_MAX);
      }
    }
    for (Node n : ordered) {
      if (n.type != EntryType.DIRECTORY) {
        continue;
      }
      List<DirectoryBlocks.DirEntry> entries = new ArrayList<>();
      long parent = n.path.isRoot() ? ROOT_INO : nodeOf.get(n.path.parent()).ino;
      entries.add(new DirectoryBlocks.DirEntry(new byte[] {'.'}, n.ino, DirectoryBlocks.FT_DIR));
      entries.add(
          new DirectoryBlocks.DirEntry(new byte[] {'.', '.'}, parent, DirectoryBlocks.FT_DIR));
      int subdirs = 0;
      if (n.path.isRoot() && makeLpf) {
        entries.add(
            new DirectoryBlocks.DirEntry(LOST_FOUND, LOST_FOUND_INO, DirectoryBlocks.FT_DIR));
        subdirs++;
      }
      if (n.path.isRoot() || n.ino != LOST_FOUND_INO || lpfFromTree) {
        for (ImagePath c : tree.children(n.path)) {
          byte[] name = c.name();
          if (name.length > NAME_MAX) {
            throw new UnsupportedEntryException(
                c + ": name of " + name.length + " bytes; ext allows at most " + NAME_MAX);
          }
          Node child = nodeOf.get(c);
          if (child.type == EntryType.DIRECTORY) {
            subdirs++;
          }
          entries.add(new DirectoryBlocks.DirEntry(name, child.ino, fileType(child.type)));
        }
      }
      n.links = 2 + subdirs;
      if (n.links > LINK_MAX) {
        if (!dirNlink) {
          throw new UnsupportedEntryException(
              where(n)
                  + ": "
                  + subdirs
                  + " subdirectories; without dir_nlink ext allows "
                  + (LINK_MAX - 2));
        }
        n.links = 1;
      }
      int min = n.ino == LOST_FOUND_INO ? Math.min(12, Math.max(2, LOST_FOUND_BYTES / bs)) : 1;
      boolean dirIndex = opt.features().hasCompat(Features.COMPAT_DIR_INDEX);
      if (dirIndex && min == 1 && DirectoryBlocks.count(entries, bs, csum, 1) > 1) {
        n.indexed = true;
        n.dirBlocks =
            HtreeDirectory.build(
                entries.subList(2, entries.size()),
                n.ino,
                parent,
                bs,
                csumSeed,
                hashSeed,
                where(n));
      } else {
        n.dirBlocks = DirectoryBlocks.build(entries, bs, n.ino, csumSeed, min);
      }
      n.size = (long) n.dirBlocks.size() * bs;
      n.addRun(0, n.dirBlocks.size());
    }
    TreePlan plan = new TreePlan(next - 1, dirs);
    plan.nodes.addAll(ordered);
    return plan;
  }

  private static ImagePath finalTarget(FileTree tree, ImagePath p) {
    ImagePath cur = p;
    for (int i = 0; i < 64 && tree.get(cur).type() == EntryType.HARDLINK; i++) {
      cur = tree.get(cur).hardlinkTarget();
    }
    return cur;
  }

  private static void addRuns(Node n, int bs) {
    long start = -1;
    long end = -1;
    for (Extent x : n.meta.content().extents()) {
      long s = x.offset() / bs;
      long e = (x.end() + bs - 1) / bs;
      if (start >= 0 && s <= end) {
        end = Math.max(end, e);
        continue;
      }
      if (start >= 0) {
        n.addRun(start, end - start);
      }
      start = s;
      end = e;
    }
    if (start >= 0) {
      n.addRun(start, end - start);
    }
  }

  static int fileType(EntryType t) {
    return switch (t) {
      case REGULAR -> DirectoryBlocks.FT_REG_FILE;
      case DIRECTORY -> DirectoryBlocks.FT_DIR;
      case CHAR_DEVICE -> DirectoryBlocks.FT_CHRDEV;
      case BLOCK_DEVICE -> DirectoryBlocks.FT_BLKDEV;
      case FIFO -> DirectoryBlocks.FT_FIFO;
      case SOCKET -> DirectoryBlocks.FT_SOCK;
      case SYMLINK -> DirectoryBlocks.FT_SYMLINK;
      case HARDLINK -> throw new IllegalArgumentException("hard links have their target's type");
    };
  }

  /** Refuses a time of {@code n} that ext cannot store, or that e2fsck would "repair". */
  private static void checkTimes(Node n, boolean extra) throws UnsupportedEntryException {
    Entry m = n.meta;
    String hint = "set SOURCE_DATE_EPOCH to clamp it";
    Supplier<String> where = () -> where(n);
    checkTime(where, "mtime", m.mtime(), extra, hint);
    checkTime(where, "atime", m.atime().orElse(m.mtime()), extra, hint);
    // the creation time is written from the change time
    checkTime(where, "ctime", m.ctime().orElse(m.mtime()), extra, hint);
  }

  /** Checks one time; what it belongs to is spelled out only for the error. */
  private static void checkTime(
      Supplier<String> where, String field, Timestamp t, boolean extra, String hint)
      throws UnsupportedEntryException {
    long min = Inode.MIN_SECONDS;
    long max = extra ? Inode.MAX_SECONDS : Integer.MAX_VALUE;
    if (t.seconds() < min || t.seconds() > max) {
      throw new UnsupportedEntryException(
          where.get()
              + ": "
              + field
              + " "
              + t
              + " is outside what ext stores ("
              + min
              + " to "
              + max
              + " seconds; 128-byte inodes stop at 2038); "
              + hint);
    }
    if (extra
        && t.seconds() >= Inode.E2FSCK_SUSPECT_MIN
        && t.seconds() <= Inode.E2FSCK_SUSPECT_MAX) {
      throw new UnsupportedEntryException(
          where.get()
              + ": "
              + field
              + " "
              + t
              + " falls in 2310-04-04..2378-04-22 ("
              + Inode.E2FSCK_SUSPECT_MIN
              + " to "
              + Inode.E2FSCK_SUSPECT_MAX
              + " seconds), which e2fsck takes for a mis-encoded time before 1970 and rewrites"
              + " as one (e2fsck -p at boot turns 2318 into 1910); "
              + hint);
    }
  }

  static String where(Node n) {
    return n.path.isRoot() ? "/ (root)" : n.path.toString();
  }
}
