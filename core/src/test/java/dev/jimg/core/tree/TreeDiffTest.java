/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.tree.TreeDiff.Change;
import dev.jimg.core.tree.TreeDiff.Difference;
import dev.jimg.core.tree.TreeDiff.Field;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TreeDiffTest {
  private static final Timestamp T = new Timestamp(1_700_000_000L, 500_000_000);

  private static FileTreeBuilder base() throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, T));
    b.put(ImagePath.of("etc"), Entry.directory(0755, T));
    b.put(ImagePath.of("etc/hostname"), file("box\n"));
    b.put(ImagePath.of("bin"), Entry.symlink("usr/bin", T));
    return b;
  }

  private static Entry file(String text) {
    return Entry.file(0644, T, Content.ofBytes(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Difference> diff(TreeDiff d, FileTree a, FileTree b) throws IOException {
    List<Difference> out = new ArrayList<>();
    long n = d.compare(a, b, out::add);
    assertThat(n).isEqualTo(out.size());
    return out;
  }

  @Test
  void compare_sameTrees_noDifference() throws IOException {
    assertThat(diff(TreeDiff.exact(), base().build(), base().build())).isEmpty();
  }

  @Test
  void compare_directoryOnOneSide_isOneDifferenceCountingWhatIsBelow() throws IOException {
    FileTreeBuilder right = base();
    // "usr-local" sorts between "usr" and "usr/bin" in byte order ('-' < '/')
    right.put(ImagePath.of("usr"), Entry.directory(0755, T));
    right.put(ImagePath.of("usr-local"), file("x"));
    right.put(ImagePath.of("usr/bin"), Entry.directory(0755, T));
    right.put(ImagePath.of("usr/bin/ls"), file("elf"));
    List<Difference> d = diff(TreeDiff.exact(), base().build(), right.build());
    assertThat(d)
        .extracting(x -> x.path().toString(), Difference::kind, Difference::below)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("usr", Difference.Kind.ONLY_RIGHT, 2),
            org.assertj.core.groups.Tuple.tuple("usr-local", Difference.Kind.ONLY_RIGHT, 0));
    assertThat(diff(TreeDiff.exact(), right.build(), base().build()))
        .extracting(Difference::kind)
        .containsOnly(Difference.Kind.ONLY_LEFT);
  }

  @Test
  void compare_directoryReplacedByFile_isOneTypeChange() throws IOException {
    FileTreeBuilder right = new FileTreeBuilder();
    right.put(ImagePath.ROOT, Entry.directory(0755, T));
    right.put(ImagePath.of("etc"), file("not a directory"));
    right.put(ImagePath.of("bin"), Entry.symlink("usr/bin", T));
    List<Difference> d = diff(TreeDiff.exact(), base().build(), right.build());
    assertThat(d).hasSize(1);
    assertThat(d.get(0).changes()).containsExactly(new Change(Field.TYPE, "directory", "file"));
    assertThat(d.get(0).below()).isEqualTo(1);
  }

  @Test
  void compare_sameSizeOtherBytes_reportsTheFirstDifferentByte() throws IOException {
    FileTreeBuilder right = base();
    right.put(ImagePath.of("etc/hostname"), file("bog\n"));
    List<Difference> d = diff(TreeDiff.exact(), base().build(), right.build());
    assertThat(d).hasSize(1);
    assertThat(d.get(0).changes()).containsExactly(new Change(Field.CONTENT, "byte 2", "byte 2"));

    FileTreeBuilder longer = base();
    longer.put(ImagePath.of("etc/hostname"), file("box.example\n"));
    assertThat(diff(TreeDiff.exact(), base().build(), longer.build()).get(0).changes())
        .containsExactly(new Change(Field.SIZE, "4", "12"));
  }

  @Test
  void compare_largeContents_streamsPastTheFirstBuffer() throws IOException {
    byte[] a = new byte[300_000];
    byte[] b = a.clone();
    b[200_001] = 1;
    FileTreeBuilder left = base();
    left.put(ImagePath.of("big"), Entry.file(0644, T, Content.ofBytes(a)));
    FileTreeBuilder right = base();
    right.put(ImagePath.of("big"), Entry.file(0644, T, Content.ofBytes(b)));
    assertThat(diff(TreeDiff.exact(), left.build(), right.build()).get(0).changes())
        .containsExactly(new Change(Field.CONTENT, "byte 200001", "byte 200001"));
  }

  @Test
  void compare_metadata_eachFieldNamed_andIgnoredFieldsSkipped() throws IOException {
    FileTreeBuilder right = base();
    right.put(
        ImagePath.of("etc/hostname"),
        file("box\n").toBuilder()
            .mode(0600)
            .uid(1000)
            .gid(1000)
            .mtime(new Timestamp(T.seconds(), 0))
            .xattr("user.a", new byte[] {1})
            .build());
    right.put(ImagePath.of("bin"), Entry.symlink("usr/sbin", T));
    List<Difference> d = diff(TreeDiff.exact(), base().build(), right.build());
    assertThat(d).extracting(x -> x.path().toString()).containsExactly("bin", "etc/hostname");
    assertThat(d.get(0).changes()).containsExactly(new Change(Field.TARGET, "usr/bin", "usr/sbin"));
    assertThat(d.get(1).changes())
        .extracting(Change::field)
        .containsExactly(Field.MODE, Field.OWNER, Field.MTIME, Field.XATTRS);

    TreeDiff lenient = TreeDiff.ignoring(Set.of(Field.MODE, Field.OWNER, Field.XATTRS), 1);
    assertThat(diff(lenient, base().build(), right.build()).get(1).changes())
        .extracting(Change::field)
        .containsExactly(Field.MTIME);
    TreeDiff seconds =
        TreeDiff.ignoring(
            Set.of(Field.MODE, Field.OWNER, Field.XATTRS, Field.TARGET), 1_000_000_000L);
    assertThat(diff(seconds, base().build(), right.build())).isEmpty();
  }

  @Test
  void compare_twoSecondResolution_truncatesTowardsThePast() throws IOException {
    FileTreeBuilder left = base();
    left.put(ImagePath.of("f"), file("x").toBuilder().mtime(Timestamp.ofSeconds(-3)).build());
    FileTreeBuilder right = base();
    right.put(ImagePath.of("f"), file("x").toBuilder().mtime(new Timestamp(-4, 999)).build());
    TreeDiff fat = TreeDiff.ignoring(Set.of(), 2_000_000_000L);
    assertThat(diff(fat, left.build(), right.build())).isEmpty();
    right.put(ImagePath.of("f"), file("x").toBuilder().mtime(Timestamp.ofSeconds(-2)).build());
    assertThat(diff(fat, left.build(), right.build())).hasSize(1);
  }

  @Test
  void ignoring_aResolutionThatDoesNotDivideASecond_isRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TreeDiff.ignoring(Set.of(), 1_500_000_000L))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TreeDiff.ignoring(Set.of(), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(TreeDiff.ignoring(Set.of(), 2_000_000_000L)).isNotNull();
  }

  @Test
  void compare_hardLinks_groupsCompared_notWhichNameHoldsTheData() throws IOException {
    FileTreeBuilder left = base();
    left.put(ImagePath.of("a"), file("same"));
    left.put(ImagePath.of("b"), Entry.hardlink(ImagePath.of("a")));
    // the other side was read from a tar that stored the second name first
    FileTreeBuilder right = base();
    right.put(ImagePath.of("b"), file("same"));
    right.put(ImagePath.of("a"), Entry.hardlink(ImagePath.of("b")));
    assertThat(diff(TreeDiff.exact(), left.build(), right.build())).isEmpty();

    FileTreeBuilder split = base();
    split.put(ImagePath.of("a"), file("same"));
    split.put(ImagePath.of("b"), file("same"));
    List<Difference> d = diff(TreeDiff.exact(), left.build(), split.build());
    assertThat(d).extracting(x -> x.path().toString()).containsExactly("a", "b");
    assertThat(d.get(0).changes()).containsExactly(new Change(Field.LINKS, "[a, b]", "[a]"));
  }
}
