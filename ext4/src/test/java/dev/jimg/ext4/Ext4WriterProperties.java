/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
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

/** Random trees written as ext4 (and ext3) pass e2fsck -fn and mount as themselves. */
@RequiresHost(
    tools = {Tool.E2FSCK},
    root = true,
    loopMount = true)
class Ext4WriterProperties {
  @Property(tries = 200)
  void write_randomTree_e2fsckCleanAndKernelSeesTree(@ForAll("trees") FileTree tree)
      throws Exception {
    roundTrip("ext4", tree);
  }

  @Property(tries = 50)
  void write_randomFullSpecTree_e2fsckCleanAndKernelSeesTree(@ForAll("fullTrees") FileTree tree)
      throws Exception {
    roundTrip("ext4", tree);
  }

  @Property(tries = 30)
  void read_randomTreeWritten_givesTheTreeBack(@ForAll("fullTrees") FileTree tree)
      throws Exception {
    Path dir = Files.createTempDirectory("jimg-ext4");
    try {
      Path image = ExtImages.write("ext4", Map.of(), tree, dir.resolve("a.img"));
      try (FileImageChannel ch = FileImageChannel.openReadOnly(image)) {
        dev.jimg.testdata.TreeManifestAssert.assertThat(
                dev.jimg.testdata.TreeManifest.of(new Ext4Reader().read(ch)).without("lost+found"))
            .matches(tree);
      }
    } finally {
      ExtImages.deleteTree(dir);
    }
  }

  @Property(tries = 5)
  void write_randomTreeExt3_e2fsckCleanAndKernelSeesTree(@ForAll("trees") FileTree tree)
      throws Exception {
    roundTrip("ext3", tree);
  }

  @Property(tries = 5)
  void write_randomTreeWithSourceDateEpoch_timesClamped(@ForAll("trees") FileTree tree)
      throws Exception {
    BuildClock clock = BuildClock.fixed(Timestamp.ofSeconds(1_500_000_000L));
    Path dir = Files.createTempDirectory("jimg-ext4");
    try {
      Path image = dir.resolve("a.img");
      FilesystemWriter w =
          Filesystems.installed()
              .writer(
                  "ext4", Map.of(), new WriteContext(clock, Identities.fromSeed(ExtImages.SEED)));
      try (FileImageChannel ch = FileImageChannel.create(image)) {
        ch.setSize(w.plan(tree));
        w.write(tree, ch, ProgressListener.NONE);
      }
      ExtImages.assertCleanAndMountsAs(image, clock.clampTimes(tree), lostFoundAdded(tree));
    } finally {
      ExtImages.deleteTree(dir);
    }
  }

  private static void roundTrip(String type, FileTree tree) throws Exception {
    Path dir = Files.createTempDirectory("jimg-ext4");
    try {
      Path image = ExtImages.write(type, Map.of(), tree, dir.resolve("a.img"));
      ExtImages.assertCleanAndMountsAs(image, tree, lostFoundAdded(tree));
    } finally {
      ExtImages.deleteTree(dir);
    }
  }

  private static boolean lostFoundAdded(FileTree tree) {
    return !tree.contains(ImagePath.of("lost+found"));
  }

  /**
   * Full-spec trees without times in 2310-04-04..2378-04-22, which the writer refuses: e2fsck
   * before 2242 takes their epoch bits for a mis-encoded pre-1970 time (see Ext4WriterTest).
   */
  @Provide
  Arbitrary<FileTree> fullTrees() {
    return TreeArbitraries.trees(TreeSpec.ext4()).filter(t -> !ExtImages.hasE2fsckSuspectTime(t));
  }

  @Provide
  Arbitrary<FileTree> trees() {
    return TreeArbitraries.trees(TreeSpec.small()).filter(t -> !ExtImages.hasE2fsckSuspectTime(t));
  }
}
