/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.TreeConflictException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FileTreeBuilderTest {
  private static final Timestamp T1 = Timestamp.ofSeconds(1_000);
  private static final Timestamp T2 = Timestamp.ofSeconds(2_000);

  private static ImagePath p(String s) {
    return ImagePath.of(s);
  }

  private static Entry file(String text) {
    return Entry.file(0644, T1, Content.ofBytes(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static Entry dir(int mode, Timestamp t) {
    return Entry.directory(mode, t);
  }

  private static FileTree tree(Object... pathsAndEntries) throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder();
    for (int i = 0; i < pathsAndEntries.length; i += 2) {
      b.put(p((String) pathsAndEntries[i]), (Entry) pathsAndEntries[i + 1]);
    }
    return b.build();
  }

  // ---- put: parents, replacement, conflicts

  @Test
  void put_missingParents_createdWithImplicitMetadata() throws TreeConflictException {
    FileTree t = tree("a/b/c", file("x"));
    assertThat(t.entries().keySet()).containsExactly(ImagePath.ROOT, p("a"), p("a/b"), p("a/b/c"));
    assertThat(t.get(p("a"))).isEqualTo(FileTreeBuilder.DEFAULT_DIRECTORY);
  }

  @Test
  void put_fileUnderFile_namesParent() {
    assertThatThrownBy(() -> tree("a", file("x"), "a/b", file("y")))
        .isInstanceOf(TreeConflictException.class)
        .hasMessage("a/b: parent a is a regular, not a directory");
  }

  @Test
  void put_directoryOverDirectory_mergesWithNewMetadata() throws TreeConflictException {
    FileTree t = tree("d", dir(0700, T1), "d/x", file("x"), "d", dir(0755, T2));
    assertThat(t.get(p("d"))).isEqualTo(dir(0755, T2));
    assertThat(t.contains(p("d/x"))).isTrue();
  }

  @Test
  void put_fileOverDirectory_conflictNamesPathAndTypes() {
    assertThatThrownBy(() -> tree("d/x", file("x"), "d", file("y")))
        .isInstanceOf(TreeConflictException.class)
        .hasMessageStartingWith("d: a regular file would replace a directory");
    assertThatThrownBy(() -> tree("d", Entry.symlink("x", T1), "d", dir(0755, T1)))
        .isInstanceOf(TreeConflictException.class)
        .hasMessageStartingWith("d: a directory would replace a symlink");
  }

  @Test
  void put_replaceTypes_replacesSubtree() throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder().replaceTypes(true);
    b.put(p("d/x"), file("x")).put(p("d"), file("y"));
    assertThat(b.build().entries().keySet()).containsExactly(ImagePath.ROOT, p("d"));
    b.put(p("d"), dir(0700, T1)).put(p("d/z"), file("z"));
    assertThat(b.build().get(p("d"))).isEqualTo(dir(0700, T1));
  }

  @Test
  void put_symlinkOverSymlink_replacesIt_finalComponentNotFollowed() throws TreeConflictException {
    FileTree t =
        tree(
            "usr/bin", dir(0755, T1),
            "bin", Entry.symlink("usr/bin", T1),
            "bin", Entry.symlink("usr/sbin", T2));
    assertThat(t.get(p("bin"))).isEqualTo(Entry.symlink("usr/sbin", T2));
    assertThat(t.get(p("usr/bin"))).isEqualTo(dir(0755, T1));
  }

  // ---- directory symlinks

  @Test
  void put_throughRelativeDirectorySymlink_landsInTarget() throws TreeConflictException {
    FileTree t =
        tree("usr/bin", dir(0755, T1), "bin", Entry.symlink("usr/bin", T1), "bin/ls", file("ls"));
    assertThat(t.contains(p("bin/ls"))).isFalse();
    assertThat(t.get(p("usr/bin/ls"))).isEqualTo(file("ls"));
    assertThat(t.get(p("bin")).type()).isEqualTo(EntryType.SYMLINK);
  }

  @Test
  void put_throughAbsoluteSymlink_isRelativeToImageRoot() throws TreeConflictException {
    FileTree t =
        tree(
            "usr/lib", dir(0755, T1),
            "opt/lib", Entry.symlink("/usr/lib", T1),
            "opt/lib/x.so", file("so"));
    assertThat(t.contains(p("usr/lib/x.so"))).isTrue();
  }

  @Test
  void put_throughChainAndDotDot_resolves() throws TreeConflictException {
    FileTree t =
        tree(
            "usr/lib/x86_64", dir(0755, T1),
            "usr/lib64", Entry.symlink("./lib/../lib/x86_64", T1),
            "lib64", Entry.symlink("usr/lib64", T1),
            "lib", Entry.symlink("lib64", T1),
            "lib/a/b", file("b"));
    assertThat(t.get(p("usr/lib/x86_64/a/b"))).isEqualTo(file("b"));
    assertThat(t.get(p("usr/lib/x86_64/a"))).isEqualTo(FileTreeBuilder.DEFAULT_DIRECTORY);
  }

  @Test
  void put_directoryOverSymlinkToDirectory_keepsSymlink() throws TreeConflictException {
    FileTree t =
        tree(
            "usr/bin", dir(0755, T1),
            "bin", Entry.symlink("usr/bin", T1),
            "bin", dir(0700, T2),
            "bin/sh", file("sh"));
    assertThat(t.get(p("bin")).type()).isEqualTo(EntryType.SYMLINK);
    assertThat(t.get(p("usr/bin"))).isEqualTo(dir(0755, T1));
    assertThat(t.contains(p("usr/bin/sh"))).isTrue();
  }

  @Test
  void put_symlinkLeavingRoot_isRejected() {
    assertThatThrownBy(() -> tree("a/up", Entry.symlink("../..", T1), "a/up/etc/passwd", file("")))
        .isInstanceOf(TreeConflictException.class)
        .hasMessage("a/up/etc/passwd: symbolic link a/up -> ../.. leads outside the image root");
  }

  @Test
  void put_symlinkToMissingPath_isRejected() {
    assertThatThrownBy(() -> tree("bin", Entry.symlink("usr/bin", T1), "bin/ls", file("")))
        .isInstanceOf(TreeConflictException.class)
        .hasMessage("bin/ls: symbolic link bin -> usr/bin leads to usr, which is not in the tree");
  }

  @Test
  void put_symlinkToFile_isRejected() {
    assertThatThrownBy(() -> tree("f", file("f"), "l", Entry.symlink("/f", T1), "l/x", file("x")))
        .isInstanceOf(TreeConflictException.class)
        .hasMessage("l/x: f is a regular, not a directory (reached through symbolic link l -> /f)");
  }

  @Test
  void put_symlinkLoop_isBounded() {
    assertThatThrownBy(
            () ->
                tree(
                    "a", Entry.symlink("b", T1),
                    "b", Entry.symlink("a", T1),
                    "a/x", file("x")))
        .isInstanceOf(TreeConflictException.class)
        .hasMessageContaining("more than 40 symbolic links");
  }

  @Test
  void realPath_reportsWherePutWouldStore() throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(p("usr/bin"), dir(0755, T1)).put(p("bin"), Entry.symlink("usr/bin", T1));
    assertThat(b.realPath(p("bin/x/y"))).isEqualTo(p("usr/bin/x/y"));
    assertThat(b.realPath(p("bin"))).isEqualTo(p("bin"));
    assertThat(b.realPath(p("new/z"))).isEqualTo(p("new/z"));
  }

  // ---- hard links

  @Test
  void build_hardLinkGroup_canonicalToSmallestPath() throws TreeConflictException {
    FileTree t = tree("z", file("data"), "a", Entry.hardlink(p("z")), "m", Entry.hardlink(p("a")));
    assertThat(t.get(p("a"))).isEqualTo(file("data"));
    assertThat(t.get(p("m"))).isEqualTo(Entry.hardlink(p("a")));
    assertThat(t.get(p("z"))).isEqualTo(Entry.hardlink(p("a")));
  }

  @Test
  void put_hardLinkThroughDirectorySymlink_targetsRealPath() throws TreeConflictException {
    FileTree t =
        tree(
            "usr/bin", dir(0755, T1),
            "bin", Entry.symlink("usr/bin", T1),
            "bin/gzip", file("gz"),
            "bin/gunzip", Entry.hardlink(p("bin/gzip")));
    assertThat(t.get(p("usr/bin/gunzip"))).isEqualTo(file("gz"));
    assertThat(t.get(p("usr/bin/gzip"))).isEqualTo(Entry.hardlink(p("usr/bin/gunzip")));
  }

  @Test
  void put_replacingHardLinkHolder_otherNamesKeepOldInode() throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(p("a"), file("old")).put(p("b"), Entry.hardlink(p("a")));
    b.put(p("c"), Entry.hardlink(p("a")));
    b.put(p("a"), file("new!"));
    FileTree t = b.build();
    assertThat(t.get(p("a"))).isEqualTo(file("new!"));
    assertThat(t.get(p("b"))).isEqualTo(file("old"));
    assertThat(t.get(p("c"))).isEqualTo(Entry.hardlink(p("b")));
  }

  /**
   * GNU tar stores a file named twice ({@code tar -cf t.tar d/f d}, {@code find . | tar -cf t.tar
   * -T -}) the second time as a hard link to itself; GNU tar extracts it as a no-op. It used to
   * fail the build with "hard links form a loop".
   */
  @Test
  void put_hardLinkToItself_keepsTheEntryAndItsGroup() throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(p("d/f"), file("data")).put(p("d/g"), Entry.hardlink(p("d/f")));
    b.put(p("d/f"), Entry.hardlink(p("d/f")));
    b.put(p("d/g"), Entry.hardlink(p("d/g")));
    FileTree t = b.build();
    assertThat(t.get(p("d/f"))).isEqualTo(file("data"));
    assertThat(t.get(p("d/g"))).isEqualTo(Entry.hardlink(p("d/f")));
  }

  @Test
  void update_hardLinkHolder_linksSeeTheChange() throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(p("a"), file("data")).put(p("b"), Entry.hardlink(p("a")));
    b.update(p("a"), e -> e.toBuilder().mode(04755).build());
    FileTree t = b.build();
    assertThat(t.get(p("a")).mode()).isEqualTo(04755);
    assertThat(t.get(p("b"))).isEqualTo(Entry.hardlink(p("a")));
    assertThatThrownBy(() -> b.update(p("a"), e -> dir(0755, T1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a: update changes the type from regular to directory");
    assertThatThrownBy(() -> b.update(p("zz"), e -> e))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("zz: not in the tree");
  }

  @Test
  void remove_hardLinkHolderAndSome_restKeepInode() throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(p("d/y"), file("data"))
        .put(p("d/x"), Entry.hardlink(p("d/y")))
        .put(p("e"), Entry.hardlink(p("d/y")));
    b.remove(p("d"));
    FileTree t = b.build();
    assertThat(t.entries().keySet()).containsExactly(ImagePath.ROOT, p("e"));
    assertThat(t.get(p("e"))).isEqualTo(file("data"));
  }

  @Test
  void build_hardLinkToMissing_orDirectory_isRejected() {
    assertThatThrownBy(() -> tree("a", Entry.hardlink(p("nope"))))
        .isInstanceOf(TreeConflictException.class)
        .hasMessage("a: hard link to nope, which is not in the tree");
    assertThatThrownBy(() -> tree("d", dir(0755, T1), "a", Entry.hardlink(p("d"))))
        .isInstanceOf(TreeConflictException.class)
        .hasMessage("a: hard link to directory d");
  }

  @Test
  void remove_root_emptiesTree() throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(p("a/b"), file("x")).remove(ImagePath.ROOT);
    assertThat(b.build()).isEqualTo(FileTree.empty());
  }
}
