/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import dev.jimg.core.tree.FileTree;
import dev.jimg.testdata.RequiresHost;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeArbitraries;
import dev.jimg.testdata.TreeSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FatWriterPropertiesTest {
  /**
   * FAT trees with names inside the Basic Multilingual Plane: mtools, the judge here, turns each
   * half of a surrogate pair into '_', so two names outside it can clash when mcopy extracts them
   * ("__" as a file and as a directory). Surrogate pairs are checked by LongNameEntryTest and by
   * FatReader's round trips.
   */
  @Provide
  Arbitrary<FileTree> trees() {
    return TreeArbitraries.trees(
        TreeSpec.fat().toBuilder()
            .nameFilter(
                name ->
                    TreeSpec.fatLongNameOk(name)
                        && new String(name, StandardCharsets.UTF_8)
                            .codePoints()
                            .allMatch(Character::isBmpCodePoint))
            .build());
  }

  @Property(tries = 100)
  @RequiresHost(tools = {Tool.FSCK_FAT, Tool.MDIR, Tool.MCOPY})
  void write_randomTree_fsckCleanAndMtoolsReadsBack(@ForAll("trees") FileTree tree)
      throws Exception {
    Path dir = Files.createTempDirectory("jimg-fat-prop");
    try {
      Path img = dir.resolve("p.img");
      FatTestSupport.write(tree, Map.of(), img);
      FatTestSupport.assertValid(tree, img, dir);
    } finally {
      deleteRecursively(dir);
    }
  }

  @Property(tries = 5)
  @RequiresHost(tools = {Tool.FSCK_FAT, Tool.MDIR, Tool.MCOPY})
  void write_randomTreeFat32With4kSectors_fsckCleanAndMtoolsReadsBack(
      @ForAll("trees") FileTree tree) throws Exception {
    Path dir = Files.createTempDirectory("jimg-fat-prop");
    try {
      Path img = dir.resolve("p.img");
      FatTestSupport.write(tree, Map.of("fat", "32", "sector-size", "4096"), img);
      FatTestSupport.assertValid(tree, img, dir);
    } finally {
      deleteRecursively(dir);
    }
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
