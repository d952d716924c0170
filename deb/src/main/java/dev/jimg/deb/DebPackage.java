/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.UnsafePathException;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A Debian binary package (.deb, format 2.0 as deb(5) describes): an ar archive of {@code
 * debian-binary} ({@code "2.0\n"}), {@code control.tar[.gz|.xz|.zst]} and {@code
 * data.tar[.gz|.xz|.zst|.bz2]}, in that order; members whose names start with {@code _} may come
 * between them and are ignored, as dpkg does.
 *
 * <p>{@link #open} reads the ar headers, the control archive (kept in memory: it is small) and
 * checks that the data member is complete; the data archive is read when asked for ({@link
 * #openDataTar()}, {@link #dataMembers()}, {@link DebData#read}). Malformed packages fail with
 * {@link CorruptInputException} naming the file, the member and the byte offset in the .deb.
 *
 * <p>Immutable and thread-safe; holds no open file between calls.
 */
public final class DebPackage {
  /** The ar global header. */
  static final byte[] AR_MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);

  /** Size of an ar member header. */
  static final int AR_HEADER_SIZE = 60;

  /** The first member's name. */
  public static final String DEBIAN_BINARY = "debian-binary";

  static final String CONTROL_STEM = "control.tar";
  static final String DATA_STEM = "data.tar";

  /** Largest control archive (decompressed members) we load into memory. */
  static final long MAX_CONTROL_BYTES = 64L << 20;

  private static final Pattern PACKAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
  private static final Pattern ARCH_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern VERSION = Pattern.compile("([0-9]+:)?[0-9A-Za-z.+~:-]+");

  private final Path file;
  private final String resource;
  private final ControlParagraph control;
  private final Map<String, ControlMember> controlMembers;
  private final String dataMemberName;
  private final DebCompression dataCompression;
  private final long dataOffset;
  private final long dataLength;
  private final String formatVersion;
  private final long controlLength;
  private final long fileSize;

  private DebPackage(
      Path file,
      ControlParagraph control,
      Map<String, ControlMember> controlMembers,
      String dataMemberName,
      DebCompression dataCompression,
      long dataOffset,
      long dataLength,
      String formatVersion,
      long controlLength,
      long fileSize) {
    this.formatVersion = formatVersion;
    this.controlLength = controlLength;
    this.fileSize = fileSize;
    this.file = file;
    this.resource = file.toString();
    this.control = control;
    this.controlMembers = Collections.unmodifiableMap(new LinkedHashMap<>(controlMembers));
    this.dataMemberName = dataMemberName;
    this.dataCompression = dataCompression;
    this.dataOffset = dataOffset;
    this.dataLength = dataLength;
  }

  /** Whether {@code head} starts like a .deb: the ar magic, then a member named debian-binary. */
  public static boolean looksLikeDeb(byte[] head) {
    int nameEnd = AR_MAGIC.length + 16;
    if (head.length < nameEnd || !Arrays.equals(head, 0, AR_MAGIC.length, AR_MAGIC, 0, 8)) {
      return false;
    }
    String name = new String(head, AR_MAGIC.length, 16, StandardCharsets.US_ASCII).stripTrailing();
    return name.equals(DEBIAN_BINARY) || name.equals(DEBIAN_BINARY + "/");
  }

  /** Reads a package's structure and control archive. */
  public static DebPackage open(Path file) throws IOException {
    String resource = file.toString();
    long fileSize = Files.size(file);
    byte[] magic;
    try (InputStream in = Files.newInputStream(file)) {
      magic = in.readNBytes(AR_MAGIC.length);
    }
    if (!Arrays.equals(magic, AR_MAGIC)) {
      throw new CorruptInputException(
          resource,
          0,
          "not a Debian package: expected the ar magic '!<arch>\\n', found "
              + describeBytes(magic));
    }
    try (InputStream raw = Files.newInputStream(file);
        CountingInputStream counting =
            new CountingInputStream(new BufferedInputStream(raw, 1 << 16));
        ArArchiveInputStream ar = new ArArchiveInputStream(counting)) {
      int index = 0;
      ControlParagraph control = null;
      Map<String, ControlMember> members = null;
      String controlName = null;
      String version = null;
      long controlLength = 0;
      while (true) {
        long headerOffset = counting.count();
        ArArchiveEntry e;
        try {
          e = ar.getNextEntry();
        } catch (IOException | RuntimeException x) {
          throw new CorruptInputException(
              resource,
              headerOffset,
              "unreadable ar member header"
                  + (index == 0 ? "" : " after member " + index)
                  + ": "
                  + x.getMessage(),
              x);
        }
        if (e == null) {
          String missing =
              index == 0
                  ? "the " + DEBIAN_BINARY + " member"
                  : controlName == null ? "the control.tar member" : "the data.tar member";
          throw new CorruptInputException(
              resource,
              headerOffset,
              "truncated or incomplete package: " + missing + " is missing");
        }
        long dataStart = counting.count();
        String name = memberName(e.getName());
        long length = e.getLength();
        if (length < 0 || dataStart + length > fileSize) {
          throw new CorruptInputException(
              resource,
              dataStart,
              "member '"
                  + name
                  + "' claims "
                  + length
                  + " bytes but the file ends after "
                  + Math.max(0, fileSize - dataStart)
                  + "; the package is truncated");
        }
        if (index == 0) {
          if (!name.equals(DEBIAN_BINARY)) {
            throw new CorruptInputException(
                resource,
                headerOffset,
                "the first member must be '" + DEBIAN_BINARY + "', found '" + name + "'");
          }
          version =
              checkVersion(
                  resource, dataStart, readMember(ar, name, length, 64, resource, dataStart));
        } else if (name.startsWith("_")) {
          // reserved for additions (deb(5)); skipped as dpkg does
        } else if (controlName == null) {
          DebCompression c = DebCompression.forMember(CONTROL_STEM, name);
          if (c == null || c == DebCompression.BZIP2) {
            throw new CorruptInputException(
                resource,
                headerOffset,
                name.startsWith(CONTROL_STEM)
                    ? "member '"
                        + name
                        + "': unsupported compression; control.tar may be"
                        + " uncompressed, .gz, .xz or .zst"
                    : "expected the control.tar member after "
                        + DEBIAN_BINARY
                        + ", found '"
                        + name
                        + "'");
          }
          controlName = name;
          controlLength = length;
          byte[] bytes = readMember(ar, name, length, MAX_CONTROL_BYTES, resource, dataStart);
          members = readControlTar(resource, name, c, bytes, dataStart);
          ControlMember cf = members.get("control");
          if (cf == null) {
            throw new CorruptInputException(
                resource, dataStart, "member '" + name + "' has no ./control file");
          }
          String where = resource + " " + name + " ./control";
          control = Deb822.parseOne(Deb822.decode(cf.data(), where), where);
          checkControl(control, where);
        } else {
          DebCompression c = DebCompression.forMember(DATA_STEM, name);
          if (c == null) {
            throw new CorruptInputException(
                resource,
                headerOffset,
                name.startsWith(DATA_STEM)
                    ? "member '"
                        + name
                        + "': unsupported compression; data.tar may be"
                        + " uncompressed, .gz, .xz, .zst or .bz2"
                    : "expected the data.tar member after "
                        + controlName
                        + ", found '"
                        + name
                        + "'");
          }
          return new DebPackage(
              file, control, members, name, c, dataStart, length, version, controlLength, fileSize);
        }
        index++;
      }
    }
  }

  private static String memberName(String raw) {
    // GNU ar ends short names with '/'; dpkg-deb writes them without.
    return raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
  }

  private static byte[] readMember(
      ArArchiveInputStream ar, String name, long length, long max, String resource, long offset)
      throws IOException {
    if (length > max) {
      throw new CorruptInputException(
          resource,
          offset,
          "member '" + name + "' is " + length + " bytes; at most " + max + " are allowed");
    }
    byte[] bytes = ar.readNBytes((int) length);
    if (bytes.length != length) {
      throw new CorruptInputException(
          resource,
          offset + bytes.length,
          "member '" + name + "' is truncated: " + bytes.length + " of " + length + " bytes");
    }
    return bytes;
  }

  private static String checkVersion(String resource, long offset, byte[] content)
      throws CorruptInputException {
    String text = new String(content, StandardCharsets.US_ASCII);
    int nl = text.indexOf('\n');
    String first = nl < 0 ? text : text.substring(0, nl);
    if (nl < 0 || !first.matches("2\\.[0-9]+")) {
      throw new CorruptInputException(
          resource,
          offset,
          DEBIAN_BINARY
              + " says '"
              + first.strip()
              + "'; only format 2.x (\"2.0\\n\") is supported");
    }
    return first;
  }

  private static Map<String, ControlMember> readControlTar(
      String resource, String member, DebCompression c, byte[] bytes, long memberOffset)
      throws IOException {
    Map<String, ControlMember> out = new LinkedHashMap<>();
    String where = resource + " member " + member;
    try (InputStream in = c.decompress(new ByteArrayInputStream(bytes));
        TarArchiveInputStream tar =
            new TarArchiveInputStream(
                in,
                TarConstants.DEFAULT_BLKSIZE,
                TarConstants.DEFAULT_RCDSIZE,
                StandardCharsets.ISO_8859_1.name(),
                false)) {
      long total = 0;
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (!e.isCheckSumOK()) {
          throw new CorruptInputException(
              where, memberOffset, "entry '" + e.getName() + "': header checksum does not match");
        }
        if (e.isDirectory()) {
          continue;
        }
        byte[] raw = e.getName().getBytes(StandardCharsets.ISO_8859_1);
        String problem = ImagePath.problem(raw);
        if (problem != null) {
          throw new UnsafePathException(
              where, memberOffset, "entry '" + e.getName() + "': " + problem);
        }
        ImagePath p = ImagePath.parse(raw);
        if (p.depth() != 1 || !e.isFile()) {
          throw new CorruptInputException(
              where,
              memberOffset,
              "entry '" + e.getName() + "': control members must be plain files at the top level");
        }
        total += e.getSize();
        if (total > MAX_CONTROL_BYTES) {
          throw new CorruptInputException(
              where, memberOffset, "control files exceed " + MAX_CONTROL_BYTES + " bytes");
        }
        byte[] data = tar.readNBytes((int) e.getSize());
        if (data.length != e.getSize()) {
          throw new CorruptInputException(
              where, memberOffset, "entry '" + e.getName() + "' is truncated");
        }
        String name = p.nameString();
        if (out.containsKey(name)) {
          throw new CorruptInputException(
              where, memberOffset, "entry '" + e.getName() + "' appears twice");
        }
        out.put(
            name,
            new ControlMember(
                name,
                e.getMode() & 07777,
                Timestamp.of(e.getLastModifiedTime().toInstant()),
                data));
      }
    } catch (JimgException x) {
      throw x;
    } catch (IOException | RuntimeException x) {
      throw new CorruptInputException(
          where, memberOffset, "not a readable " + c.displayName() + " tar: " + x.getMessage(), x);
    }
    return out;
  }

  private static void checkControl(ControlParagraph control, String where) throws Deb822Exception {
    String pkg = control.require("Package", where);
    if (!PACKAGE_NAME.matcher(pkg).matches()) {
      throw new Deb822Exception(
          where, 1, "Package '" + pkg + "' is not a valid package name ([a-z0-9][a-z0-9+.-]+)");
    }
    String version = control.require("Version", where);
    if (!VERSION.matcher(version).matches()) {
      throw new Deb822Exception(where, 1, "Version '" + version + "' is not a valid version");
    }
    String arch = control.require("Architecture", where);
    if (!ARCH_NAME.matcher(arch).matches()) {
      throw new Deb822Exception(where, 1, "Architecture '" + arch + "' is not valid");
    }
  }

  private static String describeBytes(byte[] b) {
    StringBuilder s = new StringBuilder("'");
    for (byte x : b) {
      int v = x & 0xff;
      if (v >= 0x20 && v < 0x7f) {
        s.append((char) v);
      } else {
        s.append(String.format(java.util.Locale.ROOT, "\\x%02x", v));
      }
    }
    return s.append("'").toString();
  }

  /** The format version from {@code debian-binary} ({@code "2.0"}). */
  public String formatVersion() {
    return formatVersion;
  }

  /** The stored (compressed) size of the control member. */
  public long controlArchiveSize() {
    return controlLength;
  }

  /** The size of the .deb file. */
  public long fileSize() {
    return fileSize;
  }

  /** The file this package was read from. */
  public Path file() {
    return file;
  }

  /** The file name, for messages. */
  public String resource() {
    return resource;
  }

  /** The {@code control} file. */
  public ControlParagraph control() {
    return control;
  }

  /** {@code Package}. */
  public String packageName() {
    return control.get("Package").orElseThrow();
  }

  /** {@code Version}. */
  public String version() {
    return control.get("Version").orElseThrow();
  }

  /** {@code Architecture}. */
  public String architecture() {
    return control.get("Architecture").orElseThrow();
  }

  /** {@code Multi-Arch}, if given. */
  public Optional<String> multiArch() {
    return control.get("Multi-Arch");
  }

  /**
   * The name dpkg uses for this package's files in {@code info/}: {@code PKG}, or {@code PKG:ARCH}
   * for {@code Multi-Arch: same}.
   */
  public String infoName() {
    return "same".equals(multiArch().orElse(""))
        ? packageName() + ":" + architecture()
        : packageName();
  }

  /** Every file of the control archive, by name, in archive order ({@code control} included). */
  public Map<String, ControlMember> controlMembers() {
    return controlMembers;
  }

  /** A control archive file ({@code "postinst"}, {@code "md5sums"}), if present. */
  public Optional<ControlMember> controlMember(String name) {
    return Optional.ofNullable(controlMembers.get(name));
  }

  /** The names of the maintainer scripts present (preinst, postinst, prerm, postrm, config). */
  public List<String> maintainerScripts() {
    List<String> out = new ArrayList<>();
    for (String s : List.of("preinst", "postinst", "prerm", "postrm", "config")) {
      if (controlMembers.containsKey(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /** The conffiles the package declares (absolute paths as written in {@code conffiles}). */
  public List<String> conffiles() {
    ControlMember m = controlMembers.get("conffiles");
    if (m == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String line : m.text().split("\n")) {
      String l = line.strip();
      if (l.isEmpty()) {
        continue;
      }
      // dpkg ≥ 1.20 allows a "remove-on-upgrade" flag before the path
      int sp = l.lastIndexOf(' ');
      out.add(sp < 0 ? l : l.substring(sp + 1));
    }
    return out;
  }

  /** The data member's name ({@code data.tar.xz}). */
  public String dataMemberName() {
    return dataMemberName;
  }

  /** The data member's offset in the .deb and its stored length. */
  long dataOffset() {
    return dataOffset;
  }

  long dataLength() {
    return dataLength;
  }

  /** Where messages about the data archive point: {@code FILE member data.tar.xz}. */
  String dataResource() {
    return resource + " member " + dataMemberName;
  }

  /**
   * The decompressed data archive as a stream (the caller closes it). Decompression errors surface
   * as {@link IOException}s from its reads.
   */
  public InputStream openDataTar() throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      ch.position(dataOffset);
      InputStream bounded = new BoundedStream(Channels.newInputStream(ch), dataLength);
      try {
        return dataCompression.decompress(new BufferedInputStream(bounded, 1 << 16));
      } catch (IOException e) {
        bounded.close();
        throw new CorruptInputException(
            dataResource(),
            dataOffset,
            "not a readable " + dataCompression.displayName() + " stream: " + e.getMessage(),
            e);
      }
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** The data archive's headers in archive order (contents are skipped, not decompressed twice). */
  public List<DataMember> dataMembers() throws IOException {
    try (InputStream in = openDataTar()) {
      return DataMembers.read(in, dataResource(), dataOffset);
    }
  }

  @Override
  public String toString() {
    return packageName() + " " + version() + " (" + architecture() + ") from " + resource;
  }

  /** Reads at most {@code limit} bytes of the wrapped stream. */
  private static final class BoundedStream extends InputStream {
    private final InputStream in;
    private long left;

    BoundedStream(InputStream in, long limit) {
      this.in = in;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
