/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import dev.jimg.core.tree.FileTree;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.LoopMount;
import dev.jimg.testdata.RequiresHost;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeArbitraries;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.TreeSpec;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random trees written as squashfs: unsquashfs lists them and the kernel shows them unchanged. */
@RequiresHost(
    tools = {Tool.UNSQUASHFS},
    root = true,
    loopMount = true)
class SquashfsProperties {
  @Property(tries = 200)
  void write_randomTree_kernelShowsTheTree(@ForAll("trees") FileTree random) throws IOException {
    FileTree tree = Trees.withRootXattr(random);
    Path dir = Files.createTempDirectory("jimg-sqfs");
    try {
      Path image = dir.resolve("t.sqfs");
      Trees.write(tree, SquashfsOptions.defaults().withThreads(2).withBlockSize(4096), image);
      Validators.unsquashfsList(image);
      try (LoopMount m = LoopMount.of(image).type("squashfs").mount()) {
        TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(m.root()))
            .withMtimeSeconds()
            .matches(tree);
      }
    } finally {
      Exec.run("rm", "-rf", dir.toString());
    }
  }

  @Provide
  Arbitrary<FileTree> trees() {
    return TreeArbitraries.trees(TreeSpec.squashfs());
  }
}
