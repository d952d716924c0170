/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Materialises a {@link FileTree} as a host directory, for feeding peer tools ({@code mke2fs -d},
 * {@code mksquashfs}) and for round trips. Needs root (owners, devices, trusted.* xattrs) and a
 * filesystem that holds xattrs (ext4, not tmpfs before Linux 6.6 for user.*).
 *
 * <p>What is written: every entry type (sockets are bound through a Unix-domain socket, so the
 * target directory's path must be short enough for {@code sun_path}, about 90 bytes), names and
 * symlink targets as raw bytes (also ones Java cannot encode), hard links, owners, modes with
 * setuid/setgid/sticky, xattrs of all namespaces, mtimes with nanoseconds (set last, children
 * before parents), sparse files with data written only in their extents. Not written: atime and
 * ctime (the host sets them), a symlink's mode (always 0777 on Linux). The host refuses user.*
 * xattrs on anything but regular files and directories; the generators never make those.
 *
 * <p>How: contents and sockets are made by Java under ASCII names in a staging directory inside the
 * target; a generated {@code /bin/sh} script, whose bytes carry the raw names in single quotes,
 * moves them into place and creates everything else with coreutils and {@code setfattr}.
 *
 * <p>Stateless and thread-safe (for distinct target directories).
 */
public final class HostTree {
  private static final String STAGE = ".jimg-stage";

  private HostTree() {}

  /**
   * Writes {@code tree} into {@code dir}, which must be an empty directory or not exist; the root
   * entry's metadata is applied to {@code dir} itself.
   *
   * @throws IOException if the directory is not empty or a host command fails (the message holds
   *     the command's output)
   */
  public static void write(FileTree tree, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (var s = Files.list(dir)) {
      if (s.findAny().isPresent()) {
        throw new IOException(dir + ": not empty; HostTree.write needs an empty directory");
      }
    }
    String stageName = STAGE;
    while (tree.contains(ImagePath.of(stageName))) {
      stageName = stageName + "_";
    }
    Path stage = Files.createDirectory(dir.resolve(stageName));
    ByteArrayOutputStream script = new ByteArrayOutputStream();
    line(script, "set -e");
    line(script, "cd ", quote(dir.toAbsolutePath().toString()));

    int n = 0;
    for (Map.Entry<ImagePath, Entry> me : tree.entries().entrySet()) {
      ImagePath p = me.getKey();
      Entry e = me.getValue();
      if (p.isRoot()) {
        continue;
      }
      byte[] q = quoteRelative(p);
      switch (e.type()) {
        case DIRECTORY -> line(script, "mkdir -- ", q);
        case REGULAR -> {
          String staged = stageName + "/" + (n++);
          writeContent(e.content(), dir.resolve(staged), p);
          line(script, "mv -- ", quote(staged), " ", q);
        }
        case SOCKET -> {
          String staged = stageName + "/" + (n++);
          bindSocket(dir.resolve(staged).toAbsolutePath());
          line(script, "mv -- ", quote(staged), " ", q);
        }
        case SYMLINK -> line(script, "ln -s -- ", quote(e.symlinkTarget()), " ", q);
        case HARDLINK -> line(script, "ln -P -- ", quoteRelative(e.hardlinkTarget()), " ", q);
        case CHAR_DEVICE, BLOCK_DEVICE ->
            line(
                script,
                "mknod -- ",
                q,
                e.type() == EntryType.CHAR_DEVICE ? " c " : " b ",
                e.devMajor() + " " + e.devMinor());
        case FIFO -> line(script, "mkfifo -- ", q);
      }
    }
    line(script, "rmdir -- ", quote(stageName));

    Path setfattr = null;
    for (Map.Entry<ImagePath, Entry> me : tree.entries().entrySet()) {
      Entry e = me.getValue();
      if (e.type() == EntryType.HARDLINK) {
        continue;
      }
      byte[] q = quoteRelative(me.getKey());
      line(script, "chown -h " + e.uid() + ":" + e.gid() + " -- ", q);
      if (e.type() != EntryType.SYMLINK) {
        line(script, String.format(Locale.ROOT, "chmod 0%04o -- ", e.mode()), q);
      }
      for (Xattr x : e.xattrs()) {
        if (setfattr == null) {
          setfattr = Validators.require(Tool.SETFATTR);
        }
        String value = x.valueLength() == 0 ? "" : " -v 0x" + HexFormat.of().formatHex(x.value());
        line(script, setfattr + " -h -n ", quote(x.name()), value + " -- ", q);
      }
    }
    List<ImagePath> reverse = new ArrayList<>(tree.entries().descendingKeySet());
    for (ImagePath p : reverse) {
      Entry e = tree.get(p);
      if (e.type() == EntryType.HARDLINK) {
        continue;
      }
      byte[] q = quoteRelative(p);
      line(script, "touch -h -d @" + touchTime(e.mtime()) + " -- ", q);
    }

    Path scriptFile = Files.createTempFile("jimg-hosttree", ".sh");
    try {
      Files.write(scriptFile, script.toByteArray());
      Exec.Result r = Exec.run("/bin/sh", scriptFile.toString());
      if (!r.ok()) {
        throw new IOException(r.describe("writing " + tree.size() + " entries into " + dir));
      }
    } finally {
      Files.deleteIfExists(scriptFile);
      if (Files.isDirectory(stage)) {
        Validators.deleteQuietly(stage);
      }
    }
  }

  /** Seconds and nanoseconds as the decimal number {@code touch -d @N} reads. */
  static String touchTime(Timestamp t) {
    if (t.nanos() == 0) {
      return Long.toString(t.seconds());
    }
    if (t.seconds() >= 0) {
      return t.seconds() + "." + String.format(Locale.ROOT, "%09d", t.nanos());
    }
    // seconds + nanos/1e9 for negative seconds is -(|seconds| - 1) - (1e9 - nanos)/1e9.
    long whole = -(t.seconds() + 1);
    return "-" + whole + "." + String.format(Locale.ROOT, "%09d", 1_000_000_000 - t.nanos());
  }

  private static void writeContent(Content c, Path file, ImagePath path) throws IOException {
    List<Extent> extents = c.extents();
    try (FileChannel ch =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        InputStream in = c.open()) {
      byte[] buf = new byte[65536];
      long pos = 0;
      for (Extent x : extents) {
        pos += skipFully(in, x.offset() - pos, buf, path);
        long left = x.length();
        while (left > 0) {
          int want = (int) Math.min(buf.length, left);
          int got = in.read(buf, 0, want);
          if (got < 0) {
            throw new IOException(path + ": content ended at " + pos + ", before its size");
          }
          ByteBuffer bb = ByteBuffer.wrap(buf, 0, got);
          while (bb.hasRemaining()) {
            ch.write(bb, pos + bb.position());
          }
          pos += got;
          left -= got;
        }
      }
    }
    try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(c.size());
    }
  }

  private static long skipFully(InputStream in, long n, byte[] buf, ImagePath path)
      throws IOException {
    long done = 0;
    while (done < n) {
      int got = in.read(buf, 0, (int) Math.min(buf.length, n - done));
      if (got < 0) {
        throw new IOException(path + ": content ended before an extent");
      }
      done += got;
    }
    return done;
  }

  private static void bindSocket(Path where) throws IOException {
    if (where.toString().getBytes(StandardCharsets.UTF_8).length > 100) {
      throw new IOException(
          where + ": too long for a Unix-domain socket path; write the tree to a shorter dir");
    }
    try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.bind(UnixDomainSocketAddress.of(where));
    }
  }

  /**
   * The path quoted with a leading {@code ./}, so no name reads as an option or as the {@code -}
   * that some tools (touch) take for standard output.
   */
  private static byte[] quoteRelative(ImagePath p) {
    byte[] b = p.bytes();
    byte[] out = new byte[b.length + 2];
    out[0] = '.';
    out[1] = '/';
    System.arraycopy(b, 0, out, 2, b.length);
    return quote(out);
  }

  private static byte[] quote(String s) {
    return quote(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Single-quotes raw bytes for sh: every byte but {@code '} stands for itself. */
  static byte[] quote(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 2);
    out.write('\'');
    for (byte b : raw) {
      if (b == '\'') {
        out.writeBytes("'\\''".getBytes(StandardCharsets.US_ASCII));
      } else {
        out.write(b);
      }
    }
    out.write('\'');
    return out.toByteArray();
  }

  private static void line(ByteArrayOutputStream out, Object... parts) {
    for (Object o : parts) {
      if (o instanceof byte[] b) {
        out.writeBytes(b);
      } else {
        out.writeBytes(String.valueOf(o).getBytes(StandardCharsets.UTF_8));
      }
    }
    out.write('\n');
  }
}
