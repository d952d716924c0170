/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.io.MemoryImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.tree.FileTree;
import dev.jimg.testdata.TreeArbitraries;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.TreeSpec;
import java.io.IOException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random trees: our reader gets back what we wrote, and the bytes do not depend on threads. */
class SquashfsRoundTripProperties {
  private static byte[] image(FileTree tree, SquashfsOptions o) throws IOException {
    MemoryImageChannel ch = new MemoryImageChannel();
    new SquashfsWriter(o, Trees.context(tree)).write(tree, ch, ProgressListener.NONE);
    return ch.toByteArray();
  }

  @Property(tries = 60)
  void write_randomTree_readerReturnsIt(@ForAll("trees") FileTree tree) throws IOException {
    byte[] bytes = image(tree, SquashfsOptions.defaults().withThreads(2).withBlockSize(4096));
    FileTree back = new SquashfsReader().read(new MemoryImageChannel(bytes));
    TreeManifestAssert.assertThat(TreeManifest.of(back)).matches(tree);
  }

  @Property(tries = 30)
  void write_randomTreeOneOrThreeThreads_sameBytes(@ForAll("trees") FileTree tree)
      throws IOException {
    SquashfsOptions o = SquashfsOptions.defaults().withBlockSize(4096);
    assertThat(image(tree, o.withThreads(3))).isEqualTo(image(tree, o.withThreads(1)));
  }

  @Provide
  Arbitrary<FileTree> trees() {
    return TreeArbitraries.trees(TreeSpec.squashfs());
  }
}
