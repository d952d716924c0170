/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.JimgException;
import dev.jimg.partition.DiskLayout;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.LoopMount;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jimg build} on a small synthetic root tree (fake kernel, initrd and a PE stub as
 * systemd-boot): the planned GPT (sgdisk -v clean), the ESP and root as the kernel mounts them, the
 * files that make it boot, same bytes twice, clear errors. The real boot is {@link DebianBootTest}.
 */
class SystemImageTest {
  private static final String OLD = "6.1.0-9-amd64";
  private static final String NEW = "6.1.0-10-amd64";

  @TempDir Path tmp;
  private Path rootDir;

  @BeforeEach
  void makeRoot() throws IOException {
    rootDir = tmp.resolve("rootfs");
    write("boot/vmlinuz-" + OLD, "old kernel");
    write("boot/initrd.img-" + OLD, "old initrd");
    write("boot/vmlinuz-" + NEW, "new kernel");
    write("boot/initrd.img-" + NEW, "new initrd");
    write("etc/os-release", "NAME=\"Test\"\nPRETTY_NAME=\"Test GNU/Linux 12\"\n");
    write("etc/machine-id", "0123456789abcdef0123456789abcdef\n");
    Files.createDirectories(rootDir.resolve("usr/lib/systemd/boot/efi"));
    Files.write(rootDir.resolve("usr/lib/systemd/boot/efi/systemd-bootx64.efi"), peStub(0x8664));
  }

  private void write(String path, String text) throws IOException {
    Path p = rootDir.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  /** The first bytes of a PE/COFF executable for {@code machine}: enough to be recognised. */
  static byte[] peStub(int machine) {
    ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, (byte) 'M').put(1, (byte) 'Z');
    b.putInt(0x3C, 0x80);
    b.put(0x80, (byte) 'P').put(0x81, (byte) 'E');
    b.putShort(0x84, (short) machine);
    return b.array();
  }

  private Path spec(String text) throws IOException {
    Path spec = tmp.resolve("spec.yaml");
    Files.writeString(spec, text, StandardCharsets.UTF_8);
    return spec;
  }

  private static final String EXT4_SPEC =
      """
      seed: test
      root:
        sources: [rootfs/]
      boot:
        cmdline: console=ttyS0
        esp-size: 40M
      hostname: testhost
      """;

  private SystemImage.Result build(Path specFile, Path image) throws IOException {
    return SystemImage.of(SystemSpecParser.parse(specFile))
        .environment(Map.of("SOURCE_DATE_EPOCH", "1704067200"))
        .write(image);
  }

  @Test
  void build_ext4_plansGptAndWritesBootFiles() throws Exception {
    Path image = tmp.resolve("disk.img");
    SystemImage.Result r = build(spec(EXT4_SPEC), image);

    SystemImage.BootPlan boot = r.boot().orElseThrow();
    assertThat(boot.architecture()).isEqualTo(EfiArchitecture.X86_64);
    assertThat(boot.kernel()).isEqualTo("/boot/vmlinuz-" + NEW);
    assertThat(boot.initrd()).contains("/boot/initrd.img-" + NEW);
    DiskLayout.Placed esp = r.layout().partitions().get(0);
    DiskLayout.Placed root = r.layout().partitions().get(1);
    assertThat(boot.cmdline())
        .isEqualTo("root=PARTUUID=" + root.uuid() + " rootfstype=ext4 rw console=ttyS0");

    Validators.sgdiskClean(image);
    List<Validators.Partition> parts = Validators.partitions(image);
    assertThat(parts).extracting(Validators.Partition::name).containsExactly("esp", "root");
    assertThat(parts.get(0).type()).isEqualToIgnoringCase("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    assertThat(parts.get(1).type()).isEqualToIgnoringCase("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");
    assertThat(parts.get(0).uuid()).isEqualToIgnoringCase(esp.uuid().toString());
    assertThat(parts.get(1).uuid()).isEqualToIgnoringCase(root.uuid().toString());

    // the host kernel may lack vfat: judge the ESP with fsck.fat and read it with mtools
    Path espImage = extract(image, parts.get(0));
    Validators.fsckFatClean(espImage);
    assertThat(fatFile(espImage, "EFI/BOOT/BOOTX64.EFI")).isEqualTo(peStub(0x8664));
    assertThat(fatFile(espImage, "EFI/systemd/systemd-bootx64.efi")).isEqualTo(peStub(0x8664));
    assertThat(fatText(espImage, "jimg/vmlinuz-" + NEW)).isEqualTo("new kernel");
    assertThat(fatText(espImage, "jimg/initrd.img-" + NEW)).isEqualTo("new initrd");
    assertThat(fatText(espImage, "loader/loader.conf"))
        .isEqualTo("timeout 0\ndefault jimg.conf\neditor no\n");
    assertThat(fatText(espImage, "loader/entries/jimg.conf"))
        .isEqualTo(
            "title Test GNU/Linux 12\nversion "
                + NEW
                + "\nlinux /jimg/vmlinuz-"
                + NEW
                + "\ninitrd /jimg/initrd.img-"
                + NEW
                + "\noptions "
                + boot.cmdline()
                + "\n");
    try (LoopMount m = LoopMount.mountPartition(image, parts.get(1))) {
      Path t = m.root();
      assertThat(Files.readString(t.resolve("etc/fstab")))
          .contains("PARTUUID=" + root.uuid() + "\t/\text4\tdefaults\t0\t1\n")
          .contains("PARTUUID=" + esp.uuid() + "\t/boot/efi\tvfat\tumask=0077\t0\t2\n");
      assertThat(Files.readString(t.resolve("etc/hostname"))).isEqualTo("testhost\n");
      assertThat(Files.size(t.resolve("etc/machine-id"))).isZero();
      assertThat(Files.isDirectory(t.resolve("boot/efi"))).isTrue();
      assertThat(Files.readString(t.resolve("boot/vmlinuz-" + NEW))).isEqualTo("new kernel");
    }
  }

  @Test
  void build_twice_sameBytes_otherSeed_otherIds() throws Exception {
    Path specFile = spec(EXT4_SPEC);
    Path a = tmp.resolve("a.img");
    Path b = tmp.resolve("b.img");
    SystemImage.Result ra = build(specFile, a);
    build(specFile, b);
    assertThat(sha256(a)).isEqualTo(sha256(b));

    Path c = tmp.resolve("c.img");
    SystemImage.Result rc =
        SystemImage.of(SystemSpecParser.parse(specFile))
            .environment(Map.of("SOURCE_DATE_EPOCH", "1704067200"))
            .seed("other")
            .write(c);
    assertThat(rc.layout().partitions().get(1).uuid())
        .isNotEqualTo(ra.layout().partitions().get(1).uuid());
  }

  @Test
  void build_squashfsRoot_readOnlyCmdlineAndFstab() throws Exception {
    Path image = tmp.resolve("sq.img");
    SystemImage.Result r =
        build(
            spec(
                """
                seed: test
                root: {sources: [rootfs/], filesystem: squashfs}
                boot: {esp-size: 40M}
                """),
            image);
    DiskLayout.Placed root = r.layout().partitions().get(1);
    assertThat(r.boot().orElseThrow().cmdline())
        .isEqualTo("root=PARTUUID=" + root.uuid() + " rootfstype=squashfs ro");
    Validators.sgdiskClean(image);
    List<Validators.Partition> parts = Validators.partitions(image);
    try (LoopMount m = LoopMount.mountPartition(image, parts.get(1))) {
      assertThat(Files.readString(m.root().resolve("etc/fstab")))
          .contains("PARTUUID=" + root.uuid() + "\t/\tsquashfs\tro\t0\t0\n");
    }
  }

  @Test
  void build_loaderFromHostFile_architectureFromPeHeader() throws Exception {
    Files.write(tmp.resolve("bootaa64.efi"), peStub(0xAA64));
    Path image = tmp.resolve("arm.img");
    SystemImage.Result r =
        build(
            spec(
                """
                seed: test
                root: {sources: [rootfs/]}
                boot: {loader: bootaa64.efi, esp-size: 40M}
                """),
            image);
    assertThat(r.boot().orElseThrow().architecture()).isEqualTo(EfiArchitecture.ARM64);
    List<Validators.Partition> parts = Validators.partitions(image);
    assertThat(parts.get(1).type()).isEqualToIgnoringCase("B921B045-1DF0-41C3-AF44-4C6F280D3FAE");
    assertThat(fatFile(extract(image, parts.get(0)), "EFI/BOOT/BOOTAA64.EFI"))
        .isEqualTo(peStub(0xAA64));
  }

  @Test
  void build_kernelAndLoaderOfOtherArchitectures_refused() throws Exception {
    Files.write(rootDir.resolve("boot/vmlinuz-" + NEW), peStub(0xAA64));
    assertThatThrownBy(() -> build(spec(EXT4_SPEC), tmp.resolve("x.img")))
        .hasMessageContaining("is for x64 but the kernel /boot/vmlinuz-" + NEW + " for aa64");
  }

  @Test
  void build_initrdWithoutRootModule_refusedAndExistingTargetUntouched() throws Exception {
    Files.createDirectories(rootDir.resolve("usr/lib/modules/" + NEW));
    Files.writeString(
        rootDir.resolve("usr/lib/modules/" + NEW + "/modules.builtin"), "kernel/fs/fat/fat.ko\n");
    Files.write(
        rootDir.resolve("boot/initrd.img-" + NEW),
        RootModuleCheckTest.debianInitrd("usr/lib/modules/" + NEW + "/kernel/fs/ext4/ext4.ko"));
    Path image = tmp.resolve("existing.img");
    Files.writeString(image, "the old image");
    assertThatThrownBy(
            () ->
                build(
                    spec(
                        "root: {sources: [rootfs/], filesystem: squashfs}\nboot: {esp-size: 40M}\n"),
                    image))
        .isInstanceOf(JimgException.class)
        .hasMessageContaining("has no squashfs module");
    assertThat(Files.readString(image)).isEqualTo("the old image");
    assertThat(tmp).isDirectoryNotContaining("glob:**/.existing.img*");

    // ext4 is in that initrd: the same tree boots an ext4 root
    build(spec("root: {sources: [rootfs/]}\nboot: {esp-size: 40M}\n"), image);
    Validators.sgdiskClean(image);
  }

  @Test
  void build_noKernel_clearErrorAndNoFileLeft() throws Exception {
    Files.delete(rootDir.resolve("boot/vmlinuz-" + OLD));
    Files.delete(rootDir.resolve("boot/vmlinuz-" + NEW));
    Path image = tmp.resolve("none.img");
    assertThatThrownBy(() -> build(spec(EXT4_SPEC), image))
        .isInstanceOf(JimgException.class)
        .hasMessageContaining("boot.kernel: the root tree has no kernel");
    assertThat(image).doesNotExist();
    assertThat(tmp).isDirectoryNotContaining("glob:**/.none.img*");
  }

  @Test
  void build_noLoader_namesThePackage() throws Exception {
    Files.delete(rootDir.resolve("usr/lib/systemd/boot/efi/systemd-bootx64.efi"));
    assertThatThrownBy(() -> build(spec(EXT4_SPEC), tmp.resolve("x.img")))
        .hasMessageContaining("boot.loader: the root tree has no systemd-boot")
        .hasMessageContaining("systemd-boot-efi");
  }

  @Test
  void build_missingInitrd_saysHowToGoOn() throws Exception {
    Files.delete(rootDir.resolve("boot/initrd.img-" + NEW));
    assertThatThrownBy(() -> build(spec(EXT4_SPEC), tmp.resolve("x.img")))
        .hasMessageContaining("boot.initrd: the root tree has no /boot/initrd.img-" + NEW)
        .hasMessageContaining("initrd: none");
  }

  @Test
  void build_notAPeLoader_refused() throws Exception {
    Files.writeString(tmp.resolve("loader.efi"), "not an executable");
    assertThatThrownBy(
            () ->
                build(
                    spec("root: {sources: [rootfs/]}\nboot: {loader: loader.efi}\n"),
                    tmp.resolve("x.img")))
        .hasMessageContaining("loader.efi")
        .hasMessageContaining("not a UEFI executable");
  }

  @Test
  void build_unknownRootOption_namedByItsKey() throws Exception {
    assertThatThrownBy(
            () ->
                build(
                    spec("root: {sources: [rootfs/], options: {blocksize: 4096}}\n"),
                    tmp.resolve("x.img")))
        .hasMessageContaining("root.options.blocksize: ext4 has no such option");
  }

  @Test
  void build_malformedRootOption_refusedBeforeReadingSources() throws Exception {
    assertThatThrownBy(
            () ->
                build(
                    spec("root: {sources: [no-such-rootfs/], options: {block-size: 3000}}\n"),
                    tmp.resolve("x.img")))
        .hasMessageContaining("root.options: ")
        .hasMessageContaining("block-size")
        .hasMessageNotContaining("no-such-rootfs");
    assertThat(tmp.resolve("x.img")).doesNotExist();
  }

  @Test
  void build_outputInMissingDirectory_refusedBeforeReadingSources() throws Exception {
    assertThatThrownBy(
            () -> build(spec("root: {sources: [no-such-rootfs/]}\n"), tmp.resolve("no-dir/x.img")))
        .hasMessageContaining("x.img: no such directory")
        .hasMessageNotContaining("no-such-rootfs");
  }

  @Test
  void build_mbrTable_refused() throws Exception {
    assertThatThrownBy(
            () ->
                build(
                    spec("table: mbr\nroot: {sources: [rootfs/]}\nboot: {}\n"),
                    tmp.resolve("x.img")))
        .hasMessageContaining("table: jimg build writes a GPT");
  }

  @Test
  void build_withoutBoot_rootPartitionAndFstabOnly() throws Exception {
    Path image = tmp.resolve("plain.img");
    SystemImage.Result r = build(spec("seed: s\nroot: {sources: [rootfs/]}\n"), image);
    assertThat(r.boot()).isEmpty();
    assertThat(r.layout().partitions()).hasSize(1);
    Validators.require(Tool.SGDISK);
    Exec.Result v = Validators.sgdiskClean(image);
    assertThat(v.ok()).isTrue();
  }

  @Test
  void build_sizedDiskWithGrowingRootAndExtraPartition_laidOutAfterRoot() throws Exception {
    Path image = tmp.resolve("grow.img");
    SystemImage.Result r =
        build(
            spec(
                """
                seed: test
                size: 200M
                root: {sources: [rootfs/], grow: true}
                boot: {esp-size: 40M}
                partitions:
                  - {name: swap, type: swap, size: 8M}
                """),
            image);
    Validators.sgdiskClean(image);
    List<Validators.Partition> parts = Validators.partitions(image);
    assertThat(parts).extracting(Validators.Partition::name).containsExactly("esp", "root", "swap");
    assertThat(Files.size(image)).isEqualTo(200L << 20);
    DiskLayout.Placed root = r.layout().partitions().get(1);
    DiskLayout.Placed swap = r.layout().partitions().get(2);
    assertThat(root.offset() + root.size()).isEqualTo(swap.offset());
    assertThat(root.size()).isGreaterThan(140L << 20);
    try (LoopMount m = LoopMount.mountPartition(image, parts.get(1))) {
      assertThat(Files.readString(m.root().resolve("boot/vmlinuz-" + NEW))).isEqualTo("new kernel");
    }
  }

  @Test
  void compareVersions_numericRuns() {
    assertThat(BootFiles.compareVersions("6.1.0-10-amd64", "6.1.0-9-amd64")).isPositive();
    assertThat(BootFiles.compareVersions("6.10.0", "6.9.12")).isPositive();
    assertThat(BootFiles.compareVersions("6.1.0", "6.1.0-1")).isNegative();
    assertThat(BootFiles.compareVersions("5.10.0-28", "5.10.0-28")).isZero();
  }

  /** The bytes of a partition, as a file of its own. */
  private Path extract(Path image, Validators.Partition p) throws IOException {
    Path out = tmp.resolve("part" + p.number() + ".img");
    try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ);
        FileChannel o =
            FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long done = 0;
      while (done < p.size()) {
        done += in.transferTo(p.offset() + done, p.size() - done, o);
      }
    }
    return out;
  }

  private byte[] fatFile(Path fat, String path) throws IOException {
    Path out = tmp.resolve("out-" + path.replace('/', '_'));
    Files.deleteIfExists(out);
    Validators.mcopyOut(fat, path, out);
    return Files.readAllBytes(out);
  }

  private String fatText(Path fat, String path) throws IOException {
    return new String(fatFile(fat, path), StandardCharsets.UTF_8);
  }

  static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      while (ch.read(buf) > 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
