/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a host directory into a {@link TreeManifest}. Java cannot name a file whose name is not
 * valid in the JVM's path encoding, so names and symlink targets come from {@code find -printf} as
 * raw bytes, inode metadata and contents from an NIO walk (which keeps the raw names internally),
 * joined on (device, inode); xattrs come from {@code getfattr}, whose octal escapes are decoded.
 */
final class HostScan {
  private static final String GETFATTR_ERROR = "getfattr: ";
  private static final String NOT_SUPPORTED = ": Operation not supported";

  private HostScan() {}

  private record Inode(
      int mode, long uid, long gid, Timestamp mtime, long size, long rdev, String sha256) {}

  private record Name(String key, char type, byte[] path, byte[] target, String findMtime) {}

  static TreeManifest scan(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    List<Name> names = listNames(root);
    Map<String, Inode> inodes = readInodes(root);
    Map<ImagePath, String> xattrs = readXattrs(root);

    Map<String, List<ImagePath>> byInode = new HashMap<>();
    for (Name n : names) {
      if (n.type() != 'd') {
        byInode.computeIfAbsent(n.key(), k -> new ArrayList<>()).add(ImagePath.parse(n.path()));
      }
    }
    TreeMap<ImagePath, TreeManifest.Line> lines = new TreeMap<>();
    for (Name n : names) {
      ImagePath path = ImagePath.parse(n.path());
      Inode ino = inodes.get(n.key());
      if (ino == null) {
        throw new IllegalStateException(root + "/" + path + ": find saw it, the NIO walk did not");
      }
      List<ImagePath> group = byInode.getOrDefault(n.key(), List.of());
      String linkGroup = "-";
      if (group.size() > 1) {
        linkGroup = group.stream().min(ImagePath::compareTo).orElseThrow().toString();
      }
      boolean device = n.type() == 'c' || n.type() == 'b';
      long size = n.type() == 'f' ? ino.size() : n.type() == 'l' ? n.target().length : 0;
      lines.put(
          path,
          new TreeManifest.Line(
              path,
              n.type(),
              ino.mode() & 07777,
              ino.uid(),
              ino.gid(),
              mtime(ino.mtime(), n.findMtime()),
              size,
              ino.sha256() == null ? "-" : ino.sha256(),
              n.type() == 'l' ? ImagePath.display(n.target()) : "-",
              device ? major(ino.rdev()) + ":" + minor(ino.rdev()) : "-",
              xattrs.getOrDefault(path, "-"),
              linkGroup));
    }
    return TreeManifest.fromLines(lines);
  }

  /**
   * NIO's {@code FileTime} keeps only microseconds where nanoseconds since the epoch overflow a
   * long (after 2262); there {@code find}'s {@code %T@} (exact for positive times) supplies them.
   */
  static Timestamp mtime(Timestamp nio, String findMtime) {
    if (nio.seconds() < Long.MAX_VALUE / 1_000_000_000L) {
      return nio;
    }
    int dot = findMtime.indexOf('.');
    if (dot < 0) {
      return Timestamp.ofSeconds(Long.parseLong(findMtime));
    }
    String frac = (findMtime.substring(dot + 1) + "000000000").substring(0, 9);
    return new Timestamp(Long.parseLong(findMtime.substring(0, dot)), Integer.parseInt(frac));
  }

  /** glibc's {@code gnu_dev_major}. */
  static long major(long rdev) {
    return ((rdev >>> 8) & 0xfffL) | ((rdev >>> 32) & ~0xfffL);
  }

  /** glibc's {@code gnu_dev_minor}. */
  static long minor(long rdev) {
    return (rdev & 0xffL) | ((rdev >>> 12) & ~0xffL);
  }

  private static List<Name> listNames(Path root) {
    Exec.Result r =
        Exec.run("find", root.toString(), "-printf", "%D\\0%i\\0%y\\0%P\\0%l\\0%T@\\0").requireOk();
    byte[] out = r.output();
    List<byte[]> fields = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0) {
        fields.add(java.util.Arrays.copyOfRange(out, start, i));
        start = i + 1;
      }
    }
    if (fields.size() % 6 != 0) {
      throw new IllegalStateException("find " + root + ": unexpected output\n" + r.text());
    }
    List<Name> names = new ArrayList<>();
    for (int i = 0; i < fields.size(); i += 6) {
      String key = ascii(fields.get(i)) + ":" + ascii(fields.get(i + 1));
      char type = ascii(fields.get(i + 2)).charAt(0);
      names.add(
          new Name(key, type, fields.get(i + 3), fields.get(i + 4), ascii(fields.get(i + 5))));
    }
    return names;
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }

  private static Map<String, Inode> readInodes(Path root) {
    Map<String, Inode> out = new HashMap<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
                throws IOException {
              record(d);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
              record(f);
              return FileVisitResult.CONTINUE;
            }

            private void record(Path p) throws IOException {
              Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
              String key = a.get("dev") + ":" + a.get("ino");
              if (out.containsKey(key)) {
                return;
              }
              int mode = (Integer) a.get("mode");
              String sha = null;
              if ((mode & 0170000) == 0100000) {
                try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                  sha = TreeManifest.sha256(in);
                }
              }
              Instant t = ((FileTime) a.get("lastModifiedTime")).toInstant();
              out.put(
                  key,
                  new Inode(
                      mode,
                      ((Integer) a.get("uid")) & 0xFFFF_FFFFL,
                      ((Integer) a.get("gid")) & 0xFFFF_FFFFL,
                      new Timestamp(t.getEpochSecond(), t.getNano()),
                      (Long) a.get("size"),
                      (Long) a.get("rdev"),
                      sha));
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot walk " + root, e);
    }
    return out;
  }

  private static Map<ImagePath, String> readXattrs(Path root) {
    Map<ImagePath, String> out = new HashMap<>();
    Path getfattr = Validators.require(Tool.GETFATTR);
    Exec.Result r =
        Exec.run(
            getfattr.toString(),
            "-R",
            "-P",
            "-h",
            "-d",
            "-m",
            "-",
            "-e",
            "hex",
            "--absolute-names",
            root.toString());
    // A filesystem without xattr support (a squashfs image with no xattr table) answers
    // "Operation not supported": that means no xattrs, not a failure.
    boolean onlyUnsupported = true;
    for (byte[] line : splitLines(r.output())) {
      String s = new String(line, StandardCharsets.ISO_8859_1);
      if (s.startsWith(GETFATTR_ERROR) && !s.endsWith(NOT_SUPPORTED)) {
        onlyUnsupported = false;
      }
    }
    if (!r.ok() && !onlyUnsupported) {
      throw new AssertionError(r.describe("getfattr failed"));
    }
    byte[] prefix = root.toString().getBytes(StandardCharsets.UTF_8);
    ImagePath current = null;
    List<dev.jimg.core.tree.Xattr> xs = new ArrayList<>();
    for (byte[] line : splitLines(r.output())) {
      String s = new String(line, StandardCharsets.ISO_8859_1);
      if (s.startsWith(GETFATTR_ERROR)) {
        continue;
      }
      if (s.startsWith("# file: ")) {
        flush(out, current, xs);
        byte[] p = unescape(java.util.Arrays.copyOfRange(line, 8, line.length));
        current = relativize(prefix, p, root);
      } else if (!s.isEmpty() && current != null) {
        int eq = s.indexOf('=');
        String name = eq < 0 ? s : s.substring(0, eq);
        byte[] value = new byte[0];
        if (eq >= 0) {
          String v = s.substring(eq + 1);
          if (!v.startsWith("0x")) {
            throw new IllegalStateException("getfattr: expected a hex value in: " + s);
          }
          value = java.util.HexFormat.of().parseHex(v.substring(2));
        }
        String decoded =
            new String(
                unescape(name.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.UTF_8);
        xs.add(new dev.jimg.core.tree.Xattr(decoded, value));
      }
    }
    flush(out, current, xs);
    return out;
  }

  private static void flush(
      Map<ImagePath, String> out, ImagePath current, List<dev.jimg.core.tree.Xattr> xs) {
    if (current != null && !xs.isEmpty()) {
      out.put(current, TreeManifest.xattrs(xs));
    }
    xs.clear();
  }

  private static ImagePath relativize(byte[] prefix, byte[] p, Path root) {
    if (p.length < prefix.length
        || !java.util.Arrays.equals(p, 0, prefix.length, prefix, 0, prefix.length)) {
      throw new IllegalStateException(
          "getfattr printed a path outside " + root + ": " + ImagePath.display(p));
    }
    int from = prefix.length;
    while (from < p.length && p[from] == '/') {
      from++;
    }
    return ImagePath.parse(java.util.Arrays.copyOfRange(p, from, p.length));
  }

  private static List<byte[]> splitLines(byte[] out) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == '\n') {
        lines.add(java.util.Arrays.copyOfRange(out, start, i));
        start = i + 1;
      }
    }
    if (start < out.length) {
      lines.add(java.util.Arrays.copyOfRange(out, start, out.length));
    }
    return lines;
  }

  /** Decodes getfattr's {@code \ooo} escapes to raw bytes. */
  static byte[] unescape(byte[] s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length);
    for (int i = 0; i < s.length; i++) {
      if (s[i] == '\\'
          && i + 3 < s.length
          && isOctal(s[i + 1])
          && isOctal(s[i + 2])
          && isOctal(s[i + 3])) {
        out.write(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
        i += 3;
      } else {
        out.write(s[i]);
      }
    }
    return out.toByteArray();
  }

  private static boolean isOctal(byte b) {
    return b >= '0' && b <= '7';
  }
}
