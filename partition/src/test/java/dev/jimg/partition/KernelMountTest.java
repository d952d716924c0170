/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.testdata.Exec;
import dev.jimg.testdata.LoopMount;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.Validators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel mounts a filesystem placed in a partition, found by the offset and size sfdisk reads
 * from our table (the filesystem here made by mke2fs, which keeps whole-second mtimes, as a content
 * file, until jimg's own writers are on the class path).
 */
class KernelMountTest {
  @TempDir Path dir;

  @Test
  void write_ext4ContentInGpt_kernelMountsPartitionAtTableOffset() throws Exception {
    Validators.require(Tool.MKE2FS);
    Validators.requireLoopMount();
    Path src = Files.createDirectories(dir.resolve("src/etc"));
    Files.writeString(src.resolve("hostname"), "jimg\n");
    Files.write(src.resolve("blob"), new byte[70_000]);
    Path fs = dir.resolve("root.ext4");
    Exec.run(
            "mke2fs",
            "-q",
            "-t",
            "ext4",
            "-b",
            "4096",
            "-d",
            dir.resolve("src").toString(),
            fs.toString(),
            "8M")
        .requireOk();
    Files.writeString(
        dir.resolve("disk.yaml"),
        """
        seed: mount
        partitions:
          - {name: esp, type: esp, size: 3M}
          - {name: root, type: root-x86-64, content: root.ext4}
          - {name: rest, grow: true}
        size: 32M
        """);
    Path img = dir.resolve("disk.img");
    DiskImage.of(DiskSpecParser.parse(dir.resolve("disk.yaml"))).write(img);
    Validators.sgdiskClean(img);
    List<Validators.Partition> parts = Validators.partitions(img);
    assertThat(parts.get(1).name()).isEqualTo("root");
    try (LoopMount m = LoopMount.mountPartition(img, parts.get(1))) {
      assertThat(Files.readString(m.root().resolve("etc/hostname"))).isEqualTo("jimg\n");
      TreeManifest mounted = TreeManifest.ofHostDirectory(m.root().resolve("etc"));
      TreeManifest source = TreeManifest.ofHostDirectory(src);
      assertThat(
              TreeManifest.diff(
                  source,
                  mounted,
                  TreeManifest.Comparison.exact()
                      .mtimeSeconds()
                      .ignoringAt(".", TreeManifest.Column.values())))
          .isEmpty();
    }
  }
}
