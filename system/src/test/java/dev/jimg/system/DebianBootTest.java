/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.partition.DiskLayout;
import dev.jimg.testdata.BootCheck;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing: a Debian bookworm rootfs with a kernel ({@code INITRD_MODULES="squashfs vfat"
 * ../shared/corpus/debian-rootfs.sh root.tar minbase linux-image-amd64 systemd-sysv udev}, named by
 * {@value #ROOTFS_ENV}) and systemd-boot from the systemd-boot-efi .deb ({@value #LOADER_ENV}),
 * built by {@code jimg build} into disks that QEMU boots through OVMF, systemd-boot, the kernel and
 * the initrd, each printing {@code JIMG-BOOT-OK} from the root it mounted. {@code .ci/run} makes
 * both files and installs QEMU and OVMF.
 */
class DebianBootTest {
  static final String ROOTFS_ENV = "JIMG_BOOT_ROOTFS_TAR";
  static final String LOADER_ENV = "JIMG_SYSTEMD_BOOT_DEB";
  private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(420);

  @TempDir Path tmp;
  private Path rootfs;
  private Path loader;

  @BeforeEach
  void corpus() {
    rootfs =
        Validators.requireEnvFile(
            ROOTFS_ENV,
            "make it with INITRD_MODULES=\"squashfs vfat\" ../shared/corpus/debian-rootfs.sh"
                + " root.tar minbase linux-image-amd64 systemd-sysv udev (as .ci/run does)");
    loader =
        Validators.requireEnvFile(
            LOADER_ENV, "download it with apt-get download systemd-boot-efi (as .ci/run does)");
    BootCheck.require();
  }

  private Path spec(String name, String text) throws IOException {
    Path spec = tmp.resolve(name);
    Files.writeString(spec, text, StandardCharsets.UTF_8);
    return spec;
  }

  private static void writeFile(Path file, String text, String mode) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
  }

  @Test
  void ext4Root_bootsSystemdToTheMarkerUnit() throws Exception {
    Path overlay = tmp.resolve("overlay");
    Path units = overlay.resolve("etc/systemd/system");
    writeFile(
        units.resolve("jimg-boot-ok.service"),
        """
        [Unit]
        Description=Print the jimg boot marker and power off
        After=multi-user.target

        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo "JIMG-ROOT: $(grep " / " /proc/mounts)" > /dev/ttyS0; \
        echo "JIMG-HOSTNAME: $(cat /proc/sys/kernel/hostname)" > /dev/ttyS0; \
        echo JIMG-BOOT-OK > /dev/ttyS0'
        ExecStartPost=/bin/systemctl --no-block poweroff

        [Install]
        WantedBy=multi-user.target
        """,
        "rw-r--r--");
    Files.createDirectories(units.resolve("multi-user.target.wants"));
    Files.createSymbolicLink(
        units.resolve("multi-user.target.wants/jimg-boot-ok.service"),
        Path.of("../jimg-boot-ok.service"));
    Path spec =
        spec(
            "ext4.yaml",
            """
            seed: jimg-boot-test
            root:
              sources: [%s, overlay/]
              filesystem: ext4
            boot:
              loader: %s
              cmdline: console=ttyS0
            hostname: jimg-demo
            """
                .formatted(rootfs, loader));
    Path image = tmp.resolve("ext4.img");
    SystemImage.Result r = build(spec, image);
    assertLayout(image, r);

    Exec.Result boot = BootCheck.boot(image, BOOT_TIMEOUT);
    assertThat(boot.ok()).as(boot.describe("did not boot")).isTrue();
    assertThat(boot.text())
        .contains("JIMG-ROOT: /dev/vda2 / ext4 rw")
        .contains("JIMG-HOSTNAME: jimg-demo");

    // the same spec again: the same bytes
    Path again = tmp.resolve("ext4-again.img");
    build(spec, again);
    assertThat(SystemImageTest.sha256(again)).isEqualTo(SystemImageTest.sha256(image));
  }

  @Test
  void squashfsRoot_bootsASmallInitThatSeesTheReadOnlyRoot() throws Exception {
    Path overlay = tmp.resolve("overlay");
    writeFile(
        overlay.resolve("usr/local/sbin/jimg-init"),
        """
        #!/bin/sh
        # PID 1: print the mounted root and the marker, then power off
        echo "JIMG-ROOT: $(grep ' / ' /proc/mounts)" > /dev/console
        echo "JIMG-CMDLINE: $(cat /proc/cmdline)" > /dev/console
        echo JIMG-BOOT-OK > /dev/console
        sync
        echo o > /proc/sysrq-trigger
        sleep 60
        """,
        "rwxr-xr-x");
    Path spec =
        spec(
            "squashfs.yaml",
            """
            seed: jimg-boot-test-squashfs
            root:
              sources: [%s, overlay/]
              filesystem: squashfs
              options: {compression: lz4, drop-acls: true}
            boot:
              loader: %s
              cmdline: console=ttyS0 init=/usr/local/sbin/jimg-init
              esp-size: 64M
            """
                .formatted(rootfs, loader));
    Path image = tmp.resolve("squashfs.img");
    SystemImage.Result r = build(spec, image);
    assertLayout(image, r);

    Exec.Result boot = BootCheck.boot(image, BOOT_TIMEOUT);
    assertThat(boot.ok()).as(boot.describe("did not boot")).isTrue();
    assertThat(boot.text())
        .contains("JIMG-ROOT: /dev/vda2 / squashfs ro")
        .contains("root=PARTUUID=" + r.layout().partitions().get(1).uuid());
  }

  private static SystemImage.Result build(Path spec, Path image) throws IOException {
    return SystemImage.of(SystemSpecParser.parse(spec))
        .environment(Map.of("SOURCE_DATE_EPOCH", "1704067200"))
        .write(image);
  }

  private static void assertLayout(Path image, SystemImage.Result r) {
    Validators.sgdiskClean(image);
    List<Validators.Partition> parts = Validators.partitions(image);
    assertThat(parts).extracting(Validators.Partition::name).containsExactly("esp", "root");
    assertThat(parts.get(0).type()).isEqualToIgnoringCase("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    assertThat(parts.get(1).type()).isEqualToIgnoringCase("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");
    for (int i = 0; i < 2; i++) {
      DiskLayout.Placed p = r.layout().partitions().get(i);
      assertThat(parts.get(i).uuid()).isEqualToIgnoringCase(p.uuid().toString());
      assertThat(parts.get(i).offset()).isEqualTo(p.offset());
    }
  }
}
