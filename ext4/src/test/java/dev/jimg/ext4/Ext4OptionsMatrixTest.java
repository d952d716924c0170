/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Feature and geometry variations of ext4, each judged by e2fsck and the kernel. */
class Ext4OptionsMatrixTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "features|-metadata_csum",
        "features|-flex_bg",
        "features|-64bit",
        "features|-metadata_csum,-flex_bg,-64bit,-huge_file,-dir_nlink,-extra_isize",
        "features|-dir_index",
        "features|-sparse_super",
        "block-size|2048",
        "inode-size|512",
        "inodes|5000",
        "bytes-per-inode|4096",
        "journal-size|16M",
      })
  void write_variant_e2fsckCleanAndKernelSeesTree(String key, String value) throws Exception {
    FileTree tree = ExtImages.everything();
    Path image = ExtImages.write("ext4", Map.of(key, value), tree, tmp.resolve("a.img"));
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }

  @ParameterizedTest
  @CsvSource({"ext4", "ext3", "ext2"})
  void write_smallInodesWithin2038_e2fsckCleanAndKernelSeesTree(String type) throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    for (var e : ExtImages.everything()) {
      var en = e.getValue();
      if (e.getKey().isRoot() || en.hardlinkTarget() != null) {
        b.put(e.getKey(), en);
        continue;
      }
      long s = Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, en.mtime().seconds()));
      b.put(
          e.getKey(), en.toBuilder().mtime(ExtImages.t(s, 0)).xattrs(java.util.List.of()).build());
    }
    b.update(ImagePath.ROOT, en -> en.toBuilder().mtime(ExtImages.t(1000, 0)).build());
    FileTree tree = b.build();
    Path image = ExtImages.write(type, Map.of("inode-size", "128"), tree, tmp.resolve("a.img"));
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }
}
