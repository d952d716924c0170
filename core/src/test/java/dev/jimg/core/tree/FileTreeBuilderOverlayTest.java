/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.TreeConflictException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FileTreeBuilderOverlayTest {
  private static final Timestamp T1 = Timestamp.ofSeconds(1_000);
  private static final Timestamp T2 = Timestamp.ofSeconds(2_000);
  private static final Entry WH = Entry.file(0, T1, Content.zeros(0));

  private static ImagePath p(String s) {
    return ImagePath.of(s);
  }

  private static Entry file(String text) {
    return Entry.file(0644, T1, Content.ofBytes(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static FileTree tree(Object... pathsAndEntries) throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder();
    for (int i = 0; i < pathsAndEntries.length; i += 2) {
      b.put(p((String) pathsAndEntries[i]), (Entry) pathsAndEntries[i + 1]);
    }
    return b.build();
  }

  private static FileTree layer(FileTree lower, FileTree upper) throws TreeConflictException {
    return lower.toBuilder().overlay(upper).build();
  }

  private static String[] paths(FileTree t) {
    return t.entries().keySet().stream().map(ImagePath::toString).toArray(String[]::new);
  }

  @Test
  void overlay_laterWins_directoriesMerge() throws TreeConflictException {
    FileTree lower =
        tree("etc", Entry.directory(0700, T1), "etc/a", file("lower a"), "etc/b", file("b"));
    FileTree upper = tree("etc", Entry.directory(0755, T2), "etc/a", file("upper a"));
    FileTree t = layer(lower, upper);
    assertThat(paths(t)).containsExactly(".", "etc", "etc/a", "etc/b");
    assertThat(t.get(p("etc"))).isEqualTo(Entry.directory(0755, T2));
    assertThat(t.get(p("etc/a"))).isEqualTo(file("upper a"));
    assertThat(t.get(p("etc/b"))).isEqualTo(file("b"));
  }

  @Test
  void overlay_fileOverDirectory_conflictOrReplace() throws TreeConflictException {
    FileTree lower = tree("x/inner", file("i"));
    FileTree upper = tree("x", file("now a file"));
    assertThatThrownBy(() -> layer(lower, upper))
        .isInstanceOf(TreeConflictException.class)
        .hasMessageStartingWith("x: a regular file would replace a directory");
    FileTree replaced = lower.toBuilder().replaceTypes(true).overlay(upper).build();
    assertThat(paths(replaced)).containsExactly(".", "x");
    FileTree back = replaced.toBuilder().replaceTypes(true).overlay(lower).build();
    assertThat(paths(back)).containsExactly(".", "x", "x/inner");
  }

  @Test
  void overlay_whiteout_removesLowerEntryAndSubtree() throws TreeConflictException {
    FileTree lower = tree("a/keep", file("k"), "a/gone/deep/file", file("d"), "a/f", file("f"));
    FileTree upper = tree("a/.wh.gone", WH, "a/.wh.f", WH, "a/.wh.never-there", WH);
    FileTree t = layer(lower, upper);
    assertThat(paths(t)).containsExactly(".", "a", "a/keep");
  }

  @Test
  void overlay_whiteoutAtRoot_removesTopLevelEntry() throws TreeConflictException {
    FileTree t = layer(tree("x", file("x"), "y", file("y")), tree(".wh.x", WH));
    assertThat(paths(t)).containsExactly(".", "y");
  }

  @Test
  void overlay_opaqueDirectory_dropsLowerChildrenKeepsUpper() throws TreeConflictException {
    FileTree lower = tree("d/old1", file("1"), "d/sub/old2", file("2"), "other", file("o"));
    FileTree upper = tree("d/.wh..wh..opq", WH, "d/new", file("n"));
    FileTree t = layer(lower, upper);
    assertThat(paths(t)).containsExactly(".", "d", "d/new", "other");
  }

  @Test
  void overlay_whiteoutsNeverHideUpperOwnEntries_evenWhenSortingFirst()
      throws TreeConflictException {
    // "-x" and "!" sort before ".wh."; the upper layer's own "-x" must survive its ".wh.-x".
    FileTree lower = tree("d/-x", file("lower"), "d/!", file("lower!"), "d/z", file("z"));
    FileTree upper =
        tree("d/-x", file("upper"), "d/!", file("upper!"), "d/.wh.-x", WH, "d/.wh..wh..opq", WH);
    FileTree t = layer(lower, upper);
    assertThat(paths(t)).containsExactly(".", "d", "d/!", "d/-x");
    assertThat(t.get(p("d/-x"))).isEqualTo(file("upper"));
    assertThat(t.get(p("d/!"))).isEqualTo(file("upper!"));
  }

  @Test
  void overlay_whiteoutsOfDirectoryWithSiblingsSortingBetween() throws TreeConflictException {
    // "a-b" sorts between "a" and "a/..."; whiteouts in a must still apply before a's entries.
    FileTree lower = tree("a/x", file("x"), "a-b/y", file("y"));
    FileTree upper = tree("a/.wh.x", WH, "a/x", file("new x"), "a-b/.wh.y", WH);
    FileTree t = layer(lower, upper);
    assertThat(paths(t)).containsExactly(".", "a", "a-b", "a/x");
    assertThat(t.get(p("a/x"))).isEqualTo(file("new x"));
  }

  @Test
  void overlay_whiteoutEntriesNeverAppear_evenWithoutLower() throws TreeConflictException {
    FileTree t = layer(FileTree.empty(), tree("a/.wh.b", WH, "a/c", file("c")));
    assertThat(paths(t)).containsExactly(".", "a", "a/c");
    assertThat(Arrays.stream(paths(t))).noneMatch(s -> s.contains(".wh."));
  }

  @Test
  void overlay_mergedUsr_upperBinLandsInUsrBin() throws TreeConflictException {
    FileTree lower =
        tree(
            "usr/bin", Entry.directory(0755, T1),
            "usr/bin/true", file("true"),
            "bin", Entry.symlink("usr/bin", T1));
    FileTree upper =
        tree("bin", Entry.directory(0755, T2), "bin/ls", file("ls"), "bin/.wh.true", WH);
    FileTree t = layer(lower, upper);
    assertThat(paths(t)).containsExactly(".", "bin", "usr", "usr/bin", "usr/bin/ls");
    assertThat(t.get(p("bin")).type()).isEqualTo(EntryType.SYMLINK);
  }

  @Test
  void overlay_opaqueDirectoryOverDirectorySymlink_replacesLinkNotTarget()
      throws TreeConflictException {
    FileTree lower =
        tree(
            "usr/bin/true", file("true"),
            "bin", Entry.symlink("usr/bin", T1));
    FileTree upper = tree("bin/.wh..wh..opq", WH, "bin/ls", file("ls"));
    FileTree t = layer(lower, upper);
    assertThat(paths(t)).containsExactly(".", "bin", "bin/ls", "usr", "usr/bin", "usr/bin/true");
    assertThat(t.get(p("bin")).type()).isEqualTo(EntryType.DIRECTORY);
  }

  @Test
  void put_absoluteLinkEscapingRoot_rejected() throws TreeConflictException {
    FileTree lower = tree("etc", Entry.symlink("/../../etc", T1));
    assertThatThrownBy(() -> lower.toBuilder().put(p("etc/passwd"), file("x")))
        .isInstanceOf(TreeConflictException.class)
        .hasMessage("etc/passwd: symbolic link etc -> /../../etc leads outside the image root");
  }

  @Test
  void overlay_directoryOverLinkToNonDirectory_isTypeConflict() throws TreeConflictException {
    FileTree lower = tree("etc", Entry.symlink("../outside", T1));
    FileTree upper = tree("etc/passwd", file("x"));
    assertThatThrownBy(() -> layer(lower, upper))
        .isInstanceOf(TreeConflictException.class)
        .hasMessageStartingWith("etc: a directory would replace a symlink");
  }

  @Test
  void overlay_upperHardLinks_followRelocatedTargets() throws TreeConflictException {
    FileTree lower =
        tree("usr/bin", Entry.directory(0755, T1), "bin", Entry.symlink("usr/bin", T1));
    FileTree upper = tree("bin/a", file("x"), "bin/b", Entry.hardlink(p("bin/a")));
    FileTree t = layer(lower, upper);
    assertThat(t.get(p("usr/bin/a"))).isEqualTo(file("x"));
    assertThat(t.get(p("usr/bin/b"))).isEqualTo(Entry.hardlink(p("usr/bin/a")));
  }

  @Test
  void overlay_whiteoutOfHardLinkHolder_otherNameKeepsData() throws TreeConflictException {
    FileTree lower = tree("a", file("data"), "b", Entry.hardlink(p("a")));
    FileTree t = layer(lower, tree(".wh.a", WH));
    assertThat(paths(t)).containsExactly(".", "b");
    assertThat(t.get(p("b"))).isEqualTo(file("data"));
  }

  @Test
  void overlay_malformedWhiteout_rejected() throws TreeConflictException {
    FileTree upper = tree("d/.wh...", WH);
    assertThatThrownBy(() -> layer(FileTree.empty(), upper))
        .isInstanceOf(TreeConflictException.class)
        .hasMessageStartingWith("d/.wh...: whiteout names no file");
  }
}
