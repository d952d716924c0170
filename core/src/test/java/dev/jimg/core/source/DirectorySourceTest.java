/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import static dev.jimg.core.HostRequirements.require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.JimgException;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySourceTest {
  @TempDir Path tmp;

  private static boolean isRoot() throws IOException {
    return ((Integer) Files.getAttribute(Path.of("/"), "unix:uid")) == 0
        && "0".equals(run("id", "-u").trim());
  }

  private static String run(String... cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IOException(String.join(" ", cmd) + " failed (" + rc + "): " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }

  private static boolean hasCommand(String name) {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      if (Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }

  private static ImagePath p(String s) {
    return ImagePath.of(s);
  }

  private static FileTree read(Path dir, SourceOptions options) throws IOException {
    try (DirectorySource src = DirectorySource.open(dir, options)) {
      return src.tree();
    }
  }

  private static String contentOf(Entry e) throws IOException {
    try (InputStream in = e.content().open()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void open_regularFilesAndDirectories_keepModeOwnerSizeContent() throws IOException {
    Path etc = Files.createDirectory(tmp.resolve("etc"));
    Path passwd = Files.writeString(etc.resolve("passwd"), "root:x:0:0\n");
    Files.setAttribute(passwd, "unix:mode", 0640);
    Files.setAttribute(etc, "unix:mode", 0750);
    if (isRoot()) {
      Files.setAttribute(passwd, "unix:uid", 1234);
      Files.setAttribute(passwd, "unix:gid", 42);
    }

    FileTree tree = read(tmp, SourceOptions.defaults());

    assertThat(tree.entries().keySet()).containsExactly(ImagePath.ROOT, p("etc"), p("etc/passwd"));
    Entry dir = tree.get(p("etc"));
    assertThat(dir.type()).isEqualTo(EntryType.DIRECTORY);
    assertThat(dir.mode()).isEqualTo(0750);
    Entry file = tree.get(p("etc/passwd"));
    assertThat(file.type()).isEqualTo(EntryType.REGULAR);
    assertThat(file.mode()).isEqualTo(0640);
    assertThat(file.size()).isEqualTo(11);
    assertThat(contentOf(file)).isEqualTo("root:x:0:0\n");
    if (isRoot()) {
      assertThat(file.uid()).isEqualTo(1234);
      assertThat(file.gid()).isEqualTo(42);
    }
    assertThat(tree.root().type()).isEqualTo(EntryType.DIRECTORY);
  }

  @Test
  void open_specialModeBits_keptExactly() throws IOException {
    Path tmpDir = Files.createDirectory(tmp.resolve("tmp"));
    Files.setAttribute(tmpDir, "unix:mode", 01777);
    Path su = Files.writeString(tmp.resolve("su"), "x");
    Files.setAttribute(su, "unix:mode", 04755);
    Path wall = Files.writeString(tmp.resolve("wall"), "x");
    Files.setAttribute(wall, "unix:mode", 02755);
    Path sgidDir = Files.createDirectory(tmp.resolve("shared"));
    Files.setAttribute(sgidDir, "unix:mode", 02775);

    FileTree tree = read(tmp, SourceOptions.defaults());

    assertThat(tree.get(p("tmp")).mode()).isEqualTo(01777);
    assertThat(tree.get(p("su")).mode()).isEqualTo(04755);
    assertThat(tree.get(p("wall")).mode()).isEqualTo(02755);
    assertThat(tree.get(p("shared")).mode()).isEqualTo(02775);
  }

  @Test
  void open_symlinks_areNotFollowed_andKeepTargetBytes() throws IOException {
    Files.createDirectories(tmp.resolve("usr/bin"));
    Files.writeString(tmp.resolve("usr/bin/ls"), "elf");
    Files.createSymbolicLink(tmp.resolve("bin"), Path.of("usr/bin"));
    Files.createSymbolicLink(tmp.resolve("dangling"), Path.of("/nowhere/at/all"));
    Files.createSymbolicLink(tmp.resolve("outside"), Path.of("../../../outside-of-the-root"));

    FileTree tree = read(tmp, SourceOptions.defaults());

    Entry bin = tree.get(p("bin"));
    assertThat(bin.type()).isEqualTo(EntryType.SYMLINK);
    assertThat(new String(bin.symlinkTarget(), StandardCharsets.UTF_8)).isEqualTo("usr/bin");
    assertThat(bin.size()).isEqualTo(7);
    assertThat(tree.contains(p("bin/ls"))).isFalse();
    assertThat(new String(tree.get(p("dangling")).symlinkTarget(), StandardCharsets.UTF_8))
        .isEqualTo("/nowhere/at/all");
    assertThat(new String(tree.get(p("outside")).symlinkTarget(), StandardCharsets.UTF_8))
        .isEqualTo("../../../outside-of-the-root");
    assertThat(tree.get(p("usr/bin/ls")).type()).isEqualTo(EntryType.REGULAR);
  }

  @Test
  void open_devicesFifoSocket_typesAndNumbers() throws IOException {
    require(isRoot(), "mknod needs root");
    Path dev = Files.createDirectory(tmp.resolve("dev"));
    run("mknod", "-m", "0666", dev.resolve("null").toString(), "c", "1", "3");
    run("mknod", "-m", "0660", dev.resolve("sda1").toString(), "b", "8", "1");
    // A number that needs glibc's split encoding: major 300 (bits 8-19), minor 70000 (bits 0-7
    // and 20-43).
    run("mknod", "-m", "0600", dev.resolve("big").toString(), "c", "300", "70000");
    run("mkfifo", "-m", "0620", dev.resolve("initctl").toString());
    Path sock = dev.resolve("log");
    try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.bind(UnixDomainSocketAddress.of(sock));
    }
    Files.setAttribute(sock, "unix:mode", 0666);

    FileTree tree = read(tmp, SourceOptions.defaults());

    Entry nul = tree.get(p("dev/null"));
    assertThat(nul.type()).isEqualTo(EntryType.CHAR_DEVICE);
    assertThat(nul.mode()).isEqualTo(0666);
    assertThat(nul.devMajor()).isEqualTo(1);
    assertThat(nul.devMinor()).isEqualTo(3);
    Entry sda1 = tree.get(p("dev/sda1"));
    assertThat(sda1.type()).isEqualTo(EntryType.BLOCK_DEVICE);
    assertThat(sda1.mode()).isEqualTo(0660);
    assertThat(sda1.devMajor()).isEqualTo(8);
    assertThat(sda1.devMinor()).isEqualTo(1);
    Entry big = tree.get(p("dev/big"));
    assertThat(big.devMajor()).isEqualTo(300);
    assertThat(big.devMinor()).isEqualTo(70000);
    Entry fifo = tree.get(p("dev/initctl"));
    assertThat(fifo.type()).isEqualTo(EntryType.FIFO);
    assertThat(fifo.mode()).isEqualTo(0620);
    assertThat(fifo.size()).isZero();
    Entry log = tree.get(p("dev/log"));
    assertThat(log.type()).isEqualTo(EntryType.SOCKET);
    assertThat(log.mode()).isEqualTo(0666);
  }

  @Test
  void majorMinor_glibcEncoding() {
    // makedev(0x12345, 0x6789ab) as glibc lays it out.
    long major = 0x12345;
    long minor = 0x6789ab;
    long dev =
        ((major & 0x00000fffL) << 8)
            | ((major & 0xfffff000L) << 32)
            | (minor & 0x000000ffL)
            | ((minor & 0xffffff00L) << 12);
    assertThat(DirectorySource.major(dev)).isEqualTo(major);
    assertThat(DirectorySource.minor(dev)).isEqualTo(minor);
    assertThat(DirectorySource.major(0x0103)).isEqualTo(1);
    assertThat(DirectorySource.minor(0x0103)).isEqualTo(3);
  }

  @Test
  void open_ownersAsFound_orRootOwner() throws IOException {
    require(isRoot(), "chown needs root");
    Path f = Files.writeString(tmp.resolve("f"), "x");
    Files.setAttribute(f, "unix:uid", 1000);
    Files.setAttribute(f, "unix:gid", 100);
    Path d = Files.createDirectory(tmp.resolve("d"));
    Files.setAttribute(d, "unix:uid", 65534);
    Files.setAttribute(d, "unix:gid", 65534);
    Path l = Files.createSymbolicLink(tmp.resolve("l"), Path.of("f"));
    Files.setAttribute(l, "unix:uid", 7, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(l, "unix:gid", 8, LinkOption.NOFOLLOW_LINKS);
    // An id above 2^31 must stay unsigned.
    Path big = Files.writeString(tmp.resolve("big"), "x");
    Files.setAttribute(big, "unix:uid", (int) 3_000_000_000L);

    FileTree found = read(tmp, SourceOptions.defaults());
    assertThat(found.get(p("f")).uid()).isEqualTo(1000);
    assertThat(found.get(p("f")).gid()).isEqualTo(100);
    assertThat(found.get(p("d")).uid()).isEqualTo(65534);
    assertThat(found.get(p("l")).uid()).isEqualTo(7);
    assertThat(found.get(p("l")).gid()).isEqualTo(8);
    assertThat(found.get(p("big")).uid()).isEqualTo(3_000_000_000L);

    FileTree owned = read(tmp, SourceOptions.defaults().withRootOwner(true));
    for (Entry e : owned.entries().values()) {
      assertThat(e.uid()).isZero();
      assertThat(e.gid()).isZero();
    }
  }

  @Test
  void open_timesWithNanoseconds() throws IOException {
    Path f = Files.writeString(tmp.resolve("f"), "x");
    run("touch", "-m", "-d", "2021-03-04 05:06:07.123456789 UTC", f.toString());
    run("touch", "-a", "-d", "2019-01-02 03:04:05.000000001 UTC", f.toString());
    Path d = Files.createDirectory(tmp.resolve("d"));
    run("touch", "-m", "-d", "1969-12-31 23:59:58.5 UTC", d.toString());
    Path l = Files.createSymbolicLink(tmp.resolve("l"), Path.of("f"));
    run("touch", "-h", "-m", "-d", "2030-01-01 00:00:00.000000007 UTC", l.toString());

    FileTree tree = read(tmp, SourceOptions.defaults());

    Entry file = tree.get(p("f"));
    assertThat(file.mtime())
        .isEqualTo(Timestamp.of(Instant.parse("2021-03-04T05:06:07.123456789Z")));
    // host atime and ctime are not kept: reading moves the one, copying the tree the other
    assertThat(file.atime()).isEmpty();
    assertThat(file.ctime()).isEmpty();
    assertThat(tree.get(p("d")).atime()).isEmpty();
    assertThat(tree.get(p("d")).mtime()).isEqualTo(new Timestamp(-2, 500_000_000));
    assertThat(tree.get(p("l")).mtime())
        .isEqualTo(Timestamp.of(Instant.parse("2030-01-01T00:00:00.000000007Z")));
  }

  @Test
  void open_hardLinks_becomeOneCanonicalGroup() throws IOException {
    Files.createDirectories(tmp.resolve("a"));
    Files.createDirectories(tmp.resolve("z"));
    Path orig = Files.writeString(tmp.resolve("z/orig"), "same inode");
    Files.setAttribute(orig, "unix:mode", 0755);
    Files.createLink(tmp.resolve("a/second"), orig);
    Files.createLink(tmp.resolve("m"), orig);
    Files.writeString(tmp.resolve("single"), "nlink 1");

    FileTree tree = read(tmp, SourceOptions.defaults());

    Entry holder = tree.get(p("a/second"));
    assertThat(holder.type()).isEqualTo(EntryType.REGULAR);
    assertThat(holder.mode()).isEqualTo(0755);
    assertThat(contentOf(holder)).isEqualTo("same inode");
    assertThat(tree.get(p("m"))).isEqualTo(Entry.hardlink(p("a/second")));
    assertThat(tree.get(p("z/orig"))).isEqualTo(Entry.hardlink(p("a/second")));
    assertThat(tree.hardlinksTo(p("a/second"))).containsExactly(p("m"), p("z/orig"));
    assertThat(tree.get(p("single")).type()).isEqualTo(EntryType.REGULAR);
  }

  @Test
  void open_userXattrs_readWhenAsked() throws IOException {
    require(hasCommand("setfattr"), "setfattr (package attr) is not installed");
    Path f = Files.writeString(tmp.resolve("f"), "x");
    Path d = Files.createDirectory(tmp.resolve("d"));
    try {
      run("setfattr", "-n", "user.mime", "-v", "text/plain", f.toString());
      run("setfattr", "-n", "user.bin", "-v", "0x00ff10", f.toString());
      run("setfattr", "-n", "user.dir", "-v", "yes", d.toString());
    } catch (IOException e) {
      require(false, "this filesystem refuses user xattrs: " + e.getMessage());
    }

    FileTree with = read(tmp, SourceOptions.defaults());
    assertThat(with.get(p("f")).xattrs())
        .containsExactly(
            new Xattr("user.bin", new byte[] {0, (byte) 0xff, 0x10}),
            new Xattr("user.mime", "text/plain".getBytes(StandardCharsets.UTF_8)));
    assertThat(with.get(p("d")).xattrs())
        .containsExactly(new Xattr("user.dir", "yes".getBytes(StandardCharsets.UTF_8)));

    FileTree without = read(tmp, SourceOptions.defaults().withReadXattrs(false));
    assertThat(without.get(p("f")).xattrs()).isEmpty();
  }

  @Test
  void open_listingOrderDoesNotMatter() throws IOException {
    // Two trees with the same entries created in opposite orders read identically.
    Path one = Files.createDirectory(tmp.resolve("one"));
    Path two = Files.createDirectory(tmp.resolve("two"));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      names.add("f" + Integer.toString(i * 7919 % 1000, 36) + (i % 3 == 0 ? "-x" : ""));
    }
    names.add("a-b");
    names.add("a");
    for (String n : names) {
      createIn(one, n);
    }
    List<String> reversed = new ArrayList<>(names);
    java.util.Collections.reverse(reversed);
    for (String n : reversed) {
      createIn(two, n);
    }
    normaliseTimes(one);
    normaliseTimes(two);

    FileTree a = read(one, SourceOptions.defaults().withReadXattrs(false));
    FileTree b = read(two, SourceOptions.defaults().withReadXattrs(false));
    assertThat(stripHostOnly(a)).isEqualTo(stripHostOnly(b));
  }

  private static void createIn(Path dir, String name) throws IOException {
    if (name.equals("a")) {
      Files.createDirectories(dir.resolve("a/b"));
      Files.writeString(dir.resolve("a/b/c"), "c");
    } else {
      Files.writeString(dir.resolve(name), name);
    }
  }

  private static void normaliseTimes(Path dir) throws IOException {
    run("find", dir.toString(), "-exec", "touch", "-h", "-d", "@1000000000", "{}", "+");
  }

  private static String stripHostOnly(FileTree t) {
    StringBuilder sb = new StringBuilder();
    t.forEach(
        (path, e) ->
            sb.append(path)
                .append(' ')
                .append(e.type())
                .append(' ')
                .append(Integer.toOctalString(e.mode()))
                .append(' ')
                .append(e.size())
                .append(' ')
                .append(e.mtime())
                .append('\n'));
    return sb.toString();
  }

  @Test
  void open_nonAsciiNames_keptAsUtf8() throws IOException {
    require("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "the JVM runs without UTF-8");
    Files.createDirectory(tmp.resolve("caf\u00e9"));
    Files.writeString(tmp.resolve("caf\u00e9/\u65e5\u672c"), "x");
    FileTree tree = read(tmp, SourceOptions.defaults());
    assertThat(tree.get(p("caf\u00e9/\u65e5\u672c")).size()).isEqualTo(1);
  }

  @Test
  void open_contentIsReadLazily_andShrinkingIsAnError() throws IOException {
    Path f = Files.writeString(tmp.resolve("f"), "0123456789");
    FileTree tree = read(tmp, SourceOptions.defaults());
    Files.writeString(f, "0123");
    assertThatThrownBy(() -> contentOf(tree.get(p("f"))))
        .isInstanceOf(JimgException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("changed");
  }

  @Test
  void open_notADirectory_namesThePath() throws IOException {
    Path f = Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> read(f, SourceOptions.defaults()))
        .isInstanceOf(JimgException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("not a directory");
  }

  @Test
  void open_topDirectoryGivenAsSymlink_isFollowed_innerLinksAreNot() throws IOException {
    Path real = Files.createDirectory(tmp.resolve("real"));
    Files.setAttribute(real, "unix:mode", 0700);
    Files.writeString(real.resolve("f"), "x");
    Files.createSymbolicLink(real.resolve("loop"), Path.of(".."));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    FileTree tree = read(link, SourceOptions.defaults());
    assertThat(tree.root().mode()).isEqualTo(0700);
    assertThat(tree.entries().keySet()).containsExactly(ImagePath.ROOT, p("f"), p("loop"));
    assertThat(tree.get(p("loop")).type()).isEqualTo(EntryType.SYMLINK);
  }

  @Test
  void open_missingDirectory_namesThePath() {
    Path gone = tmp.resolve("gone");
    assertThatThrownBy(() -> read(gone, SourceOptions.defaults()))
        .isInstanceOf(JimgException.class)
        .hasMessageContaining(gone.toString())
        .hasMessageContaining("no such directory");
  }

  @Test
  void open_attributesMap_hasTheUnixView() throws IOException {
    Map<String, Object> attrs = Files.readAttributes(tmp, "unix:*", LinkOption.NOFOLLOW_LINKS);
    assertThat(attrs).containsKeys("mode", "uid", "gid", "ino", "dev", "nlink", "rdev", "ctime");
  }

  /**
   * A name holding U+FFFD itself (valid UTF-8, bytes EF BF BD) was refused as "not valid in the
   * JVM's file name encoding (UTF-8); run jimg with a UTF-8 locale", though it was and jimg did.
   */
  @Test
  void open_nameWithReplacementCharacter_readAsItsBytes() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")),
        "file names are not UTF-8 in this JVM");
    Files.writeString(tmp.resolve("x\uFFFDy"), "data");
    try (DirectorySource src = DirectorySource.open(tmp, SourceOptions.defaults())) {
      byte[] name = {'x', (byte) 0xEF, (byte) 0xBF, (byte) 0xBD, 'y'};
      Entry e = src.tree().get(ImagePath.parse(name));
      assertThat(e).isNotNull();
      assertThat(e.content().size()).isEqualTo(4);
    }
  }
}
