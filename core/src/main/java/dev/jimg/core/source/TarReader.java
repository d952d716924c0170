/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.TreeConflictException;
import dev.jimg.core.UnsafePathException;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveStructSparse;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Reads the entries of one (decompressed) tar into a {@link FileTreeBuilder}. Headers are parsed by
 * commons-compress; this class maps them onto the tree model, checks what the model requires and
 * turns every failure of the parser into a {@link CorruptInputException} naming the source, the
 * entry and its byte offset.
 *
 * <p>Regular files' data is either left in place (a seekable, uncompressed tar: contents are byte
 * ranges of it) or copied once into a spool channel (anything else); sparse files keep only their
 * data extents either way.
 *
 * <p>Not thread-safe; used once per source.
 */
final class TarReader {
  private static final int RECORD = TarInput.RECORD;
  private static final String SCHILY_XATTR = "SCHILY.xattr.";
  private static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";
  private static final String PAX_PATH = "path";
  private static final String PAX_LINKPATH = "linkpath";
  private static final String GNU_SPARSE_NAME = "GNU.sparse.name";

  /** The real size of a PAX GNU sparse file, formats 0.0 and 0.1 (the map in PAX records). */
  private static final String GNU_SPARSE_SIZE = "GNU.sparse.size";

  /** The real size of a PAX GNU sparse file, format 1.0 (the map at the start of the data). */
  private static final String GNU_SPARSE_REALSIZE = "GNU.sparse.realsize";

  /** Longest decimal number in a format 1.0 sparse map. */
  private static final int MAX_MAP_DIGITS = 19;

  /** GNU tar's volume label entry: no file, skipped. */
  private static final byte LF_VOLUME_LABEL = 'V';

  private final String name;
  private final TarInput input;
  private final SourceOptions options;
  private final TarBacking backing;
  private final FileTreeBuilder builder = new FileTreeBuilder();
  private final byte[] copyBuffer;

  /**
   * Where {@link #drain} reads the rest of a dense entry into: commons-compress' own skip reads
   * into a new 8 KiB array per 8 KiB, which made as much garbage as the tar has data.
   */
  private final byte[] drainBuffer = new byte[1 << 16];

  private long spoolEnd;

  /**
   * Raw values of the {@code SCHILY.xattr.*} records of the global PAX headers ('g') seen so far:
   * commons-compress applies them to every later entry, but decoded as UTF-8, and the raw header
   * bytes of an entry hold only the global headers read just before it, so a binary global xattr
   * came out right on the first entry and as U+FFFD replacement bytes on the others.
   */
  private final Map<String, byte[]> globalXattrs = new java.util.HashMap<>();

  /** ACL texts of the entry being read that name users or groups without ids: key, text. */
  private final List<String[]> unresolvedAcls = new ArrayList<>();

  /** ACLs to resolve once the archive's etc/passwd and etc/group are known. */
  private final List<PendingAcl> pendingAcls = new ArrayList<>();

  private record PendingAcl(
      ImagePath path, Entry entry, String key, String text, long offset, String display) {}

  /**
   * @param backing where contents will be read from: the tar file itself when {@code input} is
   *     seekable, else the spool to copy data into
   */
  TarReader(String name, TarInput input, TarBacking backing, SourceOptions options) {
    this.name = name;
    this.input = input;
    this.backing = backing;
    this.options = options;
    this.copyBuffer = input.seekable() ? null : new byte[1 << 16];
  }

  /** Reads every entry and builds the tree. */
  FileTree read() throws IOException {
    TarArchiveInputStream tar =
        new TarArchiveInputStream(
            input,
            TarConstants.DEFAULT_BLKSIZE,
            TarConstants.DEFAULT_RCDSIZE,
            StandardCharsets.ISO_8859_1.name(),
            false);
    long entryOffset = 0;
    String lastName = null;
    int entries = 0;
    while (true) {
      input.beginHeader(entryOffset);
      TarArchiveEntry e;
      try {
        e = tar.getNextEntry();
      } catch (JimgException x) {
        throw x;
      } catch (StackOverflowError x) {
        // commons-compress recurses once per GNU long-name or PAX header before an entry; a
        // hostile archive of thousands of them exhausts the stack. The parser's state is thrown
        // away with the error, so nothing half-updated survives.
        throw corrupt(
            entryOffset,
            "thousands of nested long-name or PAX headers before one entry; the archive is corrupt"
                + " or hostile");
      } catch (IOException | RuntimeException x) {
        long start = input.capturedStart();
        byte[] headerBytes = input.endHeader();
        String bigSparse = bigOldGnuSparse(headerBytes, start);
        if (bigSparse != null) {
          throw corrupt(
              entryOffset,
              "entry '"
                  + bigSparse
                  + "': an old-GNU sparse file of 8 GiB or more (GNU tar --format=gnu --sparse"
                  + " gives its size in base-256, which commons-compress cannot read) is not"
                  + " supported; make the tar with --format=posix",
              x);
        }
        String other = lastName == null && start == 0 ? otherFormat(headerBytes) : null;
        if (other != null) {
          throw corrupt(0, other, x);
        }
        throw corrupt(
            entryOffset,
            lastName == null
                ? "not a readable tar archive: " + reason(x)
                : "cannot read the header after entry '" + lastName + "': " + reason(x),
            x);
      }
      long capturedStart = input.capturedStart();
      byte[] captured = input.endHeader();
      if (e == null) {
        if (entries == 0 && capturedStart == 0) {
          String other = otherFormat(captured);
          if (other != null) {
            throw corrupt(0, other);
          }
        }
        checkEnd(captured.length, entries);
        break;
      }
      entries++;
      long dataStart = input.position();
      Map<String, byte[]> raw = withGlobalXattrs(captured, capturedStart);
      byte[] rawName = rawName(e, raw);
      String display = ImagePath.display(rawName);
      if (!e.isCheckSumOK()) {
        String other = entries == 1 && capturedStart == 0 ? otherFormat(captured) : null;
        if (other != null) {
          throw corrupt(0, other);
        }
        throw corrupt(
            entryOffset,
            entries == 1
                ? "not a tar archive (the first header's checksum does not match)"
                : "entry '"
                    + display
                    + "': header checksum does not match; the archive is corrupt");
      }
      try {
        addEntry(tar, e, rawName, raw, captured, capturedStart, entryOffset, dataStart);
        drain(tar, e);
      } catch (JimgException x) {
        throw x;
      } catch (IOException | RuntimeException x) {
        throw corrupt(entryOffset, "entry '" + display + "': " + reason(x), x);
      }
      lastName = display;
      entryOffset = alignUp(input.position());
    }
    resolvePendingAcls();
    try {
      return builder.build();
    } catch (TreeConflictException x) {
      throw new TreeConflictException(name + ": " + x.getMessage());
    }
  }

  /**
   * What a source that is not a tar is, from its first bytes, when it is a format people give by
   * mistake: another archive or a compression jimg does not decode. It read "ends without the
   * end-of-archive blocks; the archive is truncated" (lz4, lzma) or "Corrupted TAR archive."
   * (cpio).
   */
  static String otherFormat(byte[] b) {
    if (b.length >= RECORD && TarInput.isUstar(b, 0)) {
      return null;
    }
    String what = null;
    if (starts(b, 0x04, 0x22, 0x4D, 0x18)) {
      what = "an lz4 stream, which jimg does not decompress (lz4 -dc FILE | jimg ... -)";
    } else if (starts(b, 'L', 'Z', 'I', 'P')) {
      what = "an lzip stream, which jimg does not decompress (lzip -dc FILE | jimg ... -)";
    } else if (starts(b, 0x5D, 0x00, 0x00)) {
      what = "an lzma stream, which jimg does not decompress (xz -dc FILE | jimg ... -)";
    } else if (starts(b, 0x1F, 0x9D)) {
      what = "a compress (.Z) stream, which jimg does not decompress (gzip -dc FILE | jimg ... -)";
    } else if (starts(b, '0', '7', '0', '7', '0')
        || starts(b, 0xC7, 0x71)
        || starts(b, 0x71, 0xC7)) {
      what = "a cpio archive, which jimg does not read (only tar)";
    } else if (starts(b, 'P', 'K', 0x03, 0x04)) {
      what = "a zip archive, which jimg does not read (only tar)";
    } else if (starts(b, '7', 'z', 0xBC, 0xAF, 0x27, 0x1C)) {
      what = "a 7z archive, which jimg does not read (only tar)";
    }
    return what == null ? null : "is not a tar but " + what;
  }

  private static boolean starts(byte[] b, int... magic) {
    if (b.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The name in an old-GNU sparse header ('S') among the header blocks {@code captured} (from tar
   * offset {@code start}) whose real size field (12 bytes at 483) is base-256, or null.
   */
  static String bigOldGnuSparse(byte[] captured, long start) {
    for (int b = TarInput.firstRecord(start); b + RECORD <= captured.length; b += RECORD) {
      if (TarInput.isHeader(captured, b, 'S') && (captured[b + 483] & 0x80) != 0) {
        int end = b;
        while (end < b + 100 && captured[end] != 0) {
          end++;
        }
        return ImagePath.display(java.util.Arrays.copyOfRange(captured, b, end));
      }
    }
    return null;
  }

  /**
   * The entry's raw PAX values ({@link TarPaxRecords#scan}) over the raw global xattrs so far,
   * after taking in those of any global header among {@code captured}.
   */
  private Map<String, byte[]> withGlobalXattrs(byte[] captured, long start) {
    for (int b = TarInput.firstRecord(start); b + RECORD <= captured.length; b += RECORD) {
      long size =
          TarInput.isHeader(captured, b, 'g') ? TarInput.octal(captured, b + 124, b + 136) : -1;
      if (size <= 0) {
        continue;
      }
      int from = b + RECORD;
      int to = (int) Math.min(captured.length, from + size);
      if (from < to) {
        byte[] data = java.util.Arrays.copyOfRange(captured, from, to);
        for (Map.Entry<String, byte[]> r : TarPaxRecords.scanInOrder(data, 0)) {
          if (r.getKey().startsWith(SCHILY_XATTR)) {
            globalXattrs.put(r.getKey(), r.getValue());
          }
        }
      }
    }
    Map<String, byte[]> raw = TarPaxRecords.scan(captured, start);
    if (globalXattrs.isEmpty()) {
      return raw;
    }
    Map<String, byte[]> merged = new java.util.HashMap<>(globalXattrs);
    merged.putAll(raw);
    return merged;
  }

  private void checkEnd(int trailer, int entries) throws CorruptInputException {
    long end = input.position();
    if (end == 0) {
      throw corrupt(0, "is empty (0 bytes); a tar archive has at least an end-of-archive block");
    }
    if (trailer < RECORD || end % RECORD != 0) {
      throw corrupt(
          end,
          "ends without the end-of-archive blocks"
              + (entries == 0 ? "" : " after " + entries + " entries")
              + "; the archive is truncated");
    }
  }

  private void addEntry(
      TarArchiveInputStream tar,
      TarArchiveEntry e,
      byte[] rawName,
      Map<String, byte[]> raw,
      byte[] captured,
      long capturedStart,
      long offset,
      long dataStart)
      throws IOException {
    byte flag = e.getLinkFlag();
    if (flag == LF_VOLUME_LABEL) {
      return;
    }
    ImagePath path = safePath(rawName, offset, "entry");
    String display = path.toString();
    EntryType type = typeOf(e, flag, rawName, offset);
    if (type == EntryType.HARDLINK) {
      byte[] rawTarget = rawLink(e, raw);
      ImagePath target = safePath(rawTarget, offset, "hard link '" + display + "' target");
      Entry existing = builder.get(target);
      if (existing == null) {
        throw corrupt(
            offset,
            "entry '"
                + display
                + "': hard link to '"
                + target
                + "', which is not earlier in the archive");
      }
      if (existing.type() == EntryType.DIRECTORY) {
        throw corrupt(offset, "entry '" + display + "': hard link to directory '" + target + "'");
      }
      if (input.seekable() && e.getSize() > 0) {
        input.discard(e.getSize());
      }
      put(path, Entry.hardlink(target), offset);
      return;
    }
    long uid = options.rootOwner() ? 0 : unsigned32(e.getLongUserId());
    long gid = options.rootOwner() ? 0 : unsigned32(e.getLongGroupId());
    if (uid < 0 || uid > Entry.MAX_ID || gid < 0 || gid > Entry.MAX_ID) {
      throw corrupt(
          offset, "entry '" + display + "': owner " + uid + ":" + gid + " is not 32-bit unsigned");
    }
    Entry.Builder b =
        Entry.builder(type)
            .mode(e.getMode())
            .uid(uid)
            .gid(gid)
            .mtime(timestamp(e.getLastModifiedTime()))
            .atime(timestamp(e.getLastAccessTime()))
            .ctime(timestamp(e.getStatusChangeTime()));
    addXattrs(b, e, raw, offset, display);
    switch (type) {
      case SYMLINK -> {
        byte[] target = rawLink(e, raw);
        if (target.length == 0) {
          throw corrupt(offset, "entry '" + display + "': symbolic link with an empty target");
        }
        b.symlinkTarget(target);
      }
      case CHAR_DEVICE, BLOCK_DEVICE -> {
        if (e.getDevMajor() < 0 || e.getDevMinor() < 0) {
          throw corrupt(offset, "entry '" + display + "': negative device number");
        }
        b.device(e.getDevMajor(), e.getDevMinor());
      }
      case REGULAR ->
          b.content(
              isPaxSparse(raw)
                  ? paxSparseContent(
                      tar, e, raw, captured, capturedStart, offset, dataStart, display)
                  : content(tar, e, offset, dataStart, display));
      default -> {}
    }
    // commons-compress reads no data of a directory (GNU tar and bsdtar do not either: the next
    // record is the next header), so none is marked to be passed over: a pending discard was taken
    // for that header's bytes and the parser re-read a stale header (20 phantom entries)
    if (type != EntryType.REGULAR
        && type != EntryType.DIRECTORY
        && input.seekable()
        && e.getSize() > 0
        && !e.isSparse()) {
      input.discard(e.getSize());
    }
    Entry built = b.build();
    put(path, built, offset);
    for (String[] acl : unresolvedAcls) {
      pendingAcls.add(new PendingAcl(path, built, acl[0], acl[1], offset, display));
    }
    unresolvedAcls.clear();
  }

  private void put(ImagePath path, Entry entry, long offset) throws TreeConflictException {
    try {
      builder.put(path, entry);
    } catch (TreeConflictException x) {
      throw new TreeConflictException(
          name + " at byte " + offset + ": entry '" + path + "': " + x.getMessage());
    }
  }

  private EntryType typeOf(TarArchiveEntry e, byte flag, byte[] rawName, long offset)
      throws CorruptInputException {
    switch (flag) {
      case TarConstants.LF_NORMAL,
          TarConstants.LF_OLDNORM,
          TarConstants.LF_CONTIG,
          TarConstants.LF_GNUTYPE_SPARSE -> {
        boolean slash = rawName.length > 0 && rawName[rawName.length - 1] == '/';
        return slash && flag == TarConstants.LF_OLDNORM ? EntryType.DIRECTORY : EntryType.REGULAR;
      }
      case TarConstants.LF_LINK -> {
        return EntryType.HARDLINK;
      }
      case TarConstants.LF_SYMLINK -> {
        return EntryType.SYMLINK;
      }
      case TarConstants.LF_CHR -> {
        return EntryType.CHAR_DEVICE;
      }
      case TarConstants.LF_BLK -> {
        return EntryType.BLOCK_DEVICE;
      }
      case TarConstants.LF_DIR -> {
        return EntryType.DIRECTORY;
      }
      case TarConstants.LF_FIFO -> {
        return EntryType.FIFO;
      }
      default -> {
        String shown =
            flag >= 0x21 && flag < 0x7f
                ? "'" + (char) flag + "'"
                : String.format(java.util.Locale.ROOT, "0x%02x", flag & 0xFF);
        throw corrupt(
            offset,
            "entry '"
                + ImagePath.display(rawName)
                + "': unknown entry type "
                + shown
                + " (not a file, link, device, fifo or directory)");
      }
    }
  }

  private Content content(
      TarArchiveInputStream tar, TarArchiveEntry e, long offset, long dataStart, String display)
      throws IOException {
    if (e.isStarSparse()) {
      throw corrupt(offset, "entry '" + display + "': star-style sparse files are not supported");
    }
    if (!e.isSparse()) {
      long size = e.getSize();
      if (size < 0) {
        throw corrupt(offset, "entry '" + display + "': negative size " + size);
      }
      if (input.seekable()) {
        if (dataStart + size > input.size()) {
          throw corrupt(
              offset,
              "entry '"
                  + display
                  + "': its "
                  + size
                  + " bytes of data run past the end of the file; the archive is truncated");
        }
        input.discard(size);
        return TarContent.dense(backing, dataStart, size);
      }
      long at = spoolEnd;
      copy(tar, size, offset, display);
      return TarContent.dense(backing, at, size);
    }
    return sparseContent(
        tar, e.getRealSize(), e.getOrderedSparseHeaders(), true, offset, dataStart, display);
  }

  /** Whether the entry is a GNU sparse file in PAX form (formats 0.0, 0.1 and 1.0). */
  private static boolean isPaxSparse(Map<String, byte[]> raw) {
    return raw.containsKey(GNU_SPARSE_SIZE) || raw.containsKey(GNU_SPARSE_REALSIZE);
  }

  /**
   * A GNU sparse file in PAX form. {@link TarInput} hides its size keys from commons-compress
   * (which parses them as an int and fails from 2 GiB on), so the entry arrives as a plain file of
   * its stored bytes: for format 1.0 the sparse map (decimal numbers, one a line, padded to a
   * record) followed by the extents' data, for 0.0 and 0.1 the data alone, its map in the PAX
   * records (read here from the raw header bytes).
   */
  private Content paxSparseContent(
      TarArchiveInputStream tar,
      TarArchiveEntry e,
      Map<String, byte[]> raw,
      byte[] captured,
      long capturedStart,
      long offset,
      long dataStart,
      String display)
      throws IOException {
    boolean v1 = raw.containsKey(GNU_SPARSE_REALSIZE);
    String sizeKey = v1 ? GNU_SPARSE_REALSIZE : GNU_SPARSE_SIZE;
    long size = decimal(raw.get(sizeKey), offset, display, sizeKey);
    long stored = e.getSize();
    List<TarArchiveStructSparse> map = new ArrayList<>();
    long mapBytes = 0;
    if (v1) {
      long[] consumed = {0};
      long count = mapNumber(tar, consumed, stored, offset, display);
      if (count > stored / 4) {
        throw corrupt(
            offset,
            "entry '" + display + "': sparse map of " + count + " extents in " + stored + " bytes");
      }
      for (long i = 0; i < count; i++) {
        long at = mapNumber(tar, consumed, stored, offset, display);
        long length = mapNumber(tar, consumed, stored, offset, display);
        map.add(new TarArchiveStructSparse(at, length));
      }
      mapBytes = alignUp(consumed[0]);
      if (mapBytes > stored) {
        throw corrupt(offset, "entry '" + display + "': sparse map runs past the entry's data");
      }
      skipFully(tar, mapBytes - consumed[0], offset, display);
    } else {
      map.addAll(paxSparseMap(raw, captured, capturedStart, offset, display));
    }
    return sparseContent(tar, size, map, false, offset, dataStart + mapBytes, display);
  }

  /**
   * The map of a format 0.1 ({@code GNU.sparse.map=OFFSET,LENGTH,...}) or 0.0 (pairs of {@code
   * GNU.sparse.offset} and {@code GNU.sparse.numbytes} records, in order) sparse file.
   */
  private List<TarArchiveStructSparse> paxSparseMap(
      Map<String, byte[]> raw, byte[] captured, long capturedStart, long offset, String display)
      throws CorruptInputException {
    List<Long> numbers = new ArrayList<>();
    byte[] map01 = raw.get("GNU.sparse.map");
    if (map01 != null) {
      String text = new String(map01, StandardCharsets.US_ASCII);
      if (!text.isEmpty()) {
        for (String part : text.split(",", -1)) {
          numbers.add(
              decimal(part.getBytes(StandardCharsets.US_ASCII), offset, display, "GNU.sparse.map"));
        }
      }
    } else {
      String expect = "GNU.sparse.offset";
      for (Map.Entry<String, byte[]> r : TarPaxRecords.scanInOrder(captured, capturedStart)) {
        String key = r.getKey();
        if (!key.equals("GNU.sparse.offset") && !key.equals("GNU.sparse.numbytes")) {
          continue;
        }
        if (!key.equals(expect)) {
          throw corrupt(
              offset,
              "entry '"
                  + display
                  + "': GNU.sparse.offset and GNU.sparse.numbytes do not alternate");
        }
        numbers.add(decimal(r.getValue(), offset, display, key));
        expect = key.equals("GNU.sparse.offset") ? "GNU.sparse.numbytes" : "GNU.sparse.offset";
      }
    }
    if (numbers.size() % 2 != 0) {
      throw corrupt(offset, "entry '" + display + "': the sparse map has an odd count of numbers");
    }
    List<TarArchiveStructSparse> out = new ArrayList<>();
    for (int i = 0; i < numbers.size(); i += 2) {
      out.add(new TarArchiveStructSparse(numbers.get(i), numbers.get(i + 1)));
    }
    return out;
  }

  /** One decimal number and its newline from a format 1.0 sparse map. */
  private long mapNumber(
      TarArchiveInputStream tar, long[] consumed, long stored, long offset, String display)
      throws IOException {
    long value = 0;
    int digits = 0;
    while (true) {
      int c = consumed[0] < stored ? tar.read() : -1;
      if (c < 0) {
        throw corrupt(offset, "entry '" + display + "': the sparse map ends early");
      }
      consumed[0]++;
      if (c == '\n' && digits > 0) {
        return value;
      }
      if (c < '0' || c > '9' || digits == MAX_MAP_DIGITS) {
        throw corrupt(
            offset, "entry '" + display + "': the sparse map holds something not a number");
      }
      value = value * 10 + (c - '0');
      digits++;
    }
  }

  private long decimal(byte[] v, long offset, String display, String key)
      throws CorruptInputException {
    String text = new String(v, StandardCharsets.US_ASCII);
    try {
      long n = Long.parseLong(text);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException x) {
      // reported below
    }
    throw corrupt(offset, "entry '" + display + "': " + key + " '" + text + "' is not a size");
  }

  /**
   * A sparse file of {@code size} bytes whose data extents {@code map} are stored one after the
   * other from {@code dataStart}. {@code holesInStream}: commons-compress itself reads the entry as
   * sparse, so its stream gives the holes as zeros; else the stream holds the extents' bytes alone.
   */
  private Content sparseContent(
      TarArchiveInputStream tar,
      long size,
      List<TarArchiveStructSparse> map,
      boolean holesInStream,
      long offset,
      long dataStart,
      String display)
      throws IOException {
    List<long[]> extents = new ArrayList<>();
    long end = 0;
    long stored = 0;
    for (TarArchiveStructSparse s : map) {
      if (s.getNumbytes() == 0) {
        continue;
      }
      if (s.getOffset() < end
          || s.getNumbytes() < 0
          || s.getOffset() + s.getNumbytes() > size
          || s.getOffset() + s.getNumbytes() < 0) {
        throw corrupt(
            offset,
            "entry '"
                + display
                + "': sparse map entry "
                + s.getOffset()
                + "+"
                + s.getNumbytes()
                + " overlaps another or lies beyond the file's size "
                + size);
      }
      extents.add(new long[] {s.getOffset(), s.getNumbytes()});
      end = s.getOffset() + s.getNumbytes();
      stored += s.getNumbytes();
    }
    int n = extents.size();
    long[] offsets = new long[n];
    long[] lengths = new long[n];
    long[] positions = new long[n];
    if (input.seekable()) {
      if (dataStart + stored > input.size()) {
        throw corrupt(
            offset,
            "entry '" + display + "': sparse data runs past the end of the file; truncated");
      }
      long p = dataStart;
      for (int i = 0; i < n; i++) {
        offsets[i] = extents.get(i)[0];
        lengths[i] = extents.get(i)[1];
        positions[i] = p;
        p += lengths[i];
      }
      if (!holesInStream) {
        input.discard(stored);
      }
    } else {
      long logical = 0;
      for (int i = 0; i < n; i++) {
        offsets[i] = extents.get(i)[0];
        lengths[i] = extents.get(i)[1];
        if (holesInStream) {
          skipFully(tar, offsets[i] - logical, offset, display);
        }
        positions[i] = spoolEnd;
        copy(tar, lengths[i], offset, display);
        logical = offsets[i] + lengths[i];
      }
    }
    return TarContent.sparse(backing, size, offsets, lengths, positions);
  }

  /**
   * Consumes what is left of the current entry's data before the next header is read, so that it is
   * neither recorded as header bytes nor counted against {@link TarInput#MAX_HEADER_BYTES} (data
   * left in place was marked with {@link TarInput#discard} is not even read). A sparse entry is
   * skipped extent by extent; a dense one is read into {@link #drainBuffer}, which fails on a
   * truncated archive as {@code skip} does.
   */
  private void drain(TarArchiveInputStream tar, TarArchiveEntry e) throws IOException {
    if (e.isSparse()) {
      while (tar.skip(Long.MAX_VALUE) > 0) {
        // sparse entries skip extent by extent
      }
      return;
    }
    while (tar.read(drainBuffer, 0, drainBuffer.length) > 0) {
      // discarded
    }
  }

  private void skipFully(InputStream tar, long n, long offset, String display) throws IOException {
    long left = n;
    while (left > 0) {
      long s = tar.skip(left);
      if (s <= 0) {
        throw corrupt(offset, "entry '" + display + "': data ends early; the archive is truncated");
      }
      left -= s;
    }
  }

  private void copy(InputStream tar, long n, long offset, String display) throws IOException {
    FileChannel spool = backing.channel();
    long left = n;
    while (left > 0) {
      int r = tar.read(copyBuffer, 0, (int) Math.min(copyBuffer.length, left));
      if (r < 0) {
        throw corrupt(offset, "entry '" + display + "': data ends early; the archive is truncated");
      }
      ByteBuffer buf = ByteBuffer.wrap(copyBuffer, 0, r);
      while (buf.hasRemaining()) {
        spoolEnd += spool.write(buf, spoolEnd);
      }
      left -= r;
    }
  }

  private void addXattrs(
      Entry.Builder b, TarArchiveEntry e, Map<String, byte[]> raw, long offset, String display)
      throws CorruptInputException {
    Map<String, byte[]> xattrs = new TreeMap<>();
    for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
      String key = h.getKey();
      if (key.startsWith(SCHILY_XATTR) && key.length() > SCHILY_XATTR.length()) {
        byte[] value = raw.get(key);
        xattrs.putIfAbsent(
            key.substring(SCHILY_XATTR.length()),
            value != null ? value : h.getValue().getBytes(StandardCharsets.UTF_8));
      }
    }
    // An empty value: GNU tar writes "SCHILY.xattr.user.a=" for an empty xattr and restores it
    // so, as libarchive does; commons-compress drops the record (a PAX "delete this keyword").
    for (Map.Entry<String, byte[]> r : raw.entrySet()) {
      String key = r.getKey();
      if (key.startsWith(SCHILY_XATTR)
          && key.length() > SCHILY_XATTR.length()
          && r.getValue().length == 0) {
        xattrs.putIfAbsent(key.substring(SCHILY_XATTR.length()), r.getValue());
      }
    }
    for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
      String key = h.getKey();
      if (key.startsWith(LIBARCHIVE_XATTR) && key.length() > LIBARCHIVE_XATTR.length()) {
        try {
          String xname =
              URLDecoder.decode(key.substring(LIBARCHIVE_XATTR.length()), StandardCharsets.UTF_8);
          xattrs.put(xname, Base64.getDecoder().decode(h.getValue().trim()));
        } catch (IllegalArgumentException x) {
          throw corrupt(
              offset,
              "entry '" + display + "': " + key + " is not URL-encoded name = base64 value",
              x);
        }
      }
    }
    addAcls(b, e, raw, xattrs, offset, display);
    for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
      if (x.getKey().isEmpty() || x.getKey().indexOf('\0') >= 0) {
        throw corrupt(offset, "entry '" + display + "': bad xattr name '" + x.getKey() + "'");
      }
      b.xattr(x.getKey(), x.getValue());
    }
  }

  /**
   * POSIX ACLs that {@code tar --acls} and {@code bsdtar --acls} store as text ({@code
   * SCHILY.acl.access}, {@code SCHILY.acl.default}) become the {@code system.posix_acl_*} xattrs
   * extraction would give the file (unless the tar has those xattrs too: they win). They were left
   * out without a word. An access ACL that says no more than the mode is not stored, as the kernel
   * does not; one with a mask puts the mask in the group bits of the mode, as setting it does
   * (bsdtar stores the owning group's bits there, GNU tar the mask's).
   */
  private void addAcls(
      Entry.Builder b,
      TarArchiveEntry e,
      Map<String, byte[]> raw,
      Map<String, byte[]> xattrs,
      long offset,
      String display)
      throws CorruptInputException {
    unresolvedAcls.clear();
    byte[] access = raw.get(TarAcls.ACCESS_KEY);
    if (access != null && !xattrs.containsKey(TarAcls.ACCESS_XATTR)) {
      addAcl(
          b, e.getMode(), TarAcls.ACCESS_KEY, access, TarAcls.Names.NONE, xattrs, offset, display);
    }
    byte[] dflt = raw.get(TarAcls.DEFAULT_KEY);
    if (dflt != null && e.isDirectory() && !xattrs.containsKey(TarAcls.DEFAULT_XATTR)) {
      addAcl(
          b, e.getMode(), TarAcls.DEFAULT_KEY, dflt, TarAcls.Names.NONE, xattrs, offset, display);
    }
  }

  /**
   * Adds one ACL as its xattr to {@code xattrs} (and a mask to the mode); one that names users or
   * groups is kept for {@link #resolvePendingAcls} when {@code names} does not know them.
   */
  private void addAcl(
      Entry.Builder b,
      int mode,
      String key,
      byte[] text,
      TarAcls.Names names,
      Map<String, byte[]> xattrs,
      long offset,
      String display)
      throws CorruptInputException {
    String value = new String(text, StandardCharsets.UTF_8);
    List<TarAcls.AclEntry> acl;
    try {
      acl = TarAcls.parse(value, names);
    } catch (TarAcls.UnknownName x) {
      if (names != TarAcls.Names.NONE) {
        throw corrupt(offset, "entry '" + display + "': " + key + ": " + x.getMessage(), x);
      }
      unresolvedAcls.add(new String[] {key, value});
      return;
    } catch (IllegalArgumentException x) {
      throw corrupt(offset, "entry '" + display + "': " + key + ": " + x.getMessage(), x);
    }
    if (key.equals(TarAcls.ACCESS_KEY)) {
      if (!TarAcls.isMinimal(acl)) {
        xattrs.put(TarAcls.ACCESS_XATTR, TarAcls.toXattr(acl));
        int mask = TarAcls.mask(acl);
        if (mask >= 0) {
          b.mode((mode & ~070) | (mask << 3));
        }
      }
    } else if (!acl.isEmpty()) {
      xattrs.put(TarAcls.DEFAULT_XATTR, TarAcls.toXattr(acl));
    }
  }

  /**
   * ACLs naming users or groups (GNU tar writes names, not ids) get their ids from the archive's
   * own etc/passwd and etc/group, the databases of the system the tree is for, read once the whole
   * archive is; an entry replaced later in the archive is left alone. A name neither lists fails.
   */
  private void resolvePendingAcls() throws IOException {
    if (pendingAcls.isEmpty()) {
      return;
    }
    Map<String, Long> users = database("etc/passwd");
    Map<String, Long> groups = database("etc/group");
    TarAcls.Names names =
        new TarAcls.Names() {
          @Override
          public Long user(String name) {
            return users.get(name);
          }

          @Override
          public Long group(String name) {
            return groups.get(name);
          }
        };
    for (PendingAcl p : pendingAcls) {
      if (builder.get(p.path()) != p.entry()) {
        continue;
      }
      Map<String, byte[]> xattrs = new TreeMap<>();
      Entry.Builder b = p.entry().toBuilder();
      addAcl(
          b,
          p.entry().mode(),
          p.key(),
          p.text().getBytes(StandardCharsets.UTF_8),
          names,
          xattrs,
          p.offset(),
          p.display());
      xattrs.forEach(b::xattr);
      Entry updated = b.build();
      builder.update(p.path(), old -> updated);
    }
  }

  /** Name to id from a passwd or group file in the tree (NAME:PASSWORD:ID:...), or empty. */
  private Map<String, Long> database(String path) throws IOException {
    Map<String, Long> out = new java.util.HashMap<>();
    Entry e = builder.get(ImagePath.of(path));
    if (e == null || e.type() != EntryType.REGULAR || e.content().size() > (16 << 20)) {
      return out;
    }
    byte[] bytes;
    try (InputStream in = e.content().open()) {
      bytes = in.readAllBytes();
    }
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      String[] f = line.split(":", -1);
      if (f.length >= 3 && !f[0].isEmpty() && f[2].matches("[0-9]{1,10}")) {
        long id = Long.parseLong(f[2]);
        if (id <= Entry.MAX_ID) {
          out.putIfAbsent(f[0], id);
        }
      }
    }
    return out;
  }

  private static byte[] rawName(TarArchiveEntry e, Map<String, byte[]> raw) {
    byte[] v = raw.get(GNU_SPARSE_NAME);
    if (v == null && !isPaxSparse(raw)) {
      v = raw.get(PAX_PATH);
    }
    return v != null ? v : bytesOf(e.getName());
  }

  private static byte[] rawLink(TarArchiveEntry e, Map<String, byte[]> raw) {
    byte[] v = raw.get(PAX_LINKPATH);
    return v != null ? v : bytesOf(e.getLinkName());
  }

  /**
   * Names decoded by commons-compress as ISO-8859-1 map back to their bytes exactly; a name that
   * came from a PAX record we could not find raw was decoded as UTF-8.
   */
  private static byte[] bytesOf(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xFF) {
        return s.getBytes(StandardCharsets.UTF_8);
      }
    }
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private ImagePath safePath(byte[] raw, long offset, String what) throws UnsafePathException {
    String problem = ImagePath.problem(raw);
    if (problem != null) {
      throw new UnsafePathException(
          name, offset, what + " '" + ImagePath.display(raw) + "': " + problem);
    }
    return ImagePath.parse(raw);
  }

  private static Timestamp timestamp(FileTime t) {
    if (t == null) {
      return null;
    }
    Instant i = t.toInstant();
    return new Timestamp(i.getEpochSecond(), i.getNano());
  }

  /**
   * commons-compress 1.28 narrows header (octal or GNU base-256) owners to a signed int, so uid
   * 4000000000 arrives as -294967296; PAX owners arrive as parsed. Owners are unsigned 32-bit.
   */
  private static long unsigned32(long id) {
    return id < 0 && id >= Integer.MIN_VALUE ? id & Entry.MAX_ID : id;
  }

  /**
   * What went wrong, for a message: a decoder's end of input often comes as an EOFException with no
   * message (xz-java), which read "not a readable tar archive: null".
   */
  static String reason(Throwable x) {
    String m = x.getMessage();
    if (x instanceof java.io.EOFException) {
      return "the data ends early; the archive or its compressed stream is truncated"
          + (m == null ? "" : " (" + m + ")");
    }
    return m != null ? m : x.getClass().getSimpleName();
  }

  private static long alignUp(long v) {
    return (v + RECORD - 1) / RECORD * RECORD;
  }

  private CorruptInputException corrupt(long offset, String problem) {
    return new CorruptInputException(name, offset, problem);
  }

  private CorruptInputException corrupt(long offset, String problem, Throwable cause) {
    return new CorruptInputException(name, offset, problem, cause);
  }
}
