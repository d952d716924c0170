/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.spi.FilesystemOptions;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The FAT writer's options, as the CLI spells them ({@code jimg mkfs fat --size 64M --fat 32}).
 *
 * @param size the volume size in bytes; empty for the smallest volume that holds the tree (or, when
 *     the channel already has a size, that size)
 * @param fatType the FAT variant; empty to choose it from the cluster count
 * @param sectorSize bytes per sector, 512 or 4096
 * @param clusterSize bytes per cluster; empty for a default chosen from the size
 * @param label the volume label (up to 11 characters a short name may hold, upper case), if any
 * @param volumeId the 32-bit volume serial; empty to derive it from the build's identities
 * @param hiddenSectors sectors before the volume on its disk (the partition's start)
 * @param unsupported what to do with symlinks, devices, FIFOs and sockets
 * @param symlinks what to do with symlinks
 */
public record FatOptions(
    OptionalLong size,
    Optional<FatType> fatType,
    int sectorSize,
    OptionalInt clusterSize,
    Optional<String> label,
    OptionalInt volumeId,
    long hiddenSectors,
    Policy unsupported,
    Policy symlinks) {

  /** What happens to an entry FAT cannot hold. */
  public enum Policy {
    /** Fail, listing every such entry. */
    ERROR,
    /** Leave the entry out. */
    SKIP,
    /** Symlinks only: store a copy of the regular file the link resolves to within the tree. */
    FOLLOW
  }

  /** Option names and their descriptions, sorted. */
  public static final SortedMap<String, String> DESCRIPTIONS;

  static {
    SortedMap<String, String> m = new TreeMap<>();
    m.put("size", "volume size (e.g. 64M); default: the smallest volume that holds the tree");
    m.put("fat", "12, 16 or 32; default: chosen from the cluster count");
    m.put("sector-size", "bytes per sector: 512 (default) or 4096");
    m.put("cluster-size", "bytes per cluster, a power of two up to 64K; default from the size");
    m.put("label", "volume label: up to 11 upper-case characters");
    m.put("volume-id", "volume serial as 8 hex digits (1234-ABCD or 1234ABCD); default: derived");
    m.put(
        "hidden-sectors", "sectors before the volume on its disk (the partition start); default 0");
    m.put("unsupported", "symlinks, devices, fifos, sockets: error (default) or skip");
    m.put("symlinks", "error, skip or follow (copy the target file); default: as unsupported");
    DESCRIPTIONS = java.util.Collections.unmodifiableSortedMap(m);
  }

  /** The defaults: smallest volume, type by cluster count, 512-byte sectors, errors for links. */
  public static FatOptions defaults() {
    return new FatOptions(
        OptionalLong.empty(),
        Optional.empty(),
        512,
        OptionalInt.empty(),
        Optional.empty(),
        OptionalInt.empty(),
        0,
        Policy.ERROR,
        Policy.ERROR);
  }

  /**
   * Parses the options strictly.
   *
   * @throws InvalidOptionException naming the option and the accepted values
   */
  public static FatOptions parse(Map<String, String> raw) throws InvalidOptionException {
    FilesystemOptions o = FilesystemOptions.requireKnown("fat", raw, DESCRIPTIONS.keySet());
    OptionalLong size = o.size("size");
    Optional<FatType> type = Optional.empty();
    OptionalLong fat = o.integer("fat", 12, 32);
    if (fat.isPresent()) {
      type =
          Optional.of(
              switch ((int) fat.getAsLong()) {
                case 12 -> FatType.FAT12;
                case 16 -> FatType.FAT16;
                case 32 -> FatType.FAT32;
                default ->
                    throw new InvalidOptionException(
                        "fat option fat: '" + fat.getAsLong() + "' is not one of 12, 16, 32");
              });
    }
    int sector = (int) o.integer("sector-size", 512, 4096).orElse(512);
    if (sector != 512 && sector != 4096) {
      throw new InvalidOptionException(
          "fat option sector-size: '" + sector + "' is not one of 512, 4096");
    }
    OptionalInt cluster = OptionalInt.empty();
    OptionalLong c = o.size("cluster-size");
    if (c.isPresent()) {
      long v = c.getAsLong();
      if (Long.bitCount(v) != 1 || v < sector || v > 65536 || v / sector > 128) {
        throw new InvalidOptionException(
            "fat option cluster-size: '"
                + raw.get("cluster-size")
                + "' must be a power of two from the sector size ("
                + sector
                + ") to 64K and at most 128 sectors");
      }
      cluster = OptionalInt.of((int) v);
    }
    Optional<String> label = o.string("label");
    if (label.isPresent()) {
      checkLabel(label.get());
    }
    OptionalInt volumeId = OptionalInt.empty();
    Optional<String> vid = o.string("volume-id");
    if (vid.isPresent()) {
      String hex = vid.get().replace("-", "");
      if (!hex.matches("[0-9a-fA-F]{8}")) {
        throw new InvalidOptionException(
            "fat option volume-id: '" + vid.get() + "' is not 8 hex digits such as 1234-ABCD");
      }
      volumeId = OptionalInt.of((int) Long.parseLong(hex, 16));
    }
    long hidden = o.integer("hidden-sectors", 0, 0xFFFF_FFFFL).orElse(0);
    Policy unsupported = policy(o, "unsupported", false).orElse(Policy.ERROR);
    Policy symlinks = policy(o, "symlinks", true).orElse(unsupported);
    return new FatOptions(
        size, type, sector, cluster, label, volumeId, hidden, unsupported, symlinks);
  }

  private static Optional<Policy> policy(FilesystemOptions o, String key, boolean follow)
      throws InvalidOptionException {
    Optional<String> v = o.string(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    switch (v.get().toLowerCase(Locale.ROOT)) {
      case "error":
        return Optional.of(Policy.ERROR);
      case "skip":
        return Optional.of(Policy.SKIP);
      case "follow":
        if (follow) {
          return Optional.of(Policy.FOLLOW);
        }
        break;
      default:
        break;
    }
    throw new InvalidOptionException(
        "fat option "
            + key
            + ": '"
            + v.get()
            + "' is not one of "
            + (follow ? "error, skip, follow" : "error, skip"));
  }

  /**
   * Checks a volume label: 1–11 characters, each an upper-case letter, a digit, a space (not first)
   * or one of {@value ShortName#SPECIAL}.
   *
   * @throws InvalidOptionException saying which character is refused and what to use
   */
  static void checkLabel(String label) throws InvalidOptionException {
    if (label.isEmpty() || label.length() > 11) {
      throw new InvalidOptionException(
          "fat option label: '" + label + "' must have 1 to 11 characters");
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || (c == ' ' && i > 0)
              || ShortName.SPECIAL.indexOf(c) >= 0;
      if (!ok) {
        String hint =
            c >= 'a' && c <= 'z'
                ? "; labels are upper case: use '" + label.toUpperCase(Locale.ROOT) + "'"
                : "; use letters A-Z, digits, inner spaces and " + ShortName.SPECIAL;
        throw new InvalidOptionException(
            "fat option label: '" + label + "' has the character '" + c + "'" + hint);
      }
    }
  }
}
