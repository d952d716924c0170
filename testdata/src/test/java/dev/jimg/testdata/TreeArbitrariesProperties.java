/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Xattr;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;

class TreeArbitrariesProperties {
  static final byte[] CAP =
      java.util.HexFormat.of().parseHex("0100000200200000000000000000000000000000");

  @Property(tries = 200)
  void trees_defaultSpec_areValidAndWithinLimits(@ForAll("ext4Trees") FileTree tree)
      throws Exception {
    assertWithin(TreeSpec.ext4(), tree);
  }

  @Property(tries = 100)
  void trees_fatSpec_holdOnlyWhatFatCan(@ForAll("fatTrees") FileTree tree) throws Exception {
    assertWithin(TreeSpec.fat(), tree);
    for (Map.Entry<ImagePath, Entry> e : tree) {
      assertThat(e.getValue().uid()).isZero();
      assertThat(e.getValue().xattrs()).isEmpty();
      assertThat(e.getValue().mtime().nanos()).isZero();
      String name = e.getKey().nameString();
      assertThat(name).doesNotEndWith(".").doesNotEndWith(" ").doesNotContain(":", "?", "*");
    }
  }

  @Property(tries = 100)
  void trees_squashfsSpec_haveUnsigned32BitSeconds(@ForAll("squashfsTrees") FileTree tree)
      throws Exception {
    assertWithin(TreeSpec.squashfs(), tree);
  }

  @Property(tries = 100)
  void trees_portableNames_useOnlyThePortableSet(@ForAll("portableTrees") FileTree tree)
      throws Exception {
    for (ImagePath p : tree.entries().keySet()) {
      for (byte b : p.name()) {
        assertThat((char) b).isIn(allowedPortable());
      }
    }
  }

  @Provide
  Arbitrary<FileTree> ext4Trees() {
    return TreeArbitraries.trees(TreeSpec.ext4());
  }

  @Provide
  Arbitrary<FileTree> fatTrees() {
    return TreeArbitraries.trees(TreeSpec.fat());
  }

  @Provide
  Arbitrary<FileTree> squashfsTrees() {
    return TreeArbitraries.trees(TreeSpec.squashfs());
  }

  @Provide
  Arbitrary<FileTree> portableTrees() {
    return TreeArbitraries.trees(
        TreeSpec.builder().names(TreeSpec.Names.PORTABLE).maxFileSize(10).build());
  }

  private static Set<Character> allowedPortable() {
    Set<Character> s = new HashSet<>();
    for (char c :
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".toCharArray()) {
      s.add(c);
    }
    return s;
  }

  /** Everything a spec promises, and that the tree survives a rebuild. */
  static void assertWithin(TreeSpec spec, FileTree tree) throws Exception {
    assertThat(tree.size()).isLessThanOrEqualTo(spec.maxEntries() + 1);
    assertThat(tree.root().type()).isEqualTo(EntryType.DIRECTORY);
    Map<ImagePath, Set<String>> seen = new java.util.HashMap<>();
    FileTreeBuilder rebuilt = new FileTreeBuilder();
    for (Map.Entry<ImagePath, Entry> me : tree) {
      ImagePath p = me.getKey();
      Entry e = me.getValue();
      rebuilt.put(p, e);
      assertThat(spec.types()).contains(e.type());
      if (p.isRoot()) {
        continue;
      }
      byte[] name = p.name();
      assertThat(name.length).isBetween(1, spec.maxNameBytes());
      assertThat(new String(name, StandardCharsets.ISO_8859_1)).isNotIn(".", "..");
      assertThat(p.depth()).isLessThanOrEqualTo(spec.maxDepth());
      if (spec.caseInsensitive()) {
        String key = p.nameString().toLowerCase(Locale.ROOT);
        assertThat(seen.computeIfAbsent(p.parent(), k -> new HashSet<>()).add(key))
            .as("case-insensitively unique: %s", p)
            .isTrue();
      }
      if (spec.names() == TreeSpec.Names.UTF8) {
        assertThat(isUtf8(name)).as("UTF-8 name %s", p).isTrue();
      }
      if (e.type() == EntryType.HARDLINK) {
        continue;
      }
      assertThat(e.mtime()).isBetween(spec.minTime(), spec.maxTime());
      if (!spec.nanos()) {
        assertThat(e.mtime().nanos()).isZero();
      }
      assertThat(e.uid()).isLessThanOrEqualTo(spec.maxId());
      assertThat(e.gid()).isLessThanOrEqualTo(spec.maxId());
      if (e.type() == EntryType.REGULAR) {
        assertThat(e.size()).isLessThanOrEqualTo(spec.maxFileSize());
        long end = 0;
        for (Extent x : e.content().extents()) {
          assertThat(x.offset()).isGreaterThanOrEqualTo(end);
          end = x.end();
        }
        assertThat(end).isLessThanOrEqualTo(e.size());
        if (!spec.sparse()) {
          assertThat(e.content().isSparse()).isFalse();
        }
      }
      if (e.type() == EntryType.SYMLINK) {
        assertThat(e.size()).isBetween(1L, (long) spec.maxSymlinkBytes());
        assertThat(e.mode()).isEqualTo(0777);
      }
      for (Xattr x : e.xattrs()) {
        if (x.name().startsWith("user.")) {
          assertThat(e.type()).isIn(EntryType.REGULAR, EntryType.DIRECTORY);
        }
      }
    }
    assertThat(rebuilt.build()).isEqualTo(tree);
  }

  private static boolean isUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Example
  void trees_manyTries_everyTypeAndEveryOddityAppears() {
    RandomGenerator<FileTree> gen = TreeArbitraries.trees().generator(1000);
    Random random = new Random(20261127L);
    Set<EntryType> types = EnumSet.noneOf(EntryType.class);
    Set<String> seen = new TreeSet<>();
    for (int i = 0; i < 300; i++) {
      FileTree tree = gen.next(random).value();
      for (Map.Entry<ImagePath, Entry> me : tree) {
        Entry e = me.getValue();
        byte[] name = me.getKey().name();
        types.add(e.type());
        mark(seen, "non-UTF-8 name", name.length > 0 && !isUtf8(name));
        mark(seen, "255-byte name", name.length == 255);
        mark(
            seen,
            "name beyond the BMP",
            me.getKey().nameString().codePoints().anyMatch(c -> c > 0xFFFF));
        mark(seen, "name with space", me.getKey().nameString().contains(" "));
        mark(seen, "dot name", name.length > 1 && name[0] == '.');
        mark(seen, "sorts next to slash", me.getKey().nameString().matches("a[-.0]"));
        if (e.type() == EntryType.HARDLINK) {
          continue;
        }
        mark(seen, "before 1970", e.mtime().seconds() < 0);
        mark(seen, "after 2038", e.mtime().seconds() > Integer.MAX_VALUE);
        mark(seen, "after 2106", e.mtime().seconds() > 0xFFFF_FFFFL);
        mark(seen, "nanoseconds", e.mtime().nanos() != 0);
        mark(seen, "uid > 65535", e.uid() > 65535);
        mark(seen, "gid > 65535", e.gid() > 65535);
        mark(seen, "setuid", (e.mode() & 04000) != 0);
        mark(seen, "user xattr", e.xattrs().stream().anyMatch(x -> x.name().startsWith("user.")));
        mark(
            seen,
            "trusted xattr",
            e.xattrs().stream().anyMatch(x -> x.name().startsWith("trusted.")));
        mark(
            seen,
            "capability",
            e.xattrs().stream().anyMatch(x -> x.name().equals("security.capability")));
        if (e.type() == EntryType.REGULAR) {
          mark(seen, "empty file", e.size() == 0);
          mark(seen, "4097-byte file", e.size() == 4097);
          mark(seen, "65535-byte file", e.size() == 65535);
          mark(seen, "sparse file", e.content().isSparse() && !e.content().extents().isEmpty());
          mark(seen, "all-hole file", e.size() > 0 && e.content().extents().isEmpty());
        }
      }
    }
    assertThat(types).isEqualTo(EnumSet.allOf(EntryType.class));
    assertThat(seen)
        .contains(
            "non-UTF-8 name",
            "255-byte name",
            "name beyond the BMP",
            "name with space",
            "dot name",
            "sorts next to slash",
            "before 1970",
            "after 2038",
            "after 2106",
            "nanoseconds",
            "uid > 65535",
            "gid > 65535",
            "setuid",
            "user xattr",
            "trusted xattr",
            "capability",
            "empty file",
            "4097-byte file",
            "65535-byte file",
            "sparse file",
            "all-hole file");
  }

  private static void mark(Set<String> seen, String what, boolean present) {
    if (present) {
      seen.add(what);
    }
  }

  @Example
  void shrinking_treeWithSymlink_shrinksToTheSymlinkAlone() {
    Predicate<FileTree> failing =
        t -> t.entries().values().stream().anyMatch(e -> e.type() == EntryType.SYMLINK);
    RandomGenerator<FileTree> gen = TreeArbitraries.trees().generator(1000);
    Random random = new Random(5);
    Shrinkable<FileTree> current = gen.next(random);
    while (!failing.test(current.value()) || current.value().size() < 10) {
      current = gen.next(random);
    }
    int before = current.value().size();
    for (int step = 0; step < 500; step++) {
      Optional<Shrinkable<FileTree>> smaller =
          current.shrink().limit(2000).filter(s -> failing.test(s.value())).findFirst();
      if (smaller.isEmpty()) {
        break;
      }
      current = smaller.get();
    }
    FileTree minimal = current.value();
    assertThat(before).isGreaterThanOrEqualTo(10);
    assertThat(minimal.size()).as("shrunk tree:\n%s", minimal).isEqualTo(2);
    Entry link = minimal.entries().lastEntry().getValue();
    assertThat(link.type()).isEqualTo(EntryType.SYMLINK);
    assertThat(link.xattrs()).isEmpty();
  }
}
