/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.repro.Identities;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.LoopDevice;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GptDiskTest {
  static final String SEED = "0123456789abcdef0123456789abcdef";
  static final long MIB = 1L << 20;

  @TempDir Path dir;

  static PartitionSpec part(String name, String type, long size) throws Exception {
    return PartitionSpec.builder()
        .name(name)
        .type(PartitionType.parse("type", type))
        .size(size)
        .build();
  }

  static DiskSpec gpt(int sectorSize, OptionalLong size, List<PartitionSpec> parts) {
    return new DiskSpec(
        TableType.GPT,
        sectorSize,
        size,
        Optional.of(SEED),
        DiskSpec.DEFAULT_ALIGNMENT,
        Optional.empty(),
        parts,
        List.of());
  }

  private static DiskSpec fourPartitions(int sectorSize) throws Exception {
    return gpt(
        sectorSize,
        OptionalLong.of(64 * MIB),
        List.of(
            PartitionSpec.builder()
                .name("esp")
                .type(PartitionType.parse("t", "esp"))
                .size(10 * MIB)
                .attribute(GptAttribute.REQUIRED)
                .build(),
            PartitionSpec.builder()
                .name("root-x86-64")
                .type(PartitionType.parse("t", "linux-root-x86-64"))
                .size(20 * MIB)
                .attribute(GptAttribute.GROW_FS)
                .attribute(GptAttribute.READ_ONLY)
                .build(),
            part("linux-generic", "linux-generic", 4 * MIB),
            PartitionSpec.builder()
                .name("data")
                .type(PartitionType.parse("t", "0fc63daf-8483-4772-8e79-3d69d8477de4"))
                .grow(true)
                .build()));
  }

  private Path write(DiskSpec spec, String name) throws IOException {
    Path img = dir.resolve(name);
    DiskImage.of(spec).filesystems(Filesystems.installed()).write(img);
    return img;
  }

  @Test
  void write_gpt512_sgdiskCleanAndSfdiskShowsSpec() throws Exception {
    Path img = write(fourPartitions(512), "disk.img");
    assertThat(Files.size(img)).isEqualTo(64 * MIB);
    Validators.sgdiskClean(img);
    List<Validators.Partition> parts = Validators.partitions(img);
    Identities ids = DiskImage.identities(SEED);
    assertThat(parts).hasSize(4);
    assertThat(parts.get(0).offset()).isEqualTo(MIB);
    assertThat(parts.get(0).size()).isEqualTo(10 * MIB);
    assertThat(parts.get(0).type()).isEqualTo("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    assertThat(parts.get(0).name()).isEqualTo("esp");
    assertThat(parts.get(1).offset()).isEqualTo(11 * MIB);
    assertThat(parts.get(1).type()).isEqualTo("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");
    assertThat(parts.get(2).offset()).isEqualTo(31 * MIB);
    assertThat(parts.get(3).offset()).isEqualTo(35 * MIB);
    // grows to the last whole MiB before the backup GPT (33 sectors at the end)
    assertThat(parts.get(3).offset() + parts.get(3).size()).isEqualTo(63 * MIB);
    assertThat(parts.get(1).uuid())
        .isEqualToIgnoringCase(
            ids.repartPartitionUuid(UUID.fromString("4f68bce3-e8cd-4db1-96e7-fbcaf984b709"), 0)
                .toString());
    String dump = Exec.run("sfdisk", "--dump", img.toString()).requireOk().text();
    assertThat(dump).contains("label-id: " + ids.repartDiskUuid().toString().toUpperCase());
    assertThat(dump).contains("first-lba: 34").contains("last-lba: 131038");
    assertThat(dump).contains("attrs=\"RequiredPartition\"");
    assertThat(dump).contains("attrs=\"GUID:59,60\"");
    String fdisk = Validators.fdiskList(img);
    assertThat(fdisk).contains("Disklabel type: gpt").doesNotContain("mismatch");
    String json = Validators.sfdiskJson(img);
    assertThat(json).contains("\"name\": \"root-x86-64\"");
  }

  /**
   * The same definitions given to {@code systemd-repart --empty=create --size=64M
   * --seed=0123456789abcdef0123456789abcdef} (systemd 252, definitions 10-esp.conf Type=esp 10M,
   * 20-root.conf Type=root-x86-64 20M, 30-a.conf and 40-b.conf Type=linux-generic 4M) gave these
   * GUIDs; both tools put the partitions at the same sectors. repart's first-lba is 2048, ours the
   * standard 34, and repart adds a grow-fs attribute to the root partition by default.
   */
  @Test
  void write_sameDefinitionsAsSystemdRepart_sameGuidsAndPlaces() throws Exception {
    DiskSpec spec =
        gpt(
            512,
            OptionalLong.of(64 * MIB),
            List.of(
                part("esp", "esp", 10 * MIB),
                part("root-x86-64", "root-x86-64", 20 * MIB),
                part("linux-generic", "linux-generic", 4 * MIB),
                part("linux-generic-2", "linux-generic", 4 * MIB)));
    Path img = write(spec, "repart.img");
    String dump = Exec.run("sfdisk", "--dump", img.toString()).requireOk().text();
    assertThat(dump).contains("label-id: 6913F4B6-6690-4A57-A202-F1B53C56DBDF");
    assertThat(dump)
        .contains(
            "start=        2048, size=       20480, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B,"
                + " uuid=B2D552B0-45DB-4678-B34F-066168609D1A")
        .contains(
            "start=       22528, size=       40960, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709,"
                + " uuid=9E90C9C3-C7E8-44F2-BF19-9AE2689DE795")
        .contains(
            "start=       63488, size=        8192, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4,"
                + " uuid=3ED50935-B785-4A2A-879D-DD4C00395D47")
        .contains(
            "start=       71680, size=        8192, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4,"
                + " uuid=FF20EBAE-A7DF-4FB5-AC96-557EE3704996");
    Validators.sgdiskClean(img);
  }

  @Test
  void write_gpt4096_sgdiskCleanOnLoopDeviceWith4kSectors() throws Exception {
    Path img = write(fourPartitions(4096), "disk4k.img");
    byte[] head = new byte[2 * 4096];
    try (var in = Files.newInputStream(img)) {
      assertThat(in.readNBytes(head, 0, head.length)).isEqualTo(head.length);
    }
    ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new String(head, 4096, 8, StandardCharsets.US_ASCII)).isEqualTo("EFI PART");
    assertThat(h.getLong(4096 + GptHeader.FIRST_USABLE_LBA)).isEqualTo(6);
    assertThat(h.getLong(4096 + GptHeader.ALTERNATE_LBA)).isEqualTo(64 * MIB / 4096 - 1);
    // protective MBR: one 0xEE record from LBA 1 over the rest of the disk in 4 KiB sectors
    assertThat(h.get(0x1BE + 4) & 0xFF).isEqualTo(0xEE);
    assertThat(h.getInt(0x1BE + 12)).isEqualTo((int) (64 * MIB / 4096 - 1));

    try (LoopDevice loopDevice = LoopDevice.attach(img, 4096)) {
      String loop = loopDevice.device().toString();
      Validators.sgdiskClean(Path.of(loop));
      String loopDump = Exec.run("sfdisk", "--dump", loop).requireOk().text();
      assertThat(loopDump).contains("sector-size: 4096").contains("first-lba: 6");
      assertThat(loopDump).contains("start=         256, size=        2560");
    }
  }

  @Test
  void write_mbr4096_sfdiskOnLoopDeviceWith4kSectors() throws Exception {
    DiskSpec spec =
        DiskSpec.builder()
            .table(TableType.MBR)
            .sectorSize(4096)
            .seed("mbr4k")
            .partition(part("a", "0x0c", 4 * MIB))
            .partition(part("b", "linux-generic", 2 * MIB))
            .build();
    Path img = write(spec, "mbr4k.img");
    try (LoopDevice loopDevice = LoopDevice.attach(img, 4096)) {
      String loop = loopDevice.device().toString();
      String dump = Exec.run("sfdisk", "--dump", loop).requireOk().text();
      assertThat(dump).contains("label: dos").contains("sector-size: 4096");
      assertThat(dump)
          .contains("start=         256, size=        1024, type=c")
          .contains("start=        1280, size=         512, type=83");
      assertThat(Exec.run("fdisk", "-l", loop).requireOk().text())
          .contains("Sector size (logical/physical): 4096 bytes")
          .doesNotContain("WARN");
    }
  }

  @Test
  void write_twice_identicalBytes() throws Exception {
    Path a = write(fourPartitions(512), "a.img");
    Path b = write(fourPartitions(512), "b.img");
    assertThat(Files.mismatch(a, b)).isEqualTo(-1);
  }

  @Test
  void write_gpt_headerAndArrayCrcsMatchAndBackupMirrorsPrimary() throws Exception {
    Path img = write(fourPartitions(512), "crc.img");
    byte[] all = Files.readAllBytes(img);
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    long last = all.length / 512 - 1;
    for (long lba : new long[] {1, last}) {
      int h = (int) (lba * 512);
      byte[] header = Arrays.copyOfRange(all, h, h + 92);
      int stored = b.getInt(h + GptHeader.HEADER_CRC32);
      Arrays.fill(header, GptHeader.HEADER_CRC32, GptHeader.HEADER_CRC32 + 4, (byte) 0);
      CRC32 crc = new CRC32();
      crc.update(header);
      assertThat(stored).isEqualTo((int) crc.getValue());
      long arrayLba = b.getLong(h + GptHeader.PARTITION_ENTRY_LBA);
      CRC32 arrayCrc = new CRC32();
      arrayCrc.update(all, (int) (arrayLba * 512), 128 * 128);
      assertThat(b.getInt(h + GptHeader.PARTITION_ENTRY_ARRAY_CRC32))
          .isEqualTo((int) arrayCrc.getValue());
    }
    assertThat(b.getLong((int) (last * 512) + GptHeader.PARTITION_ENTRY_LBA)).isEqualTo(last - 32);
    assertThat(
            Arrays.equals(
                all,
                1024,
                1024 + 16384,
                all,
                (int) ((last - 32) * 512),
                (int) ((last - 32) * 512) + 16384))
        .isTrue();
  }
}
