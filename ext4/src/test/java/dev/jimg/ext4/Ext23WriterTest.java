/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.tree.FileTree;
import dev.jimg.testdata.Validators;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ext23WriterTest {
  @TempDir Path tmp;

  @Test
  void write_ext3_e2fsckCleanAndKernelSeesTree() throws Exception {
    FileTree tree = ExtImages.everything();
    Path image = ExtImages.write("ext3", Map.of(), tree, tmp.resolve("a.img"));
    ExtImages.assertCleanAndMountsAs(image, tree, true);
    assertThat(Validators.dumpe2fsHeader(image).get("Filesystem features").split(" "))
        .containsExactlyInAnyOrder(
            "has_journal", "ext_attr", "dir_index", "filetype", "sparse_super", "large_file");
  }

  @Test
  void write_ext2_e2fsckCleanAndKernelSeesTree() throws Exception {
    FileTree tree = ExtImages.everything();
    Path image = ExtImages.write("ext2", Map.of(), tree, tmp.resolve("a.img"));
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }

  @Test
  void write_ext2SmallBlocksBigFile_usesDoubleIndirectBlocks() throws Exception {
    FileTree tree =
        new dev.jimg.core.tree.FileTreeBuilder()
            .put(
                dev.jimg.core.tree.ImagePath.of("big"),
                ExtImages.file(
                        0644,
                        ExtImages.t(5, 0),
                        dev.jimg.testdata.SeededContent.dense(
                            20_000_000, 5, dev.jimg.testdata.SeededContent.Fill.RANDOM))
                    .build())
            .build();
    Path image = ExtImages.write("ext2", Map.of("block-size", "1024"), tree, tmp.resolve("a.img"));
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }
}
