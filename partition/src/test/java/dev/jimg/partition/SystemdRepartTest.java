/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.testdata.Exec;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.Validators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs systemd-repart (when installed) on the same definitions as a jimg spec and compares the
 * tables: disk GUID, and per partition start, size, type, GUID and name. ({@link GptDiskTest} keeps
 * golden values from systemd 252 for hosts without repart.)
 */
class SystemdRepartTest {
  @TempDir Path dir;

  @Test
  void write_sameSeedAndDefinitionsAsRepart_sameTable() throws Exception {
    String repart = Validators.require(Tool.SYSTEMD_REPART).toString();
    String seed = "5b2c7b1e-09a4-4d5c-9d1e-7f0a0c3e2b11";
    Path defs = Files.createDirectories(dir.resolve("repart.d"));
    String[][] parts = {
      {"10-esp", "esp", "32M"},
      {"20-xbootldr", "xbootldr", "16M"},
      {"30-root", "root-arm64", "64M"},
      {"40-home", "home", "8M"},
      {"50-home", "home", "8M"},
    };
    StringBuilder yaml = new StringBuilder("size: 256M\nseed: " + seed + "\npartitions:\n");
    for (String[] p : parts) {
      Files.writeString(
          defs.resolve(p[0] + ".conf"),
          "[Partition]\nType="
              + p[1]
              + "\nLabel="
              + p[0]
              + "\nSizeMinBytes="
              + p[2]
              + "\nSizeMaxBytes="
              + p[2]
              + "\n");
      yaml.append("  - {name: ")
          .append(p[0])
          .append(", type: ")
          .append(p[1])
          .append(", size: ")
          .append(p[2])
          .append(p[1].startsWith("root") ? ", attributes: [grow-fs]" : "")
          .append("}\n");
    }
    Path repartImg = dir.resolve("repart.img");
    Exec.run(
            repart,
            "--empty=create",
            "--size=256M",
            "--seed=" + seed,
            "--definitions=" + defs,
            "--dry-run=no",
            repartImg.toString())
        .requireOk();
    Files.writeString(dir.resolve("disk.yaml"), yaml);
    Path ours = dir.resolve("jimg.img");
    DiskImage.of(DiskSpecParser.parse(dir.resolve("disk.yaml"))).write(ours);

    Validators.sgdiskClean(ours);
    List<Validators.Partition> theirs = Validators.partitions(repartImg);
    List<Validators.Partition> mine = Validators.partitions(ours);
    assertThat(mine).isEqualTo(theirs);
    assertThat(labelId(ours)).isEqualTo(labelId(repartImg));
  }

  private static String labelId(Path img) {
    return Exec.run("sfdisk", "--dump", img.toString()).requireOk().lines().stream()
        .filter(l -> l.startsWith("label-id:"))
        .findFirst()
        .orElseThrow();
  }
}
