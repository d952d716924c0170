/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.InvalidOptionException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A partition type: a GPT type GUID, an MBR type byte, or both (for the named types).
 *
 * <p>Names are those of the Discoverable Partitions Specification as {@code systemd-id128 show}
 * lists them ({@code esp}, {@code xbootldr}, {@code root-x86-64}, {@code usr-arm64}, {@code swap},
 * {@code home}, …), each also accepted with a {@code linux-} prefix ({@code linux-root-x86-64},
 * {@code linux-home}), plus {@code linux-generic}, {@code ms-basic-data}, {@code ms-reserved},
 * {@code bios-boot}, {@code linux-lvm} and {@code linux-raid}. The GUIDs were taken from systemd
 * 252's table ({@code systemd-id128 show --uuid}) and util-linux's ({@code sfdisk --list-types}).
 *
 * @param name the name it was given by, or the GUID/byte as text
 * @param gptType the GPT type GUID, if the type has one
 * @param mbrType the MBR type byte, if the type has one
 */
public record PartitionType(String name, Optional<UUID> gptType, OptionalInt mbrType) {
  private static final Pattern GUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern BYTE = Pattern.compile("(0x)?[0-9a-fA-F]{1,2}");
  private static final int LINUX = 0x83;
  private static final int NONE = -1;

  private static final SortedMap<String, PartitionType> NAMED = new TreeMap<>();

  static {
    named("esp", "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", 0xEF);
    named("xbootldr", "bc13c2ff-59e6-4262-a352-b275fd6f7172", 0xEA);
    named("linux-generic", "0fc63daf-8483-4772-8e79-3d69d8477de4", LINUX);
    named("swap", "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", 0x82);
    named("home", "933ac7e1-2eb4-4f13-b844-0e14e2aef915", LINUX);
    named("srv", "3b8f8425-20e0-4f3b-907f-1a25a76f98e8", LINUX);
    named("var", "4d21b016-b534-45c2-a9fb-5c16e091fd2d", LINUX);
    named("tmp", "7ec6f557-3bc5-4aca-b293-16ef5df639d1", LINUX);
    named("user-home", "773f91ef-66d4-49b5-bd83-d683bf40ad16", LINUX);
    named("root-x86-64", "4f68bce3-e8cd-4db1-96e7-fbcaf984b709", LINUX);
    named("root-x86-64-verity", "2c7357ed-ebd2-46d9-aec1-23d437ec2bf5", NONE);
    named("usr-x86-64", "8484680c-9521-48c6-9c11-b0720656f69e", LINUX);
    named("usr-x86-64-verity", "77ff5f63-e7b6-4633-acf4-1565b864c0e6", NONE);
    named("root-x86", "44479540-f297-41b2-9af7-d131d5f0458a", LINUX);
    named("usr-x86", "75250d76-8cc6-458e-bd66-bd47cc81a812", LINUX);
    named("root-arm64", "b921b045-1df0-41c3-af44-4c6f280d3fae", LINUX);
    named("root-arm64-verity", "df3300ce-d69f-4c92-978c-9bfb0f38d820", NONE);
    named("usr-arm64", "b0e01050-ee5f-4390-949a-9101b17104e9", LINUX);
    named("usr-arm64-verity", "6e11a4e7-fbca-4ded-b9e9-e1a512bb664e", NONE);
    named("root-arm", "69dad710-2ce4-4e3c-b16c-21a1d49abed3", LINUX);
    named("usr-arm", "7d0359a3-02b3-4f0a-865c-654403e70625", LINUX);
    named("root-riscv64", "72ec70a6-cf74-40e6-bd49-4bda08e8f224", LINUX);
    named("usr-riscv64", "beaec34b-8442-439b-a40b-984381ed097d", LINUX);
    named("root-loongarch64", "77055800-792c-4f94-b39a-98c91b762bb6", LINUX);
    named("usr-loongarch64", "e611c702-575c-4cbe-9a46-434fa0bf7e3f", LINUX);
    named("ms-basic-data", "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", 0x0C);
    named("ms-reserved", "e3c9e316-0b5c-4db8-817d-f92df00215ae", NONE);
    named("bios-boot", "21686148-6449-6e6f-744e-656564454649", NONE);
    named("linux-lvm", "e6d6d379-f507-44c2-a23c-238f2a3df928", 0x8E);
    named("linux-raid", "a19d880f-05fc-4d3b-a006-743f0f84911e", 0xFD);
  }

  private static void named(String name, String guid, int mbr) {
    NAMED.put(
        name,
        new PartitionType(
            name,
            Optional.of(UUID.fromString(guid)),
            mbr == NONE ? OptionalInt.empty() : OptionalInt.of(mbr)));
  }

  /** The Linux filesystem data type ({@code 0FC63DAF-…}, MBR {@code 0x83}). */
  public static final PartitionType LINUX_GENERIC = NAMED.get("linux-generic");

  /** The named types by their canonical name, sorted. */
  public static SortedMap<String, PartitionType> named() {
    return Collections.unmodifiableSortedMap(NAMED);
  }

  /**
   * Parses a type name (case-insensitive, optionally prefixed {@code linux-}), a GUID, or an MBR
   * type byte in hex ({@code 0x83} or {@code 83}).
   *
   * @param where what is parsed, for the message ({@code "partitions[1].type"})
   * @throws InvalidOptionException if it is none of these
   */
  public static PartitionType parse(String where, String text) throws InvalidOptionException {
    String t = text.trim();
    if (GUID.matcher(t).matches()) {
      UUID u = UUID.fromString(t);
      for (PartitionType p : NAMED.values()) {
        if (p.gptType.orElseThrow().equals(u)) {
          return p;
        }
      }
      return new PartitionType(t.toLowerCase(Locale.ROOT), Optional.of(u), OptionalInt.empty());
    }
    String lower = t.toLowerCase(Locale.ROOT);
    PartitionType p = NAMED.get(lower);
    if (p == null && lower.startsWith("linux-")) {
      p = NAMED.get(lower.substring("linux-".length()));
    }
    if (p != null) {
      return p;
    }
    if (BYTE.matcher(t).matches()) {
      int b = Integer.parseInt(lower.startsWith("0x") ? lower.substring(2) : lower, 16);
      if (b == 0) {
        throw new InvalidOptionException(where + ": MBR type 0x00 marks an empty slot");
      }
      if (b == 0x05 || b == 0x0F || b == 0x85) {
        throw new InvalidOptionException(
            where
                + String.format(Locale.ROOT, ": MBR type 0x%02x", b)
                + " is an extended partition, the container of logical partitions that jimg"
                + " makes itself for a fifth partition and more; give the partition's own type"
                + " (0x83)");
      }
      if (b == MasterBootRecord.GPT_PROTECTIVE) {
        throw new InvalidOptionException(
            where + ": MBR type 0xee marks a GPT disk's protective MBR; use table: gpt");
      }
      return new PartitionType(
          String.format(Locale.ROOT, "0x%02x", b), Optional.empty(), OptionalInt.of(b));
    }
    throw new InvalidOptionException(
        where
            + ": '"
            + text
            + "' is not a partition type; use a name ("
            + String.join(", ", NAMED.keySet())
            + "), a GUID or an MBR type byte such as 0x83");
  }

  /** All named types with their GUIDs, for documentation and tests. */
  static Map<String, UUID> guidsByName() {
    Map<String, UUID> m = new TreeMap<>();
    NAMED.forEach((k, v) -> m.put(k, v.gptType.orElseThrow()));
    return m;
  }
}
