/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.ImageTooSmallException;
import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.JimgException;
import dev.jimg.core.repro.Identities;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disks from YAML specs with partitions filled through the SPI (the test-only "testfs"). */
class DiskFillTest {
  static final long MIB = 1L << 20;

  @TempDir Path dir;

  @BeforeEach
  void inputs() throws IOException {
    Files.createDirectories(dir.resolve("boot/EFI"));
    Files.writeString(dir.resolve("boot/EFI/a.txt"), "hello");
    Files.createDirectories(dir.resolve("more"));
    Files.writeString(dir.resolve("more/b.txt"), "world");
    byte[] blob = new byte[3000];
    for (int i = 0; i < blob.length; i++) {
      blob[i] = (byte) (i * 7 + 1);
    }
    Files.write(dir.resolve("u-boot.bin"), blob);
    byte[] raw = new byte[300_000];
    Arrays.fill(raw, (byte) 0x5A);
    Files.write(dir.resolve("raw.img"), raw);
  }

  private Path spec(String yaml) throws IOException {
    Path s = dir.resolve("disk.yaml");
    Files.writeString(s, yaml);
    return s;
  }

  private DiskLayout build(String yaml, Path out) throws IOException {
    return DiskImage.of(DiskSpecParser.parse(spec(yaml))).write(out);
  }

  static final String GPT_SPEC =
      """
      seed: 0123456789abcdef0123456789abcdef
      partitions:
        - name: esp
          type: esp
          filesystem: testfs
          sources: [boot/, more/]
          label: ESP
        - name: raw
          type: linux-generic
          content: raw.img
          attributes: [read-only]
        - name: data
          type: linux-home
          size: 2M
          filesystem: testfs
          sources: [more]
      blobs:
        - file: u-boot.bin
          offset: 1000K
      """;

  @Test
  void write_gptWithFilesystemsContentAndBlob_validAndFilled() throws Exception {
    Path img = dir.resolve("disk.img");
    DiskLayout layout = build(GPT_SPEC, img);
    Validators.sgdiskClean(img);
    byte[] all = Files.readAllBytes(img);
    // default disk size: what the partitions need (1 MiB each after 1 MiB, data 2 MiB) + backup
    assertThat(all.length).isEqualTo(6 * MIB);
    List<Validators.Partition> parts = Validators.partitions(img);
    assertThat(parts)
        .extracting(Validators.Partition::offset)
        .containsExactly(MIB, 2 * MIB, 3 * MIB);
    assertThat(parts).extracting(Validators.Partition::size).containsExactly(MIB, MIB, 2 * MIB);

    DiskLayout.Placed esp = layout.partitions().get(0);
    int at = (int) esp.offset();
    assertThat(Arrays.copyOfRange(all, at, at + 8)).isEqualTo(TestFsProvider.MAGIC);
    UUID fsUuid = Identities.fromBytes(Arrays.copyOfRange(all, at + 8, at + 24));
    assertThat(fsUuid).isEqualTo(Identities.repartFilesystemUuid(esp.uuid()));
    assertThat(new String(all, at + 24, 3, StandardCharsets.UTF_8)).isEqualTo("ESP");
    // the disk passes the partition start (hidden sectors) and repart's FAT volume id
    assertThat(
            java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(at + 56))
        .isEqualTo(esp.offset() / 512);
    assertThat(new String(all, at + 64, 8, StandardCharsets.US_ASCII))
        .isEqualTo(fsUuid.toString().substring(0, 8).toUpperCase(java.util.Locale.ROOT));
    String body = new String(all, at + TestFsProvider.HEADER, 40, StandardCharsets.ISO_8859_1);
    assertThat(body).startsWith("EFI/a.txt\0hellob.txt\0world");
    // the writer filled its whole slice and nothing past it
    assertThat(all[at + (int) MIB - 1]).isEqualTo(TestFsProvider.FILL);
    assertThat(all[(int) (2 * MIB)]).isEqualTo((byte) 0x5A);
    assertThat(all[(int) (2 * MIB) + 300_000]).isZero();
    byte[] blob = Files.readAllBytes(dir.resolve("u-boot.bin"));
    assertThat(Arrays.copyOfRange(all, 1000 * 1024, 1000 * 1024 + blob.length)).isEqualTo(blob);
    String dump = Exec.run("sfdisk", "--dump", img.toString()).requireOk().text();
    assertThat(dump).contains("attrs=\"GUID:60\"");
  }

  @Test
  void write_javaApiWithInMemoryTree_sameBytesAsYamlWithDirectorySource() throws Exception {
    dev.jimg.core.tree.FileTree tree;
    try (var src =
        dev.jimg.core.source.Sources.openLayered(
            List.of(dir.resolve("more").toString()),
            java.io.InputStream.nullInputStream(),
            dev.jimg.core.source.SourceOptions.defaults(),
            false)) {
      tree = src.tree();
    }
    DiskSpec spec =
        DiskSpec.builder()
            .seed("api")
            .partition(
                PartitionSpec.builder()
                    .name("data")
                    .type(PartitionType.parse("type", "linux-generic"))
                    .filesystem("testfs")
                    .tree(tree)
                    .build())
            .build();
    Path api = dir.resolve("api.img");
    DiskImage.of(spec).write(api);
    Path yaml = dir.resolve("yaml.img");
    build(
        """
        seed: api
        partitions:
          - {name: data, type: linux-generic, filesystem: testfs, sources: [more]}
        """,
        yaml);
    Validators.sgdiskClean(api);
    assertThat(Files.mismatch(api, yaml)).isEqualTo(-1);
  }

  @Test
  void write_sameSpecTwiceOtherTimeZone_identicalBytes() throws Exception {
    Path a = dir.resolve("a.img");
    Path b = dir.resolve("b.img");
    build(GPT_SPEC, a);
    java.util.TimeZone saved = java.util.TimeZone.getDefault();
    try {
      java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Pacific/Kiritimati"));
      build(GPT_SPEC, b);
    } finally {
      java.util.TimeZone.setDefault(saved);
    }
    assertThat(Files.mismatch(a, b)).isEqualTo(-1);
  }

  @Test
  void write_mbr_sfdiskShowsTypesBootableAndSignature() throws Exception {
    Path img = dir.resolve("mbr.img");
    DiskLayout layout =
        build(
            """
            table: mbr
            seed: board
            size: 8M
            partitions:
              - type: "0x0c"
                filesystem: testfs
                sources: [boot]
                bootable: true
              - filesystem: testfs
                options: {mbr-type: 131}
                sources: [more]
              - type: swap
                size: 1M
              - grow: true
            blobs:
              - file: u-boot.bin
                offset: 8K
            """,
            img);
    String dump = Exec.run("sfdisk", "--dump", img.toString()).requireOk().text();
    assertThat(dump).contains("label: dos");
    assertThat(dump).contains(String.format("label-id: 0x%08x", layout.diskSignature()));
    assertThat(dump).contains("start=        2048, size=        2048, type=c, bootable");
    assertThat(dump).contains("start=        4096, size=        2048, type=83\n");
    assertThat(dump).contains("start=        6144, size=        2048, type=82");
    assertThat(dump).contains("start=        8192, size=        8192, type=83");
    String fdisk = Validators.fdiskList(img);
    assertThat(fdisk).contains("Disklabel type: dos").doesNotContain("overlap");
    byte[] all = Files.readAllBytes(img);
    assertThat(all[510] & 0xFF).isEqualTo(0x55);
    assertThat(all[511] & 0xFF).isEqualTo(0xAA);
    byte[] blob = Files.readAllBytes(dir.resolve("u-boot.bin"));
    assertThat(Arrays.copyOfRange(all, 8192, 8192 + blob.length)).isEqualTo(blob);
  }

  @Test
  void write_mbrWithLogicalPartitions_sfdiskAndFdiskShowChain() throws Exception {
    Path img = dir.resolve("logical.img");
    build(
        """
        table: mbr
        seed: logical
        partitions:
          - {type: "0x0c", size: 1M, bootable: true}
          - {type: "0x83", size: 1M}
          - {type: "0x83", size: 1M}
          - {type: swap, size: 2M}
          - {type: "0x83", filesystem: testfs, sources: [more]}
          - {type: "0x83", grow: true, min-size: 1M}
        """,
        img);
    String dump = Exec.run("sfdisk", "--dump", img.toString()).requireOk().text();
    assertThat(dump)
        .contains("logical.img1 : start=        2048, size=        2048, type=c, bootable")
        .contains("logical.img2 : start=        4096, size=        2048, type=83")
        .contains("logical.img3 : start=        6144, size=        2048, type=83")
        .contains("logical.img4 : start=       10239, size=       12289, type=5")
        .contains("logical.img5 : start=       10240, size=        4096, type=82")
        .contains("logical.img6 : start=       16384, size=        2048, type=83")
        .contains("logical.img7 : start=       20480, size=        2048, type=83");
    String fdisk = Validators.fdiskList(img);
    assertThat(fdisk)
        .contains("Disklabel type: dos")
        .doesNotContain("overlap")
        .doesNotContain("WARN");
    byte[] all = Files.readAllBytes(img);
    assertThat(all[16384 * 512]).isEqualTo(TestFsProvider.MAGIC[0]);
    // blobs may not land on an extended boot record
    Files.writeString(
        dir.resolve("disk2.yaml"),
        """
        table: mbr
        partitions:
          - {size: 1M}
          - {size: 1M}
          - {size: 1M}
          - {size: 1M}
          - {size: 1M}
        blobs:
          - {file: u-boot.bin, offset: 5242268}
        """);
    assertThatThrownBy(
            () -> DiskImage.of(DiskSpecParser.parse(dir.resolve("disk2.yaml"))).write(img))
        .hasMessageContaining("overlaps the extended boot record of partitions[3]");
  }

  @Test
  void write_hybrid_gptValidAndMbrMirrorsMarkedPartitions() throws Exception {
    Path img = dir.resolve("hybrid.img");
    DiskLayout layout =
        build(
            """
            table: hybrid
            seed: pi
            partitions:
              - {name: boot, type: ms-basic-data, size: 4M, hybrid: true, bootable: true}
              - {name: root, type: root-arm64, size: 8M}
            """,
            img);
    Validators.sgdiskClean(img);
    List<Validators.Partition> gpt = Validators.partitions(img);
    assertThat(gpt).extracting(Validators.Partition::name).containsExactly("boot", "root");
    assertThat(Validators.fdiskList(img))
        .contains("Disklabel type: gpt")
        .doesNotContain("WARN")
        .doesNotContain("mismatch");
    byte[] all = Files.readAllBytes(img);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getInt(440)).isEqualTo(layout.diskSignature());
    // slot 1: 0xEE over LBA 1..33; slot 2: the boot partition, active, FAT32 LBA
    assertThat(all[0x1BE + 4] & 0xFF).isEqualTo(0xEE);
    assertThat(b.getInt(0x1BE + 8)).isEqualTo(1);
    assertThat(b.getInt(0x1BE + 12)).isEqualTo(33);
    assertThat(all[0x1CE] & 0xFF).isEqualTo(0x80);
    assertThat(all[0x1CE + 4] & 0xFF).isEqualTo(0x0C);
    assertThat(b.getInt(0x1CE + 8)).isEqualTo(2048);
    assertThat(b.getInt(0x1CE + 12)).isEqualTo(8192);
    assertThat(all[0x1DE + 4]).isZero();
    assertThatThrownBy(() -> build("table: hybrid\npartitions:\n  - {name: a, size: 1M}\n", img))
        .hasMessageContaining("table: hybrid mirrors 1 to 3 partitions");
  }

  @Test
  void write_gptLocationMoved_bootLoaderAt8KFitsBeforeArray() throws Exception {
    Path img = dir.resolve("sunxi.img");
    String yaml =
        """
        gpt-location: 1M
        seed: sunxi
        partitions:
          - {name: boot, type: esp, size: 4M}
        blobs:
          - {file: u-boot.bin, offset: %s}
        """;
    build(yaml.formatted("8K"), img);
    // sgdisk accepts the moved array (it can make one itself, experts' menu 'j') but notes the gap;
    // that note is the intended layout, any other line is a failure
    Exec.Result v = Exec.run("sgdisk", "-v", img.toString()).requireOk();
    assertThat(v.text()).contains("No problems found.");
    assertThat(
            v.text()
                .replace(
                    "Warning: There is a gap between the main metadata (sector 1) and the main\n"
                        + "partition table (sector 2048). This is helpful in some exotic"
                        + " configurations,\n"
                        + "but is generally ill-advised. Using 'j' on the experts' menu can adjust"
                        + " this\n"
                        + "gap.\n",
                    ""))
        .doesNotContain("Warning")
        .doesNotContain("Problem:");
    String dump = Exec.run("sfdisk", "--dump", img.toString()).requireOk().text();
    assertThat(dump).contains("first-lba: 2080").contains("start=        4096, size=        8192");
    byte[] all = Files.readAllBytes(img);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getLong(512 + GptHeader.PARTITION_ENTRY_LBA)).isEqualTo(2048);
    byte[] blob = Files.readAllBytes(dir.resolve("u-boot.bin"));
    assertThat(Arrays.copyOfRange(all, 8192, 8192 + blob.length)).isEqualTo(blob);
    assertThatThrownBy(() -> build(yaml.formatted("1023K"), img))
        .hasMessageContaining("overlaps the primary GPT entry array (bytes 1,048,576..1,064,960)");
    assertThatThrownBy(() -> build(yaml.formatted("1000"), img))
        .hasMessageContaining("overlaps the MBR and GPT header (bytes 0..1,024)");
  }

  @Test
  void write_blobOverPrimaryGpt_refusedNoFileLeft() throws Exception {
    Path img = dir.resolve("bad.img");
    assertThatThrownBy(
            () ->
                build(
                    """
                    partitions:
                      - {name: a, size: 1M}
                    blobs:
                      - {file: u-boot.bin, offset: 8K}
                    """,
                    img))
        .isInstanceOf(DiskLayoutException.class)
        .hasMessageContaining(
            "blobs[0] (u-boot.bin, bytes 8,192..11,192) overlaps the MBR and primary GPT");
    assertThat(img).doesNotExist();
    assertThat(dir.resolve(".bad.img.jimg-tmp")).doesNotExist();
  }

  @Test
  void write_blobNearTheEndOfADiskWithoutSize_diskGrowsPastItForTheBackupGpt() throws Exception {
    // the blob ends at 3,133,000, inside the last 16.5 KiB of a 3 MiB disk: the disk grows to 4 MiB
    Path img = dir.resolve("b.img");
    DiskLayout layout =
        build(
            """
            partitions:
              - {name: a, size: 1M}
            blobs:
              - {file: u-boot.bin, offset: 3130000}
            """,
            img);
    assertThat(layout.sizeBytes()).isEqualTo(4 * MIB);
    byte[] all = Files.readAllBytes(img);
    assertThat(Arrays.copyOfRange(all, 3_130_000, 3_130_000 + 3000))
        .isEqualTo(Files.readAllBytes(dir.resolve("u-boot.bin")));
    Path tooSmall = dir.resolve("small.img");
    assertThatThrownBy(
            () ->
                build(
                    """
                    size: 3M
                    partitions:
                      - {name: a, size: 1M}
                    blobs:
                      - {file: u-boot.bin, offset: 3130000}
                    """,
                    tooSmall))
        .hasMessageContaining("overlaps the backup GPT (from byte 3,128,832)"); // size given: kept
    Validators.sgdiskClean(img); // skipped when sgdisk is missing
  }

  @Test
  void write_standardInputNamedTwice_refusedBeforeReadingIt() throws Exception {
    // the second reader found it empty: "standard input at byte 0: is empty (0 bytes)"
    Path img = dir.resolve("s.img");
    java.io.InputStream stdin =
        new java.io.InputStream() {
          @Override
          public int read() {
            throw new AssertionError("standard input was read");
          }
        };
    String twoPartitions =
        """
        partitions:
          - {name: a, filesystem: testfs, sources: ["-"]}
          - {name: b, filesystem: testfs, sources: [more/, "-"]}
        """;
    assertThatThrownBy(
            () -> DiskImage.of(DiskSpecParser.parse(spec(twoPartitions))).stdin(stdin).write(img))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage(
            "partitions[1] (b): sources: '-' (standard input) is read by partitions[0] (a)"
                + " already, and it can be read once; give one of them a file");
    String onePartition =
        """
        partitions:
          - {name: a, filesystem: testfs, sources: ["-", more/, "-"]}
        """;
    assertThatThrownBy(
            () -> DiskImage.of(DiskSpecParser.parse(spec(onePartition))).stdin(stdin).write(img))
        .hasMessage(
            "partitions[0] (a): sources name '-' (standard input) twice; it can be read once");
    assertThat(img).doesNotExist();
  }

  @Test
  void write_twoPartitionsWithOneUuid_refused() throws Exception {
    // sgdisk -v found no problem, but /dev/disk/by-partuuid and root=PARTUUID= name one of them
    Path img = dir.resolve("u.img");
    assertThatThrownBy(
            () ->
                build(
                    """
                    partitions:
                      - {name: a, size: 1M, uuid: 11111111-2222-4333-8444-555555555555}
                      - {name: b, size: 1M, uuid: 11111111-2222-4333-8444-555555555555}
                    """,
                    img))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage(
            "partitions[1] (b): uuid 11111111-2222-4333-8444-555555555555 is also that of"
                + " partitions[0] (a); partitions need different ones (a PARTUUID names one"
                + " partition, and the filesystem UUIDs derive from them)");
    assertThat(img).doesNotExist();
  }

  @Test
  void write_blobOverPartition_refusedUnlessAllowed() throws Exception {
    Path img = dir.resolve("p.img");
    String yaml =
        """
        table: mbr
        partitions:
          - {name: a, size: 1M}
        blobs:
          - {file: u-boot.bin, offset: 1M%s}
        """;
    assertThatThrownBy(() -> build(yaml.formatted(""), img))
        .hasMessageContaining("overlaps partitions[0] (a) (bytes 1,048,576..2,097,152)");
    build(yaml.formatted(", allow-overlap: true"), img);
    assertThat(Files.readAllBytes(img)[(int) MIB]).isEqualTo((byte) 1);
  }

  @Test
  void write_badSpecs_oneClearErrorNoFileLeft() throws Exception {
    Path img = dir.resolve("x.img");
    Files.writeString(img, "old");
    assertThatThrownBy(
            () ->
                build(
                    "partitions:\n  - {name: a, offset: 1M, size: 2M}\n  - {name: b, offset: 2M, size: 1M}\n",
                    img))
        .isInstanceOf(DiskLayoutException.class)
        .hasMessage(
            "partitions[1] (b) at offset 2,097,152 overlaps partitions[0] (a), which ends at byte"
                + " 3,145,728");
    assertThatThrownBy(() -> build("size: 3M\npartitions:\n  - {name: a, size: 2M}\n", img))
        .isInstanceOf(ImageTooSmallException.class)
        .hasMessage(
            "the partitions need a disk of 3,162,624 bytes (with the backup GPT's 16,896 bytes at"
                + " the end), the spec gives 3,145,728; use size: 4M or more, or omit size");
    assertThatThrownBy(
            () -> build("partitions:\n  - {name: a, filesystem: testfs, sources: [nope/]}\n", img))
        .isInstanceOf(JimgException.class)
        .hasMessageContaining("partitions[0] (a): ")
        .hasMessageContaining("nope");
    // options are checked before any source is read: b's bad value, not a's missing source
    assertThatThrownBy(
            () ->
                build(
                    "partitions:\n  - {name: a, filesystem: testfs, sources: [nope/]}\n"
                        + "  - {name: b, filesystem: testfs, options: {mbr-type: 999}}\n",
                    img))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("partitions[1] (b): ")
        .hasMessageContaining("mbr-type")
        .hasMessageNotContaining("nope");
    assertThatThrownBy(() -> build("partitions:\n  - {name: a, filesystem: zfs}\n", img))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("partitions[0] (a): unknown filesystem type 'zfs'");
    assertThatThrownBy(
            () ->
                build(
                    "partitions:\n  - {name: a, size: 1000, filesystem: testfs, sources: [boot]}\n",
                    img))
        .isInstanceOf(DiskLayoutException.class)
        .hasMessage("partitions[0] (a): size 1,000 is not a positive multiple of 512");
    assertThatThrownBy(
            () ->
                build(
                    "partitions:\n  - {name: a, size: 1M, filesystem: testfs, options: {size: 2M}}\n",
                    img))
        .isInstanceOf(ImageTooSmallException.class)
        .hasMessageStartingWith("partitions[0] (a): its content needs 2,097,152 bytes");
    assertThatThrownBy(() -> build("partitions:\n  - {type: \"0x83\", size: 1M}\n", img))
        .hasMessageContaining("is an MBR type byte; a GPT partition needs a type name or GUID");
    assertThat(Files.readString(img)).isEqualTo("old");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.endsWith(".jimg-tmp"));
    }
  }
}
