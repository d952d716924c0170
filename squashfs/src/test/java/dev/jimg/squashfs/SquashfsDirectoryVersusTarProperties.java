/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import dev.jimg.core.tree.FileTree;
import dev.jimg.testdata.DirectoryVersusTar;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.RequiresHost;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeArbitraries;
import dev.jimg.testdata.TreeSpec;
import dev.jimg.testdata.Validators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * One tree as a host directory and as a GNU tar of it gives the same squashfs image, byte for byte,
 * as {@code jimg mkfs squashfs} builds it (two threads); so do two builds from the directory. See
 * {@link DirectoryVersusTar} for what the trees leave out and why.
 */
@RequiresHost(
    tools = {Tool.TAR, Tool.SETFATTR, Tool.UNSQUASHFS},
    root = true)
class SquashfsDirectoryVersusTarProperties {
  private static final Path EXAMPLE_TAR = Path.of("..", "testdata", "examples", "rootfs.tar");
  private static final Map<String, String> OPTIONS = Map.of("threads", "2", "block-size", "4K");

  @Property(tries = 25)
  void write_directoryTwiceAndItsTar_identicalBytes(@ForAll("trees") FileTree tree)
      throws Exception {
    Path work = Files.createTempDirectory("jimg-sqfs-dir-tar");
    try {
      Validators.unsquashfsList(
          DirectoryVersusTar.assertDirectoryTwiceAndTarIdentical("squashfs", OPTIONS, tree, work));
    } finally {
      Exec.run("rm", "-rf", work.toString());
    }
  }

  @Example
  void write_exampleTarItsExtractionAndReversedTar_identicalBytes() throws Exception {
    Path work = Files.createTempDirectory("jimg-sqfs-dir-tar");
    try {
      Validators.unsquashfsList(
          DirectoryVersusTar.assertExtractionAndReversedTarIdentical(
              "squashfs", Map.of(), EXAMPLE_TAR, work));
    } finally {
      Exec.run("rm", "-rf", work.toString());
    }
  }

  /** Small trees over squashfs' time range (1970-2106), with nanoseconds the writer drops. */
  @Provide
  Arbitrary<FileTree> trees() {
    TreeSpec squashfs = TreeSpec.squashfs();
    return TreeArbitraries.trees(
        DirectoryVersusTar.spec(
            TreeSpec.small().toBuilder()
                .times(squashfs.minTime(), squashfs.maxTime(), true)
                .build()));
  }
}
