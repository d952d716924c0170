/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.testdata.LoopMount;
import dev.jimg.testdata.Validators;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One directory of 50,000 names, the "wide directory": written as a real htree that debugfs
 * walks to every name, e2fsck -fn accepts without a word (it neither reports the index nor asks to
 * rebuild it), and the kernel finds every name by lookup.
 */
class Ext4WideDirectoryTest {
  private static final int NAMES = 50_000;
  private static final long MTIME = 1_700_000_000L;
  private static final Set<PosixFilePermission> RW_R_R =
      PosixFilePermissions.fromString("rw-r--r--");

  /**
   * 44-byte names, 52-byte records: 78 to a 4 KiB leaf, so 50,000 names fill 642 leaves, more than
   * the 507 a root indexes; the tree needs its second level.
   */
  private static final String NAME = "a-wide-directory-entry-with-long-name-%06d";

  /** A name of a leaf entry in the dump: inode, hash-minor hash, (rec_len), name. */
  private static final Pattern LEAF_ENTRY =
      Pattern.compile("\\d+ 0x[0-9a-f]{8}-[0-9a-f]{8} \\(\\d+\\) (\\S+) *");

  /** The lines {@code debugfs -R 'htree DIR'} prints for a sound two-level tree, and no others. */
  private static final List<Pattern> HTREE_DUMP =
      List.of(
          Pattern.compile("Root node dump:"),
          Pattern.compile("\t Reserved zero: 0"),
          Pattern.compile("\t Hash Version: 1"),
          Pattern.compile("\t Info length: 8"),
          Pattern.compile("\t Indirect levels: 1"),
          Pattern.compile("\t Flags: 0"),
          Pattern.compile("Number of entries \\((count|limit)\\): \\d+"),
          Pattern.compile("Checksum: 0x[0-9a-f]{8}"),
          Pattern.compile("Entry #\\d+: Hash 0x[0-9a-f]{8}, block \\d+"),
          Pattern.compile("Reading directory block \\d+, phys \\d+"),
          LEAF_ENTRY,
          Pattern.compile("leaf block checksum: 0x[0-9a-f]{8} *"),
          Pattern.compile("-+"),
          Pattern.compile(""));

  @TempDir Path tmp;

  private static String name(int i) {
    return String.format(Locale.ROOT, NAME, i);
  }

  private static FileTree wide(int n, String nameTemplate) throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    Content empty = Content.ofBytes(new byte[0]);
    for (int i = 0; i < n; i++) {
      b.put(
          ImagePath.of("wide/" + String.format(Locale.ROOT, nameTemplate, i)),
          ExtImages.file(0644, ExtImages.t(MTIME + i, 0), empty).build());
    }
    return b.build();
  }

  @Test
  void write_fiftyThousandNames_twoLevelHtreeE2fsckSilentKernelFindsEveryName() throws Exception {
    FileTree tree = wide(NAMES, NAME);
    Path image = ExtImages.write("ext4", Map.of(), tree, tmp.resolve("wide.img"));

    Validators.e2fsckClean(image);
    String stat = Validators.debugfs(image, "stat /wide");
    Matcher flags = Pattern.compile("Flags: 0x([0-9a-f]+)").matcher(stat);
    assertThat(flags.find()).isTrue();
    assertThat(Long.parseLong(flags.group(1), 16) & Inode.INDEX_FL)
        .as("EXT4_INDEX_FL on /wide")
        .isNotZero();

    String dump = Validators.debugfs(image, "htree /wide");
    Set<String> walked = new HashSet<>();
    for (String line : dump.split("\n", -1)) {
      assertThat(HTREE_DUMP.stream().anyMatch(p -> p.matcher(line).matches()))
          .as("debugfs htree line %s", line)
          .isTrue();
      Matcher m = LEAF_ENTRY.matcher(line);
      if (m.matches()) {
        assertThat(walked.add(m.group(1))).as("%s reached twice", m.group(1)).isTrue();
      }
    }
    assertThat(dump).contains("\t Indirect levels: 1");
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < NAMES; i++) {
      expected.add(name(i));
    }
    assertThat(walked).isEqualTo(expected);

    Validators.requireLoopMount();
    try (LoopMount m = LoopMount.mount(image)) {
      Path dir = m.root().resolve("wide");
      // lookups first, on a cold dentry cache, so each goes through the kernel's htree search
      for (int i = 0; i < NAMES; i++) {
        PosixFileAttributes a =
            Files.readAttributes(
                dir.resolve(name(i)), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()
            || a.size() != 0
            || !a.permissions().equals(RW_R_R)
            || !a.lastModifiedTime().toInstant().equals(Instant.ofEpochSecond(MTIME + i))) {
          throw new AssertionError(
              name(i) + ": " + a.permissions() + " " + a.size() + " " + a.lastModifiedTime());
        }
      }
      for (String absent : List.of(name(NAMES), name(-1), "a", name(0) + "x")) {
        assertThatThrownBy(
                () ->
                    Files.readAttributes(
                        dir.resolve(absent), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS))
            .isInstanceOf(NoSuchFileException.class);
      }
      try (Stream<Path> listing = Files.list(dir)) {
        List<String> names = listing.map(p -> p.getFileName().toString()).toList();
        assertThat(names).hasSize(NAMES);
        assertThat(new HashSet<>(names)).isEqualTo(expected);
      }
    }
  }

  /**
   * A third htree level needs the largedir feature, which this writer does not make: it refuses the
   * directory with a typed error that names it before writing anything. 1 KiB blocks with 255-byte
   * names hold 3 names a leaf and 123 x 126 leaves in two levels, so 50,000 names need a third.
   */
  @Test
  void plan_directoryNeedingThreeHtreeLevels_refusedNamingTheDirectory() throws Exception {
    FileTree tree = wide(NAMES, "%06d-" + "n".repeat(248));
    assertThatThrownBy(
            () -> ExtImages.writer("ext4", Map.of("block-size", "1024"), tree).plan(tree))
        .isInstanceOf(UnsupportedEntryException.class)
        .hasMessageContaining("wide: 50000 names need a third htree level (largedir)");
  }
}
