/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LayoutPlannerTest {
  static final long MIB = 1L << 20;

  static DiskSpec disk(TableType table, int ss, OptionalLong size, PartitionSpec... parts) {
    return new DiskSpec(
        table,
        ss,
        size,
        Optional.of("s"),
        DiskSpec.DEFAULT_ALIGNMENT,
        Optional.empty(),
        List.of(parts),
        List.of());
  }

  static List<Long> none(int n) {
    return Collections.nCopies(n, 0L);
  }

  @Test
  void plan_twoGrowers_shareFreeSpaceEquallyCappedAtMax() throws Exception {
    DiskSpec spec =
        disk(
            TableType.GPT,
            512,
            OptionalLong.of(100 * MIB),
            PartitionSpec.builder().size(10 * MIB).build(),
            PartitionSpec.builder().grow(true).build(),
            PartitionSpec.builder().grow(true).maxSize(20 * MIB).build());
    LayoutPlanner.Plan plan = LayoutPlanner.plan(spec, none(3), 0);
    // usable: 1 MiB .. 100 MiB - 33 sectors; free after the fixed one: 89 MiB - 16.5 KiB
    assertThat(plan.extents().get(1).size()).isEqualTo(44 * MIB);
    assertThat(plan.extents().get(2).size()).isEqualTo(20 * MIB);
    assertThat(plan.extents().get(2).offset()).isEqualTo(55 * MIB);
  }

  @Test
  void plan_contentNeedsRoundedUpToAlignmentAndMinSize() throws Exception {
    DiskSpec spec =
        disk(
            TableType.MBR,
            512,
            OptionalLong.empty(),
            PartitionSpec.builder().build(),
            PartitionSpec.builder().minSize(3 * MIB).build());
    LayoutPlanner.Plan plan = LayoutPlanner.plan(spec, List.of(MIB + 1, 5L), 0);
    assertThat(plan.extents().get(0).size()).isEqualTo(2 * MIB);
    assertThat(plan.extents().get(1).size()).isEqualTo(3 * MIB);
    assertThat(plan.diskBytes()).isEqualTo(6 * MIB);
  }

  @Test
  void plan_noBackupGptOnMbr_blobsExtendDefaultSize() throws Exception {
    DiskSpec spec =
        disk(TableType.MBR, 512, OptionalLong.empty(), PartitionSpec.builder().size(MIB).build());
    assertThat(LayoutPlanner.plan(spec, none(1), 0).diskBytes()).isEqualTo(2 * MIB);
    assertThat(LayoutPlanner.plan(spec, none(1), 5 * MIB + 1).diskBytes()).isEqualTo(6 * MIB);
    DiskSpec gpt =
        disk(TableType.GPT, 4096, OptionalLong.empty(), PartitionSpec.builder().size(MIB).build());
    // 4 KiB sectors: the backup GPT takes 5 sectors after the partition, so one more MiB
    assertThat(LayoutPlanner.plan(gpt, none(1), 0).diskBytes()).isEqualTo(3 * MIB);
    assertThat(LayoutPlanner.firstUsableLba(TableType.GPT, 4096)).isEqualTo(6);
    assertThat(LayoutPlanner.firstUsableLba(TableType.GPT, 512)).isEqualTo(34);
    assertThat(LayoutPlanner.trailingSectors(TableType.GPT, 4096)).isEqualTo(5);
  }

  @Test
  void plan_partitionOverBackupGpt_refused() {
    DiskSpec spec =
        disk(
            TableType.GPT,
            512,
            OptionalLong.of(3 * MIB),
            PartitionSpec.builder().offset(MIB).size(2 * MIB).build());
    assertThatThrownBy(() -> LayoutPlanner.plan(spec, none(1), 0))
        .hasMessageContaining("use size: 4M or more");
  }

  @Test
  void plan_contentLargerThanMaxSize_refused() {
    DiskSpec spec =
        disk(
            TableType.GPT,
            512,
            OptionalLong.empty(),
            PartitionSpec.builder().name("root").maxSize(MIB).build());
    assertThatThrownBy(() -> LayoutPlanner.plan(spec, List.of(2 * MIB), 0))
        .hasMessage(
            "partitions[0] (root): its content needs 2,097,152 bytes but max-size is 1,048,576");
  }

  @Test
  void plan_maxSizeNotWholeSectors_contentThatFitsOnlyTheBytesRefused() {
    // max-size 1023 on 512-byte sectors holds one sector: 1000 bytes of content do not fit
    DiskSpec spec =
        disk(
            TableType.GPT,
            512,
            OptionalLong.empty(),
            PartitionSpec.builder().name("boot").maxSize(1023).build());
    assertThatThrownBy(() -> LayoutPlanner.plan(spec, List.of(1000L), 0))
        .isInstanceOf(dev.jimg.core.ImageTooSmallException.class)
        .hasMessage(
            "partitions[0] (boot): its content needs 1,000 bytes but max-size is 1,023 (512 in"
                + " whole 512-byte sectors)");
  }

  @Test
  void plan_maxSizeNotWholeSectors_sizesStayWholeSectors() throws Exception {
    DiskSpec spec =
        disk(
            TableType.GPT,
            512,
            OptionalLong.of(20 * MIB),
            PartitionSpec.builder().maxSize(3_000_000).build(),
            PartitionSpec.builder().grow(true).maxSize(3_000_000).build());
    LayoutPlanner.Plan plan = LayoutPlanner.plan(spec, List.of(2_999_000L, 0L), 0);
    // 3,000,000 is 5,859.375 sectors: both partitions get 5,859 of them
    assertThat(plan.extents().get(0).size()).isEqualTo(5859L * 512);
    assertThat(plan.extents().get(1).size()).isEqualTo(5859L * 512);
    DiskSpec tooBig =
        disk(
            TableType.GPT,
            512,
            OptionalLong.empty(),
            PartitionSpec.builder().maxSize(3_000_000).build());
    assertThatThrownBy(() -> LayoutPlanner.plan(tooBig, List.of(2_999_900L), 0))
        .hasMessageContaining("max-size is 3,000,000 (2,999,808 in whole 512-byte sectors)");
  }

  @Test
  void plan_growerLeftWithNothing_refusedInsteadOfAnEmptyPartition() {
    // without a disk size a grower gets nothing: sgdisk says "partition 1 ends before it begins"
    DiskSpec noSize =
        disk(
            TableType.GPT,
            512,
            OptionalLong.empty(),
            PartitionSpec.builder().name("data").grow(true).build());
    assertThatThrownBy(() -> LayoutPlanner.plan(noSize, none(1), 0))
        .isInstanceOf(DiskLayoutException.class)
        .hasMessageStartingWith("partitions[0] (data) would get no space: grow: true takes")
        .hasMessageContaining("add size: to the disk or min-size: to the partition");
    // a sector less than 1 MiB is free after the first partition
    DiskSpec small =
        disk(
            TableType.MBR,
            512,
            OptionalLong.of(3 * MIB - 512),
            PartitionSpec.builder().size(MIB).build(),
            PartitionSpec.builder().grow(true).build());
    assertThatThrownBy(() -> LayoutPlanner.plan(small, none(2), 0))
        .isInstanceOf(DiskLayoutException.class)
        .hasMessage(
            "partitions[1] would get no space: the disk leaves 1,048,064 bytes free, less than"
                + " the alignment of 1,048,576 bytes for each growing partition; raise the"
                + " disk's size or give the partition a min-size");
    DiskSpec tinyMax =
        disk(
            TableType.GPT,
            4096,
            OptionalLong.of(8 * MIB),
            PartitionSpec.builder().grow(true).maxSize(4000).build());
    assertThatThrownBy(() -> LayoutPlanner.plan(tinyMax, none(1), 0))
        .hasMessageEndingWith("its max-size of 4,000 bytes is less than one 4096-byte sector");
  }

  @Test
  void plan_offsetsOutOfOrder_saidSoRatherThanOverlap() {
    // it said "partitions[1] (b) at offset 2,097,152 overlaps partitions[0] (a), which ends at
    // byte 11,534,336", though b lies wholly before a
    DiskSpec spec =
        disk(
            TableType.GPT,
            512,
            OptionalLong.empty(),
            PartitionSpec.builder().name("a").offset(10 * MIB).size(MIB).build(),
            PartitionSpec.builder().name("b").offset(2 * MIB).size(MIB).build());
    assertThatThrownBy(() -> LayoutPlanner.plan(spec, none(2), 0))
        .isInstanceOf(DiskLayoutException.class)
        .hasMessage(
            "partitions[1] (b) at offset 2,097,152 lies before partitions[0] (a) at 10,485,760;"
                + " partitions are placed in the order listed, so list them in the order of their"
                + " offsets");
  }

  @Test
  void plan_mbrBeyond2TiB_refused() {
    DiskSpec spec =
        disk(
            TableType.MBR,
            512,
            OptionalLong.empty(),
            PartitionSpec.builder().size(3L << 40).build());
    assertThatThrownBy(() -> LayoutPlanner.plan(spec, none(1), 0))
        .isInstanceOf(DiskLayoutException.class)
        .hasMessageContaining("beyond the 2^32 sectors an MBR can address; use table: gpt");
  }

  @Test
  void plan_hybridMirrorBeyond2TiB_refusedWithAMessage() throws Exception {
    // it was an IllegalArgumentException from the MBR record: "internal error"
    DiskSpec spec =
        disk(
            TableType.HYBRID,
            512,
            OptionalLong.of(3L << 40),
            PartitionSpec.builder().name("a").size(MIB).hybrid(true).build(),
            PartitionSpec.builder().name("big").offset(2500L << 30).size(MIB).hybrid(true).build());
    assertThatThrownBy(() -> LayoutPlanner.plan(spec, none(2), 0))
        .isInstanceOf(DiskLayoutException.class)
        .hasMessage(
            "partitions[1] (big), mirrored in the hybrid MBR, ends at byte 2,684,355,608,576,"
                + " beyond the 2^32 sectors an MBR can address; mirror only partitions below"
                + " that (hybrid: true) or use table: gpt");
    DiskSpec unmirrored =
        disk(
            TableType.HYBRID,
            512,
            OptionalLong.of(3L << 40),
            PartitionSpec.builder().name("a").size(MIB).hybrid(true).build(),
            PartitionSpec.builder().name("big").offset(2500L << 30).size(MIB).build());
    assertThat(LayoutPlanner.plan(unmirrored, none(2), 0).extents()).hasSize(2);
  }

  /**
   * systemd-repart 252 with --seed=0123456789abcdef0123456789abcdef and one Type=esp Format=vfat
   * partition (GUID b2d552b0-…) made a FAT volume with serial 5739-C63F.
   */
  @Test
  void repartVolumeId_matchesSystemdRepart252() {
    assertThat(
            DiskImage.repartVolumeId(
                java.util.UUID.fromString("b2d552b0-45db-4678-b34f-066168609d1a")))
        .isEqualTo("5739C63F");
  }

  @Test
  void parse_typeNames_resolveWithAndWithoutLinuxPrefix() throws Exception {
    assertThat(PartitionType.parse("t", "linux-root-arm64"))
        .isEqualTo(PartitionType.parse("t", "root-arm64"));
    assertThat(PartitionType.parse("t", "C12A7328-F81F-11D2-BA4B-00A0C93EC93B").name())
        .isEqualTo("esp");
    assertThat(PartitionType.parse("t", "linux-home").mbrType()).hasValue(0x83);
    assertThat(PartitionType.parse("t", "ef").mbrType()).hasValue(0xEF);
    assertThat(GptAttribute.mask("a", "no-auto")).isEqualTo(1L << 63);
    assertThat(GptAttribute.mask("a", "legacy-bios-bootable")).isEqualTo(4L);
  }

  @Test
  void parse_extendedAndProtectiveMbrTypes_refused() {
    // written as given, an 0x05 primary partition was read as an extended one (sfdisk, Linux) and
    // an 0xee one as a protective MBR without a GPT (jimg ls: "no GPT header")
    for (String t : List.of("05", "0x0f", "85")) {
      assertThatThrownBy(() -> PartitionType.parse("partitions[0].type", t))
          .isInstanceOf(dev.jimg.core.InvalidOptionException.class)
          .hasMessageStartingWith("partitions[0].type: MBR type 0x")
          .hasMessageContaining("is an extended partition")
          .hasMessageEndingWith("give the partition's own type (0x83)");
    }
    assertThatThrownBy(() -> PartitionType.parse("partitions[0].type", "ee"))
        .hasMessage(
            "partitions[0].type: MBR type 0xee marks a GPT disk's protective MBR; use table: gpt");
  }
}
