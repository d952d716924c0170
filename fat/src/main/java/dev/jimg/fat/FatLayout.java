/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import dev.jimg.core.ImageTooSmallException;
import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.JimgException;
import dev.jimg.core.Sizes;
import java.util.function.LongUnaryOperator;

/**
 * Chooses a volume's geometry: FAT type, cluster size, reserved sectors, root directory entries and
 * a FAT length that covers every cluster plus the two reserved entries.
 *
 * <p>The type follows only from the cluster count ({@link FatType#ofClusterCount}); a count of 4085
 * or 4086 is moved down to FAT12's 4084 with extra reserved sectors, because Windows reads that
 * band as FAT12. FAT32 with fewer than 65,525 clusters is refused: Linux mounts it, UEFI firmware
 * (EDK2's {@code FatPkg}) does not.
 */
final class FatLayout {
  /** Reserved sectors of a FAT12/16 volume: the boot sector. */
  static final int RESERVED_FAT16 = 1;

  /** Reserved sectors of a FAT32 volume (boot sector, FSInfo, backup at 6 and spare). */
  static final int RESERVED_FAT32 = 32;

  /** FAT copies. */
  static final int NUM_FATS = 2;

  /** Root directory entries of a FAT12/16 volume unless the root needs more. */
  static final int DEFAULT_ROOT_ENTRIES = 512;

  /** The most root directory entries {@code BPB_RootEntCnt} holds. */
  static final int MAX_ROOT_ENTRIES = 0xFFFF;

  /** Volumes from this size up default to FAT32 when the type is not given. */
  static final long FAT32_DEFAULT_FROM = 512L << 20;

  /** Cluster size for a smallest-volume build of FAT12/16 when none is given. */
  static final int MINIMAL_CLUSTER = 4096;

  /** BIOS geometry written into every boot sector; LBA readers ignore it. */
  static final int SECTORS_PER_TRACK = 63;

  static final int HEADS = 255;

  private FatLayout() {}

  /** What the volume must hold, as a function of the cluster size. */
  interface Demand {
    /**
     * Data clusters the tree needs with clusters of {@code clusterBytes}; the root directory's own
     * only if {@code rootInData} (FAT32).
     */
    long clusters(int clusterBytes, boolean rootInData);

    /** 32-byte entries of the root directory (label included). */
    int rootEntries();
  }

  /**
   * The geometry for a fixed number of sectors, or the smallest one if {@code totalSectors < 0}.
   */
  static BootSector choose(FatOptions o, long totalSectors, Demand demand, int volumeId)
      throws JimgException {
    int s = o.sectorSize();
    int rootEntries =
        roundUp(Math.max(DEFAULT_ROOT_ENTRIES, demand.rootEntries()), s / DirectoryEntry.SIZE);
    if (totalSectors < 0) {
      return minimal(o, demand, rootEntries, volumeId);
    }
    BootSector b = sized(o, totalSectors, rootEntries, volumeId);
    long need = demand.clusters(b.clusterBytes(), b.type() == FatType.FAT32);
    if (b.type() != FatType.FAT32 && demand.rootEntries() > MAX_ROOT_ENTRIES) {
      throw new ImageTooSmallException(
          "the root directory needs "
              + Sizes.thousands(demand.rootEntries())
              + " entries; "
              + b.type()
              + " holds at most "
              + Sizes.thousands(MAX_ROOT_ENTRIES)
              + "; use --fat 32",
          0,
          0);
    }
    if (need > b.clusterCount()) {
      long needed = minimal(o, demand, rootEntries, volumeId).totalSectors() * (long) s;
      long given = totalSectors * s;
      throw new ImageTooSmallException(
          "the tree needs "
              + Sizes.thousands(need)
              + " clusters of "
              + b.clusterBytes()
              + " bytes, a "
              + Sizes.format(given)
              + " "
              + b.type()
              + " volume has "
              + Sizes.thousands(b.clusterCount())
              + "; use --size "
              + suggestion(Math.max(needed, given + (need - b.clusterCount()) * b.clusterBytes()))
              + " or more, or omit --size",
          needed,
          given);
    }
    return b;
  }

  private static BootSector sized(FatOptions o, long total, int rootEntries, int volumeId)
      throws JimgException {
    int s = o.sectorSize();
    int maxSpc = Math.min(128, 65536 / s);
    if (o.fatType().isPresent()) {
      FatType t = o.fatType().get();
      int firstSpc = o.clusterSize().isPresent() ? o.clusterSize().getAsInt() / s : 1;
      if (t == FatType.FAT32 && o.clusterSize().isEmpty()) {
        firstSpc = Math.max(1, fat32DefaultCluster(total * s) / s);
      }
      int lastSpc = o.clusterSize().isPresent() ? firstSpc : maxSpc;
      BootSector b = null;
      // FAT32 starts at its default cluster size and shrinks it until the count suffices; FAT12/16
      // grow the cluster size from one sector until the count fits the type.
      if (t == FatType.FAT32) {
        for (int spc = firstSpc; spc >= 1; spc /= 2) {
          b = geometry(o, t, spc, total, RESERVED_FAT32, 0, volumeId);
          if (b.clusterCount() >= t.minClusters() || o.clusterSize().isPresent()) {
            break;
          }
        }
      } else {
        for (int spc = firstSpc; spc <= lastSpc; spc *= 2) {
          b = fitted(o, t, spc, total, rootEntries, volumeId);
          if (b.clusterCount() <= t.maxClusters()) {
            break;
          }
        }
      }
      check(o, t, b, rootEntries);
      return b;
    }
    if (o.clusterSize().isPresent()) {
      int spc = o.clusterSize().getAsInt() / s;
      for (FatType t : FatType.values()) {
        BootSector b =
            t == FatType.FAT32
                ? geometry(o, t, spc, total, RESERVED_FAT32, 0, volumeId)
                : fitted(o, t, spc, total, rootEntries, volumeId);
        if (b.clusterCount() >= t.minClusters() && b.clusterCount() <= t.maxClusters()) {
          return b;
        }
        if (t == FatType.FAT16 && b.clusterCount() < t.minClusters()) {
          return fitted(o, FatType.FAT12, spc, total, rootEntries, volumeId);
        }
      }
      throw new InvalidOptionException(
          "fat: no FAT type suits " + Sizes.format(total * s) + " with cluster-size " + spc * s);
    }
    if (total * s >= FAT32_DEFAULT_FROM) {
      FatOptions o32 =
          new FatOptions(
              o.size(),
              java.util.Optional.of(FatType.FAT32),
              s,
              o.clusterSize(),
              o.label(),
              o.volumeId(),
              o.hiddenSectors(),
              o.unsupported(),
              o.symlinks());
      return sized(o32, total, rootEntries, volumeId);
    }
    for (int spc = 1; spc <= maxSpc; spc *= 2) {
      BootSector b12 = fitted(o, FatType.FAT12, spc, total, rootEntries, volumeId);
      if (b12.clusterCount() <= FatType.FAT12.maxClusters()) {
        check(o, FatType.FAT12, b12, rootEntries);
        return b12;
      }
      BootSector b16 =
          geometry(o, FatType.FAT16, spc, total, RESERVED_FAT16, rootEntries, volumeId);
      if (b16.clusterCount() <= FatType.FAT16.maxClusters()) {
        if (b16.clusterCount() < FatType.FAT16.minClusters()) {
          return b12;
        }
        return b16;
      }
    }
    throw new InvalidOptionException(
        "fat: " + Sizes.format(total * s) + " is too large for FAT16 clusters; use --fat 32");
  }

  /**
   * FAT12 or FAT16 at {@code spc}, moved out of the 4085–4086 band into FAT12 if it falls there.
   */
  private static BootSector fitted(
      FatOptions o, FatType t, int spc, long total, int rootEntries, int volumeId) {
    BootSector b = geometry(o, t, spc, total, RESERVED_FAT16, rootEntries, volumeId);
    long band = b.clusterCount() - FatType.FAT12.maxClusters();
    if ((t == FatType.FAT12 || t == FatType.FAT16) && band > 0 && band <= 2) {
      b =
          geometry(
              o,
              FatType.FAT12,
              spc,
              total,
              RESERVED_FAT16 + (int) band * spc,
              rootEntries,
              volumeId);
    }
    return b;
  }

  private static void check(FatOptions o, FatType t, BootSector b, int rootEntries)
      throws JimgException {
    long n = b.clusterCount();
    if (b.type() == t && n >= t.minClusters() && n <= t.maxClusters()) {
      return;
    }
    int s = o.sectorSize();
    if (n < t.minClusters() || b.type() != t) {
      int spc = o.clusterSize().orElse(s) / s;
      long min = minimalSectors(t, s, spc, t.minClusters(), rootEntries) * s;
      String why =
          t == FatType.FAT32
              ? "FAT32 needs at least 65,525 clusters (UEFI firmware refuses a FAT32 volume with"
                  + " fewer, though Linux mounts it)"
              : t + " needs at least " + Sizes.thousands(t.minClusters()) + " clusters";
      throw new ImageTooSmallException(
          why
              + "; with "
              + spc * s
              + "-byte clusters that is a size of at least "
              + Sizes.format(min)
              + " ("
              + Sizes.thousands(min)
              + " bytes); use --size "
              + suggestion(min)
              + " or more"
              + (t == FatType.FAT32 ? ", or --fat 16" : ", or --fat 12"),
          min,
          b.totalSectors() * s);
    }
    throw new InvalidOptionException(
        "fat: "
            + Sizes.format(b.totalSectors() * s)
            + " is too large for "
            + t
            + " ("
            + Sizes.thousands(n)
            + " clusters of "
            + b.clusterBytes()
            + " bytes, at most "
            + Sizes.thousands(t.maxClusters())
            + "); use a larger --cluster-size or another --fat type");
  }

  private static BootSector minimal(FatOptions o, Demand demand, int rootEntries, int volumeId)
      throws JimgException {
    int s = o.sectorSize();
    FatType t = o.fatType().orElse(null);
    int cluster = o.clusterSize().orElse(t == FatType.FAT32 ? s : Math.max(s, MINIMAL_CLUSTER));
    int spc = cluster / s;
    long need = Math.max(1, demand.clusters(cluster, t == FatType.FAT32));
    if (t == null) {
      t = FatType.ofClusterCount(need);
      if (t == FatType.FAT32) {
        need = demand.clusters(cluster, true);
      }
      if (t == FatType.FAT16) {
        need = Math.max(need, FatType.FAT16.minClusters());
      }
    }
    if (need > t.maxClusters()) {
      throw new InvalidOptionException(
          "fat: the tree needs "
              + Sizes.thousands(need)
              + " clusters of "
              + cluster
              + " bytes; "
              + t
              + " holds at most "
              + Sizes.thousands(t.maxClusters())
              + "; use a larger --cluster-size or another --fat type");
    }
    need = Math.max(need, t.minClusters());
    long total = minimalSectors(t, s, spc, need, rootEntries);
    int reserved = t == FatType.FAT32 ? RESERVED_FAT32 : RESERVED_FAT16;
    return geometry(o, t, spc, total, reserved, t == FatType.FAT32 ? 0 : rootEntries, volumeId);
  }

  private static long minimalSectors(FatType t, int s, int spc, long clusters, int rootEntries) {
    boolean fat32 = t == FatType.FAT32;
    long reserved = fat32 ? RESERVED_FAT32 : RESERVED_FAT16;
    long rootSectors = fat32 ? 0 : (long) rootEntries * DirectoryEntry.SIZE / s;
    long fat = ceilDiv(t.fatBytes(clusters + 2), s);
    return reserved + NUM_FATS * fat + rootSectors + clusters * spc;
  }

  /** The boot sector of a volume of {@code total} sectors; its FAT covers all clusters + 2. */
  static BootSector geometry(
      FatOptions o, FatType t, int spc, long total, int reserved, int rootEntries, int volumeId) {
    int s = o.sectorSize();
    long rootSectors = (long) rootEntries * DirectoryEntry.SIZE / s;
    LongUnaryOperator clustersFor =
        f -> Math.max(0, (total - reserved - NUM_FATS * f - rootSectors) / spc);
    // The smallest FAT length that covers its own volume's clusters + 2: the clusters shrink as
    // the FAT grows, so "covers" is monotone in the length and a binary search finds it.
    long lo = 1;
    long hi = Math.max(1, ceilDiv(t.fatBytes(clustersFor.applyAsLong(1) + 2), s));
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (ceilDiv(t.fatBytes(clustersFor.applyAsLong(mid) + 2), s) <= mid) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    long fat = lo;
    boolean floppy = t == FatType.FAT12 && s == 512 && total == 2880;
    return new BootSector(
        t,
        s,
        spc,
        reserved,
        NUM_FATS,
        rootEntries,
        total,
        floppy ? 0xF0 : 0xF8,
        fat,
        floppy ? 18 : SECTORS_PER_TRACK,
        floppy ? 2 : HEADS,
        o.hiddenSectors(),
        floppy ? 0x00 : 0x80,
        volumeId,
        labelField(o));
  }

  static String labelField(FatOptions o) {
    return o.label()
        .map(l -> String.format(java.util.Locale.ROOT, "%-11s", l))
        .orElse(BootSector.NO_NAME);
  }

  /** Microsoft's default FAT32 cluster size for a volume of {@code bytes}. */
  static int fat32DefaultCluster(long bytes) {
    if (bytes <= 260L << 20) {
      return 512;
    }
    if (bytes <= 8L << 30) {
      return 4096;
    }
    if (bytes <= 16L << 30) {
      return 8192;
    }
    return bytes <= 32L << 30 ? 16384 : 32768;
  }

  /** A size option value of at least {@code bytes}: whole MiB, or whole 4 KiB below 1 MiB. */
  static String suggestion(long bytes) {
    if (bytes >= 1L << 20) {
      return ceilDiv(bytes, 1L << 20) + "M";
    }
    return ceilDiv(bytes, 4096) * 4 + "K";
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  static int roundUp(int a, int b) {
    return (a + b - 1) / b * b;
  }
}
