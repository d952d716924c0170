/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.TreeConflictException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FileTreeTest {
  private static ImagePath p(String s) {
    return ImagePath.of(s);
  }

  private static FileTree sample() throws TreeConflictException {
    Entry data =
        Entry.file(
            0644, Timestamp.ofSeconds(50), Content.ofBytes("x".getBytes(StandardCharsets.UTF_8)));
    return new FileTreeBuilder()
        .put(p("a/b"), data)
        .put(p("a/c"), Entry.hardlink(p("a/b")))
        .put(p("a-b"), Entry.directory(0700, Timestamp.ofSeconds(99)))
        .put(p("z"), Entry.hardlink(p("a/b")))
        .build();
  }

  @Test
  void follow_linksOnTheWayAndAtTheEnd_resolvedInsideTheTree() throws TreeConflictException {
    FileTree t =
        sample().toBuilder()
            .put(p("usr/bin/sh"), Entry.symlink("dash", Timestamp.EPOCH))
            .put(p("usr/bin/dash"), Entry.file(0755, Timestamp.EPOCH, Content.zeros(3)))
            .put(p("bin"), Entry.symlink("usr/bin", Timestamp.EPOCH))
            .put(p("etc/sh"), Entry.symlink("/bin/sh", Timestamp.EPOCH))
            .put(p("etc/up"), Entry.symlink("../../../usr/bin/dash", Timestamp.EPOCH))
            .put(p("etc/loop"), Entry.symlink("loop", Timestamp.EPOCH))
            .put(p("etc/gone"), Entry.symlink("nowhere", Timestamp.EPOCH))
            .build();
    assertThat(t.follow(p("bin/sh"))).isEqualTo(p("usr/bin/dash"));
    assertThat(t.follow(p("etc/sh"))).isEqualTo(p("usr/bin/dash"));
    assertThat(t.follow(p("etc/up"))).as("'..' stops at the root").isEqualTo(p("usr/bin/dash"));
    assertThat(t.follow(p("bin"))).isEqualTo(p("usr/bin"));
    assertThat(t.follow(p("a/c"))).as("hard links are entries, not links").isEqualTo(p("a/c"));
    assertThat(t.follow(ImagePath.ROOT)).isEqualTo(ImagePath.ROOT);
    assertThat(t.follow(p("etc/loop"))).isNull();
    assertThat(t.follow(p("etc/gone"))).isNull();
    assertThat(t.follow(p("a/b/x"))).as("a file is not a directory").isNull();
    FileTree dotted =
        t.toBuilder()
            .put(p("etc/weird"), Entry.symlink("../usr/bin/dash/..", Timestamp.EPOCH))
            .build();
    assertThat(dotted.follow(p("etc/weird"))).as("'..' after a file").isNull();
    assertThat(t.follow(p("missing"))).isNull();
  }

  @Test
  void followWithin_absoluteTargetsAndDotDotStayUnderTheGivenRoot() throws TreeConflictException {
    // two partitions of a disk: 1/etc/sh -> /bin/sh means 1/bin/sh, not bin/sh of the disk
    FileTree t =
        new FileTreeBuilder()
            .put(p("1/usr/bin/dash"), Entry.file(0755, Timestamp.EPOCH, Content.zeros(3)))
            .put(p("1/bin"), Entry.symlink("usr/bin", Timestamp.EPOCH))
            .put(p("1/etc/sh"), Entry.symlink("/bin/dash", Timestamp.EPOCH))
            .put(p("1/etc/up"), Entry.symlink("../../../usr/bin/dash", Timestamp.EPOCH))
            .put(p("1/etc/two"), Entry.symlink("../../2/etc", Timestamp.EPOCH))
            .put(p("2/etc/other"), Entry.symlink("/usr/bin/dash", Timestamp.EPOCH))
            .build();
    assertThat(t.followWithin(p("1"), p("etc/sh"))).isEqualTo(p("1/usr/bin/dash"));
    assertThat(t.followWithin(p("1"), p("etc/up"))).isEqualTo(p("1/usr/bin/dash"));
    assertThat(t.followWithin(p("2"), p("etc/other"))).as("not into partition 1").isNull();
    assertThat(t.followWithin(p("1"), p("etc/two"))).as("'..' stays in 1").isNull();
    assertThat(t.follow(p("1/etc/sh"))).as("from the tree's root, as before").isNull();
  }

  @Test
  void children_areDirectOnly_inByteOrder() throws TreeConflictException {
    FileTree t = sample();
    assertThat(t.children(ImagePath.ROOT)).containsExactly(p("a"), p("a-b"), p("z"));
    assertThat(t.children(p("a"))).containsExactly(p("a/b"), p("a/c"));
    assertThat(t.children(p("a/b"))).isEmpty();
  }

  @Test
  void subtree_excludesSiblingsThatSortBetween() throws TreeConflictException {
    FileTree t = sample();
    assertThat(t.subtree(p("a")).keySet()).containsExactly(p("a"), p("a/b"), p("a/c"));
    assertThat(t.subtree(ImagePath.ROOT)).hasSize(t.size());
  }

  @Test
  void hardlinks_resolveToHolder() throws TreeConflictException {
    FileTree t = sample();
    assertThat(t.hardlinksTo(p("a/b"))).containsExactly(p("a/c"), p("z"));
    assertThat(t.resolve(p("z"))).isSameAs(t.get(p("a/b")));
    assertThat(t.resolve(p("a-b"))).isSameAs(t.get(p("a-b")));
    assertThat(t.resolve(p("missing"))).isNull();
  }

  @Test
  void newestMtime_ignoresLinks_andEmptyTreeIsEpoch() throws TreeConflictException {
    assertThat(sample().newestMtime()).isEqualTo(Timestamp.ofSeconds(99));
    assertThat(FileTree.empty().newestMtime()).isEqualTo(Timestamp.EPOCH);
  }

  @Test
  void toBuilder_roundTrip_isEqual() throws TreeConflictException {
    FileTree t = sample();
    assertThat(t.toBuilder().build()).isEqualTo(t).hasSameHashCodeAs(t);
  }
}
