/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import dev.jimg.core.ImageTooSmallException;
import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.JimgException;
import dev.jimg.core.Sizes;
import dev.jimg.core.TreeConflictException;
import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.io.ParallelWrites;
import dev.jimg.core.progress.ProgressEvent;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.spi.WriteResult;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Writes a FAT12, FAT16 or FAT32 volume with VFAT long names from a {@link FileTree}.
 *
 * <p>Layout: boot sector (FAT32: FSInfo at sector 1, backup boot sector and FSInfo at 6 and 7), two
 * FATs, the FAT12/16 root directory, then directories and files in tree order, each in one
 * contiguous cluster run, so file content streams through in one pass. Directory entries follow the
 * tree's order (unsigned bytes of the names). Times are UTC, 2-second resolution, clamped to
 * 1980–2107 after the build clock's clamp. The volume id is {@code volume-id} or {@link
 * Identities#volumeId32} of {@link Identities#FILESYSTEM_UUID_LABEL}, i.e. the first four bytes of
 * the filesystem UUID the same identities would give another format.
 *
 * <p>FAT has no owners, modes, symlinks, devices, FIFOs or sockets: owners and modes are dropped,
 * the rest follow the {@code unsupported} and {@code symlinks} options. Hard links become separate
 * copies of the file.
 *
 * <p>Not thread-safe; the same tree, options and context always give the same bytes.
 */
public final class FatWriter implements FilesystemWriter {
  /** Suggested GPT type: Microsoft basic data (the disk layer picks the ESP type itself). */
  public static final UUID MICROSOFT_BASIC_DATA =
      UUID.fromString("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7");

  /** MBR type of FAT12. */
  public static final int MBR_FAT12 = 0x01;

  /** MBR type of FAT16 addressed by LBA. */
  public static final int MBR_FAT16_LBA = 0x0E;

  /** MBR type of FAT32 addressed by LBA. */
  public static final int MBR_FAT32_LBA = 0x0C;

  /** Longest file FAT holds. */
  public static final long MAX_FILE_SIZE = 0xFFFF_FFFFL;

  /** Most entries (32-byte slots) in one directory. */
  public static final int MAX_DIRECTORY_ENTRIES = 65_536;

  /**
   * Threads copying file contents, as in the ext4 writer: the kernel copies bytes that lie in a
   * host file, two copies keep both cores of a small machine busy, and the image does not depend on
   * it.
   */
  private static final int COPY_THREADS = 2;

  private static final int MAX_LISTED = 20;

  private final FatOptions options;
  private final WriteContext context;

  /** The tree {@link #plan} or {@link #write} last prepared, and what it gave (mkfs does both). */
  private FileTree lastTree;

  private Node lastRoot;

  /** A writer with the given options and build context. */
  public FatWriter(FatOptions options, WriteContext context) {
    this.options = options;
    this.context = context;
  }

  /** The volume id ({@code BS_VolID}) this writer stamps. */
  public int volumeId() {
    return options
        .volumeId()
        .orElseGet(() -> context.identities().volumeId32(Identities.FILESYSTEM_UUID_LABEL));
  }

  @Override
  public long plan(FileTree tree) throws IOException {
    Node root = prepare(tree);
    return layout(root, fixedSectors(-1)).totalSectors() * options.sectorSize();
  }

  @Override
  public WriteResult write(FileTree tree, ImageChannel channel, ProgressListener progress)
      throws IOException {
    Node root = prepare(tree);
    BootSector b = layout(root, fixedSectors(channel.size()));
    long bytes = b.totalSectors() * options.sectorSize();
    if (channel.size() == 0) {
      channel.setSize(bytes);
    } else if (channel.size() < bytes) {
      throw new ImageTooSmallException(
          "fat: the volume needs "
              + Sizes.format(bytes)
              + ", the target holds "
              + Sizes.format(channel.size()),
          bytes,
          channel.size());
    }
    new Emitter(b, root, channel, progress).run();
    return new WriteResult(
        bytes,
        Optional.empty(),
        options.label(),
        Optional.of(MICROSOFT_BASIC_DATA),
        OptionalInt.of(
            switch (b.type()) {
              case FAT12 -> MBR_FAT12;
              case FAT16 -> MBR_FAT16_LBA;
              case FAT32 -> MBR_FAT32_LBA;
            }));
  }

  /** Sectors fixed by the options or the channel, or -1 for the smallest volume. */
  private long fixedSectors(long channelSize) throws InvalidOptionException {
    int s = options.sectorSize();
    if (options.size().isPresent()) {
      long size = options.size().getAsLong();
      if (size % s != 0) {
        throw new InvalidOptionException(
            "fat option size: " + size + " bytes is not a multiple of the sector size " + s);
      }
      if (size / s > 0xFFFF_FFFFL) {
        throw new InvalidOptionException(
            "fat option size: " + Sizes.format(size) + " is more than FAT's 2^32 - 1 sectors");
      }
      return size / s;
    }
    return channelSize > 0 ? channelSize / s : -1;
  }

  private BootSector layout(Node root, long totalSectors) throws JimgException {
    FatLayout.Demand demand =
        new FatLayout.Demand() {
          @Override
          public long clusters(int clusterBytes, boolean rootInData) {
            return root.clustersBelow(clusterBytes, rootInData);
          }

          @Override
          public int rootEntries() {
            return root.slots;
          }
        };
    BootSector b = FatLayout.choose(options, totalSectors, demand, volumeId());
    if (b.type() != FatType.FAT32 && root.slots > b.rootEntries()) {
      throw new ImageTooSmallException(
          "fat: the root directory needs " + root.slots + " entries, " + b.rootEntries() + " fit",
          0,
          0);
    }
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // The tree as FAT sees it

  /** One directory or file to be written. */
  private static final class Node {
    final ImagePath path;
    final String name;
    final boolean directory;
    final Timestamp mtime;
    final Content content;
    final List<Node> children = new ArrayList<>();
    byte[] shortName;
    int ntFlags;
    boolean longName;
    int slots;
    long firstCluster;
    long clusters;

    Node(ImagePath path, String name, boolean directory, Timestamp mtime, Content content) {
      this.path = path;
      this.name = name;
      this.directory = directory;
      this.mtime = mtime;
      this.content = content;
    }

    long size() {
      return content == null ? 0 : content.size();
    }

    long ownClusters(int clusterBytes) {
      long bytes = directory ? (long) slots * DirectoryEntry.SIZE : size();
      long n = (bytes + clusterBytes - 1) / clusterBytes;
      return directory ? Math.max(1, n) : n;
    }

    /** Data clusters of this subtree; the root's own only on FAT32. */
    long clustersBelow(int clusterBytes, boolean withSelf) {
      long n = withSelf ? ownClusters(clusterBytes) : 0;
      for (Node c : children) {
        n += c.clustersBelow(clusterBytes, true);
      }
      return n;
    }
  }

  private Node prepare(FileTree tree) throws JimgException {
    if (tree == lastTree) {
      return lastRoot;
    }
    Node root = newRoot(tree);
    lastTree = tree;
    lastRoot = root;
    return root;
  }

  private Node newRoot(FileTree tree) throws JimgException {
    List<String> problems = new ArrayList<>();
    Node root = new Node(ImagePath.ROOT, "", true, clamp(tree.root().mtime()), null);
    addChildren(tree, root, problems);
    if (!problems.isEmpty()) {
      StringBuilder sb =
          new StringBuilder("fat cannot hold ")
              .append(problems.size())
              .append(problems.size() == 1 ? " entry: " : " entries: ");
      sb.append(String.join(", ", problems.subList(0, Math.min(MAX_LISTED, problems.size()))));
      if (problems.size() > MAX_LISTED) {
        sb.append(", and ").append(problems.size() - MAX_LISTED).append(" more");
      }
      sb.append(
          "; use --unsupported skip to leave them out or --symlinks follow to copy link targets");
      throw new UnsupportedEntryException(sb.toString());
    }
    assignNames(root);
    return root;
  }

  private void addChildren(FileTree tree, Node dir, List<String> problems) throws JimgException {
    for (ImagePath p : tree.children(dir.path)) {
      Entry e = tree.get(p);
      Entry target = e;
      if (e.type() == EntryType.HARDLINK) {
        target = tree.resolve(p);
      }
      if (target.type() == EntryType.SYMLINK) {
        FatOptions.Policy policy = options.symlinks();
        if (policy == FatOptions.Policy.SKIP) {
          continue;
        }
        if (policy == FatOptions.Policy.ERROR) {
          problems.add(p + " (symlink)");
          continue;
        }
        ImagePath resolved = tree.follow(p);
        Entry r = resolved == null ? null : tree.resolve(resolved);
        if (r == null || r.type() != EntryType.REGULAR) {
          problems.add(
              p
                  + " (symlink to "
                  + ImagePath.display(e.symlinkTarget())
                  + (r == null ? ", which is not in the tree" : ", not a regular file")
                  + ")");
          continue;
        }
        target = r;
      }
      String name = longName(p);
      switch (target.type()) {
        case DIRECTORY -> {
          Node n = new Node(p, name, true, clamp(target.mtime()), null);
          dir.children.add(n);
          addChildren(tree, n, problems);
        }
        case REGULAR -> {
          if (target.content().size() > MAX_FILE_SIZE) {
            throw new UnsupportedEntryException(
                p
                    + ": "
                    + Sizes.thousands(target.content().size())
                    + " bytes; a FAT file holds at most 4 GiB - 1");
          }
          dir.children.add(new Node(p, name, false, clamp(target.mtime()), target.content()));
        }
        default -> {
          if (options.unsupported() == FatOptions.Policy.ERROR) {
            problems.add(p + " (" + target.type().name().toLowerCase(java.util.Locale.ROOT) + ")");
          }
        }
      }
    }
  }

  private static String longName(ImagePath p) throws UnsupportedEntryException {
    String name;
    try {
      name =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(p.name()))
              .toString();
    } catch (CharacterCodingException e) {
      throw new UnsupportedEntryException(
          p + ": the name is not UTF-8; FAT long names are Unicode, rename the entry");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || ShortName.LONG_NAME_INVALID.indexOf(c) >= 0) {
        throw new UnsupportedEntryException(
            p
                + ": FAT names cannot hold the character "
                + String.format(java.util.Locale.ROOT, "U+%04X", (int) c)
                + " (controls and "
                + ShortName.LONG_NAME_INVALID
                + " are refused); rename the entry");
      }
    }
    if (name.endsWith(".") || name.endsWith(" ")) {
      throw new UnsupportedEntryException(
          p + ": FAT names cannot end in a dot or a space (Windows strips them); rename the entry");
    }
    if (name.length() > LongNameEntry.MAX_LENGTH) {
      throw new UnsupportedEntryException(
          p
              + ": the name is "
              + name.length()
              + " UTF-16 code units; FAT long names hold at most 255");
    }
    return name;
  }

  /** Short names, long-name needs and slot counts, directory by directory. */
  private void assignNames(Node dir) throws JimgException {
    Map<String, Node> seen = new HashMap<>();
    ShortName.Generator generator = new ShortName.Generator();
    List<Node> generated = new ArrayList<>();
    int slots = dir.path.isRoot() ? (options.label().isPresent() ? 1 : 0) : 2;
    for (Node c : dir.children) {
      Node other = seen.putIfAbsent(foldCase(c.name), c);
      if (other != null) {
        throw new TreeConflictException(
            c.path
                + " and "
                + other.path
                + " differ only in letter case; FAT names are case-insensitive, rename one");
      }
      ShortName sn = ShortName.of(c.name);
      if (sn == null) {
        generated.add(c);
      } else {
        c.shortName = sn.bytes();
        c.ntFlags = sn.ntFlags();
        c.longName = sn.needsLongName();
        generator.reserve(sn.bytes());
      }
    }
    for (Node c : generated) {
      c.shortName = generator.generate(c.name);
      c.longName = true;
    }
    for (Node c : dir.children) {
      slots += 1 + (c.longName ? LongNameEntry.slots(c.name.length()) : 0);
      if (c.directory) {
        assignNames(c);
      }
    }
    if (slots > MAX_DIRECTORY_ENTRIES) {
      throw new UnsupportedEntryException(
          (dir.path.isRoot() ? "the root directory" : dir.path.toString())
              + " needs "
              + Sizes.thousands(slots)
              + " 32-byte entries; a FAT directory holds at most 65,536; split it");
    }
    dir.slots = slots;
  }

  private static String foldCase(String s) {
    char[] a = s.toCharArray();
    for (int i = 0; i < a.length; i++) {
      a[i] = Character.toUpperCase(a[i]);
    }
    return CharBuffer.wrap(a).toString();
  }

  private Timestamp clamp(Timestamp t) {
    return context.clock().clamp(t);
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /** Allocates clusters and writes one volume. */
  private final class Emitter {
    private final BootSector b;
    private final Node root;
    private final ImageChannel ch;
    private final ProgressListener progress;
    private final FatType type;
    private final int clusterBytes;
    private long nextCluster = 2;
    private long dataBytes;
    private long dataDone;
    private ParallelWrites copies;

    Emitter(BootSector b, Node root, ImageChannel ch, ProgressListener progress) {
      this.b = b;
      this.root = root;
      this.ch = ch;
      this.progress = progress;
      this.type = b.type();
      this.clusterBytes = b.clusterBytes();
    }

    void run() throws IOException {
      allocate(root, type == FatType.FAT32);
      long used = nextCluster - 2;
      long free = b.clusterCount() - used;
      writeBootSectors(free);
      writeFats();
      progress.onProgress(ProgressEvent.bytes("writing file data", 0, dataBytes));
      try (ParallelWrites writes = ParallelWrites.into(ch, COPY_THREADS, "jimg-fat-copy")) {
        copies = writes;
        writeDirectory(root, null);
        writes.finish();
      }
      progress.onProgress(ProgressEvent.bytes("writing file data", dataDone, dataBytes));
    }

    private void allocate(Node n, boolean withSelf) {
      if (withSelf) {
        n.clusters = n.ownClusters(clusterBytes);
        n.firstCluster = n.clusters == 0 ? 0 : nextCluster;
        nextCluster += n.clusters;
        if (!n.directory) {
          dataBytes += n.size();
        }
      }
      for (Node c : n.children) {
        allocate(c, true);
      }
    }

    private void writeBootSectors(long free) throws IOException {
      int s = b.bytesPerSector();
      ByteBuffer boot = ByteBuffer.allocate(s);
      b.write(boot);
      ch.write(boot.clear(), 0);
      if (type == FatType.FAT32) {
        ByteBuffer info = ByteBuffer.allocate(s);
        long next = nextCluster < b.clusterCount() + 2 ? nextCluster : 0xFFFF_FFFFL;
        new FsInfo(free, next).write(info);
        ch.write(info.clear(), (long) BootSector.FS_INFO_SECTOR * s);
        ch.write(boot.clear(), (long) BootSector.BACKUP_BOOT_SECTOR * s);
        ch.write(info.clear(), (long) (BootSector.BACKUP_BOOT_SECTOR + 1) * s);
      }
    }

    private void writeFats() throws IOException {
      long entries = nextCluster;
      long bytes = type.fatBytes(entries);
      if (bytes > Integer.MAX_VALUE - 16) {
        throw new JimgException("fat: the FAT is too large to build in memory");
      }
      byte[] fat = new byte[(int) bytes + 1];
      setFat(fat, 0, (type.endOfChain() & ~0xFF) | b.media());
      setFat(fat, 1, type.endOfChain());
      chain(root, fat, type == FatType.FAT32);
      long start = b.fatStart() * b.bytesPerSector();
      for (int i = 0; i < b.numFats(); i++) {
        long at = start + i * b.fatSectors() * b.bytesPerSector();
        ch.write(ByteBuffer.wrap(fat, 0, (int) bytes), at);
      }
    }

    private void chain(Node n, byte[] fat, boolean withSelf) {
      if (withSelf && n.clusters > 0) {
        long last = n.firstCluster + n.clusters - 1;
        for (long c = n.firstCluster; c < last; c++) {
          setFat(fat, c, (int) (c + 1));
        }
        setFat(fat, last, type.endOfChain());
      }
      for (Node c : n.children) {
        chain(c, fat, true);
      }
    }

    private void setFat(byte[] fat, long cluster, int value) {
      switch (type) {
        case FAT12 -> {
          int off = (int) (cluster * 3 / 2);
          if ((cluster & 1) == 0) {
            fat[off] = (byte) value;
            fat[off + 1] = (byte) ((fat[off + 1] & 0xF0) | ((value >>> 8) & 0x0F));
          } else {
            fat[off] = (byte) ((fat[off] & 0x0F) | ((value << 4) & 0xF0));
            fat[off + 1] = (byte) (value >>> 4);
          }
        }
        case FAT16 -> {
          int off = (int) (cluster * 2);
          fat[off] = (byte) value;
          fat[off + 1] = (byte) (value >>> 8);
        }
        case FAT32 -> {
          int off = (int) (cluster * 4);
          int v = value & 0x0FFF_FFFF;
          fat[off] = (byte) v;
          fat[off + 1] = (byte) (v >>> 8);
          fat[off + 2] = (byte) (v >>> 16);
          fat[off + 3] = (byte) (v >>> 24);
        }
      }
    }

    /** Writes {@code dir}'s entries, then its children's clusters in order. */
    private void writeDirectory(Node dir, Node parent) throws IOException {
      boolean fixedRoot = parent == null && type != FatType.FAT32;
      int length =
          fixedRoot ? b.rootEntries() * DirectoryEntry.SIZE : (int) (dir.clusters * clusterBytes);
      ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
      int pos = 0;
      FatTimestamp t = FatTimestamp.of(dir.mtime);
      if (parent == null) {
        if (options.label().isPresent()) {
          FatTimestamp now = FatTimestamp.of(clamp(context.clock().buildTime()));
          byte[] label = FatLayout.labelField(options).getBytes(StandardCharsets.US_ASCII);
          new DirectoryEntry(label, DirectoryEntry.ATTR_VOLUME_ID, 0, now, now.date(), now, 0, 0)
              .write(buf, pos);
          pos += DirectoryEntry.SIZE;
        }
      } else {
        long up = parent.path.isRoot() ? 0 : parent.firstCluster;
        new DirectoryEntry(
                ShortName.pack(".", ""),
                DirectoryEntry.ATTR_DIRECTORY,
                0,
                t,
                t.date(),
                t,
                dir.firstCluster,
                0)
            .write(buf, pos);
        new DirectoryEntry(
                ShortName.pack("..", ""), DirectoryEntry.ATTR_DIRECTORY, 0, t, t.date(), t, up, 0)
            .write(buf, pos + DirectoryEntry.SIZE);
        pos += 2 * DirectoryEntry.SIZE;
      }
      for (Node c : dir.children) {
        if (c.longName) {
          pos = LongNameEntry.write(buf, pos, c.name, LongNameEntry.checksum(c.shortName));
        }
        FatTimestamp ct = FatTimestamp.of(c.mtime);
        new DirectoryEntry(
                c.shortName,
                c.directory ? DirectoryEntry.ATTR_DIRECTORY : DirectoryEntry.ATTR_ARCHIVE,
                c.ntFlags,
                ct,
                ct.date(),
                ct,
                c.firstCluster,
                c.directory ? 0 : c.size())
            .write(buf, pos);
        pos += DirectoryEntry.SIZE;
      }
      long at =
          fixedRoot ? b.rootDirStart() * b.bytesPerSector() : b.clusterOffset(dir.firstCluster);
      ch.write(buf.clear(), at);
      for (Node c : dir.children) {
        if (c.directory) {
          writeDirectory(c, dir);
        } else if (c.size() > 0) {
          copy(c);
        }
      }
    }

    /**
     * Queues the copy of {@code f}'s bytes to its clusters (one run: files are allocated
     * contiguously); {@link Content#copyTo} lets the kernel copy bytes that lie in a host file, and
     * small files whose clusters follow each other go out in one write ({@link
     * ParallelWrites#submitSmall}).
     */
    private void copy(Node f) throws IOException {
      long at = b.clusterOffset(f.firstCluster);
      long size = f.size();
      if (size <= ParallelWrites.SMALL_FILE) {
        copies.submitSmall(f.content, f.path, at, f.clusters * clusterBytes);
      } else {
        copies.submit(() -> f.content.copyFully(0, size, ch, at, f.path));
      }
      dataDone += size;
      progress.onProgress(ProgressEvent.bytes("writing file data", dataDone, dataBytes));
    }
  }
}
