/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.testdata.HostTree;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebUnpackerTest {
  @TempDir Path tmp;

  private static List<Path> debs(String... names) {
    List<Path> out = new ArrayList<>();
    for (String n : names) {
      out.add(Fixtures.path(n));
    }
    return out;
  }

  static String text(FileTree tree, String path) throws IOException {
    Entry e = tree.get(ImagePath.of(path));
    assertThat(e).as(path).isNotNull();
    try (InputStream in = e.content().open()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A scratch root where dpkg installs (or only unpacks) the same packages. */
  private Path dpkgRoot(String action, String... names) throws IOException {
    Fixtures.requireDpkg("dpkg");
    Path root = tmp.resolve("dpkg-root-" + action);
    Files.createDirectories(root.resolve("var/lib/dpkg/info"));
    Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
    Files.createFile(root.resolve("var/lib/dpkg/status"));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "dpkg",
                "--root=" + root,
                "--force-script-chrootless",
                "--force-not-root",
                "--force-depends",
                "--force-unsafe-io",
                "--no-triggers",
                action));
    for (Path p : debs(names)) {
      cmd.add(p.toString());
    }
    Fixtures.run(cmd.toArray(String[]::new));
    return root;
  }

  private static String hostText(Path root, String path) throws IOException {
    return Files.readString(root.resolve(path), StandardCharsets.UTF_8);
  }

  @Test
  void unpack_scriptFreePackages_databaseEqualsDpkgInstall() throws Exception {
    String[] pkgs = {Fixtures.TINY_GZ, Fixtures.HELLO, Fixtures.REPLACER};
    Path root = dpkgRoot("--install", pkgs);
    try (UnpackedTree t = DebUnpacker.over(FileTree.empty()).unpack(debs(pkgs))) {
      assertThat(text(t.tree(), "var/lib/dpkg/status"))
          .isEqualTo(hostText(root, "var/lib/dpkg/status"));
      for (String f :
          List.of(
              "jimg-tiny.list",
              "jimg-tiny.md5sums",
              "jimg-tiny.conffiles",
              "hello.list",
              "hello.md5sums",
              "jimg-replacer.list",
              "jimg-replacer.md5sums",
              "format")) {
        assertThat(text(t.tree(), "var/lib/dpkg/info/" + f))
            .as(f)
            .isEqualTo(hostText(root, "var/lib/dpkg/info/" + f));
      }
      assertThat(infoNames(t.tree())).isEqualTo(hostInfoNames(root));
      assertThat(t.packages())
          .extracting(UnpackedTree.Package::status)
          .containsOnly(DpkgStatus.INSTALLED);
      assertSameFilesOutsideDatabase(t.tree(), root);
    }
  }

  @Test
  void unpack_packagesWithScripts_databaseEqualsDpkgUnpack() throws Exception {
    String[] pkgs = {Fixtures.SCRIPTS, Fixtures.BASE_FILES};
    Path root = dpkgRoot("--unpack", pkgs);
    try (UnpackedTree t = DebUnpacker.over(FileTree.empty()).unpack(debs(pkgs))) {
      String ours = text(t.tree(), "var/lib/dpkg/status");
      String theirs = hostText(root, "var/lib/dpkg/status");
      assertThat(stanza(ours, "jimg-scripts")).isEqualTo(stanza(theirs, "jimg-scripts"));
      assertThat(stanza(ours, "base-files")).isEqualTo(stanza(theirs, "base-files"));
      assertThat(ours).isEqualTo(theirs);
      for (String f :
          List.of(
              "jimg-scripts:amd64.list",
              "jimg-scripts:amd64.md5sums",
              "jimg-scripts:amd64.postinst",
              "jimg-scripts:amd64.prerm",
              "jimg-scripts:amd64.triggers",
              "jimg-scripts:amd64.conffiles",
              "base-files.list",
              "base-files.md5sums",
              "base-files.postinst",
              "base-files.conffiles")) {
        assertThat(text(t.tree(), "var/lib/dpkg/info/" + f))
            .as(f)
            .isEqualTo(hostText(root, "var/lib/dpkg/info/" + f));
      }
      assertThat(t.tree().get(ImagePath.of("var/lib/dpkg/info/jimg-scripts:amd64.postinst")).mode())
          .isEqualTo(0755);
      assertThat(infoNames(t.tree())).isEqualTo(hostInfoNames(root));
      assertThat(text(t.tree(), "var/lib/dpkg/arch")).isEqualTo("amd64\n");
      for (String empty : List.of("available", "diversions", "statoverride")) {
        assertThat(text(t.tree(), "var/lib/dpkg/" + empty)).isEmpty();
      }
      assertSameFilesOutsideDatabase(t.tree(), root);
    }
  }

  private static String stanza(String status, String pkg) {
    for (String s : status.split("\n\n")) {
      if (s.startsWith("Package: " + pkg + "\n")) {
        return s;
      }
    }
    throw new AssertionError("no stanza for " + pkg + " in\n" + status);
  }

  private static List<String> infoNames(FileTree tree) {
    return tree.children(ImagePath.of("var/lib/dpkg/info")).stream()
        .map(ImagePath::nameString)
        .sorted()
        .toList();
  }

  private static List<String> hostInfoNames(Path root) throws IOException {
    try (Stream<Path> s = Files.list(root.resolve("var/lib/dpkg/info"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private void assertSameFilesOutsideDatabase(FileTree ours, Path root) throws IOException {
    FileTreeBuilder b = ours.toBuilder();
    b.remove(ImagePath.of("var/lib/dpkg"));
    Path copy = tmp.resolve("dpkg-files");
    Fixtures.run("cp", "-a", root.toString(), copy.toString());
    Fixtures.run("rm", "-rf", copy.resolve("var/lib/dpkg").toString());
    FileTree mine = b.build();
    TreeManifestAssert check =
        TreeManifestAssert.assertThat(TreeManifest.of(mine))
            .ignoringAt(".", TreeManifest.Column.MODE, TreeManifest.Column.MTIME);
    for (var e : mine) {
      if (e.getValue().type() == EntryType.DIRECTORY) {
        // dpkg sets no directory times it did not create from the archive (var/lib, ...)
        check = check.ignoringAt(e.getKey(), TreeManifest.Column.MTIME);
      }
    }
    check.matches(TreeManifest.ofHostDirectory(copy));
  }

  @Test
  void unpack_mergedUsr_followsDirectorySymlinksAndKeepsDirectoryMetadata() throws Exception {
    Timestamp old = Timestamp.ofSeconds(1_000_000);
    FileTree base =
        new FileTreeBuilder()
            .put(ImagePath.of("usr"), Entry.directory(0755, old))
            .put(ImagePath.of("usr/bin"), Entry.directory(0755, old))
            .put(ImagePath.of("usr/lib"), Entry.directory(0755, old))
            .put(ImagePath.of("usr/share"), Entry.directory(0755, old))
            .put(ImagePath.of("bin"), Entry.symlink("usr/bin", old))
            .put(ImagePath.of("lib"), Entry.symlink("usr/lib", old))
            .build();
    try (UnpackedTree t = DebUnpacker.over(base).unpack(debs(Fixtures.USRMERGE))) {
      FileTree tree = t.tree();
      assertThat(tree.get(ImagePath.of("bin")).type()).isEqualTo(EntryType.SYMLINK);
      assertThat(tree.get(ImagePath.of("lib")).type()).isEqualTo(EntryType.SYMLINK);
      assertThat(tree.get(ImagePath.of("usr/bin/jimg-old")).mode()).isEqualTo(0755);
      assertThat(tree.get(ImagePath.of("usr/lib/jimg/x"))).isNotNull();
      assertThat(tree.get(ImagePath.of("usr/share")).mode()).isEqualTo(0755);
      assertThat(tree.get(ImagePath.of("usr/share")).mtime()).isEqualTo(old);
      assertThat(text(tree, "var/lib/dpkg/info/jimg-usrmerge.list"))
          .contains("\n/bin\n/bin/jimg-old\n")
          .startsWith("/.\n");

      // the reference: dpkg-deb --fsys-tarfile | tar -x --keep-directory-symlink over the same base
      Fixtures.requireDpkg("dpkg-deb");
      Path dir = tmp.resolve("ref");
      HostTree.write(base, dir);
      Fixtures.run(
          "sh",
          "-c",
          "dpkg-deb --fsys-tarfile \"$1\" | tar -x --keep-directory-symlink --no-overwrite-dir"
              + " -C \"$2\"",
          "sh",
          Fixtures.path(Fixtures.USRMERGE).toString(),
          dir.toString());
      FileTreeBuilder b = tree.toBuilder();
      b.remove(ImagePath.of("var"));
      FileTree mine = b.build();
      TreeManifestAssert check =
          TreeManifestAssert.assertThat(TreeManifest.of(mine))
              .ignoringAt(".", TreeManifest.Column.MODE, TreeManifest.Column.MTIME);
      for (var e : mine) {
        if (e.getValue().type() == EntryType.DIRECTORY) {
          check = check.ignoringAt(e.getKey(), TreeManifest.Column.MTIME);
        }
      }
      check.matches(TreeManifest.ofHostDirectory(dir));
    }
  }

  @Test
  void isDeb_byContentNotName() throws Exception {
    assertThat(DebUnpacker.isDeb(Fixtures.path(Fixtures.HELLO))).isTrue();
    Path renamed = tmp.resolve("hello.tar");
    Files.copy(Fixtures.path(Fixtures.HELLO), renamed);
    assertThat(DebUnpacker.isDeb(renamed)).isTrue();
    Path notDeb = tmp.resolve("x.deb");
    Files.writeString(notDeb, "!<arch>\n/               0 ");
    assertThat(DebUnpacker.isDeb(notDeb)).isFalse();
    assertThat(DebUnpacker.isDeb(tmp)).isFalse();
  }

  @Test
  void unpack_fileOverDirectoryOfEarlierPackage_errorNamesPackage() throws Exception {
    FileTree base =
        new FileTreeBuilder()
            .put(ImagePath.of("usr/bin/tiny"), Entry.directory(0755, Timestamp.EPOCH))
            .build();
    assertThatThrownBy(() -> DebUnpacker.over(base).unpack(debs(Fixtures.TINY_GZ)))
        .isInstanceOf(dev.jimg.core.TreeConflictException.class)
        .hasMessageContaining("jimg-tiny_1.0-1_all.gzip.deb: package jimg-tiny: usr/bin/tiny");
  }

  @Test
  void unpack_sameFileInTwoPackages_conflictNamesBoth() {
    assertThatThrownBy(
            () -> DebUnpacker.over(FileTree.empty()).unpack(debs(Fixtures.TINY_GZ, Fixtures.CLASH)))
        .isInstanceOf(FileConflictException.class)
        .hasMessageContaining(
            "jimg-clash_1.0_all.deb: package jimg-clash ships /usr/bin/tiny,"
                + " which is also in package jimg-tiny");
  }

  @Test
  void unpack_replacesDeclared_fileMovesToNewOwner() throws Exception {
    try (UnpackedTree t =
        DebUnpacker.over(FileTree.empty()).unpack(debs(Fixtures.TINY_GZ, Fixtures.REPLACER))) {
      assertThat(text(t.tree(), "usr/bin/tiny")).isEqualTo("replaced\n");
      assertThat(text(t.tree(), "var/lib/dpkg/info/jimg-tiny.list"))
          .doesNotContain("/usr/bin/tiny\n")
          .contains("/usr/bin/tiny-hard\n");
      assertThat(text(t.tree(), "var/lib/dpkg/info/jimg-replacer.list"))
          .contains("/usr/bin/tiny\n");
    }
  }

  @Test
  void unpack_overBaseWithDatabase_keepsStanzasAndChecksOwnership() throws Exception {
    try (UnpackedTree first = DebUnpacker.over(FileTree.empty()).unpack(debs(Fixtures.TINY_GZ))) {
      assertThatThrownBy(() -> DebUnpacker.over(first.tree()).unpack(debs(Fixtures.CLASH)))
          .isInstanceOf(FileConflictException.class)
          .hasMessageContaining("also in package jimg-tiny");
      assertThatThrownBy(() -> DebUnpacker.over(first.tree()).unpack(debs(Fixtures.TINY_XZ)))
          .hasMessageContaining("already in the base tree's dpkg database");
      try (UnpackedTree second = DebUnpacker.over(first.tree()).unpack(debs(Fixtures.HELLO))) {
        String status = text(second.tree(), "var/lib/dpkg/status");
        assertThat(status).contains("Package: hello\n").contains("Package: jimg-tiny\n");
        assertThat(status.indexOf("Package: hello")).isLessThan(status.indexOf("Package: jimg"));
        ImagePath list = ImagePath.of("var/lib/dpkg/info/jimg-tiny.list");
        assertThat(second.tree().get(list)).isSameAs(first.tree().get(list));
      }
    }
  }

  @Test
  void unpack_twiceWithOtherThreadCounts_identicalTrees() throws Exception {
    List<Path> in = debs(Fixtures.TINY_ZSTD, Fixtures.HELLO, Fixtures.SCRIPTS, Fixtures.BASE_FILES);
    try (UnpackedTree a = DebUnpacker.over(FileTree.empty()).threads(1).unpack(in);
        UnpackedTree b = DebUnpacker.over(FileTree.empty()).threads(4).unpack(in)) {
      TreeManifestAssert.assertThat(TreeManifest.of(a.tree())).matches(TreeManifest.of(b.tree()));
      assertThat(text(a.tree(), "var/lib/dpkg/status"))
          .isEqualTo(text(b.tree(), "var/lib/dpkg/status"));
    }
  }
}
