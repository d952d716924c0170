/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import com.github.luben.zstd.Zstd;
import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.spi.FilesystemReader;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.tukaani.xz.XZInputStream;

/**
 * Reads a squashfs 4.0 image (ours or mksquashfs's; gzip, xz, zstd or uncompressed) into a {@link
 * FileTree}. Strict: a bad magic, version, block size, table position, metadata header, inode,
 * directory entry or xattr is a {@link CorruptInputException} naming the offset (for something
 * inside a metadata block, the block's); sizes read from the image are checked against the image
 * before anything is allocated. Directories are walked with a stack of their own, so however deep
 * they nest the call stack does not grow. File contents are read lazily from the channel. Stateless
 * and thread-safe.
 */
public final class SquashfsReader implements FilesystemReader {
  private static final long MAX_METADATA = 1L << 30;
  private static final String[] XATTR_PREFIXES = {"user.", "trusted.", "security."};

  /**
   * For each inode type (1 to 14), the bytes after the common header that this reader reads before
   * any variable part (block sizes, a symlink's target; for a symlink, the xattr index after the
   * target is counted here too).
   */
  private static final int[] FIXED_BODY = {0, 16, 16, 8, 8, 8, 4, 4, 24, 40, 12, 12, 12, 8, 8};

  @Override
  public boolean probe(ImageChannel channel) throws IOException {
    if (channel.size() < Superblock.SIZE) {
      return false;
    }
    ByteBuffer b = ByteBuffer.allocate(Superblock.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    channel.readFully(b, 0);
    return b.getInt(Superblock.S_MAGIC) == Superblock.MAGIC
        && b.getShort(Superblock.S_MAJOR) == Superblock.VERSION_MAJOR;
  }

  @Override
  public FileTree read(ImageChannel channel) throws IOException {
    try {
      return new Image(channel).tree();
    } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
      // a last resort for damage no check above foresaw
      throw new CorruptInputException(
          channel.toString(), CorruptInputException.UNKNOWN_OFFSET, "bad squashfs structure", e);
    }
  }

  /** One image being read. */
  private static final class Image {
    final ImageChannel ch;
    final Superblock sb;
    final String name;
    final long[] ids;
    final List<long[]> fragments = new ArrayList<>();
    final Map<Long, Integer> inodeBlocks = new HashMap<>();
    final byte[] inodes;
    final Map<Long, Integer> dirBlocks = new HashMap<>();
    final byte[] dirs;
    final List<List<Xattr>> xattrs = new ArrayList<>();

    Image(ImageChannel ch) throws IOException {
      this.ch = ch;
      this.name = ch.toString();
      ByteBuffer raw = read(0, Superblock.SIZE);
      if (raw.getInt(Superblock.S_MAGIC) != Superblock.MAGIC) {
        throw corrupt(0, "no squashfs magic");
      }
      sb = Superblock.read(raw);
      int major = raw.getShort(Superblock.S_MAJOR);
      int minor = raw.getShort(Superblock.S_MINOR);
      if (major != 4 || minor != 0) {
        throw corrupt(Superblock.S_MAJOR, "version " + major + "." + minor + ", expected 4.0");
      }
      int bs = sb.blockSize();
      if (bs < 4096 || bs > (1 << 20) || Integer.bitCount(bs) != 1) {
        throw corrupt(Superblock.S_BLOCK_SIZE, "block size " + bs);
      }
      if ((raw.getShort(Superblock.S_BLOCK_LOG) & 0xFFFF) != Integer.numberOfTrailingZeros(bs)) {
        throw corrupt(Superblock.S_BLOCK_LOG, "block_log does not match block size " + bs);
      }
      int comp = sb.compressionId();
      if (comp != 1 && comp != 4 && comp != 5 && comp != 6) {
        throw new JimgException(
            name
                + ": squashfs compressor id "
                + comp
                + " is not supported (gzip, xz, lz4, zstd are)");
      }
      long used = sb.bytesUsed();
      if (used > ch.size() || used < Superblock.SIZE) {
        throw corrupt(
            Superblock.S_BYTES_USED,
            "bytes_used " + Long.toUnsignedString(used) + " but image is " + ch.size());
      }
      inImage(Superblock.S_INODE_TABLE_START, "inode table", sb.inodeTableStart(), used);
      inImage(
          Superblock.S_DIRECTORY_TABLE_START, "directory table", sb.directoryTableStart(), used);
      inImage(Superblock.S_ID_TABLE_START, "id table", sb.idTableStart(), used);
      if (sb.fragmentCount() > 0) {
        inImage(Superblock.S_FRAGMENT_TABLE_START, "fragment table", sb.fragmentTableStart(), used);
      }
      if (sb.exportTableStart() != Superblock.INVALID) {
        inImage(Superblock.S_LOOKUP_TABLE_START, "export table", sb.exportTableStart(), used);
      }
      if (sb.xattrIdTableStart() != Superblock.INVALID) {
        inImage(Superblock.S_XATTR_ID_TABLE_START, "xattr id table", sb.xattrIdTableStart(), used);
      }
      if (!(sb.inodeTableStart() < sb.directoryTableStart()
          && sb.directoryTableStart() <= sb.idTableStart()
          && sb.idTableStart() < used)) {
        throw corrupt(Superblock.S_INODE_TABLE_START, "tables out of order");
      }
      long inodeCount = sb.inodeCount();
      if (inodeCount == 0 || inodeCount > used) {
        throw corrupt(Superblock.S_INODES, "inode count " + inodeCount);
      }
      long nextTable = used;
      if (sb.xattrIdTableStart() != Superblock.INVALID) {
        nextTable = readXattrs(used);
      }
      long[] idIndex = index(sb.idTableStart(), sb.idCount(), 4, nextTable, Superblock.S_NO_IDS);
      byte[] idBytes = table(idIndex, sb.idCount() * 4L);
      ids = new long[sb.idCount()];
      ByteBuffer ib = ByteBuffer.wrap(idBytes).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < ids.length; i++) {
        ids[i] = ib.getInt(4 * i) & 0xFFFF_FFFFL;
      }
      nextTable = idIndex.length > 0 ? idIndex[0] : sb.idTableStart();
      if (sb.exportTableStart() != Superblock.INVALID) {
        long[] e =
            index(sb.exportTableStart(), inodeCount, 8, nextTable, Superblock.S_LOOKUP_TABLE_START);
        nextTable = e.length > 0 ? e[0] : sb.exportTableStart();
      }
      if (sb.fragmentCount() > 0) {
        long[] f =
            index(
                sb.fragmentTableStart(), sb.fragmentCount(), 16, nextTable, Superblock.S_FRAGMENTS);
        ByteBuffer fb =
            ByteBuffer.wrap(table(f, sb.fragmentCount() * 16)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < sb.fragmentCount(); i++) {
          long start = fb.getLong(16 * i);
          inImage(f[16 * i / MetadataWriter.METADATA_SIZE], "fragment " + i, start, used);
          fragments.add(new long[] {start, fb.getInt(16 * i + 8) & 0xFFFF_FFFFL});
        }
        nextTable = f[0];
      }
      if (sb.directoryTableStart() > nextTable) {
        throw corrupt(Superblock.S_DIRECTORY_TABLE_START, "directory table after the next table");
      }
      inodes = stream(sb.inodeTableStart(), sb.directoryTableStart(), inodeBlocks);
      dirs = stream(sb.directoryTableStart(), nextTable, dirBlocks);
    }

    CorruptInputException corrupt(long offset, String problem) {
      return new CorruptInputException(name, offset, problem);
    }

    /**
     * Checks that {@code what} (a table, a fragment), whose start is held by the field at {@code
     * field}, starts after the superblock and before {@code used}.
     */
    void inImage(long field, String what, long start, long used) throws CorruptInputException {
      if (start < Superblock.SIZE || start >= used) {
        throw corrupt(
            field,
            what
                + " at "
                + Long.toUnsignedString(start)
                + ", outside the image (bytes "
                + Superblock.SIZE
                + " to "
                + used
                + ")");
      }
    }

    /**
     * The image offset of the metadata block holding byte {@code pos} of a table decoded by {@link
     * #stream}, given the table's start and its blocks (offset from the start to position in the
     * decoded bytes): the closest place in the image to name for damage inside a block.
     */
    static long blockAt(Map<Long, Integer> blocks, long tableStart, long pos) {
      long best = tableStart;
      int bestPos = -1;
      for (Map.Entry<Long, Integer> e : blocks.entrySet()) {
        if (e.getValue() <= pos && e.getValue() > bestPos) {
          bestPos = e.getValue();
          best = tableStart + e.getKey();
        }
      }
      return best;
    }

    /** An error about the inode at {@code pos} of the inode table, at its metadata block. */
    CorruptInputException inodeCorrupt(long pos, String problem) {
      return corrupt(blockAt(inodeBlocks, sb.inodeTableStart(), pos), problem);
    }

    /** An error about byte {@code pos} of the directory table, at its metadata block. */
    CorruptInputException dirCorrupt(long pos, String problem) {
      return corrupt(blockAt(dirBlocks, sb.directoryTableStart(), pos), problem);
    }

    /** Checks that the inode at {@code p}, {@code length} bytes long, ends within the table. */
    void inodeFits(int p, long length, ImagePath path) throws CorruptInputException {
      if (p + length > inodes.length) {
        throw inodeCorrupt(
            p,
            path
                + ": inode of "
                + length
                + " bytes at "
                + p
                + " runs past the end of the inode table ("
                + inodes.length
                + " bytes)");
      }
    }

    ByteBuffer read(long pos, int len) throws IOException {
      if (pos < 0 || len < 0 || pos > ch.size() - len) {
        throw corrupt(
            pos < 0 ? CorruptInputException.UNKNOWN_OFFSET : pos,
            "a read of "
                + len
                + " bytes at "
                + Long.toUnsignedString(pos)
                + " passes the end of the image ("
                + ch.size()
                + " bytes)");
      }
      ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
      ch.readFully(b, pos);
      b.flip();
      return b;
    }

    /** Reads an index of u64 block positions for {@code count} entries of {@code size} bytes. */
    long[] index(long start, long count, int size, long end, long field) throws IOException {
      long blocks =
          (count * size + MetadataWriter.METADATA_SIZE - 1) / MetadataWriter.METADATA_SIZE;
      if (start + blocks * 8 != end) {
        throw corrupt(
            field, "table index at " + start + " does not end where the next table starts");
      }
      ByteBuffer b = read(start, (int) (blocks * 8));
      long[] out = new long[(int) blocks];
      for (int i = 0; i < out.length; i++) {
        out[i] = b.getLong(8 * i);
        if (out[i] < Superblock.SIZE || out[i] >= start) {
          throw corrupt(start + 8L * i, "table block at " + out[i] + " outside the image");
        }
      }
      return out;
    }

    byte[] table(long[] index, long bytes) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (long p : index) {
        out.write(metadataBlock(p, null));
      }
      if (out.size() < bytes) {
        throw corrupt(index.length > 0 ? index[0] : 0, "table shorter than its entries");
      }
      return out.toByteArray();
    }

    /** Decodes the metadata block at {@code pos}; stores the stored length in {@code next[0]}. */
    byte[] metadataBlock(long pos, long[] next) throws IOException {
      int h = read(pos, 2).getShort(0) & 0xFFFF;
      int len = h & 0x7FFF;
      boolean raw = (h & MetadataWriter.UNCOMPRESSED_BIT) != 0;
      if (len == 0 || len > MetadataWriter.METADATA_SIZE) {
        throw corrupt(pos, "metadata block length " + len);
      }
      byte[] stored = new byte[len];
      read(pos + 2, len).get(stored);
      if (next != null) {
        next[0] = pos + 2 + len;
      }
      return raw ? stored : decompress(stored, MetadataWriter.METADATA_SIZE, pos);
    }

    byte[] stream(long start, long end, Map<Long, Integer> blockMap) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      long p = start;
      long[] next = new long[1];
      while (p < end) {
        blockMap.put(p - start, out.size());
        out.write(metadataBlock(p, next));
        if (out.size() > MAX_METADATA) {
          throw corrupt(p, "metadata table over 1 GiB");
        }
        p = next[0];
      }
      if (p != end) {
        throw corrupt(p, "metadata table overruns the next table at " + end);
      }
      return out.toByteArray();
    }

    byte[] decompress(byte[] in, int max, long pos) throws IOException {
      switch (sb.compressionId()) {
        case 1:
          {
            Inflater inf = new Inflater();
            try {
              inf.setInput(in);
              byte[] out = new byte[max];
              int n = 0;
              while (!inf.finished()) {
                if (n == max) {
                  throw corrupt(pos, "block inflates beyond " + max + " bytes");
                }
                int k = inf.inflate(out, n, max - n);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                  throw corrupt(pos, "truncated zlib stream");
                }
                n += k;
              }
              return java.util.Arrays.copyOf(out, n);
            } catch (DataFormatException e) {
              throw new CorruptInputException(name, pos, "bad zlib stream", e);
            } finally {
              inf.end();
            }
          }
        case 4:
          {
            try (XZInputStream xz = new XZInputStream(new ByteArrayInputStream(in), 8192)) {
              byte[] out = xz.readNBytes(max + 1);
              if (out.length > max) {
                throw corrupt(pos, "block decompresses beyond " + max + " bytes");
              }
              return out;
            } catch (IOException e) {
              if (e instanceof CorruptInputException c) {
                throw c;
              }
              throw new CorruptInputException(name, pos, "bad xz stream", e);
            }
          }
        case 5:
          {
            byte[] out = new byte[max];
            try {
              int n =
                  net.jpountz.lz4.LZ4Factory.safeInstance()
                      .safeDecompressor()
                      .decompress(in, 0, in.length, out, 0, max);
              return java.util.Arrays.copyOf(out, n);
            } catch (RuntimeException e) {
              throw new CorruptInputException(name, pos, "bad lz4 block", e);
            }
          }
        default:
          {
            byte[] out = new byte[max];
            long n;
            try {
              n = Zstd.decompressByteArray(out, 0, max, in, 0, in.length);
            } catch (RuntimeException e) {
              throw new CorruptInputException(name, pos, "bad zstd frame", e);
            }
            if (Zstd.isError(n)) {
              throw corrupt(pos, "bad zstd frame: " + Zstd.getErrorName(n));
            }
            return java.util.Arrays.copyOf(out, (int) n);
          }
      }
    }

    long readXattrs(long used) throws IOException {
      long start = sb.xattrIdTableStart();
      ByteBuffer h = read(start, 16);
      long kvStart = h.getLong(0);
      long count = h.getInt(8) & 0xFFFF_FFFFL;
      long[] idx = index(start + 16, count, 16, used, Superblock.S_XATTR_ID_TABLE_START);
      if (count == 0 || kvStart < Superblock.SIZE || kvStart >= idx[0]) {
        throw corrupt(
            start,
            "xattr id table header: "
                + count
                + " ids, key-value table at "
                + Long.toUnsignedString(kvStart)
                + "; expected at least one id and the table between byte "
                + Superblock.SIZE
                + " and the id blocks at "
                + (idx.length > 0 ? idx[0] : start));
      }
      ByteBuffer ids = ByteBuffer.wrap(table(idx, count * 16)).order(ByteOrder.LITTLE_ENDIAN);
      Map<Long, Integer> blocks = new HashMap<>();
      ByteBuffer kv =
          ByteBuffer.wrap(stream(kvStart, idx[0], blocks)).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < count; i++) {
        long ref = ids.getLong(16 * i);
        long n = ids.getInt(16 * i + 8) & 0xFFFF_FFFFL;
        int p = at(blocks, ref, kv.capacity(), kvStart);
        int cap = kv.capacity();
        List<Xattr> list = new ArrayList<>();
        for (long k = 0; k < n; k++) {
          if (p + 4L > cap) {
            throw xattrCorrupt(blocks, kvStart, p, i, "name header past the end of the table");
          }
          int type = kv.getShort(p) & 0xFFFF;
          int nameLen = kv.getShort(p + 2) & 0xFFFF;
          int prefix = type & 0xFF;
          if (prefix > 2) {
            throw xattrCorrupt(blocks, kvStart, p, i, "prefix id " + prefix + ", expected 0 to 2");
          }
          if (p + 4L + nameLen + 4 > cap) {
            throw xattrCorrupt(
                blocks, kvStart, p, i, "name of " + nameLen + " bytes past the end of the table");
          }
          byte[] nm = new byte[nameLen];
          kv.get(p + 4, nm);
          for (byte c : nm) {
            if (c == 0) {
              throw xattrCorrupt(blocks, kvStart, p, i, "name with a NUL byte");
            }
          }
          p += 4 + nameLen;
          int vp = p;
          boolean shared = (type & 0x100) != 0;
          if (shared) {
            if (p + 12L > cap) {
              throw xattrCorrupt(
                  blocks, kvStart, p, i, "value reference past the end of the table");
            }
            vp = at(blocks, kv.getLong(p + 4), cap, kvStart);
            if (vp + 4L > cap) {
              throw xattrCorrupt(blocks, kvStart, vp, i, "shared value past the end of the table");
            }
            p += 12;
          }
          int vlen = kv.getInt(vp);
          if (vlen < 0 || vp + 4L + vlen > cap) {
            throw xattrCorrupt(
                blocks,
                kvStart,
                vp,
                i,
                "value of " + Integer.toUnsignedString(vlen) + " bytes past the end of the table");
          }
          if (!shared) {
            p += 4 + vlen;
          }
          byte[] value = new byte[vlen];
          kv.get(vp + 4, value);
          list.add(
              new Xattr(XATTR_PREFIXES[prefix] + new String(nm, StandardCharsets.UTF_8), value));
        }
        list.sort(Xattr.BY_NAME);
        for (int k = 1; k < list.size(); k++) {
          if (list.get(k).name().equals(list.get(k - 1).name())) {
            throw xattrCorrupt(
                blocks, kvStart, at(blocks, ref, cap, kvStart), i, list.get(k).name() + " twice");
          }
        }
        xattrs.add(List.copyOf(list));
      }
      return kvStart;
    }

    /** An error about xattr set {@code set}, found at byte {@code pos} of the key-value table. */
    CorruptInputException xattrCorrupt(
        Map<Long, Integer> blocks, long kvStart, long pos, int set, String problem) {
      return corrupt(blockAt(blocks, kvStart, pos), "xattr set " + set + ": " + problem);
    }

    int at(Map<Long, Integer> blocks, long ref, int limit, long tableStart)
        throws CorruptInputException {
      Integer base = blocks.get(ref >>> 16);
      int off = (int) (ref & 0xFFFF);
      if (base == null || off >= MetadataWriter.METADATA_SIZE || base + off >= limit) {
        throw corrupt(tableStart + (ref >>> 16), "reference to no metadata block");
      }
      return base + off;
    }

    long id(int index) throws CorruptInputException {
      if (index >= ids.length) {
        throw corrupt(sb.idTableStart(), "id index " + index + " beyond " + ids.length + " ids");
      }
      return ids[index];
    }

    /**
     * The tree, depth first in name order (so a hard link's first path in that order holds the
     * file). The open directory listings are kept on a stack of their own, not the call stack, so
     * however deep the directories nest, reading ends without a StackOverflowError.
     */
    FileTree tree() throws IOException {
      FileTreeBuilder b = new FileTreeBuilder();
      Map<Long, ImagePath> seen = new HashMap<>();
      Set<Long> dirsSeen = new HashSet<>();
      Deque<Listing> open = new ArrayDeque<>();
      Listing root = inode(b, ImagePath.ROOT, sb.rootInode(), seen, dirsSeen);
      if (root != null) {
        open.push(root);
      }
      long[] ref = new long[1];
      while (!open.isEmpty()) {
        ImagePath child = next(open.peek(), ref);
        if (child == null) {
          open.pop();
          continue;
        }
        Listing listing = inode(b, child, ref[0], seen, dirsSeen);
        if (listing != null) {
          open.push(listing);
        }
      }
      return b.build();
    }

    /**
     * Reads the inode at {@code ref} into {@code b} as {@code path}; returns its listing when it is
     * a directory with entries, else null.
     */
    private Listing inode(
        FileTreeBuilder b, ImagePath path, long ref, Map<Long, ImagePath> seen, Set<Long> dirsSeen)
        throws IOException {
      ByteBuffer in = ByteBuffer.wrap(inodes).order(ByteOrder.LITTLE_ENDIAN);
      int p = at(inodeBlocks, ref, inodes.length, sb.inodeTableStart());
      inodeFits(p, Inode.HEADER_SIZE, path);
      int type = in.getShort(p) & 0xFFFF;
      int mode = in.getShort(p + 2) & 07777;
      long uid = id(in.getShort(p + 4) & 0xFFFF);
      long gid = id(in.getShort(p + 6) & 0xFFFF);
      Timestamp mtime = Timestamp.ofSeconds(in.getInt(p + 8) & 0xFFFF_FFFFL);
      long number = in.getInt(p + 12) & 0xFFFF_FFFFL;
      if (number == 0 || number > sb.inodeCount()) {
        throw inodeCorrupt(
            p, path + ": inode number " + number + ", expected 1 to " + sb.inodeCount());
      }
      int q = p + Inode.HEADER_SIZE;
      if (type < 1 || type > 14) {
        throw inodeCorrupt(p, path + ": inode type " + type + ", expected 1 to 14");
      }
      inodeFits(p, Inode.HEADER_SIZE + FIXED_BODY[type], path);
      if (path.isRoot() && type != 1 && type != 8) {
        throw inodeCorrupt(p, "the root inode has type " + type + ", not a directory (1 or 8)");
      }
      if (type != 1 && type != 8) {
        ImagePath first = seen.get(number);
        if (first != null) {
          b.put(path, Entry.hardlink(first));
          return null;
        }
        seen.put(number, path);
      }
      Entry.Builder e;
      int xattr = Inode.NO_XATTR;
      switch (type) {
        case 1, 8 -> {
          if (!dirsSeen.add(number)) {
            throw inodeCorrupt(p, path + ": directory loop (inode " + number + " again)");
          }
          long startBlock;
          long fileSize;
          int offset;
          if (type == 1) {
            startBlock = in.getInt(q) & 0xFFFF_FFFFL;
            fileSize = in.getShort(q + 8) & 0xFFFF;
            offset = in.getShort(q + 10) & 0xFFFF;
          } else {
            fileSize = in.getInt(q + 4) & 0xFFFF_FFFFL;
            startBlock = in.getInt(q + 8) & 0xFFFF_FFFFL;
            offset = in.getShort(q + 18) & 0xFFFF;
            xattr = in.getInt(q + 20);
          }
          e = Entry.builder(EntryType.DIRECTORY);
          finish(b, path, e, mode, uid, gid, mtime, xattr);
          return fileSize > 3 ? listing(path, (startBlock << 16) | offset, fileSize - 3) : null;
        }
        case 2, 9 -> {
          long blocksStart;
          long size;
          int frag;
          int fragOffset;
          if (type == 2) {
            blocksStart = in.getInt(q) & 0xFFFF_FFFFL;
            frag = in.getInt(q + 4);
            fragOffset = in.getInt(q + 8);
            size = in.getInt(q + 12) & 0xFFFF_FFFFL;
            q += 16;
          } else {
            blocksStart = in.getLong(q);
            size = in.getLong(q + 8);
            frag = in.getInt(q + 28);
            fragOffset = in.getInt(q + 32);
            xattr = in.getInt(q + 36);
            q += 40;
          }
          if (size < 0 || size > (1L << 50)) {
            throw inodeCorrupt(p, path + ": file size " + Long.toUnsignedString(size));
          }
          if (blocksStart < 0 || blocksStart > sb.bytesUsed()) {
            throw inodeCorrupt(
                p,
                path
                    + ": data blocks at "
                    + Long.toUnsignedString(blocksStart)
                    + ", past the image's "
                    + sb.bytesUsed()
                    + " bytes");
          }
          int bs = sb.blockSize();
          long nblocks = frag == Inode.NO_FRAGMENT ? (size + bs - 1) / bs : size / bs;
          if (nblocks * 4 > inodes.length - q) {
            throw inodeCorrupt(
                p,
                path
                    + ": a list of "
                    + nblocks
                    + " block sizes (file size "
                    + size
                    + ") runs past the inode table");
          }
          int[] sizes = new int[(int) nblocks];
          for (int i = 0; i < sizes.length; i++) {
            sizes[i] = in.getInt(q + 4 * i);
          }
          long[] fragment = null;
          if (frag != Inode.NO_FRAGMENT) {
            if ((frag & 0xFFFF_FFFFL) >= fragments.size()) {
              throw inodeCorrupt(
                  p,
                  path
                      + ": fragment "
                      + Integer.toUnsignedString(frag)
                      + " of "
                      + fragments.size());
            }
            fragment = fragments.get(frag);
          }
          e =
              Entry.builder(EntryType.REGULAR)
                  .content(new FileContent(this, blocksStart, size, sizes, fragment, fragOffset));
        }
        case 3, 10 -> {
          int len = in.getInt(q + 4);
          if (len < 1 || len > SquashfsWriter.MAX_SYMLINK) {
            throw inodeCorrupt(
                p,
                path
                    + ": symlink length "
                    + Integer.toUnsignedString(len)
                    + ", expected 1 to "
                    + SquashfsWriter.MAX_SYMLINK);
          }
          inodeFits(p, Inode.HEADER_SIZE + FIXED_BODY[type] + len, path);
          byte[] target = new byte[len];
          in.get(q + 8, target);
          for (byte c : target) {
            if (c == 0) {
              throw inodeCorrupt(p, path + ": symlink target with a NUL byte");
            }
          }
          if (type == 10) {
            xattr = in.getInt(q + 8 + len);
          }
          e = Entry.builder(EntryType.SYMLINK).symlinkTarget(target);
        }
        case 4, 5, 11, 12 -> {
          long rdev = in.getInt(q + 4) & 0xFFFF_FFFFL;
          if (type > 7) {
            xattr = in.getInt(q + 8);
          }
          e =
              Entry.builder(
                      type == 4 || type == 11 ? EntryType.BLOCK_DEVICE : EntryType.CHAR_DEVICE)
                  .device((rdev >> 8) & 0xFFF, (rdev & 0xFF) | ((rdev >> 12) & 0xFFF00));
        }
        case 6, 7, 13, 14 -> {
          if (type > 7) {
            xattr = in.getInt(q + 4);
          }
          e = Entry.builder(type == 6 || type == 13 ? EntryType.FIFO : EntryType.SOCKET);
        }
        default -> throw new IllegalStateException("inode type " + type + " was checked");
      }
      finish(b, path, e, mode, uid, gid, mtime, xattr);
      return null;
    }

    private void finish(
        FileTreeBuilder b,
        ImagePath path,
        Entry.Builder e,
        int mode,
        long uid,
        long gid,
        Timestamp mtime,
        int xattr)
        throws IOException {
      e.mode(mode).uid(uid).gid(gid).mtime(mtime);
      if (xattr != Inode.NO_XATTR) {
        if ((xattr & 0xFFFF_FFFFL) >= xattrs.size()) {
          throw corrupt(
              sb.xattrIdTableStart(),
              path + ": xattr index " + Integer.toUnsignedString(xattr) + " of " + xattrs.size());
        }
        e.xattrs(xattrs.get(xattr));
      }
      b.put(path, e.build());
    }

    /**
     * A directory listing being read: the directory, the position of the next header or entry in
     * the directory table, the listing's end, and the state of the current header.
     */
    private static final class Listing {
      final ImagePath dir;
      final long end;
      int p;
      long left;
      long start;
      byte[] last;

      Listing(ImagePath dir, int p, long end) {
        this.dir = dir;
        this.p = p;
        this.end = end;
      }
    }

    /** The listing of {@code dir}, {@code size} bytes at {@code ref} of the directory table. */
    private Listing listing(ImagePath dir, long ref, long size) throws CorruptInputException {
      int p = at(dirBlocks, ref, dirs.length, sb.directoryTableStart());
      long end = p + size;
      if (end > dirs.length) {
        throw dirCorrupt(
            p,
            dir
                + ": listing of "
                + size
                + " bytes runs past the directory table ("
                + dirs.length
                + " bytes)");
      }
      return new Listing(dir, p, end);
    }

    /**
     * The path of the next entry of {@code l}, its inode reference stored in {@code ref[0]}; null
     * at the end of the listing.
     */
    private ImagePath next(Listing l, long[] ref) throws CorruptInputException {
      ByteBuffer d = ByteBuffer.wrap(dirs).order(ByteOrder.LITTLE_ENDIAN);
      ImagePath dir = l.dir;
      int p = l.p;
      if (l.left == 0) {
        if (p >= l.end) {
          if (p != l.end) {
            throw dirCorrupt(p, dir + ": listing ends at " + p + ", its size says " + l.end);
          }
          return null;
        }
        if (p + 12 > l.end) {
          throw dirCorrupt(p, dir + ": directory header past the end of the listing");
        }
        l.left = (d.getInt(p) & 0xFFFF_FFFFL) + 1;
        l.start = d.getInt(p + 4) & 0xFFFF_FFFFL;
        if (l.left > 256) {
          throw dirCorrupt(p, dir + ": directory header of " + l.left + " entries, at most 256");
        }
        p += 12;
      }
      if (p + 8 > l.end) {
        throw dirCorrupt(p, dir + ": directory entry past the end of the listing");
      }
      int offset = d.getShort(p) & 0xFFFF;
      int nameLen = (d.getShort(p + 6) & 0xFFFF) + 1;
      if (p + 8 + nameLen > l.end) {
        throw dirCorrupt(
            p, dir + ": name of " + nameLen + " bytes runs past the end of the listing");
      }
      byte[] name = new byte[nameLen];
      d.get(p + 8, name);
      if (l.last != null && java.util.Arrays.compareUnsigned(l.last, name) >= 0) {
        throw dirCorrupt(
            p,
            dir + ": entry " + ImagePath.display(name) + " does not sort after the one before it");
      }
      String problem = ImagePath.problem(name);
      if (problem != null || name.length > 255 || containsSlash(name)) {
        throw dirCorrupt(p, dir + ": bad name " + ImagePath.display(name));
      }
      l.p = p + 8 + nameLen;
      l.left--;
      l.last = name;
      ref[0] = (l.start << 16) | offset;
      return dir.child(name);
    }

    private static boolean containsSlash(byte[] name) {
      for (byte x : name) {
        if (x == '/' || x == 0) {
          return true;
        }
      }
      return false;
    }
  }

  /** A file's bytes, read and decompressed on demand. */
  private static final class FileContent implements Content {
    private final Image image;
    private final long blocksStart;
    private final long size;
    private final int[] sizes;
    private final long[] fragment;
    private final int fragmentOffset;

    FileContent(Image image, long blocksStart, long size, int[] sizes, long[] fragment, int off) {
      this.image = image;
      this.blocksStart = blocksStart;
      this.size = size;
      this.sizes = sizes;
      this.fragment = fragment;
      this.fragmentOffset = off;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public List<Extent> extents() {
      List<Extent> out = new ArrayList<>();
      int bs = image.sb.blockSize();
      long runStart = -1;
      long n = (size + bs - 1) / bs;
      for (long i = 0; i <= n; i++) {
        boolean data =
            i < n && (i >= sizes.length || (sizes[(int) i] & ~DataWriter.UNCOMPRESSED_BIT) != 0);
        if (data && runStart < 0) {
          runStart = i * bs;
        } else if (!data && runStart >= 0) {
          out.add(new Extent(runStart, Math.min(size, i * bs) - runStart));
          runStart = -1;
        }
      }
      return out;
    }

    @Override
    public InputStream open() {
      return new InputStream() {
        private long pos;
        private long blockPos = blocksStart;
        private int index;
        private byte[] buf = new byte[0];
        private int bufPos;

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (len == 0) {
            return 0;
          }
          if (bufPos == buf.length && !fill()) {
            return -1;
          }
          int n = Math.min(len, buf.length - bufPos);
          System.arraycopy(buf, bufPos, b, off, n);
          bufPos += n;
          return n;
        }

        private boolean fill() throws IOException {
          if (pos >= size) {
            return false;
          }
          int bs = image.sb.blockSize();
          int want = (int) Math.min(bs, size - pos);
          if (index < sizes.length) {
            int word = sizes[index++];
            long stored = word & ~DataWriter.UNCOMPRESSED_BIT & 0xFFFF_FFFFL;
            if (stored > bs) {
              throw image.corrupt(
                  blockPos,
                  "data block "
                      + (index - 1)
                      + " of "
                      + stored
                      + " bytes, more than the block size "
                      + bs);
            }
            if (stored == 0) {
              buf = new byte[want];
            } else {
              byte[] raw = new byte[(int) stored];
              image.read(blockPos, (int) stored).get(raw);
              buf =
                  (word & DataWriter.UNCOMPRESSED_BIT) != 0
                      ? raw
                      : image.decompress(raw, bs, blockPos);
              blockPos += stored;
            }
          } else if (fragment != null) {
            int word = (int) fragment[1];
            long stored = word & ~DataWriter.UNCOMPRESSED_BIT & 0xFFFF_FFFFL;
            if (stored > bs) {
              throw image.corrupt(
                  fragment[0],
                  "fragment block of " + stored + " bytes, more than the block size " + bs);
            }
            byte[] raw = new byte[(int) stored];
            image.read(fragment[0], (int) stored).get(raw);
            byte[] all =
                (word & DataWriter.UNCOMPRESSED_BIT) != 0
                    ? raw
                    : image.decompress(raw, bs, fragment[0]);
            if (fragmentOffset < 0 || fragmentOffset + want > all.length) {
              throw image.corrupt(fragment[0], "tail outside its fragment");
            }
            buf = java.util.Arrays.copyOfRange(all, fragmentOffset, fragmentOffset + want);
          } else {
            throw image.corrupt(blocksStart, "file has fewer blocks than its size needs");
          }
          if (buf.length != want) {
            throw image.corrupt(
                blockPos, "block decompressed to " + buf.length + ", expected " + want);
          }
          bufPos = 0;
          pos += want;
          return true;
        }
      };
    }
  }
}
