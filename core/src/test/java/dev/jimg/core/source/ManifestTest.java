/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.JimgException;
import dev.jimg.core.TreeConflictException;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
  private static final Timestamp T = Timestamp.ofSeconds(1_700_000_000);

  private static ImagePath p(String s) {
    return ImagePath.of(s);
  }

  private static Entry file(String text) {
    return Entry.file(0644, T, Content.ofBytes(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** usr/bin/{ls,ping}, usr/share/doc/x, etc/passwd, bin -> usr/bin; all owned 1000:1000. */
  private static FileTree base() throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder();
    Entry dir = Entry.directory(0775, T).toBuilder().uid(1000).gid(1000).build();
    for (String d : new String[] {"usr", "usr/bin", "usr/share", "usr/share/doc", "etc"}) {
      b.put(p(d), dir);
    }
    for (String f : new String[] {"usr/bin/ls", "usr/bin/ping", "usr/share/doc/x", "etc/passwd"}) {
      b.put(p(f), file(f).toBuilder().uid(1000).gid(1000).build());
    }
    b.put(p("bin"), Entry.symlink("usr/bin", T));
    return b.build();
  }

  private static FileTree apply(String text) throws JimgException {
    return Manifest.parse(text, "test.manifest").applyTo(base());
  }

  private static void assertParseError(String text, int line, int column, String fragment) {
    assertThatThrownBy(() -> Manifest.parse(text, "m.txt"))
        .isInstanceOf(ManifestException.class)
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageStartingWith("m.txt:" + line + ":" + column + ": ")
        .hasMessageContaining(fragment)
        .satisfies(
            e -> {
              ManifestException me = (ManifestException) e;
              assertThat(me.resource()).isEqualTo("m.txt");
              assertThat(me.line()).isEqualTo(line);
              assertThat(me.column()).isEqualTo(column);
            });
  }

  // ---- creating entries

  @Test
  void devices_fifo_socket_createdWithoutRoot() throws JimgException {
    FileTree t =
        apply(
            """
            # devices for an initramfs
            /dev             d  0755 0 0
            /dev/console     c  0600 0 5  5 1
            /dev/sda         b  0660 0 6  8 0
            /dev/initctl     p  0600 0 0
            /run/log         s  -    0 0
            """);
    Entry console = t.get(p("dev/console"));
    assertThat(console.type()).isEqualTo(EntryType.CHAR_DEVICE);
    assertThat(console.mode()).isEqualTo(0600);
    assertThat(console.gid()).isEqualTo(5);
    assertThat(console.devMajor()).isEqualTo(5);
    assertThat(console.devMinor()).isEqualTo(1);
    assertThat(console.mtime()).isEqualTo(Timestamp.EPOCH);
    Entry sda = t.get(p("dev/sda"));
    assertThat(sda.type()).isEqualTo(EntryType.BLOCK_DEVICE);
    assertThat(sda.devMajor()).isEqualTo(8);
    assertThat(t.get(p("dev/initctl")).type()).isEqualTo(EntryType.FIFO);
    Entry log = t.get(p("run/log"));
    assertThat(log.type()).isEqualTo(EntryType.SOCKET);
    assertThat(log.mode()).isEqualTo(Manifest.DEFAULT_FILE_MODE);
    assertThat(t.get(p("run"))).isEqualTo(FileTreeBuilder.DEFAULT_DIRECTORY);
    assertThat(t.get(p("dev"))).isEqualTo(Entry.directory(0755, Timestamp.EPOCH));
  }

  @Test
  void directory_newAndExisting_dashKeeps() throws JimgException {
    FileTree t =
        apply(
            """
            /tmp  d 1777 - -
            /etc  d -    0 -
            """);
    assertThat(t.get(p("tmp"))).isEqualTo(Entry.directory(01777, Timestamp.EPOCH));
    Entry etc = t.get(p("etc"));
    assertThat(etc.mode()).isEqualTo(0775);
    assertThat(etc.uid()).isZero();
    assertThat(etc.gid()).isEqualTo(1000);
    assertThat(etc.mtime()).isEqualTo(T);
    assertThat(t.contains(p("etc/passwd"))).isTrue();
  }

  @Test
  void regularFile_emptyWhenNew_metadataWhenExisting() throws JimgException {
    FileTree t =
        apply(
            """
            /etc/machine-id  f 0444 0 0
            /etc/passwd      f 0600 - -
            """);
    Entry id = t.get(p("etc/machine-id"));
    assertThat(id.type()).isEqualTo(EntryType.REGULAR);
    assertThat(id.size()).isZero();
    assertThat(id.mode()).isEqualTo(0444);
    Entry passwd = t.get(p("etc/passwd"));
    assertThat(passwd.mode()).isEqualTo(0600);
    assertThat(passwd.uid()).isEqualTo(1000);
    assertThat(passwd.size()).isEqualTo("etc/passwd".length());
  }

  @Test
  void symlink_createdAndRetargeted_withEscapes() throws JimgException {
    FileTree t =
        apply(
            """
            /sbin          l - 0 0 usr/bin
            /bin           l - - - /usr/bin
            /odd\\x20name  l 777 0 0 a\\x20b\\=c
            """);
    assertThat(t.get(p("sbin"))).isEqualTo(Entry.symlink("usr/bin", Timestamp.EPOCH));
    assertThat(new String(t.get(p("bin")).symlinkTarget(), StandardCharsets.UTF_8))
        .isEqualTo("/usr/bin");
    assertThat(t.get(p("bin")).mtime()).isEqualTo(T);
    assertThat(new String(t.get(p("odd name")).symlinkTarget(), StandardCharsets.UTF_8))
        .isEqualTo("a b=c");
  }

  @Test
  void hardlink_newNameForExistingInode() throws JimgException {
    FileTree t = apply("/usr/bin/ping4 h /usr/bin/ping\n/usr/bin/ping4 m 4755 0 0\n");
    assertThat(t.get(p("usr/bin/ping")))
        .isEqualTo(file("usr/bin/ping").toBuilder().mode(04755).build());
    assertThat(t.get(p("usr/bin/ping4"))).isEqualTo(Entry.hardlink(p("usr/bin/ping")));
  }

  @Test
  void paths_followDirectorySymlinks_likePut() throws JimgException {
    FileTree t = apply("/bin/sh l - 0 0 dash\n/bin/ls m 0700 - -\n");
    assertThat(t.contains(p("usr/bin/sh"))).isTrue();
    assertThat(t.get(p("usr/bin/ls")).mode()).isEqualTo(0700);
    assertThat(t.get(p("bin")).type()).isEqualTo(EntryType.SYMLINK);
  }

  // ---- modifying

  @Test
  void modify_recursiveGlob_includesTheDirectoryItself() throws JimgException {
    FileTree t = apply("/usr/** m - 0 0\n");
    for (var e : t.entries().entrySet()) {
      boolean underUsr = e.getKey().startsWith(p("usr"));
      assertThat(e.getValue().uid())
          .as(e.getKey().toString())
          .isEqualTo(underUsr ? 0 : e.getValue().uid());
      if (underUsr) {
        assertThat(e.getValue().gid()).isZero();
      }
    }
    assertThat(t.get(p("usr")).uid()).isZero();
    assertThat(t.get(p("etc")).uid()).isEqualTo(1000);
    assertThat(t.get(p("usr/bin/ls")).mode()).isEqualTo(0644);
  }

  @Test
  void modify_starAndQuestionMark_stayWithinComponent() throws JimgException {
    FileTree t = apply("/usr/*/p?ng m 4755 - -\n/usr/* m 0700 - -\n");
    assertThat(t.get(p("usr/bin/ping")).mode()).isEqualTo(04755);
    assertThat(t.get(p("usr/bin/ls")).mode()).isEqualTo(0644);
    assertThat(t.get(p("usr/bin")).mode()).isEqualTo(0700);
    assertThat(t.get(p("usr/share")).mode()).isEqualTo(0700);
    assertThat(t.get(p("usr/share/doc")).mode()).isEqualTo(0775);
    assertThat(t.get(p("usr")).mode()).isEqualTo(0775);
  }

  @Test
  void modify_doubleStarInTheMiddle_matchesAnyDepth() throws JimgException {
    FileTree t = apply("/**/x m 0600 - -\n");
    assertThat(t.get(p("usr/share/doc/x")).mode()).isEqualTo(0600);
  }

  @Test
  void modify_times_secondsFractionsNegativeAndIso() throws JimgException {
    FileTree t =
        apply(
            """
            /etc/passwd  m - - - mtime=1700000000.5 atime=2024-01-31T12:00:00.000000001Z ctime=-1.25
            /etc         m - - - mtime=0
            """);
    Entry e = t.get(p("etc/passwd"));
    assertThat(e.mtime()).isEqualTo(new Timestamp(1_700_000_000, 500_000_000));
    assertThat(e.atime()).contains(Timestamp.of(Instant.parse("2024-01-31T12:00:00.000000001Z")));
    assertThat(e.ctime()).contains(new Timestamp(-2, 750_000_000));
    assertThat(t.get(p("etc")).mtime()).isEqualTo(Timestamp.EPOCH);
  }

  @Test
  void modify_xattrs_hexBase64AndRemove() throws JimgException {
    FileTree t =
        apply(
            """
            /usr/bin/ping m - - - security.capability=0x0100000200200000 user.note=base64:aGk=
            /usr/bin/ping m - - - user.note=- user.empty=0x
            """);
    assertThat(t.get(p("usr/bin/ping")).xattrs())
        .containsExactly(
            new Xattr("security.capability", new byte[] {1, 0, 0, 2, 0, 0x20, 0, 0}),
            new Xattr("user.empty", new byte[0]));
  }

  @Test
  void modify_hardLinkName_changesTheInode() throws JimgException {
    FileTree withLink = Manifest.parse("/etc/ls2 h /usr/bin/ls\n", "a").applyTo(base());
    FileTree t = Manifest.parse("/etc/ls2 m 0755 - -\n", "b").applyTo(withLink);
    ImagePath holder = p("etc/ls2");
    assertThat(t.get(holder).mode()).isEqualTo(0755);
    assertThat(t.get(p("usr/bin/ls"))).isEqualTo(Entry.hardlink(holder));
  }

  @Test
  void createRules_onHardLinkedEntries_changeTheInodeKeepingLinks() throws JimgException {
    FileTreeBuilder b = base().toBuilder();
    b.put(p("dev/a"), Entry.builder(EntryType.CHAR_DEVICE).mode(0600).device(1, 1).build());
    b.put(p("dev/b"), Entry.hardlink(p("dev/a")));
    b.put(p("etc/passwd2"), Entry.hardlink(p("etc/passwd")));
    FileTree t =
        Manifest.parse("/dev/b c 0666 - - 1 5\n/etc/passwd f 0600 - -\n", "m").applyTo(b.build());
    assertThat(t.get(p("dev/a")).mode()).isEqualTo(0666);
    assertThat(t.get(p("dev/a")).devMinor()).isEqualTo(5);
    assertThat(t.get(p("dev/b"))).isEqualTo(Entry.hardlink(p("dev/a")));
    assertThat(t.get(p("etc/passwd")).mode()).isEqualTo(0600);
    assertThat(t.get(p("etc/passwd2"))).isEqualTo(Entry.hardlink(p("etc/passwd")));
  }

  @Test
  void remove_literalAndGlob() throws JimgException {
    FileTree t = apply("/usr/share r\n/usr/bin/p* r\n");
    assertThat(t.entries().keySet())
        .containsExactly(
            ImagePath.ROOT,
            p("bin"),
            p("etc"),
            p("etc/passwd"),
            p("usr"),
            p("usr/bin"),
            p("usr/bin/ls"));
  }

  @Test
  void rules_applyInOrder() throws JimgException {
    FileTree t = apply("/opt d 0700 1 1\n/opt/** m - 2 -\n/opt/x f - - -\n");
    assertThat(t.get(p("opt")).uid()).isEqualTo(2);
    assertThat(t.get(p("opt")).gid()).isEqualTo(1);
    assertThat(t.get(p("opt/x")).uid()).isZero();
  }

  @Test
  void applyTo_newEntryTime_used() throws JimgException {
    FileTree t = Manifest.parse("/x d - - -\n", "m").applyTo(base(), T);
    assertThat(t.get(p("x")).mtime()).isEqualTo(T);
  }

  @Test
  void parse_commentsBlankLinesCrlf_ignored() throws JimgException {
    Manifest m = Manifest.parse("# header\r\n\r\n   \t\n/a d - - - # trailing\r\n", "m");
    assertThat(m.size()).isEqualTo(1);
  }

  @Test
  void parse_file_usesFileNameInErrors(@TempDir Path tmp) throws IOException {
    Path f =
        Files.writeString(tmp.resolve("dev.table"), "/dev d 0755 0 0\n/dev/null c 666 0 0 1\n");
    assertThatThrownBy(() -> Manifest.parse(f))
        .isInstanceOf(ManifestException.class)
        .hasMessageStartingWith(f + ":2:");
    Path bad = tmp.resolve("bad.table");
    Files.write(bad, new byte[] {'/', 'a', (byte) 0xff, ' ', 'd', ' ', '-', ' ', '-', ' ', '-'});
    assertThatThrownBy(() -> Manifest.parse(bad))
        .isInstanceOf(CorruptInputException.class)
        .hasMessageContaining(bad.toString())
        .hasMessageContaining("UTF-8");
    Path ok = Files.writeString(tmp.resolve("ok.table"), "/a\\xff d - - -\n");
    FileTree t = Manifest.parse(ok).applyTo(FileTree.empty());
    assertThat(t.contains(ImagePath.parse(new byte[] {'a', (byte) 0xff}))).isTrue();
  }

  @Test
  void docsExample_parsesAndApplies() throws IOException {
    Path doc = Path.of("..", "docs", "manifest.md");
    assertThat(doc).as("docs/manifest.md, seen from the core module").exists();
    String md = Files.readString(doc, StandardCharsets.UTF_8);
    int start = md.indexOf("```\n") + 4;
    String example = md.substring(start, md.indexOf("```", start));
    FileTreeBuilder b = base().toBuilder();
    b.put(p("etc/shadow"), file("s"))
        .put(p("etc/motd"), file("m"))
        .put(p("var/cache/apt/x"), file("x"))
        .put(p("var/log/a.log"), file("a"))
        .put(p("var/log/keep"), file("k"));
    FileTree t = Manifest.parse(example, "manifest.md").applyTo(b.build());
    assertThat(t.get(p("dev/null")).devMinor()).isEqualTo(3);
    assertThat(t.get(p("usr/bin/ping")).mode()).isEqualTo(04755);
    assertThat(t.get(p("usr/bin/ping")).uid()).isZero();
    assertThat(t.get(p("usr/bin/ping4"))).isEqualTo(Entry.hardlink(p("usr/bin/ping")));
    assertThat(t.get(p("etc/shadow")).gid()).isEqualTo(42);
    assertThat(t.contains(p("var/cache/apt"))).isFalse();
    assertThat(t.contains(p("var/log/a.log"))).isFalse();
    assertThat(t.contains(p("var/log/keep"))).isTrue();
    assertThat(t.get(p("run/systemd/notify")).type()).isEqualTo(EntryType.SOCKET);
  }

  // ---- parse errors: line and column

  @Test
  void parse_errors_pointAtLineAndColumn() {
    assertParseError("/a\n", 1, 3, "missing type");
    assertParseError("\n/a  q 0 0 0\n", 2, 5, "unknown type 'q'");
    assertParseError("/a d 0855 0 0\n", 1, 6, "not octal");
    assertParseError("/a d 17777 0 0\n", 1, 6, "above 7777");
    assertParseError("/a d 0755 root 0\n", 1, 11, "uid 'root' is not a decimal");
    assertParseError("/a d 0755 0 4294967296\n", 1, 13, "above 4294967295");
    assertParseError("/a d 0755 0\n", 1, 12, "takes MODE UID GID; got 2");
    assertParseError("/a c 0600 0 0 1\n", 1, 16, "MODE UID GID MAJOR MINOR");
    assertParseError("/a d 0755 0 0 extra\n", 1, 15, "got 4");
    assertParseError("/a r 0755\n", 1, 6, "no fields");
    assertParseError("/a l 0644 0 0 x\n", 1, 6, "always 0777");
    assertParseError("/a/*/b d - - -\n", 1, 4, "wildcard '*' is allowed only in m and r");
    assertParseError("/a/../b d - - -\n", 1, 4, "'..'");
    assertParseError("/a\\q d - - -\n", 1, 3, "unknown escape");
    assertParseError("/a\\x4 d - - -\n", 1, 3, "two hex digits");
    assertParseError("/a d - - - mtime=yesterday\n", 1, 18, "not seconds since the epoch");
    assertParseError("/a d - - - mtime=2024-13-01T00:00:00Z\n", 1, 18, "ISO-8601");
    assertParseError("/a d - - - mtime=1 mtime=2\n", 1, 20, "given twice");
    assertParseError("/a d - - - color=red\n", 1, 12, "unknown option 'color'");
    assertParseError("/a d - - - user.x=abc\n", 1, 19, "0xHEX, base64:DATA");
    assertParseError("/a d - - - user.x=0xabc\n", 1, 19, "odd number");
    assertParseError("/a d - - - user.x=0xzz\n", 1, 21, "not a hex digit");
    assertParseError("/a d - - - user.x=base64:!!\n", 1, 26, "base64");
    assertParseError("/a d - - - mtime=1 0\n", 1, 20, "after key=value");
    assertParseError("/a m - - -\n", 1, 4, "changes nothing");
    assertParseError("/a h /b mtime=1\n", 1, 9, "takes no options");
    assertParseError("/ c 0600 0 0 1 1\n", 1, 1, "only d and m");
    assertParseError("/a d - - -\n/b d\u0001 - - -\n", 2, 5, "control character");
  }

  // ---- apply errors

  @Test
  void apply_errors_nameRuleAndProblem() throws TreeConflictException {
    FileTree base = base();
    assertApplyError(base, "/nope m 0 - -\n", "x.m:1:1: /nope is not in the tree");
    assertApplyError(base, "\n/zz/** m 0 - -\n", "x.m:2:1: /zz/** matches nothing");
    assertApplyError(base, "/etc/passwd d - - -\n", "is a regular in the tree, not a directory");
    assertApplyError(base, "/etc/passwd/x f - - -\n", "parent etc/passwd is a regular");
    assertApplyError(base, "/usr/bin/ls h /missing\n", "already exists");
    assertApplyError(base, "/new h /missing\n", "hard link target missing is not in the tree");
    assertApplyError(base, "/new h /usr\n", "is a directory");
    assertApplyError(base, "/up l - 0 0 ../..\n/up/x f - - -\n", "leads outside the image root");
    assertApplyError(base, "/usr/bin r\n/bin/ls m 0 - -\n", "x.m:2:1: bin/ls: symbolic link bin");
  }

  private static void assertApplyError(FileTree base, String text, String fragment) {
    assertThatThrownBy(() -> Manifest.parse(text, "x.m").applyTo(base))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining(fragment);
  }
}
