/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import dev.jimg.core.CorruptInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The boot sector with its BIOS parameter block (Microsoft FAT specification 1.03, sections
 * 3.1–3.3): common fields at 0x00–0x23, then the FAT12/16 extension at 0x24 or the FAT32 one at
 * 0x24–0x59.
 *
 * @param type the FAT variant (decides which extension is written)
 * @param bytesPerSector {@code BPB_BytsPerSec}: 512 or 4096
 * @param sectorsPerCluster {@code BPB_SecPerClus}: a power of two, 1–128
 * @param reservedSectors {@code BPB_RsvdSecCnt}
 * @param numFats {@code BPB_NumFATs}
 * @param rootEntries {@code BPB_RootEntCnt}: 0 for FAT32
 * @param totalSectors {@code BPB_TotSec16} or {@code BPB_TotSec32}
 * @param media {@code BPB_Media}: 0xF8 fixed disk, 0xF0 removable
 * @param fatSectors {@code BPB_FATSz16} or {@code BPB_FATSz32}
 * @param sectorsPerTrack {@code BPB_SecPerTrk}: geometry for INT 13h, unused by LBA readers
 * @param heads {@code BPB_NumHeads}
 * @param hiddenSectors {@code BPB_HiddSec}: sectors before the volume (its partition's start)
 * @param driveNumber {@code BS_DrvNum}: 0x80 hard disk, 0x00 floppy
 * @param volumeId {@code BS_VolID}
 * @param volumeLabel {@code BS_VolLab}: 11 bytes, space padded ({@code "NO NAME "} for none)
 */
public record BootSector(
    FatType type,
    int bytesPerSector,
    int sectorsPerCluster,
    int reservedSectors,
    int numFats,
    int rootEntries,
    long totalSectors,
    int media,
    long fatSectors,
    int sectorsPerTrack,
    int heads,
    long hiddenSectors,
    int driveNumber,
    int volumeId,
    String volumeLabel) {
  static final int BS_JMP_BOOT = 0x00;
  static final int BS_OEM_NAME = 0x03;
  static final int BPB_BYTS_PER_SEC = 0x0B;
  static final int BPB_SEC_PER_CLUS = 0x0D;
  static final int BPB_RSVD_SEC_CNT = 0x0E;
  static final int BPB_NUM_FATS = 0x10;
  static final int BPB_ROOT_ENT_CNT = 0x11;
  static final int BPB_TOT_SEC16 = 0x13;
  static final int BPB_MEDIA = 0x15;
  static final int BPB_FAT_SZ16 = 0x16;
  static final int BPB_SEC_PER_TRK = 0x18;
  static final int BPB_NUM_HEADS = 0x1A;
  static final int BPB_HIDD_SEC = 0x1C;
  static final int BPB_TOT_SEC32 = 0x20;
  // FAT12/16 extension
  static final int BS16_DRV_NUM = 0x24;
  static final int BS16_BOOT_SIG = 0x26;
  static final int BS16_VOL_ID = 0x27;
  static final int BS16_VOL_LAB = 0x2B;
  static final int BS16_FIL_SYS_TYPE = 0x36;
  static final int BS16_BOOT_CODE = 0x3E;
  // FAT32 extension
  static final int BPB_FAT_SZ32 = 0x24;
  static final int BPB_EXT_FLAGS = 0x28;
  static final int BPB_FS_VER = 0x2A;
  static final int BPB_ROOT_CLUS = 0x2C;
  static final int BPB_FS_INFO = 0x30;
  static final int BPB_BK_BOOT_SEC = 0x32;
  static final int BS32_DRV_NUM = 0x40;
  static final int BS32_BOOT_SIG = 0x42;
  static final int BS32_VOL_ID = 0x43;
  static final int BS32_VOL_LAB = 0x47;
  static final int BS32_FIL_SYS_TYPE = 0x52;
  static final int BS32_BOOT_CODE = 0x5A;
  static final int SIGNATURE_OFFSET = 0x1FE;

  /** {@code BS_OEMName}: the value the specification recommends for compatibility. */
  public static final String OEM_NAME = "MSWIN4.1";

  /** {@code BS_VolLab} of a volume without a label. */
  public static final String NO_NAME = "NO NAME    ";

  /** FAT32: the root directory's first cluster. */
  public static final int ROOT_CLUSTER = 2;

  /** FAT32: the FSInfo sector number. */
  public static final int FS_INFO_SECTOR = 1;

  /** FAT32: the backup boot sector number. */
  public static final int BACKUP_BOOT_SECTOR = 6;

  static final int EXTENDED_BOOT_SIGNATURE = 0x29;

  /**
   * Boot code for a volume that is not bootable: {@code int 18h} (tell the BIOS to try the next
   * device), then halt in a loop.
   */
  private static final byte[] NOT_BOOTABLE = {
    (byte) 0xCD, 0x18, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD
  };

  /** Writes the sector into {@code b} (at least {@link #bytesPerSector()} bytes, zero filled). */
  public void write(ByteBuffer b) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    boolean fat32 = type == FatType.FAT32;
    int code = fat32 ? BS32_BOOT_CODE : BS16_BOOT_CODE;
    b.put(BS_JMP_BOOT, (byte) 0xEB);
    b.put(BS_JMP_BOOT + 1, (byte) (code - 2));
    b.put(BS_JMP_BOOT + 2, (byte) 0x90);
    b.put(BS_OEM_NAME, OEM_NAME.getBytes(StandardCharsets.US_ASCII));
    b.putShort(BPB_BYTS_PER_SEC, (short) bytesPerSector);
    b.put(BPB_SEC_PER_CLUS, (byte) sectorsPerCluster);
    b.putShort(BPB_RSVD_SEC_CNT, (short) reservedSectors);
    b.put(BPB_NUM_FATS, (byte) numFats);
    b.putShort(BPB_ROOT_ENT_CNT, (short) rootEntries);
    if (totalSectors < 0x10000 && !fat32) {
      b.putShort(BPB_TOT_SEC16, (short) totalSectors);
    } else {
      b.putInt(BPB_TOT_SEC32, (int) totalSectors);
    }
    b.put(BPB_MEDIA, (byte) media);
    b.putShort(BPB_SEC_PER_TRK, (short) sectorsPerTrack);
    b.putShort(BPB_NUM_HEADS, (short) heads);
    b.putInt(BPB_HIDD_SEC, (int) hiddenSectors);
    int drv;
    int sig;
    int id;
    int lab;
    int fsType;
    if (fat32) {
      b.putInt(BPB_FAT_SZ32, (int) fatSectors);
      b.putShort(BPB_EXT_FLAGS, (short) 0);
      b.putShort(BPB_FS_VER, (short) 0);
      b.putInt(BPB_ROOT_CLUS, ROOT_CLUSTER);
      b.putShort(BPB_FS_INFO, (short) FS_INFO_SECTOR);
      b.putShort(BPB_BK_BOOT_SEC, (short) BACKUP_BOOT_SECTOR);
      drv = BS32_DRV_NUM;
      sig = BS32_BOOT_SIG;
      id = BS32_VOL_ID;
      lab = BS32_VOL_LAB;
      fsType = BS32_FIL_SYS_TYPE;
    } else {
      b.putShort(BPB_FAT_SZ16, (short) fatSectors);
      drv = BS16_DRV_NUM;
      sig = BS16_BOOT_SIG;
      id = BS16_VOL_ID;
      lab = BS16_VOL_LAB;
      fsType = BS16_FIL_SYS_TYPE;
    }
    b.put(drv, (byte) driveNumber);
    b.put(sig, (byte) EXTENDED_BOOT_SIGNATURE);
    b.putInt(id, volumeId);
    b.put(lab, volumeLabel.getBytes(StandardCharsets.US_ASCII));
    b.put(fsType, type.fileSystemType().getBytes(StandardCharsets.US_ASCII));
    b.put(code, NOT_BOOTABLE);
    b.put(SIGNATURE_OFFSET, (byte) 0x55);
    b.put(SIGNATURE_OFFSET + 1, (byte) 0xAA);
  }

  /**
   * Reads and checks a boot sector: jump, signature, sector size 512–4096 and a power of two,
   * cluster size a power of two, at least one FAT, reserved sectors, a type that matches the
   * cluster count, and no more clusters than FAT32 numbers.
   *
   * @throws CorruptInputException naming the field, the value found and the value expected
   */
  public static BootSector read(ByteBuffer b, String resource) throws CorruptInputException {
    b.order(ByteOrder.LITTLE_ENDIAN);
    int jump = b.get(BS_JMP_BOOT) & 0xFF;
    if (jump != 0xEB && jump != 0xE9) {
      throw new CorruptInputException(
          resource,
          BS_JMP_BOOT,
          "BS_jmpBoot: actual=0x" + Integer.toHexString(jump) + " expected=0xEB or 0xE9");
    }
    if ((b.getShort(SIGNATURE_OFFSET) & 0xFFFF) != 0xAA55) {
      throw new CorruptInputException(resource, SIGNATURE_OFFSET, "boot signature 0x55AA missing");
    }
    int bps = b.getShort(BPB_BYTS_PER_SEC) & 0xFFFF;
    int spc = b.get(BPB_SEC_PER_CLUS) & 0xFF;
    int reserved = b.getShort(BPB_RSVD_SEC_CNT) & 0xFFFF;
    int fats = b.get(BPB_NUM_FATS) & 0xFF;
    int rootEntries = b.getShort(BPB_ROOT_ENT_CNT) & 0xFFFF;
    long total = b.getShort(BPB_TOT_SEC16) & 0xFFFF;
    if (total == 0) {
      total = b.getInt(BPB_TOT_SEC32) & 0xFFFF_FFFFL;
    }
    long fat = b.getShort(BPB_FAT_SZ16) & 0xFFFF;
    boolean fat32 = fat == 0;
    if (fat32) {
      fat = b.getInt(BPB_FAT_SZ32) & 0xFFFF_FFFFL;
    }
    if (bps < 512 || bps > 4096 || Integer.bitCount(bps) != 1) {
      throw new CorruptInputException(
          resource,
          BPB_BYTS_PER_SEC,
          "BPB_BytsPerSec: actual=" + bps + " expected=512..4096, a power of two");
    }
    if (spc == 0 || Integer.bitCount(spc) != 1) {
      throw new CorruptInputException(
          resource, BPB_SEC_PER_CLUS, "BPB_SecPerClus: actual=" + spc + " expected a power of two");
    }
    if (reserved == 0 || fats == 0 || fat == 0) {
      throw new CorruptInputException(
          resource, BPB_RSVD_SEC_CNT, "reserved sectors, FAT count and FAT size must not be 0");
    }
    int lab = fat32 ? BS32_VOL_LAB : BS16_VOL_LAB;
    byte[] label = new byte[11];
    b.get(lab, label);
    long rootSectors = ((long) rootEntries * 32 + bps - 1) / bps;
    long data = reserved + fats * fat + rootSectors;
    if (data >= total) {
      throw new CorruptInputException(
          resource,
          BPB_TOT_SEC16,
          "the FATs and root directory (" + data + " sectors) do not fit in " + total + " sectors");
    }
    long clusters = (total - data) / spc;
    if (clusters > FatType.FAT32.maxClusters()) {
      throw new CorruptInputException(
          resource,
          BPB_TOT_SEC32,
          "a volume of "
              + clusters
              + " clusters; FAT32 numbers at most "
              + FatType.FAT32.maxClusters()
              + " (0x0FFFFFF5), the values above are reserved");
    }
    FatType type = FatType.ofClusterCount(clusters);
    if ((type == FatType.FAT32) != fat32) {
      throw new CorruptInputException(
          resource,
          BPB_FAT_SZ16,
          "a volume of "
              + (total - data) / spc
              + " clusters is "
              + type
              + " but BPB_FATSz16 says "
              + (fat32 ? "FAT32" : "FAT12/16"));
    }
    if (type.fatBytes((total - data) / spc + 2) > fat * bps) {
      throw new CorruptInputException(
          resource, BPB_FAT_SZ16, "the FAT (" + fat + " sectors) does not cover all clusters");
    }
    if (fat32 && (b.getInt(BPB_ROOT_CLUS) & 0xFFFF_FFFFL) < 2) {
      throw new CorruptInputException(resource, BPB_ROOT_CLUS, "BPB_RootClus below 2");
    }
    return new BootSector(
        type,
        bps,
        spc,
        reserved,
        fats,
        rootEntries,
        total,
        b.get(BPB_MEDIA) & 0xFF,
        fat,
        b.getShort(BPB_SEC_PER_TRK) & 0xFFFF,
        b.getShort(BPB_NUM_HEADS) & 0xFFFF,
        b.getInt(BPB_HIDD_SEC) & 0xFFFF_FFFFL,
        b.get(fat32 ? BS32_DRV_NUM : BS16_DRV_NUM) & 0xFF,
        b.getInt(fat32 ? BS32_VOL_ID : BS16_VOL_ID),
        new String(label, StandardCharsets.ISO_8859_1));
  }

  /** First sector of the first FAT. */
  public long fatStart() {
    return reservedSectors;
  }

  /** First sector of the FAT12/16 root directory region (FAT32: of the data region). */
  public long rootDirStart() {
    return reservedSectors + numFats * fatSectors;
  }

  /** Sectors of the FAT12/16 root directory region; 0 for FAT32. */
  public long rootDirSectors() {
    return ((long) rootEntries * 32 + bytesPerSector - 1) / bytesPerSector;
  }

  /** First sector of the data region (cluster 2). */
  public long dataStart() {
    return rootDirStart() + rootDirSectors();
  }

  /** Bytes per cluster. */
  public int clusterBytes() {
    return bytesPerSector * sectorsPerCluster;
  }

  /** Data clusters of the volume. */
  public long clusterCount() {
    return (totalSectors - dataStart()) / sectorsPerCluster;
  }

  /** Byte offset of cluster {@code n} (from 2). */
  public long clusterOffset(long n) {
    return (dataStart() + (n - 2) * sectorsPerCluster) * bytesPerSector;
  }
}
