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
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * Reads a FAT12/16/32 volume into a {@link FileTree}: directories (mode 0755) and regular files
 * (mode 0644), owner 0:0, names from VFAT long names or from short names with the NT lower-case
 * flags applied, mtimes from the write time read as UTC.
 *
 * <p>Strict: a bad boot sector, a cluster number outside the volume, a chain that is too short, too
 * long, loops or is shared, a long name whose slots are out of order or whose checksum does not
 * match its short entry, an invalid date, a name that is not valid UTF-16, or two entries of one
 * name are a {@link CorruptInputException} naming the offset. Volume labels, deleted entries and
 * the {@code .}/{@code ..} entries are skipped. File contents are read from the channel when
 * opened.
 *
 * <p>Stateless and thread-safe.
 */
public final class FatReader implements FilesystemReader {
  private static final int MAX_FAT_BYTES = 1 << 30;

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
        throw new CorruptInputException(
            resource,
            BootSector.BPB_TOT_SEC32,
            "the volume claims "
                + b.totalSectors() * b.bytesPerSector()
                + " bytes, the image has "
                + ch.size());
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
      byte[] root;
      if (b.type() == FatType.FAT32) {
        root = readChain(chain(rootCluster, -1, "the root directory"));
      } else {
        ByteBuffer r = ByteBuffer.allocate(b.rootEntries() * DirectoryEntry.SIZE);
        ch.readFully(r, b.rootDirStart() * b.bytesPerSector());
        root = r.array();
      }
      readDirectory(ImagePath.ROOT, root, true);
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
     * number if negative.
     */
    private List<long[]> chain(long first, long expected, String what) throws JimgException {
      List<long[]> runs = new ArrayList<>();
      long max = b.clusterCount() + 1;
      long c = first;
      long count = 0;
      while (true) {
        if (c < 2 || c > max) {
          throw new CorruptInputException(
              resource, fatOffset(c), what + ": cluster " + c + " is outside 2.." + max);
        }
        if (used.get((int) c)) {
          throw new CorruptInputException(
              resource,
              fatOffset(c),
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

    private long fatOffset(long cluster) {
      return b.fatStart() * b.bytesPerSector() + b.type().fatBytes(Math.max(0, cluster));
    }

    private byte[] readChain(List<long[]> runs) throws IOException {
      long total = 0;
      for (long[] r : runs) {
        total += r[1] * b.clusterBytes();
      }
      if (total > (DirectoryEntry.SIZE * 65_536L)) {
        throw new CorruptInputException(
            resource,
            b.clusterOffset(runs.get(0)[0]),
            "a directory of " + total + " bytes; FAT directories hold at most 2 MiB");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) total);
      for (long[] r : runs) {
        buf.limit(buf.position() + (int) (r[1] * b.clusterBytes()));
        ch.readFully(buf, b.clusterOffset(r[0]));
      }
      return buf.array();
    }

    private void readDirectory(ImagePath dir, byte[] data, boolean root) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      StringBuilder lfn = null;
      int lfnNext = 0;
      int lfnChecksum = 0;
      List<Object[]> subdirs = new ArrayList<>();
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
          if ((first & LongNameEntry.LAST_LONG_ENTRY) != 0) {
            if (ord < 1 || ord > 20) {
              throw corrupt(dir, off, "long-name slot with ordinal " + ord);
            }
            lfn = new StringBuilder();
            lfn.setLength(ord * LongNameEntry.CHARS_PER_SLOT);
            lfnNext = ord;
            lfnChecksum = data[off + LongNameEntry.LDIR_CHKSUM] & 0xFF;
          } else if (lfn == null
              || ord != lfnNext
              || (data[off + LongNameEntry.LDIR_CHKSUM] & 0xFF) != lfnChecksum) {
            throw corrupt(dir, off, "long-name slot out of order or with another checksum");
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
          if (root || !(shortText.equals(".          ") || shortText.equals("..         "))) {
            throw corrupt(dir, off, "a dot entry '" + shortText.strip() + "' where none belongs");
          }
          lfn = null;
          continue;
        }
        String name;
        if (lfn != null) {
          if (lfnNext != 0) {
            throw corrupt(dir, off, "long name missing slots before its short entry");
          }
          if (LongNameEntry.checksum(e.name()) != lfnChecksum) {
            throw corrupt(
                dir,
                off,
                "long-name checksum "
                    + lfnChecksum
                    + " does not match short name "
                    + shortText.strip()
                    + " ("
                    + LongNameEntry.checksum(e.name())
                    + ")");
          }
          name = longName(lfn, dir, off);
          lfn = null;
        } else {
          name = shortName(e);
        }
        Timestamp mtime = FatTimestamp.decode(e.written().date(), e.written().time());
        if (mtime == null) {
          throw corrupt(dir, off, "invalid write date/time " + e.written());
        }
        ImagePath path;
        try {
          path = dir.child(name);
        } catch (IllegalArgumentException ex) {
          throw corrupt(dir, off, "name '" + name + "' is not a valid path component");
        }
        if (out.get(path) != null) {
          throw corrupt(dir, off, "a second entry named " + path);
        }
        if ((attr & DirectoryEntry.ATTR_DIRECTORY) != 0) {
          out.put(path, Entry.directory(0755, mtime));
          subdirs.add(new Object[] {path, e.firstCluster()});
        } else {
          long size = e.fileSize();
          long clusters = (size + b.clusterBytes() - 1) / b.clusterBytes();
          Content content;
          if (size == 0) {
            if (e.firstCluster() != 0) {
              throw corrupt(dir, off, path + ": empty file with a cluster chain");
            }
            content = Content.ofBytes(new byte[0]);
          } else {
            content = chainContent(chain(e.firstCluster(), clusters, path.toString()), size);
          }
          out.put(path, Entry.file(0644, mtime, content));
        }
      }
      for (Object[] s : subdirs) {
        ImagePath p = (ImagePath) s[0];
        long c = (Long) s[1];
        readDirectory(p, readChain(chain(c, -1, p.toString())), false);
      }
    }

    private String longName(StringBuilder lfn, ImagePath dir, int off) throws JimgException {
      int end = lfn.indexOf("\0");
      String s = end < 0 ? lfn.toString() : lfn.substring(0, end);
      try {
        StandardCharsets.UTF_16LE
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .encode(java.nio.CharBuffer.wrap(s));
      } catch (CharacterCodingException ex) {
        throw corrupt(dir, off, "long name is not valid UTF-16 (an unpaired surrogate)");
      }
      if (s.isEmpty()) {
        throw corrupt(dir, off, "empty long name");
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

    private CorruptInputException corrupt(ImagePath dir, int off, String problem) {
      return new CorruptInputException(
          resource,
          CorruptInputException.UNKNOWN_OFFSET,
          "directory /" + dir + ", entry " + off / DirectoryEntry.SIZE + ": " + problem);
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
