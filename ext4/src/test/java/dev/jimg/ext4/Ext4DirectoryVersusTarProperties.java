/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.tree.FileTree;
import dev.jimg.testdata.DirectoryVersusTar;
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
 * One tree as a host directory and as a GNU tar of it gives the same ext4 image, byte for byte and
 * with the same derived seed, as {@code jimg mkfs ext4} builds it without {@code --seed}; so do two
 * builds from the directory although the first one reads the files (which moves their atime). See
 * {@link DirectoryVersusTar} for what the trees leave out and why.
 */
@RequiresHost(
    tools = {Tool.TAR, Tool.SETFATTR, Tool.E2FSCK},
    root = true)
class Ext4DirectoryVersusTarProperties {
  private static final Path EXAMPLE_TAR = Path.of("..", "testdata", "examples", "rootfs.tar");

  @Property(tries = 25)
  void write_directoryTwiceAndItsTar_identicalBytes(@ForAll("trees") FileTree tree)
      throws Exception {
    Path work = Files.createTempDirectory("jimg-ext4-dir-tar");
    try {
      Validators.e2fsckClean(
          DirectoryVersusTar.assertDirectoryTwiceAndTarIdentical("ext4", Map.of(), tree, work));
    } finally {
      ExtImages.deleteTree(work);
    }
  }

  @Example
  void write_exampleTarItsExtractionAndReversedTar_identicalBytes() throws Exception {
    Path work = Files.createTempDirectory("jimg-ext4-dir-tar");
    try {
      Validators.e2fsckClean(
          DirectoryVersusTar.assertExtractionAndReversedTarIdentical(
              "ext4", Map.of(), EXAMPLE_TAR, work));
    } finally {
      ExtImages.deleteTree(work);
    }
  }

  /** Small trees over ext4's whole time range, without those the writer refuses for e2fsck. */
  @Provide
  Arbitrary<FileTree> trees() {
    return TreeArbitraries.trees(DirectoryVersusTar.spec(TreeSpec.small()))
        .filter(t -> !ExtImages.hasE2fsckSuspectTime(t));
  }
}
