/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.tree.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random trees survive HostTree.write and TreeManifest.ofHostDirectory with every column intact
 * (the host here is ext4: the default spec's 1901–2446 times, all types, raw names, xattrs).
 */
@RequiresHost(
    tools = {Tool.SETFATTR, Tool.GETFATTR},
    root = true)
class HostTreeProperties {
  @Property(tries = 25)
  void write_randomTree_manifestOfHostEqualsManifestOfTree(@ForAll("trees") FileTree tree)
      throws IOException {
    Path dir = Files.createTempDirectory("jimg-rt");
    try {
      HostTree.write(tree, dir.resolve("t"));

      TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(dir.resolve("t")))
          .matches(TreeManifest.of(tree));
    } finally {
      Validators.deleteQuietly(dir);
    }
  }

  @Provide
  Arbitrary<FileTree> trees() {
    return TreeArbitraries.trees(TreeSpec.small());
  }
}
