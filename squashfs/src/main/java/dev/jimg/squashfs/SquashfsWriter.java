/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import dev.jimg.core.ImageTooSmallException;
import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.progress.ProgressEvent;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.spi.WriteResult;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Xattr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Writes a squashfs 4.0 image (as the Linux kernel reads it) from a {@link FileTree}.
 *
 * <p>Layout: superblock, compressor options (when not the defaults), the data area (file blocks and
 * fragment blocks, see {@link DataWriter}), then the inode, directory, fragment, export, id and
 * xattr tables, each table's metadata blocks followed by its index so that every index ends where
 * the next table starts, {@code bytes_used} at the end of the xattr index (or id index), padded
 * with zeros to 4 KiB.
 *
 * <p>Inodes are numbered and written in post-order (a directory after its entries, entries in
 * unsigned-byte name order; a hard-linked inode at its first path in that order), so each directory
 * listing refers to inodes already placed. The root is the last inode. Times are the entries'
 * mtimes in whole seconds after the build clock's clamp; the filesystem time is the build time.
 *
 * <p>Size: squashfs takes whatever its compressed content needs, known only after writing. {@link
 * #plan} returns an upper bound computed from the tree without reading content (every block and
 * metadata block stored raw, plus headers, indexes and padding). {@link #write} grows a channel of
 * size 0 to exactly the image ({@link WriteResult#bytesUsed()}, a multiple of 4 KiB); a channel
 * that already has a size keeps it, with zeros after the image's last byte up to the padding (and
 * over any data a duplicate file wrote and took back); a fixed channel that is too small fails with
 * the channel's bounds exception. Not thread-safe.
 */
public final class SquashfsWriter implements FilesystemWriter {
  /** Longest name in a directory entry. */
  static final int MAX_NAME = 256;

  /** Longest symlink target the kernel follows (PAGE_SIZE on x86). */
  static final int MAX_SYMLINK = 4096;

  /** Entries in one directory header. */
  static final int MAX_HEADER_ENTRIES = 256;

  /** Size of the image alignment. */
  static final int PADDING = 4096;

  private static final String[] XATTR_PREFIXES = {"user.", "trusted.", "security."};

  private final SquashfsOptions options;
  private final WriteContext context;

  /** A writer with these options drawing its time from {@code context}. */
  public SquashfsWriter(SquashfsOptions options, WriteContext context) {
    this.options = options;
    this.context = context;
  }

  /** One inode to write. */
  private static final class Node {
    final ImagePath path;
    final Entry entry;
    long number;
    long nlink = 1;
    final List<Child> children = new ArrayList<>();
    long parentNumber;
    DataWriter.FileData data;
    int xattrIndex = Inode.NO_XATTR;
    long refBlock;
    int refOffset;
    int basicType;

    Node(ImagePath path, Entry entry) {
      this.path = path;
      this.entry = entry;
    }

    long reference() {
      return (refBlock << 16) | refOffset;
    }
  }

  private record Child(byte[] name, Node node) {}

  @Override
  public long plan(FileTree tree) throws IOException {
    List<Node> nodes = layout(tree);
    idTable(nodes);
    long bound = Superblock.SIZE + 2L + 64;
    long metadata = 0;
    for (Node n : nodes) {
      Entry e = n.entry;
      metadata += 64;
      for (Child c : n.children) {
        metadata += 8 + c.name.length + 12 + 12 + c.name.length;
      }
      if (e.type() == EntryType.REGULAR) {
        bound += e.size();
        metadata += 4 * (e.size() / options.blockSize() + 1);
      } else if (e.type() == EntryType.SYMLINK) {
        metadata += e.symlinkTarget().length;
      }
      for (Xattr x : e.xattrs()) {
        metadata += 16 + x.name().length() + x.valueLength() + 16;
      }
      metadata += 8 + 16 + 16;
    }
    metadata += metadata / MetadataWriter.METADATA_SIZE * 2 + 6 * 16;
    metadata += (metadata / MetadataWriter.METADATA_SIZE + 6) * 8;
    long total = bound + metadata;
    return (total + PADDING - 1) / PADDING * PADDING;
  }

  @Override
  public WriteResult write(FileTree input, ImageChannel channel, ProgressListener progress)
      throws IOException {
    FileTree tree = context.clock().clampTimes(input);
    long givenSize = channel.size();
    long mkfsTime = context.clock().buildTime().seconds();
    if (mkfsTime < 0 || mkfsTime > 0xFFFF_FFFFL) {
      throw new UnsupportedEntryException(
          "squashfs: build time "
              + mkfsTime
              + " s is outside 1970..2106 (unsigned 32-bit seconds); set SOURCE_DATE_EPOCH");
    }
    List<Node> nodes = layout(tree);
    try (Compression.Codec codec = options.codec()) {
      return write(tree, channel, progress, givenSize, mkfsTime, nodes, codec);
    }
  }

  private WriteResult write(
      FileTree tree,
      ImageChannel channel,
      ProgressListener progress,
      long givenSize,
      long mkfsTime,
      List<Node> nodes,
      Compression.Codec codec)
      throws IOException {
    boolean compressed = options.compression() != Compression.NONE;

    Map<Long, Integer> ids = idTable(nodes);
    Map<List<Xattr>, Integer> xattrSets = new LinkedHashMap<>();
    for (Node n : nodes) {
      List<Xattr> xs = n.entry.xattrs();
      if (!xs.isEmpty()) {
        Integer idx = xattrSets.get(xs);
        if (idx == null) {
          idx = xattrSets.size();
          xattrSets.put(xs, idx);
        }
        n.xattrIndex = idx;
      }
    }

    long start = Superblock.SIZE;
    byte[] compressorOptions = compressed ? codec.optionsBlock() : null;
    if (compressorOptions != null) {
      ByteBuffer opt =
          ByteBuffer.allocate(2 + compressorOptions.length).order(ByteOrder.LITTLE_ENDIAN);
      opt.putShort((short) (compressorOptions.length | MetadataWriter.UNCOMPRESSED_BIT));
      opt.put(compressorOptions);
      opt.flip();
      channel.write(opt, start);
      start += 2 + compressorOptions.length;
    }

    long totalBytes = 0;
    for (Node n : nodes) {
      if (n.entry.type() == EntryType.REGULAR) {
        totalBytes += n.entry.size();
      }
    }
    long done = 0;
    progress.onProgress(ProgressEvent.bytes("squashfs data", 0, totalBytes));
    long dataEnd;
    long highWater;
    List<DataWriter.Fragment> fragments;
    try (DataWriter data =
        new DataWriter(
            channel,
            start,
            codec,
            options.blockSize(),
            options.fragments(),
            options.dedup(),
            options.threads())) {
      for (Node n : nodes) {
        if (n.entry.type() == EntryType.REGULAR) {
          n.data = new DataWriter.FileData(n.path.toString(), n.entry.content());
          data.add(n.data);
          done += n.entry.size();
          progress.onProgress(ProgressEvent.bytes("squashfs data", done, totalBytes));
        }
      }
      data.finish();
      dataEnd = data.position();
      highWater = data.highWater();
      fragments = data.fragmentTable();
    }

    MetadataWriter inodes = new MetadataWriter(codec, compressed);
    MetadataWriter dirs = new MetadataWriter(codec, compressed);
    for (Node n : nodes) {
      writeInode(n, inodes, dirs, ids);
    }
    Node root = nodes.get(nodes.size() - 1);
    byte[] inodeTable = inodes.finish();
    byte[] dirTable = dirs.finish();

    long pos = dataEnd;
    long inodeTableStart = pos;
    pos = put(channel, inodeTable, pos);
    long directoryTableStart = pos;
    pos = put(channel, dirTable, pos);

    ByteBuffer fragBytes =
        ByteBuffer.allocate(16 * fragments.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (DataWriter.Fragment f : fragments) {
      fragBytes.putLong(f.start()).putInt(f.sizeWord()).putInt(0);
    }
    long[] fragmentTable = indexedTable(channel, fragBytes.array(), pos, codec, compressed);
    long fragmentTableStart = fragmentTable[0];
    pos = fragmentTable[1];

    long exportTableStart = Superblock.INVALID;
    if (options.exportable()) {
      ByteBuffer exp = ByteBuffer.allocate(8 * nodes.size()).order(ByteOrder.LITTLE_ENDIAN);
      for (Node n : nodes) {
        exp.putLong(n.reference());
      }
      long[] t = indexedTable(channel, exp.array(), pos, codec, compressed);
      exportTableStart = t[0];
      pos = t[1];
    }

    ByteBuffer idBytes = ByteBuffer.allocate(4 * ids.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (Long id : ids.keySet()) {
      idBytes.putInt((int) id.longValue());
    }
    long[] idTable = indexedTable(channel, idBytes.array(), pos, codec, compressed);
    long idTableStart = idTable[0];
    pos = idTable[1];

    long xattrIdTableStart = Superblock.INVALID;
    if (!xattrSets.isEmpty()) {
      long[] t = xattrTable(channel, xattrSets, pos, codec, compressed);
      xattrIdTableStart = t[0];
      pos = t[1];
    }
    long bytesUsed = pos;
    long padded = (bytesUsed + PADDING - 1) / PADDING * PADDING;

    int flags = Superblock.FLAG_ALWAYS_FRAGMENTS;
    if (!compressed) {
      flags |=
          Superblock.FLAG_UNCOMPRESSED_INODES
              | Superblock.FLAG_UNCOMPRESSED_DATA
              | Superblock.FLAG_UNCOMPRESSED_FRAGMENTS
              | Superblock.FLAG_UNCOMPRESSED_XATTRS
              | Superblock.FLAG_UNCOMPRESSED_IDS;
    }
    if (!options.fragments()) {
      flags = (flags & ~Superblock.FLAG_ALWAYS_FRAGMENTS) | Superblock.FLAG_NO_FRAGMENTS;
    }
    if (options.dedup()) {
      flags |= Superblock.FLAG_DUPLICATES;
    }
    if (options.exportable()) {
      flags |= Superblock.FLAG_EXPORTABLE;
    }
    if (xattrSets.isEmpty()) {
      flags |= Superblock.FLAG_NO_XATTRS;
    }
    if (compressorOptions != null) {
      flags |= Superblock.FLAG_COMPRESSOR_OPTIONS;
    }
    Superblock sb =
        new Superblock(
            nodes.size(),
            mkfsTime,
            options.blockSize(),
            fragments.size(),
            options.compression().id(),
            flags,
            ids.size(),
            root.reference(),
            bytesUsed,
            idTableStart,
            xattrIdTableStart,
            inodeTableStart,
            directoryTableStart,
            fragmentTableStart,
            exportTableStart);
    channel.write(ByteBuffer.wrap(sb.toBytes()), 0);

    if (givenSize == 0) {
      channel.setSize(padded);
    } else {
      zero(channel, bytesUsed, Math.min(Math.max(padded, highWater), channel.size()));
    }
    if (channel.size() < padded) {
      throw new ImageTooSmallException(
          "squashfs: the image needs " + padded + " bytes; give a larger size or none",
          padded,
          channel.size());
    }
    progress.onProgress(ProgressEvent.bytes("squashfs data", totalBytes, totalBytes));
    return new WriteResult(
        padded, Optional.empty(), Optional.empty(), Optional.of(LINUX_DATA), OptionalInt.of(0x83));
  }

  private static final java.util.UUID LINUX_DATA =
      java.util.UUID.fromString("0fc63daf-8483-4772-8e79-3d69d8477de4");

  private static void zero(ImageChannel channel, long from, long to) throws IOException {
    byte[] z = new byte[65536];
    for (long p = from; p < to; ) {
      int n = (int) Math.min(z.length, to - p);
      channel.write(ByteBuffer.wrap(z, 0, n), p);
      p += n;
    }
  }

  private static long put(ImageChannel channel, byte[] bytes, long pos) throws IOException {
    channel.write(ByteBuffer.wrap(bytes), pos);
    return pos + bytes.length;
  }

  /**
   * Writes {@code entries} as metadata blocks at {@code pos}, then the u64 index of those blocks.
   * Returns {index start, end}.
   */
  private static long[] indexedTable(
      ImageChannel channel, byte[] entries, long pos, Compression.Codec codec, boolean compressed)
      throws IOException {
    MetadataWriter w = new MetadataWriter(codec, compressed);
    w.write(entries);
    byte[] blocks = w.finish();
    long[] starts = w.blockStarts();
    long p = put(channel, blocks, pos);
    ByteBuffer index = ByteBuffer.allocate(8 * starts.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long s : starts) {
      index.putLong(pos + s);
    }
    long indexStart = p;
    p = put(channel, index.array(), p);
    return new long[] {indexStart, p};
  }

  private static long[] xattrTable(
      ImageChannel channel,
      Map<List<Xattr>, Integer> sets,
      long pos,
      Compression.Codec codec,
      boolean compressed)
      throws IOException {
    MetadataWriter kv = new MetadataWriter(codec, compressed);
    Map<ByteBuffer, Long> valueRefs = new HashMap<>();
    ByteBuffer ids = ByteBuffer.allocate(16 * sets.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (List<Xattr> set : sets.keySet()) {
      long ref = kv.reference();
      int size = 0;
      for (Xattr x : set) {
        int prefix = prefixOf(x.name());
        byte[] name =
            x.name().substring(XATTR_PREFIXES[prefix].length()).getBytes(StandardCharsets.UTF_8);
        byte[] value = x.value();
        ByteBuffer key = ByteBuffer.wrap(value);
        Long shared = value.length > 8 ? valueRefs.get(key) : null;
        ByteBuffer k = ByteBuffer.allocate(4 + name.length).order(ByteOrder.LITTLE_ENDIAN);
        k.putShort((short) (prefix | (shared != null ? 0x100 : 0)));
        k.putShort((short) name.length);
        k.put(name);
        kv.write(k.array());
        size += k.capacity();
        if (shared != null) {
          ByteBuffer v = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
          v.putInt(8).putLong(shared);
          kv.write(v.array());
          size += 12;
        } else {
          if (value.length > 8) {
            valueRefs.put(key, kv.reference());
          }
          ByteBuffer v = ByteBuffer.allocate(4 + value.length).order(ByteOrder.LITTLE_ENDIAN);
          v.putInt(value.length).put(value);
          kv.write(v.array());
          size += v.capacity();
        }
      }
      ids.putLong(ref).putInt(set.size()).putInt(size);
    }
    byte[] kvBlocks = kv.finish();
    long kvStart = pos;
    long p = put(channel, kvBlocks, pos);
    MetadataWriter idw = new MetadataWriter(codec, compressed);
    idw.write(ids.array());
    byte[] idBlocks = idw.finish();
    long[] starts = idw.blockStarts();
    long idStart = p;
    p = put(channel, idBlocks, p);
    ByteBuffer header = ByteBuffer.allocate(16 + 8 * starts.length).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(kvStart).putInt(sets.size()).putInt(0);
    for (long s : starts) {
      header.putLong(idStart + s);
    }
    long headerStart = p;
    p = put(channel, header.array(), p);
    return new long[] {headerStart, p};
  }

  private static int prefixOf(String name) {
    for (int i = 0; i < XATTR_PREFIXES.length; i++) {
      if (name.startsWith(XATTR_PREFIXES[i]) && name.length() > XATTR_PREFIXES[i].length()) {
        return i;
      }
    }
    return -1;
  }

  private static Map<Long, Integer> idTable(List<Node> nodes) throws UnsupportedEntryException {
    TreeSet<Long> all = new TreeSet<>();
    for (Node n : nodes) {
      all.add(n.entry.uid());
      all.add(n.entry.gid());
    }
    if (all.size() > 65536) {
      throw new UnsupportedEntryException(
          "squashfs holds at most 65536 distinct uids and gids; this tree has "
              + all.size()
              + "; map owners to fewer ids");
    }
    Map<Long, Integer> ids = new LinkedHashMap<>();
    for (Long id : all) {
      ids.put(id, ids.size());
    }
    return ids;
  }

  /** Numbers the inodes in post-order and checks every entry fits squashfs. */
  private List<Node> layout(FileTree tree) throws UnsupportedEntryException {
    List<Node> order = new ArrayList<>();
    Map<ImagePath, Node> byPath = new HashMap<>();
    Node root = new Node(ImagePath.ROOT, tree.root());
    visitDir(tree, root, order, byPath);
    for (Node n : order) {
      if (n.entry.type() != EntryType.DIRECTORY) {
        n.nlink = 1 + tree.hardlinksTo(n.path).size();
      }
    }
    root.parentNumber = order.size() + 1L;
    return order;
  }

  private void visitDir(FileTree tree, Node dir, List<Node> order, Map<ImagePath, Node> byPath)
      throws UnsupportedEntryException {
    check(dir.path, dir.entry);
    List<ImagePath> kids = new ArrayList<>(tree.children(dir.path));
    kids.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
    int subdirs = 0;
    List<Node> subdirNodes = new ArrayList<>();
    for (ImagePath p : kids) {
      byte[] name = p.name();
      if (name.length > MAX_NAME) {
        throw new UnsupportedEntryException(
            p + ": name is " + name.length + " bytes; squashfs names hold at most 256 bytes");
      }
      Entry e = tree.get(p);
      Node child;
      if (e.type() == EntryType.DIRECTORY) {
        child = new Node(p, e);
        visitDir(tree, child, order, byPath);
        child.parentNumber = -1;
        subdirNodes.add(child);
        subdirs++;
      } else {
        ImagePath target = e.type() == EntryType.HARDLINK ? e.hardlinkTarget() : p;
        child = byPath.get(target);
        if (child == null) {
          Entry te = tree.get(target);
          if (te.type() == EntryType.HARDLINK || te.type() == EntryType.DIRECTORY) {
            throw new UnsupportedEntryException(
                p + ": hard link to " + target + ", which is not a file, symlink or device");
          }
          child = new Node(target, te);
          check(target, te);
          child.number = order.size() + 1L;
          order.add(child);
          byPath.put(target, child);
        }
      }
      dir.children.add(new Child(name, child));
    }
    dir.nlink = 2L + subdirs;
    dir.number = order.size() + 1L;
    order.add(dir);
    for (Node s : subdirNodes) {
      s.parentNumber = dir.number;
    }
  }

  private static void check(ImagePath p, Entry e) throws UnsupportedEntryException {
    String where = p.isRoot() ? "/" : p.toString();
    long t = e.mtime().seconds();
    if (t < 0 || t > 0xFFFF_FFFFL) {
      throw new UnsupportedEntryException(
          where
              + ": mtime "
              + e.mtime()
              + " is outside 1970..2106; squashfs keeps unsigned 32-bit seconds "
              + "(set SOURCE_DATE_EPOCH to clamp newer times)");
    }
    if (e.type() == EntryType.SYMLINK && e.symlinkTarget().length > MAX_SYMLINK) {
      throw new UnsupportedEntryException(
          where
              + ": symlink target is "
              + e.symlinkTarget().length
              + " bytes; the kernel follows at most 4096");
    }
    if (e.type().isDevice() && (e.devMajor() > 0xFFF || e.devMinor() > 0xF_FFFF)) {
      throw new UnsupportedEntryException(
          where
              + ": device "
              + e.devMajor()
              + ":"
              + e.devMinor()
              + " does not fit squashfs (major up to 4095, minor up to 1048575)");
    }
    for (Xattr x : e.xattrs()) {
      if (prefixOf(x.name()) < 0) {
        throw new UnsupportedEntryException(
            where
                + ": xattr "
                + x.name()
                + " has a namespace squashfs does not store; only user., trusted. and security."
                + (x.name().startsWith(SquashfsProvider.ACL_PREFIX)
                    ? " Give the option drop-acls to leave POSIX ACLs out"
                    : ""));
      }
    }
  }

  private void writeInode(
      Node n, MetadataWriter inodes, MetadataWriter dirs, Map<Long, Integer> ids) {
    Entry e = n.entry;
    boolean hasXattr = n.xattrIndex != Inode.NO_XATTR;
    int uid = ids.get(e.uid());
    int gid = ids.get(e.gid());
    long mtime = e.mtime().seconds();
    byte[] bytes;
    switch (e.type()) {
      case DIRECTORY -> {
        long listingStart = dirs.uncompressedPosition();
        long startBlock = dirs.blockStart();
        int startOffset = dirs.offset();
        List<Inode.DirIndex> index = writeListing(n, dirs, listingStart);
        long fileSize = dirs.uncompressedPosition() - listingStart + 3;
        n.basicType = Inode.BASIC_DIR;
        boolean extended = hasXattr || !index.isEmpty() || fileSize > 0xFFFF;
        Inode.Header h =
            new Inode.Header(
                extended ? Inode.BASIC_DIR + Inode.EXTENDED_OFFSET : Inode.BASIC_DIR,
                e.mode(),
                uid,
                gid,
                mtime,
                n.number);
        bytes =
            extended
                ? Inode.extendedDir(
                    h,
                    n.nlink,
                    fileSize,
                    startBlock,
                    n.parentNumber,
                    startOffset,
                    n.xattrIndex,
                    index)
                : Inode.basicDir(
                    h, startBlock, n.nlink, (int) fileSize, startOffset, n.parentNumber);
      }
      case REGULAR -> {
        DataWriter.FileData d = n.data;
        n.basicType = Inode.BASIC_FILE;
        int[] blocks = d.blocks();
        int frag = d.fragmentIndex < 0 ? Inode.NO_FRAGMENT : d.fragmentIndex;
        int fragOffset = d.fragmentIndex < 0 ? 0 : d.fragmentOffset;
        boolean extended =
            hasXattr
                || n.nlink > 1
                || d.sparseBytes > 0
                || d.size > 0xFFFF_FFFFL
                || d.blocksStart > 0xFFFF_FFFFL;
        if (extended) {
          bytes =
              Inode.extendedFile(
                  new Inode.Header(
                      Inode.BASIC_FILE + Inode.EXTENDED_OFFSET,
                      e.mode(),
                      uid,
                      gid,
                      mtime,
                      n.number),
                  d.blocksStart,
                  d.size,
                  d.sparseBytes,
                  n.nlink,
                  frag,
                  fragOffset,
                  n.xattrIndex,
                  blocks);
        } else {
          bytes =
              Inode.basicFile(
                  new Inode.Header(Inode.BASIC_FILE, e.mode(), uid, gid, mtime, n.number),
                  d.blocksStart,
                  frag,
                  fragOffset,
                  d.size,
                  blocks);
        }
      }
      case SYMLINK -> {
        n.basicType = Inode.BASIC_SYMLINK;
        bytes =
            Inode.symlink(
                header(n, Inode.BASIC_SYMLINK, hasXattr, uid, gid),
                n.nlink,
                e.symlinkTarget(),
                n.xattrIndex,
                hasXattr);
      }
      case BLOCK_DEVICE, CHAR_DEVICE -> {
        n.basicType = e.type() == EntryType.BLOCK_DEVICE ? Inode.BASIC_BLKDEV : Inode.BASIC_CHRDEV;
        bytes =
            Inode.device(
                header(n, n.basicType, hasXattr, uid, gid),
                n.nlink,
                Inode.encodeDevice(e.devMajor(), e.devMinor()),
                n.xattrIndex,
                hasXattr);
      }
      case FIFO, SOCKET -> {
        n.basicType = e.type() == EntryType.FIFO ? Inode.BASIC_FIFO : Inode.BASIC_SOCKET;
        bytes =
            Inode.ipc(header(n, n.basicType, hasXattr, uid, gid), n.nlink, n.xattrIndex, hasXattr);
      }
      default -> throw new IllegalStateException("unexpected inode type " + e.type());
    }
    n.refBlock = inodes.blockStart();
    n.refOffset = inodes.offset();
    inodes.write(bytes);
  }

  private static Inode.Header header(Node n, int basic, boolean extended, int uid, int gid) {
    return new Inode.Header(
        extended ? basic + Inode.EXTENDED_OFFSET : basic,
        n.entry.mode(),
        uid,
        gid,
        n.entry.mtime().seconds(),
        n.number);
  }

  /**
   * Writes a directory's listing: headers of at most 256 entries, each entry in its header's inode
   * block with an inode-number delta that fits s16, and a new header whenever the listing enters a
   * new metadata block (such headers are the directory's index).
   */
  private static List<Inode.DirIndex> writeListing(
      Node dir, MetadataWriter dirs, long listingStart) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<Inode.DirIndex> index = new ArrayList<>();
    List<long[]> headers = new ArrayList<>();
    int count = 0;
    long headerBlock = -1;
    long headerBase = 0;
    long headerPos = -1;
    long lastIndexedBlock = listingStart / MetadataWriter.METADATA_SIZE;
    int countAt = -1;
    byte[] listing;
    List<byte[]> firstNames = new ArrayList<>();
    for (Child c : dir.children) {
      Node k = c.node;
      long here = listingStart + buf.size();
      long delta = k.number - headerBase;
      boolean newHeader =
          countAt < 0
              || count == MAX_HEADER_ENTRIES
              || k.refBlock != headerBlock
              || delta < Short.MIN_VALUE
              || delta > Short.MAX_VALUE
              || here / MetadataWriter.METADATA_SIZE != headerPos / MetadataWriter.METADATA_SIZE;
      if (newHeader) {
        if (countAt >= 0) {
          headers.add(new long[] {countAt, count});
        }
        headerPos = here;
        headerBlock = k.refBlock;
        headerBase = k.number;
        countAt = buf.size();
        count = 0;
        firstNames.add(c.name);
        ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0).putInt((int) headerBlock).putInt((int) headerBase);
        buf.write(h.array(), 0, 12);
        long blockNo = here / MetadataWriter.METADATA_SIZE;
        if (blockNo != lastIndexedBlock) {
          index.add(new Inode.DirIndex(here - listingStart, blockNo, c.name));
          lastIndexedBlock = blockNo;
        }
        delta = 0;
      }
      ByteBuffer en = ByteBuffer.allocate(8 + c.name.length).order(ByteOrder.LITTLE_ENDIAN);
      en.putShort((short) k.refOffset)
          .putShort((short) delta)
          .putShort((short) k.basicType)
          .putShort((short) (c.name.length - 1))
          .put(c.name);
      buf.write(en.array(), 0, en.capacity());
      count++;
    }
    if (countAt >= 0) {
      headers.add(new long[] {countAt, count});
    }
    listing = buf.toByteArray();
    ByteBuffer l = ByteBuffer.wrap(listing).order(ByteOrder.LITTLE_ENDIAN);
    for (long[] h : headers) {
      l.putInt((int) h[0], (int) h[1] - 1);
    }
    dirs.write(listing);
    List<Inode.DirIndex> resolved = new ArrayList<>(index.size());
    for (Inode.DirIndex d : index) {
      resolved.add(
          new Inode.DirIndex(
              d.index(),
              dirs.blockStartOf(d.startBlock() * MetadataWriter.METADATA_SIZE),
              d.name()));
    }
    return resolved;
  }
}
