/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildCommandTest {
  @TempDir Path tmp;

  private Path root() throws IOException {
    Path root = tmp.resolve("rootfs");
    Files.createDirectories(root.resolve("boot"));
    Files.writeString(root.resolve("boot/vmlinuz-6.1.0-1-amd64"), "kernel");
    Files.writeString(root.resolve("boot/initrd.img-6.1.0-1-amd64"), "initrd");
    Path efi = root.resolve("usr/lib/systemd/boot/efi");
    Files.createDirectories(efi);
    ByteBuffer pe = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    pe.put(0, (byte) 'M').put(1, (byte) 'Z').putInt(0x3C, 0x80);
    pe.put(0x80, (byte) 'P').put(0x81, (byte) 'E').putShort(0x84, (short) 0x8664);
    Files.write(efi.resolve("systemd-bootx64.efi"), pe.array());
    return root;
  }

  @Test
  void help_teachesTheSpecWithAnExample() {
    CliTest.Run r = CliTest.run("build", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("Usage: jimg build")
        .contains("root:")
        .contains("boot:")
        .contains("jimg build demo.yaml demo.img")
        .contains("docs/build-spec.md");
  }

  @Test
  void build_printsThePlanAndWritesTheDisk() throws Exception {
    root();
    Path spec = tmp.resolve("demo.yaml");
    Files.writeString(
        spec,
        "seed: demo\nroot: {sources: [rootfs/]}\nboot: {cmdline: console=ttyS0, esp-size: 40M}\n",
        StandardCharsets.UTF_8);
    Path image = tmp.resolve("demo.img");
    CliTest.Run r =
        CliTest.run(
            Map.of("SOURCE_DATE_EPOCH", "1704067200"), "build", spec.toString(), image.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("  1 esp ")
        .contains("  2 root ")
        .contains("kernel: /boot/vmlinuz-6.1.0-1-amd64, initrd: /boot/initrd.img-6.1.0-1-amd64")
        .containsPattern("cmdline: root=PARTUUID=[0-9a-f-]{36} rootfstype=ext4 rw console=ttyS0");
    assertThat(image).isRegularFile();
  }

  @Test
  void build_qcow2_qemuImgCheckClean() throws Exception {
    root();
    Path spec = tmp.resolve("demo.yaml");
    Files.writeString(
        spec,
        "seed: demo\nroot: {sources: [rootfs/]}\nboot: {esp-size: 40M}\n",
        StandardCharsets.UTF_8);
    Path image = tmp.resolve("demo.qcow2");
    CliTest.Run r =
        CliTest.run("build", spec.toString(), image.toString(), "--format", "qcow2", "-q");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    Validators.qemuImgCheck(image);
    assertThat(Validators.qemuImgInfo(image)).contains("\"format\": \"qcow2\"");
  }

  @Test
  void build_badSpec_exitsOneWithOneLineAndNoFile() throws Exception {
    root();
    Path spec = tmp.resolve("bad.yaml");
    Files.writeString(
        spec, "root: {sources: [rootfs/], filesystem: fat}\nboot: {}\n", StandardCharsets.UTF_8);
    Path image = tmp.resolve("bad.img");
    CliTest.Run r = CliTest.run("build", spec.toString(), image.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip()).startsWith("jimg: root.filesystem:").doesNotContain("\n");
    assertThat(image).doesNotExist();
  }
}
