/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopMountTest {
  @TempDir Path tmp;

  private static boolean mounted(Path p) throws IOException {
    return Files.readString(Path.of("/proc/mounts")).contains(" " + p + " ");
  }

  @Test
  void mount_mke2fsFromHostTree_kernelSeesTheSameTree() throws IOException {
    Validators.requireRoot();
    FileTree tree = HostTreeTest.everyType();
    Path src = tmp.resolve("src");
    HostTree.write(tree, src);
    Path img = tmp.resolve("e.img");
    Exec.run(
            Validators.require(Tool.MKE2FS).toString(),
            "-q",
            "-t",
            "ext4",
            "-I",
            "256",
            "-d",
            src.toString(),
            img.toString(),
            "8M")
        .requireOk();
    Validators.e2fsckClean(img);

    Path root;
    try (LoopMount m = LoopMount.of(img).type("ext4").mount()) {
      root = m.root();
      assertThat(mounted(root)).isTrue();
      // mke2fs -d 1.47.0 keeps whole seconds only, not the root's mode, owner and mtime, and
      // only 32-bit seconds (no epoch bits): 2446 comes back as 2038, 2106 as 1969.
      TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(root).without("lost+found"))
          .withMtimeSeconds()
          .ignoringAt(
              ".",
              TreeManifest.Column.MTIME,
              TreeManifest.Column.MODE,
              TreeManifest.Column.UID,
              TreeManifest.Column.GID)
          .ignoringAt(
              ImagePath.parse(new byte[] {'b', 'a', 'd', (byte) 0xff, '\n', '\'', 'x'}),
              TreeManifest.Column.MTIME)
          .ignoringAt("tmp", TreeManifest.Column.MTIME)
          .matches(tree);
    }
    assertThat(mounted(root)).isFalse();
    assertThat(root).doesNotExist();
  }

  @Test
  void mountPartition_filesystemAtAnOffset_isMounted() throws IOException {
    Path disk = tmp.resolve("d.img");
    Exec.run("truncate", "-s", "10M", disk.toString()).requireOk();
    Exec.run(Validators.require(Tool.SGDISK).toString(), "-n", "1:2048:+4M", disk.toString())
        .requireOk();
    Validators.Partition p = Validators.partitions(disk).get(0);
    Exec.run(
            Validators.require(Tool.MKE2FS).toString(),
            "-q",
            "-t",
            "ext4",
            "-E",
            "offset=" + p.offset(),
            disk.toString(),
            "4096")
        .requireOk();

    try (LoopMount m = LoopMount.mountPartition(disk, p)) {
      try (var s = Files.list(m.root())) {
        assertThat(s.map(x -> x.getFileName().toString()).toList())
            .isEqualTo(List.of("lost+found"));
      }
    }
  }

  @Test
  void mount_garbage_failsAndCleansUp() throws IOException {
    Path img = tmp.resolve("zero.img");
    Files.write(img, new byte[1 << 20]);
    Validators.requireLoopMount();

    assertThatThrownBy(() -> LoopMount.of(img).type("ext4").mount())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("refused");
  }
}
