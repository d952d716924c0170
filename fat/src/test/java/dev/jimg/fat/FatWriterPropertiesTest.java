/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import dev.jimg.core.tree.FileTree;
import dev.jimg.testdata.RequiresHost;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeArbitraries;
import dev.jimg.testdata.TreeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FatWriterPropertiesTest {
  @Provide
  Arbitrary<FileTree> trees() {
    return TreeArbitraries.trees(TreeSpec.fat());
  }

  @Property(tries = 15)
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
