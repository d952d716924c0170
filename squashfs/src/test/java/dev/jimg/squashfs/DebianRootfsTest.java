/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.Sources;
import dev.jimg.core.tree.FileTree;
import dev.jimg.testdata.LoopMount;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.Validators;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Debian root filesystem (a tar from {@code shared/corpus/debian-rootfs.sh}, named by the
 * {@code JIMG_DEBIAN_ROOTFS_TAR} environment variable; skipped without it) written as squashfs with
 * the default options: unsquashfs lists it without a warning and the kernel sees the tar's tree.
 */
class DebianRootfsTest {
  @TempDir Path tmp;

  @Test
  void write_debianRootfsDefaults_unsquashfsListsItAndKernelSeesTree() throws Exception {
    String tar = System.getenv("JIMG_DEBIAN_ROOTFS_TAR");
    assumeTrue(tar != null && Files.isRegularFile(Path.of(tar)), "JIMG_DEBIAN_ROOTFS_TAR not set");
    Validators.require(Tool.UNSQUASHFS);
    Validators.requireLoopMount();
    try (Source src = Sources.open(tar, InputStream.nullInputStream(), SourceOptions.defaults())) {
      FileTree tree = src.tree();
      Path image = tmp.resolve("rootfs.sqfs");
      Trees.write(tree, SquashfsOptions.defaults(), image);
      assertThat(Validators.unsquashfsSuperblock(image))
          .contains("Compression " + SquashfsOptions.DEFAULT_COMPRESSION.cliName());
      // one line per entry, the root included (no Debian name holds a newline)
      List<String> listing = Validators.unsquashfsList(image);
      assertThat(listing).hasSize(tree.size());
      try (LoopMount m = LoopMount.of(image).type("squashfs").mount()) {
        // squashfs keeps whole seconds; the tar's times are whole seconds too
        TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(m.root()))
            .withMtimeSeconds()
            .matches(tree);
      }
    }
  }
}
