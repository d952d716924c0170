/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.repro.Identities;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The footer of a fixed VHD (Microsoft "Virtual Hard Disk Image Format Specification" 1.0, "Hard
 * Disk Footer Format"): 512 big-endian bytes after the raw disk. The timestamp is 0 (2000-01-01)
 * and the unique id comes from the seed, so the footer is reproducible.
 *
 * @param currentSize the disk size in bytes
 * @param uniqueId the disk's unique id
 */
record VhdFooter(long currentSize, UUID uniqueId) {
  static final int SIZE = 512;
  static final byte[] COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);
  static final int FEATURES_RESERVED = 0x0000_0002;
  static final int FILE_FORMAT_VERSION = 0x0001_0000;
  static final long FIXED_DATA_OFFSET = 0xFFFF_FFFF_FFFF_FFFFL;
  static final byte[] CREATOR_APPLICATION = "jimg".getBytes(StandardCharsets.US_ASCII);
  static final int CREATOR_VERSION = 0x0001_0000;
  static final byte[] CREATOR_HOST_OS_WINDOWS = "Wi2k".getBytes(StandardCharsets.US_ASCII);
  static final int DISK_TYPE_FIXED = 2;

  static final int O_COOKIE = 0;
  static final int O_FEATURES = 8;
  static final int O_FILE_FORMAT_VERSION = 12;
  static final int O_DATA_OFFSET = 16;
  static final int O_TIME_STAMP = 24;
  static final int O_CREATOR_APPLICATION = 28;
  static final int O_CREATOR_VERSION = 32;
  static final int O_CREATOR_HOST_OS = 36;
  static final int O_ORIGINAL_SIZE = 40;
  static final int O_CURRENT_SIZE = 48;
  static final int O_DISK_GEOMETRY = 56;
  static final int O_DISK_TYPE = 60;
  static final int O_CHECKSUM = 64;
  static final int O_UNIQUE_ID = 68;
  static final int O_SAVED_STATE = 84;

  byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN);
    b.put(O_COOKIE, COOKIE);
    b.putInt(O_FEATURES, FEATURES_RESERVED);
    b.putInt(O_FILE_FORMAT_VERSION, FILE_FORMAT_VERSION);
    b.putLong(O_DATA_OFFSET, FIXED_DATA_OFFSET);
    b.putInt(O_TIME_STAMP, 0);
    b.put(O_CREATOR_APPLICATION, CREATOR_APPLICATION);
    b.putInt(O_CREATOR_VERSION, CREATOR_VERSION);
    b.put(O_CREATOR_HOST_OS, CREATOR_HOST_OS_WINDOWS);
    b.putLong(O_ORIGINAL_SIZE, currentSize);
    b.putLong(O_CURRENT_SIZE, currentSize);
    b.putInt(O_DISK_GEOMETRY, geometry(currentSize / 512));
    b.putInt(O_DISK_TYPE, DISK_TYPE_FIXED);
    b.put(O_UNIQUE_ID, Identities.toBytes(uniqueId));
    b.put(O_SAVED_STATE, (byte) 0);
    int sum = 0;
    for (byte x : b.array()) {
      sum += x & 0xFF;
    }
    b.putInt(O_CHECKSUM, ~sum);
    return b.array();
  }

  /** CHS geometry as the specification's appendix computes it: cylinders(16) heads(8) spt(8). */
  static int geometry(long totalSectors) {
    long sectors = Math.min(totalSectors, 65535L * 16 * 255);
    long spt;
    long heads;
    long cylTimesHeads;
    if (sectors >= 65535L * 16 * 63) {
      spt = 255;
      heads = 16;
      cylTimesHeads = sectors / spt;
    } else {
      spt = 17;
      cylTimesHeads = sectors / spt;
      heads = (cylTimesHeads + 1023) / 1024;
      if (heads < 4) {
        heads = 4;
      }
      if (cylTimesHeads >= heads * 1024 || heads > 16) {
        spt = 31;
        heads = 16;
        cylTimesHeads = sectors / spt;
      }
      if (cylTimesHeads >= heads * 1024) {
        spt = 63;
        heads = 16;
        cylTimesHeads = sectors / spt;
      }
    }
    long cylinders = cylTimesHeads / heads;
    return (int) ((cylinders << 16) | (heads << 8) | spt);
  }
}
