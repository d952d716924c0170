/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.Sources;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Debian root filesystem (a tar from {@code shared/corpus/debian-rootfs.sh}, named by the
 * {@code JIMG_DEBIAN_ROOTFS_TAR} environment variable; skipped without it) written as ext4: e2fsck
 * is silent and the kernel sees the tar's tree.
 */
class DebianRootfsTest {
  @TempDir Path tmp;

  @Test
  void write_debianRootfs_e2fsckCleanAndKernelSeesTree() throws Exception {
    String tar = System.getenv("JIMG_DEBIAN_ROOTFS_TAR");
    assumeTrue(tar != null && Files.isRegularFile(Path.of(tar)), "JIMG_DEBIAN_ROOTFS_TAR not set");
    try (Source src = Sources.open(tar, InputStream.nullInputStream(), SourceOptions.defaults())) {
      Path image = ExtImages.write("ext4", Map.of(), src.tree(), tmp.resolve("rootfs.img"));
      ExtImages.assertCleanAndMountsAs(
          image, src.tree(), !src.tree().contains(dev.jimg.core.tree.ImagePath.of("lost+found")));
    }
  }
}
