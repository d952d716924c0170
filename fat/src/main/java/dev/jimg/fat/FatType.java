/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

/**
 * The three FAT variants. Which one a volume is follows only from its count of data clusters
 * (Microsoft FAT specification 1.03, "FAT type determination"): fewer than {@value #FAT12_LIMIT} is
 * FAT12, fewer than {@value #FAT16_LIMIT} FAT16, otherwise FAT32.
 */
public enum FatType {
  /** 12-bit entries, fixed root directory. */
  FAT12(12, 4, 4084, 0xFF8, 0xFFF, "FAT12   "),
  /** 16-bit entries, fixed root directory. */
  FAT16(16, 4087, 65_524, 0xFFF8, 0xFFFF, "FAT16   "),
  /** 28-bit entries in 32-bit words, root directory in a cluster chain. */
  FAT32(32, 65_525, 0x0FFF_FFF5, 0x0FFF_FFF8, 0x0FFF_FFFF, "FAT32   ");

  /** Cluster counts below this are FAT12. */
  public static final int FAT12_LIMIT = 4085;

  /** Cluster counts below this (and at least {@link #FAT12_LIMIT}) are FAT16. */
  public static final int FAT16_LIMIT = 65_525;

  private final int bits;
  private final long minClusters;
  private final long maxClusters;
  private final int eocMin;
  private final int eoc;
  private final String fileSystemType;

  FatType(int bits, long minClusters, long maxClusters, int eocMin, int eoc, String fsType) {
    this.bits = bits;
    this.minClusters = minClusters;
    this.maxClusters = maxClusters;
    this.eocMin = eocMin;
    this.eoc = eoc;
    this.fileSystemType = fsType;
  }

  /** Bits per FAT entry as stored (32 for FAT32, of which 28 are used). */
  public int bits() {
    return bits;
  }

  /**
   * The fewest data clusters this writer gives the type. FAT16 starts at 4087, not 4085: Windows'
   * fastfat reads 4085 and 4086 as FAT12 (dosfstools {@code MIN_CLUST_16}), so that band is
   * avoided.
   */
  public long minClusters() {
    return minClusters;
  }

  /** The most data clusters of the type. */
  public long maxClusters() {
    return maxClusters;
  }

  /** The smallest end-of-chain value; entries at or above it end a chain. */
  public int endOfChainMin() {
    return eocMin;
  }

  /** The end-of-chain value this writer stores. */
  public int endOfChain() {
    return eoc;
  }

  /** {@code BS_FilSysType}: 8 bytes, space padded. */
  public String fileSystemType() {
    return fileSystemType;
  }

  /** Bytes a FAT of {@code entries} entries takes. */
  public long fatBytes(long entries) {
    return bits == 12 ? (entries * 3 + 1) / 2 : entries * (bits / 8);
  }

  /** The type of a volume with {@code clusters} data clusters, by the specification's rule. */
  public static FatType ofClusterCount(long clusters) {
    if (clusters < FAT12_LIMIT) {
      return FAT12;
    }
    return clusters < FAT16_LIMIT ? FAT16 : FAT32;
  }
}
