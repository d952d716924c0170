/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.spi.FilesystemReader;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Reads a FAT12/16/32 volume into a {@link FileTree}: directories (mode 0755) and regular files
 * (mode 0644), owner 0:0, names from VFAT long names or from short names with the NT lower-case
 * flags applied, mtimes from the write time read as UTC.
 *
 * <p>Strict: a bad boot sector, a cluster number outside the volume, a chain that is too short, too
 * long, loops or is shared, a directory over 2 MiB, a long name whose slots are out of order or
 * whose checksum does not match its short entry, a long name over 255 code units, an invalid date,
 * a name that is not valid UTF-16, or two entries of one name are a {@link CorruptInputException}
 * naming the byte offset of the field or entry at fault. Directories are walked depth first on the
 * heap, so any depth reads. Volume labels, deleted entries and the {@code .}/{@code ..} entries are
 * skipped. File contents are read from the channel when opened.
 *
 * <p>Stateless and thread-safe.
 */
public final class FatReader implements FilesystemReader {
  private static final int MAX_FAT_BYTES = 1 << 30;

  /** The most a directory holds: 65,536 entries of 32 bytes. */
  private static final long MAX_DIRECTORY_BYTES = 65_536L * DirectoryEntry.SIZE;

  /** The most long-name slots one name has: 20 of 13 code units hold 255. */
  private static final int MAX_SLOTS = 20;

  /** Code page of short names: IBM PC 437, Linux's default ({@code codepage=437}). */
  private static final java.nio.charset.Charset OEM = java.nio.charset.Charset.forName("IBM437");

  @Override
  public boolean probe(ImageChannel channel) throws IOException {
    if (channel.size() < 512) {
      return false;
    }
    ByteBuffer b = ByteBuffer.allocate(512);
    channel.readFully(b, 0);
    ByteBuffer full = ByteBuffer.allocate(4096);
    full.put(b.flip());
    try {
      BootSector.read(full, channel.toString());
      return true;
    } catch (CorruptInputException e) {
      return false;
    }
  }

  @Override
  public FileTree read(ImageChannel channel) throws IOException {
    return new Volume(channel).read();
  }

  /**
   * A directory still to read: its path, first cluster and the image offset of the entry field that
   * holds the cluster.
   */
  private record Pending(ImagePath path, long cluster, long entryOffset) {}

  /** One read of one volume. */
  private static final class Volume {
    private final ImageChannel ch;
    private final String resource;
    private BootSector b;
    private long rootCluster;
    private ByteBuffer fat;
    private BitSet used;
    private final FileTreeBuilder out = new FileTreeBuilder();

    Volume(ImageChannel ch) {
      this.ch = ch;
      this.resource = ch.toString();
    }

    FileTree read() throws IOException {
      if (ch.size() < 512) {
        throw new CorruptInputException(resource, 0, "too small for a boot sector");
      }
      ByteBuffer head = ByteBuffer.allocate(4096);
      ByteBuffer first = ByteBuffer.allocate((int) Math.min(4096, ch.size()));
      ch.readFully(first, 0);
      head.put(first.flip());
      b = BootSector.read(head, resource);
      if (b.totalSectors() * b.bytesPerSector() > ch.size()) {
        boolean small = head.order(ByteOrder.LITTLE_ENDIAN).getShort(BootSector.BPB_TOT_SEC16) != 0;
        throw new CorruptInputException(
            resource,
            small ? BootSector.BPB_TOT_SEC16 : BootSector.BPB_TOT_SEC32,
            (small ? "BPB_TotSec16" : "BPB_TotSec32")
                + ": the volume claims "
                + b.totalSectors()
                + " sectors of "
                + b.bytesPerSector()
                + " bytes ("
                + b.totalSectors() * b.bytesPerSector()
                + " bytes), the image has "
                + ch.size()
                + " (cut short?)");
      }
      rootCluster =
          b.type() == FatType.FAT32
              ? head.order(ByteOrder.LITTLE_ENDIAN).getInt(BootSector.BPB_ROOT_CLUS) & 0xFFFF_FFFFL
              : 0;
      long fatBytes = b.type().fatBytes(b.clusterCount() + 2);
      if (fatBytes > MAX_FAT_BYTES) {
        throw new CorruptInputException(resource, 0, "FAT of " + fatBytes + " bytes is too large");
      }
      fat = ByteBuffer.allocate((int) fatBytes + 1).order(ByteOrder.LITTLE_ENDIAN);
      fat.limit((int) fatBytes);
      ch.readFully(fat, b.fatStart() * b.bytesPerSector());
      fat.clear();
      used = new BitSet();
      Timestamp rootTime = FatTimestamp.MIN;
      out.put(ImagePath.ROOT, Entry.directory(0755, rootTime));
      Deque<Pending> pending = new ArrayDeque<>();
      if (b.type() == FatType.FAT32) {
        List<long[]> runs =
            chain(rootCluster, -1, "the root directory", BootSector.BPB_ROOT_CLUS, true);
        readDirectory(ImagePath.ROOT, readChain(runs), pieces(runs), pending);
      } else {
        long start = b.rootDirStart() * b.bytesPerSector();
        ByteBuffer r = ByteBuffer.allocate(b.rootEntries() * DirectoryEntry.SIZE);
        ch.readFully(r, start);
        readDirectory(
            ImagePath.ROOT, r.array(), List.of(new long[] {start, r.capacity()}), pending);
      }
      // depth first, like a recursion, but on the heap: a chain of nested directories is as deep
      // as the volume has clusters
      while (!pending.isEmpty()) {
        Pending d = pending.pop();
        List<long[]> runs = chain(d.cluster(), -1, d.path().toString(), d.entryOffset(), true);
        readDirectory(d.path(), readChain(runs), pieces(runs), pending);
      }
      return out.build();
    }

    private long next(long cluster) {
      return switch (b.type()) {
        case FAT12 -> {
          int off = (int) (cluster * 3 / 2);
          int v = (fat.get(off) & 0xFF) | ((fat.get(off + 1) & 0xFF) << 8);
          yield (cluster & 1) == 0 ? v & 0xFFF : v >>> 4;
        }
        case FAT16 -> fat.getShort((int) (cluster * 2)) & 0xFFFF;
        case FAT32 -> fat.getInt((int) (cluster * 4)) & 0x0FFF_FFFFL;
      };
    }

    /**
     * The clusters of a chain as runs {start, length}; {@code expected} clusters exactly, or any
     * number if negative. {@code at} is the image offset of the field holding the first cluster; a
     * directory's chain stops at the 2 MiB a directory may hold.
     */
    private List<long[]> chain(long first, long expected, String what, long at, boolean directory)
        throws JimgException {
      List<long[]> runs = new ArrayList<>();
      long max = b.clusterCount() + 1;
      long most = directory ? (MAX_DIRECTORY_BYTES + b.clusterBytes() - 1) / b.clusterBytes() : -1;
      if (first < 2 || first > max) {
        throw new CorruptInputException(
            resource, at, what + ": first cluster " + first + ", expected 2.." + max);
      }
      long c = first;
      long prev = -1;
      long count = 0;
      while (true) {
        if (used.get((int) c)) {
          throw new CorruptInputException(
              resource,
              prev < 0 ? at : fatOffset(prev),
              what + ": cluster " + c + " is used twice (cross-linked or a loop)");
        }
        used.set((int) c);
        count++;
        if (!runs.isEmpty() && runs.get(runs.size() - 1)[0] + runs.get(runs.size() - 1)[1] == c) {
          runs.get(runs.size() - 1)[1]++;
        } else {
          runs.add(new long[] {c, 1});
        }
        long n = next(c);
        if (n >= b.type().endOfChainMin()) {
          break;
        }
        if (expected >= 0 && count >= expected) {
          throw new CorruptInputException(
              resource, fatOffset(c), what + ": chain longer than its " + expected + " clusters");
        }
        if (directory && count >= most) {
          throw new CorruptInputException(
              resource,
              fatOffset(c),
              what
                  + ": a directory of more than "
                  + most
                  + " clusters of "
                  + b.clusterBytes()
                  + " bytes; FAT directories hold at most 2 MiB (65,536 entries)");
        }
        if (n < 2 || n > max) {
          throw new CorruptInputException(
              resource,
              fatOffset(c),
              what
                  + ": the FAT entry of cluster "
                  + c
                  + " is "
                  + (n == 0
                      ? "0 (free)"
                      : n == b.type().endOfChainMin() - 1
                          ? "0x" + Long.toHexString(n) + " (bad cluster)"
                          : n + ", outside 2.." + max)
                  + " inside the chain");
        }
        prev = c;
        c = n;
      }
      if (expected >= 0 && count != expected) {
        throw new CorruptInputException(
            resource,
            fatOffset(c),
            what + ": chain of " + count + " clusters, the size needs " + expected);
      }
      return runs;
    }

    /** Image offset of the FAT entry of {@code cluster} in the first FAT. */
    private long fatOffset(long cluster) {
      return b.fatStart() * b.bytesPerSector() + b.type().fatBytes(cluster);
    }

    private byte[] readChain(List<long[]> runs) throws IOException {
      long total = 0;
      for (long[] r : runs) {
        total += r[1] * b.clusterBytes();
      }
      ByteBuffer buf = ByteBuffer.allocate((int) total);
      for (long[] r : runs) {
        buf.limit(buf.position() + (int) (r[1] * b.clusterBytes()));
        ch.readFully(buf, b.clusterOffset(r[0]));
      }
      return buf.array();
    }

    /** A chain's runs as pieces of the image: {offset, length}. */
    private List<long[]> pieces(List<long[]> runs) {
      List<long[]> out = new ArrayList<>(runs.size());
      for (long[] r : runs) {
        out.add(new long[] {b.clusterOffset(r[0]), r[1] * b.clusterBytes()});
      }
      return out;
    }

    /**
     * Reads one directory's entries into the tree and pushes its subdirectories onto {@code
     * pending}, first one on top. {@code pieces} are where its bytes lie in the image, for the
     * offsets of errors.
     */
    private void readDirectory(
        ImagePath dir, byte[] data, List<long[]> pieces, Deque<Pending> pending)
        throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      StringBuilder lfn = null;
      int lfnNext = 0;
      int lfnChecksum = 0;
      List<Pending> subdirs = new ArrayList<>();
      for (int off = 0; off + DirectoryEntry.SIZE <= data.length; off += DirectoryEntry.SIZE) {
        int first = data[off] & 0xFF;
        if (first == 0x00) {
          break;
        }
        if (first == 0xE5) {
          lfn = null;
          continue;
        }
        int attr = data[off + DirectoryEntry.DIR_ATTR] & 0xFF;
        if ((attr & 0x3F) == DirectoryEntry.ATTR_LONG_NAME) {
          int ord = first & 0x3F;
          int checksum = data[off + LongNameEntry.LDIR_CHKSUM] & 0xFF;
          if (ord < 1 || ord > MAX_SLOTS) {
            throw corrupt(
                dir,
                pieces,
                off,
                "long-name slot ordinal "
                    + ord
                    + " (LDIR_Ord 0x"
                    + hex(first)
                    + "), expected 1..20");
          }
          if ((first & LongNameEntry.LAST_LONG_ENTRY) != 0) {
            lfn = new StringBuilder();
            lfn.setLength(ord * LongNameEntry.CHARS_PER_SLOT);
            lfnNext = ord;
            lfnChecksum = checksum;
          } else if (lfn == null || lfnNext == 0) {
            throw corrupt(
                dir,
                pieces,
                off,
                "long-name slot " + ord + " without the slot flagged last (0x40) before it");
          } else if (ord != lfnNext) {
            throw corrupt(
                dir, pieces, off, "long-name slot " + ord + " where slot " + lfnNext + " belongs");
          } else if (checksum != lfnChecksum) {
            throw corrupt(
                dir,
                pieces,
                off,
                "long-name slot "
                    + ord
                    + " has checksum "
                    + checksum
                    + ", the slots before it "
                    + lfnChecksum);
          }
          for (int i = 0; i < LongNameEntry.CHARS_PER_SLOT; i++) {
            lfn.setCharAt(
                (ord - 1) * LongNameEntry.CHARS_PER_SLOT + i,
                buf.getChar(off + LongNameEntry.CHAR_OFFSETS[i]));
          }
          lfnNext = ord - 1;
          continue;
        }
        DirectoryEntry e = DirectoryEntry.read(buf, off);
        if ((attr & DirectoryEntry.ATTR_VOLUME_ID) != 0) {
          lfn = null;
          continue;
        }
        String shortText = new String(e.name(), StandardCharsets.ISO_8859_1);
        if (shortText.startsWith(".")) {
          if (dir.isRoot()
              || !(shortText.equals(".          ") || shortText.equals("..         "))) {
            throw corrupt(
                dir, pieces, off, "a dot entry '" + shortText.strip() + "' where none belongs");
          }
          lfn = null;
          continue;
        }
        String name;
        if (lfn != null) {
          if (lfnNext != 0) {
            throw corrupt(
                dir,
                pieces,
                off,
                "short entry after long-name slot "
                    + (lfnNext + 1)
                    + ": slots "
                    + lfnNext
                    + "..1 are missing");
          }
          if (LongNameEntry.checksum(e.name()) != lfnChecksum) {
            throw corrupt(
                dir,
                pieces,
                off,
                "long-name checksum "
                    + lfnChecksum
                    + " does not match short name "
                    + shortText.strip()
                    + " ("
                    + LongNameEntry.checksum(e.name())
                    + ")");
          }
          name = longName(lfn, dir, pieces, off);
          lfn = null;
        } else {
          name = shortName(e);
        }
        Timestamp mtime = FatTimestamp.decode(e.written().date(), e.written().time());
        if (mtime == null) {
          throw corrupt(dir, pieces, off, "invalid write time: " + describe(e.written()));
        }
        ImagePath path;
        try {
          path = dir.child(name);
        } catch (IllegalArgumentException ex) {
          throw corrupt(
              dir, pieces, off, "name '" + name + "' cannot name a file: " + ex.getMessage());
        }
        if (out.get(path) != null) {
          throw corrupt(dir, pieces, off, "a second entry named " + path);
        }
        long clusterField = at(pieces, off) + DirectoryEntry.DIR_FST_CLUS_LO;
        if ((attr & DirectoryEntry.ATTR_DIRECTORY) != 0) {
          out.put(path, Entry.directory(0755, mtime));
          subdirs.add(new Pending(path, e.firstCluster(), clusterField));
        } else {
          long size = e.fileSize();
          long clusters = (size + b.clusterBytes() - 1) / b.clusterBytes();
          Content content;
          if (size == 0) {
            if (e.firstCluster() != 0) {
              throw corrupt(
                  dir,
                  pieces,
                  off,
                  path + ": empty file with first cluster " + e.firstCluster() + ", expected 0");
            }
            content = Content.ofBytes(new byte[0]);
          } else {
            content =
                chainContent(
                    chain(e.firstCluster(), clusters, path.toString(), clusterField, false), size);
          }
          out.put(path, Entry.file(0644, mtime, content));
        }
      }
      for (int i = subdirs.size() - 1; i >= 0; i--) {
        pending.push(subdirs.get(i));
      }
    }

    private String longName(StringBuilder lfn, ImagePath dir, List<long[]> pieces, int off)
        throws JimgException {
      int end = lfn.indexOf("\0");
      String s = end < 0 ? lfn.toString() : lfn.substring(0, end);
      try {
        StandardCharsets.UTF_16LE
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .encode(java.nio.CharBuffer.wrap(s));
      } catch (CharacterCodingException ex) {
        throw corrupt(dir, pieces, off, "long name is not valid UTF-16 (an unpaired surrogate)");
      }
      if (s.isEmpty()) {
        throw corrupt(dir, pieces, off, "empty long name");
      }
      if (s.length() > LongNameEntry.MAX_LENGTH) {
        throw corrupt(
            dir,
            pieces,
            off,
            "long name of " + s.length() + " UTF-16 code units, expected at most 255");
      }
      return s;
    }

    private static String shortName(DirectoryEntry e) {
      byte[] n = e.name().clone();
      if ((n[0] & 0xFF) == 0x05) {
        n[0] = (byte) 0xE5;
      }
      String s = new String(n, OEM);
      String base = s.substring(0, 8).stripTrailing();
      String ext = s.substring(8).stripTrailing();
      if ((e.ntFlags() & DirectoryEntry.NT_LOWER_BASE) != 0) {
        base = base.toLowerCase(Locale.ROOT);
      }
      if ((e.ntFlags() & DirectoryEntry.NT_LOWER_EXT) != 0) {
        ext = ext.toLowerCase(Locale.ROOT);
      }
      return ext.isEmpty() ? base : base + "." + ext;
    }

    /** An error in the entry at {@code off} of directory {@code dir}, at its image offset. */
    private CorruptInputException corrupt(
        ImagePath dir, List<long[]> pieces, int off, String problem) {
      return new CorruptInputException(
          resource,
          at(pieces, off),
          "directory "
              + (dir.isRoot() ? "/" : "/" + dir)
              + ", entry "
              + off / DirectoryEntry.SIZE
              + ": "
              + problem);
    }

    /** The image offset of byte {@code off} of a directory whose bytes lie in {@code pieces}. */
    private static long at(List<long[]> pieces, long off) {
      long rest = off;
      for (long[] p : pieces) {
        if (rest < p[1]) {
          return p[0] + rest;
        }
        rest -= p[1];
      }
      return CorruptInputException.UNKNOWN_OFFSET;
    }

    /** A write date and time as fields and as the date they try to name. */
    private static String describe(FatTimestamp t) {
      return String.format(
          Locale.ROOT,
          "DIR_WrtDate 0x%04X, DIR_WrtTime 0x%04X (%04d-%02d-%02d %02d:%02d:%02d) is not a valid"
              + " date",
          t.date(),
          t.time(),
          1980 + ((t.date() >>> 9) & 0x7F),
          (t.date() >>> 5) & 0xF,
          t.date() & 0x1F,
          (t.time() >>> 11) & 0x1F,
          (t.time() >>> 5) & 0x3F,
          (t.time() & 0x1F) * 2);
    }

    private static String hex(int v) {
      return Integer.toHexString(v).toUpperCase(Locale.ROOT);
    }

    /** A file's bytes: its cluster runs (first cluster, count) in the channel, cut to its size. */
    private Content chainContent(List<long[]> runs, long size) {
      List<long[]> mapped = new ArrayList<>(runs.size());
      long fileOffset = 0;
      for (long[] r : runs) {
        long length = r[1] * b.clusterBytes();
        mapped.add(new long[] {fileOffset, b.clusterOffset(r[0]), length});
        fileOffset += length;
      }
      return Content.ofImageRuns(ch, size, mapped, "FAT chain of " + size + " bytes");
    }
  }
}
