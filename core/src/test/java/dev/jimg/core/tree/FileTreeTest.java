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
