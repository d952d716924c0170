/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.repro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class IdentitiesTest {
  /** The seed of the systemd-repart runs the golden values below come from. */
  private static final UUID SEED = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");

  private static final UUID LINUX_DATA = UUID.fromString("0FC63DAF-8483-4772-8E79-3D69D8477DE4");
  private static final UUID ESP = UUID.fromString("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");

  private final Identities ids = Identities.fromSeed(SEED);

  /*
   * Golden values from systemd-repart 252 (Debian 12), made by:
   *   systemd-repart --definitions=d --empty=create --size=64M \
   *       --seed=0123456789abcdef0123456789abcdef --dry-run=no disk.img
   * with d/10-root.conf, d/20-root2.conf (Type=linux-generic) and d/30-esp.conf (Type=esp), and
   * read back with sfdisk --json; the ext4 UUID with Format=ext4 on the first partition and blkid.
   */
  @Test
  void repartDiskUuid_matchesSystemdRepart252() {
    assertThat(ids.repartDiskUuid()).hasToString("6913f4b6-6690-4a57-a202-f1b53c56dbdf");
  }

  @Test
  void repartPartitionUuid_firstAndSecondOfAType_matchSystemdRepart252() {
    assertThat(ids.repartPartitionUuid(LINUX_DATA, 0))
        .hasToString("3ed50935-b785-4a2a-879d-dd4c00395d47");
    assertThat(ids.repartPartitionUuid(LINUX_DATA, 1))
        .hasToString("ff20ebae-a7df-4fb5-ac96-557ee3704996");
    assertThat(ids.repartPartitionUuid(ESP, 0)).hasToString("b2d552b0-45db-4678-b34f-066168609d1a");
  }

  @Test
  void repartFilesystemUuid_keyedByPartitionUuid_matchesSystemdRepart252() {
    UUID partition = UUID.fromString("3ed50935-b785-4a2a-879d-dd4c00395d47");
    assertThat(Identities.repartFilesystemUuid(partition))
        .hasToString("98cba29c-80b8-4b3d-9552-8f540851ac4d");
    assertThat(Identities.fromSeed(partition).uuid(Identities.FILESYSTEM_UUID_LABEL))
        .isEqualTo(Identities.repartFilesystemUuid(partition));
  }

  @Test
  void repartPartitionUuid_negativeInstance_isRejected() {
    assertThatThrownBy(() -> ids.repartPartitionUuid(ESP, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // Golden values computed independently with Python's hmac module.
  @Test
  void uuid_fixedSeedAndLabel_givesGoldenValue() {
    assertThat(ids.uuid("ext4-uuid")).hasToString("387aa90c-19d4-4567-9adb-0a4ecf3c8622");
    assertThat(Identities.fromSeed("jimg".getBytes(StandardCharsets.US_ASCII)).uuid("label"))
        .hasToString("6817e7ed-3c24-4169-b2ea-76fa1c890cb7");
  }

  @Test
  void gptGuid_isTheSameValueAsUuid() {
    assertThat(ids.gptGuid("ext4-uuid")).isEqualTo(ids.uuid("ext4-uuid"));
  }

  @Test
  void volumeId32_fixedSeed_givesGoldenValue() {
    assertThat(ids.volumeId32("fat-volume-id")).isEqualTo(0x32195986);
  }

  @Test
  void bytes_longerThanOneMac_concatenatesCountedBlocks() {
    assertThat(HexFormat.of().formatHex(ids.bytes("ext4-hash-seed", 40)))
        .isEqualTo(
            "2f032e289d67841bb33fac39dce9785cb2a3f6a93ccead17733ad2ea6fc46e5c2ed5500ff3352365");
    assertThat(ids.bytes("ext4-hash-seed", 0)).isEmpty();
    assertThatThrownBy(() -> ids.bytes("x", -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void derive_seedsChildWithUuidOfLabel() {
    assertThat(ids.derive("partition-2").uuid("file-system-uuid"))
        .hasToString("8f3a96f2-55af-4720-8e8d-74fb7a8a2898");
  }

  @Property(tries = 200)
  void uuid_anyLabel_isVersion4Rfc9562Variant(@ForAll String label) {
    UUID u = ids.uuid(label);
    assertThat(u.version()).isEqualTo(4);
    assertThat(u.variant()).isEqualTo(2);
    assertThat(Identities.fromSeed(SEED).uuid(label)).isEqualTo(u);
  }

  @Test
  void uuid_differentLabelsOrSeeds_differ() {
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      assertThat(seen.add(ids.uuid("label-" + i))).isTrue();
    }
    assertThat(Identities.fromSeed(new UUID(0, 1)).uuid("a"))
        .isNotEqualTo(Identities.fromSeed(new UUID(0, 2)).uuid("a"));
  }

  @Test
  void toGptBytes_espType_isMixedEndianAsUefiSpecifies() {
    byte[] b = Identities.toGptBytes(ESP);
    assertThat(HexFormat.of().formatHex(b)).isEqualTo("28732ac11ff8d211ba4b00a0c93ec93b");
    assertThat(Identities.fromGptBytes(b, 0)).isEqualTo(ESP);
  }

  @Property(tries = 200)
  void fromGptBytes_invertsToGptBytes(@ForAll long msb, @ForAll long lsb) {
    UUID u = new UUID(msb, lsb);
    byte[] padded = new byte[20];
    System.arraycopy(Identities.toGptBytes(u), 0, padded, 3, 16);
    assertThat(Identities.fromGptBytes(padded, 3)).isEqualTo(u);
    assertThat(Identities.fromBytes(Identities.toBytes(u))).isEqualTo(u);
  }

  @Test
  void fromSeed_emptySeed_isRejected() {
    assertThatThrownBy(() -> Identities.fromSeed(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toString_doesNotShowTheSeed() {
    assertThat(ids.toString()).doesNotContain("0123456789abcdef").doesNotContain("01234567");
  }

  private static FileTree sampleTree() throws Exception {
    return new FileTreeBuilder()
        .put(ImagePath.of("etc"), Entry.directory(0755, Timestamp.ofSeconds(100)))
        .put(
            ImagePath.of("etc/hostname"),
            Entry.file(0644, Timestamp.ofSeconds(200), Content.ofBytes(new byte[] {'h', '\n'})))
        .put(ImagePath.of("bin"), Entry.symlink("usr/bin", Timestamp.ofSeconds(300)))
        .put(
            ImagePath.of("dev/null"),
            Entry.builder(EntryType.CHAR_DEVICE).mode(0666).device(1, 3).build())
        .build();
  }

  @Test
  void seedFor_sameTreeAndOptions_givesGoldenSeed() throws Exception {
    UUID seed = Identities.seedFor(sampleTree(), "ext4\nblock-size=4096\n");
    assertThat(seed).isEqualTo(Identities.seedFor(sampleTree(), "ext4\nblock-size=4096\n"));
    assertThat(seed.version()).isEqualTo(4);
    // Pinned so that a change to the seed encoding, which changes every default id, is deliberate.
    assertThat(seed).hasToString(GOLDEN_SEED);
  }

  /**
   * Computed independently in Python from the encoding documented on {@link Identities#seedFor}:
   * "jimg-seed-v1\0", then per entry 'E', path (int32 length + bytes), type letter, mode int32, uid
   * and gid int64, three times (flag byte, int64 seconds, int32 nanos), size int64, symlink and
   * hard-link targets (length + bytes), device major and minor int64, xattr count int32; then 'O'
   * and the options (length + UTF-8); all big-endian; SHA-256, first 16 bytes, version 4 bits.
   */
  private static final String GOLDEN_SEED = "07dd40eb-75cd-4832-a1e3-d2a8e18b3bdc";

  @Test
  void seedFor_anyMetadataOrOptionChange_changesSeed() throws Exception {
    FileTree base = sampleTree();
    UUID seed = Identities.seedFor(base, "o");
    ImagePath host = ImagePath.of("etc/hostname");
    Entry file = base.get(host);
    Entry[] variants = {
      file.toBuilder().mode(0600).build(),
      file.toBuilder().uid(1).build(),
      file.toBuilder().gid(1).build(),
      file.toBuilder().mtime(new Timestamp(200, 1)).build(),
      file.toBuilder().atime(Timestamp.ofSeconds(200)).build(),
      file.toBuilder().ctime(Timestamp.ofSeconds(200)).build(),
      file.toBuilder().content(Content.ofBytes(new byte[3])).build(),
      file.toBuilder().xattr("user.a", new byte[] {1}).build(),
    };
    Set<UUID> seeds = new HashSet<>(Set.of(seed));
    for (Entry v : variants) {
      FileTree changed = base.toBuilder().put(host, v).build();
      assertThat(seeds.add(Identities.seedFor(changed, "o"))).as(v.toString()).isTrue();
    }
    assertThat(seeds.add(Identities.seedFor(base, "p"))).isTrue();
    FileTree renamed =
        base.toBuilder().remove(host).put(ImagePath.of("etc/hostnamf"), file).build();
    assertThat(seeds.add(Identities.seedFor(renamed, "o"))).isTrue();
    FileTree dev =
        base.toBuilder()
            .put(
                ImagePath.of("dev/null"),
                Entry.builder(EntryType.CHAR_DEVICE).mode(0666).device(1, 5).build())
            .build();
    assertThat(seeds.add(Identities.seedFor(dev, "o"))).isTrue();
  }

  @Test
  void seedFor_contentBytesOfSameSize_doNotChangeSeed() throws Exception {
    FileTree base = sampleTree();
    ImagePath host = ImagePath.of("etc/hostname");
    FileTree other =
        base.toBuilder()
            .put(host, base.get(host).toBuilder().content(Content.ofBytes(new byte[2])).build())
            .build();
    assertThat(Identities.seedFor(other, "")).isEqualTo(Identities.seedFor(base, ""));
  }

  @Property(tries = 100)
  void bytes_shorterLength_isPrefixOfLonger(
      @ForAll String label,
      @ForAll @IntRange(min = 0, max = 100) int n,
      @ForAll @IntRange(min = 0, max = 100) int extra) {
    byte[] longer = ids.bytes(label, n + extra);
    assertThat(ids.bytes(label, n)).isEqualTo(Arrays.copyOf(longer, n));
  }
}
