/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.tree.FileTree;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ext4WriterTest {
  @TempDir Path tmp;

  @Test
  void write_everyEntryType_e2fsckCleanAndKernelSeesTree() throws Exception {
    FileTree tree = ExtImages.everything();
    Path image = ExtImages.write("ext4", Map.of(), tree, tmp.resolve("a.img"));
    ExtImages.assertCleanAndMountsAs(image, tree, true);
  }
}
