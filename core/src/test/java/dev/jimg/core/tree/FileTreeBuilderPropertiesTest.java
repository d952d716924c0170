/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.TreeConflictException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;

class FileTreeBuilderPropertiesTest {
  private static final Timestamp T = Timestamp.ofSeconds(5);

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> component = Arbitraries.of("a", "b", "a-b", "c.d", "-x", "é", "z");
    return component.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("/", l));
  }

  @Provide
  Arbitrary<List<Integer>> seeds() {
    return Arbitraries.integers().between(0, 1_000_000).list().ofSize(64);
  }

  /**
   * Names of one inode put in any order, each later name linking to any earlier one: the built tree
   * is the same.
   */
  @Property(tries = 200)
  void build_hardLinkGroups_independentOfInsertionOrder(
      @ForAll @Size(min = 1, max = 8) @UniqueElements
          List<@net.jqwik.api.From("paths") String> names,
      @ForAll("seeds") List<Integer> choices)
      throws TreeConflictException {
    List<String> leaves = leavesOnly(names);
    Entry data = Entry.file(0600, T, Content.ofBytes("inode".getBytes(StandardCharsets.UTF_8)));

    FileTree reference = build(leaves, data, null);
    List<String> shuffled = new ArrayList<>(leaves);
    for (int i = shuffled.size() - 1; i > 0; i--) {
      int j = choices.get(i) % (i + 1);
      String tmp = shuffled.get(i);
      shuffled.set(i, shuffled.get(j));
      shuffled.set(j, tmp);
    }
    FileTree other = build(shuffled, data, choices);

    assertThat(other).isEqualTo(reference);
    String first = leaves.stream().map(ImagePath::of).sorted().findFirst().orElseThrow().toString();
    assertThat(other.get(ImagePath.of(first))).isEqualTo(data);
    assertThat(other.hardlinksTo(ImagePath.of(first))).hasSize(leaves.size() - 1);
  }

  private static FileTree build(List<String> order, Entry data, List<Integer> choices)
      throws TreeConflictException {
    FileTreeBuilder b = new FileTreeBuilder();
    for (int i = 0; i < order.size(); i++) {
      ImagePath path = ImagePath.of(order.get(i));
      if (i == 0) {
        b.put(path, data);
      } else {
        int target = choices == null ? 0 : choices.get(i) % i;
        b.put(path, Entry.hardlink(ImagePath.of(order.get(target))));
      }
    }
    return b.build();
  }

  /** Drops paths that are a prefix directory of another, so every name can be a file. */
  private static List<String> leavesOnly(List<String> names) {
    Map<ImagePath, String> keep = new LinkedHashMap<>();
    for (String n : names) {
      keep.put(ImagePath.of(n), n);
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<ImagePath, String> e : keep.entrySet()) {
      boolean isParent = false;
      for (ImagePath other : keep.keySet()) {
        if (!other.equals(e.getKey()) && other.startsWith(e.getKey())) {
          isParent = true;
          break;
        }
      }
      if (!isParent) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  /** Layering a tree over itself changes nothing; layering over empty gives the tree. */
  @Property(tries = 100)
  void overlay_identityLaws(@ForAll("trees") FileTree t) throws TreeConflictException {
    assertThat(t.toBuilder().overlay(t).build()).isEqualTo(t);
    assertThat(FileTree.empty().toBuilder().overlay(t).build()).isEqualTo(t);
  }

  /**
   * {@link FileTree#overlaidBy} (which hands back the upper tree itself over a bare root) is the
   * same as overlaying with a builder, over an empty tree and over another tree, with whiteouts in
   * the upper layer or without.
   */
  @Property(tries = 200)
  void overlaidBy_equalsBuilderOverlay(
      @ForAll("trees") FileTree lower, @ForAll("trees") FileTree upper, @ForAll boolean whiteout)
      throws TreeConflictException {
    FileTree up = upper;
    if (whiteout && !lower.children(ImagePath.ROOT).isEmpty()) {
      ImagePath victim = lower.children(ImagePath.ROOT).get(0);
      up =
          upper.toBuilder()
              .put(
                  ImagePath.ROOT.child(".wh." + victim.nameString()),
                  Entry.file(0, T, Content.zeros(0)))
              .build();
    }
    for (FileTree base : List.of(FileTree.empty(), lower)) {
      assertThat(base.overlaidBy(up, true))
          .isEqualTo(base.toBuilder().replaceTypes(true).overlay(up).build());
    }
    assertThat(FileTree.empty().overlaidBy(upper, false)).isSameAs(upper);
  }

  /** A whiteout of every top-level name in the upper layer leaves only the root. */
  @Property(tries = 100)
  void overlay_whiteoutEverything_leavesRoot(@ForAll("trees") FileTree t)
      throws TreeConflictException {
    FileTreeBuilder upper = new FileTreeBuilder();
    for (ImagePath child : t.children(ImagePath.ROOT)) {
      upper.put(
          ImagePath.ROOT.child(".wh." + child.nameString()), Entry.file(0, T, Content.zeros(0)));
    }
    FileTree result = t.toBuilder().overlay(upper.build()).build();
    assertThat(result.entries().keySet()).containsExactly(ImagePath.ROOT);
  }

  /**
   * Whiting out any set of lower entries (none below another) removes exactly those subtrees; the
   * directories holding the whiteouts (and the root) take the upper layer's metadata; nothing else
   * changes.
   */
  @Property(tries = 200)
  void overlay_whiteouts_removeExactlyTheirSubtrees(
      @ForAll("trees") FileTree lower, @ForAll("seeds") List<Integer> picks)
      throws TreeConflictException {
    List<ImagePath> candidates = new ArrayList<>(lower.entries().keySet());
    candidates.remove(ImagePath.ROOT);
    List<ImagePath> hidden = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      ImagePath c = candidates.get(i);
      boolean nested = hidden.stream().anyMatch(h -> c.startsWith(h) || h.startsWith(c));
      if (picks.get(i % picks.size()) % 3 == 0 && !nested) {
        hidden.add(c);
      }
    }
    Entry upperDir = Entry.directory(0700, Timestamp.ofSeconds(9));
    FileTreeBuilder upper = new FileTreeBuilder().implicitDirectory(upperDir);
    upper.put(ImagePath.ROOT, upperDir);
    for (ImagePath h : hidden) {
      upper.put(h.parent().child(".wh." + h.nameString()), Entry.file(0, T, Content.zeros(0)));
    }

    FileTree result = lower.toBuilder().overlay(upper.build()).build();

    Map<ImagePath, Entry> expected = new java.util.TreeMap<>(lower.entries());
    for (ImagePath h : hidden) {
      expected.keySet().removeIf(k -> k.startsWith(h));
    }
    expected.put(ImagePath.ROOT, upperDir);
    for (ImagePath h : hidden) {
      for (ImagePath a = h.parent(); ; a = a.parent()) {
        expected.put(a, upperDir);
        if (a.isRoot()) {
          break;
        }
      }
    }
    assertThat(result.entries()).isEqualTo(expected);
  }

  @Provide
  Arbitrary<FileTree> trees() {
    Arbitrary<Entry> leaf =
        Arbitraries.oneOf(
            Arbitraries.integers()
                .between(0, 07777)
                .map(m -> Entry.file(m, T, Content.ofBytes(new byte[m % 5]))),
            Arbitraries.of("x", "../y", "/abs").map(s -> Entry.symlink(s, T)),
            Arbitraries.integers().between(0, 0777).map(m -> Entry.directory(m, T)));
    return Combinators.combine(paths().list().ofMaxSize(10), leaf.list().ofSize(10))
        .as(
            (ps, es) -> {
              FileTreeBuilder b = new FileTreeBuilder();
              for (int i = 0; i < ps.size(); i++) {
                try {
                  b.put(ImagePath.of(ps.get(i)), es.get(i));
                } catch (TreeConflictException skipped) {
                  // A generated path under a non-directory; leave it out.
                }
              }
              try {
                return b.build();
              } catch (TreeConflictException e) {
                throw new IllegalStateException(e);
              }
            });
  }
}
