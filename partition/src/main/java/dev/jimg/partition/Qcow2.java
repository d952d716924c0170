/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.io.ImageChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a qcow2 version 3 image (QEMU {@code docs/interop/qcow2.txt}) from a raw disk, once: 64
 * KiB clusters, 16-bit refcounts, no snapshots, no backing file, no compression. Clusters that are
 * all zero stay unallocated. Layout: header, L1 table, refcount table, refcount blocks, L2 tables,
 * data clusters in guest order. Every allocated cluster has refcount 1 and its L1/L2 entry the
 * COPIED flag, as {@code qemu-img check} expects.
 */
final class Qcow2 {
  static final int MAGIC = 0x514649FB;
  static final int VERSION = 3;
  static final int CLUSTER_BITS = 16;
  static final int CLUSTER_SIZE = 1 << CLUSTER_BITS;
  static final int REFCOUNT_ORDER = 4;
  static final int HEADER_LENGTH = 104;
  static final long OFLAG_COPIED = 1L << 63;

  // QCowHeader, big-endian
  static final int H_MAGIC = 0;
  static final int H_VERSION = 4;
  static final int H_BACKING_FILE_OFFSET = 8;
  static final int H_BACKING_FILE_SIZE = 16;
  static final int H_CLUSTER_BITS = 20;
  static final int H_SIZE = 24;
  static final int H_CRYPT_METHOD = 32;
  static final int H_L1_SIZE = 36;
  static final int H_L1_TABLE_OFFSET = 40;
  static final int H_REFCOUNT_TABLE_OFFSET = 48;
  static final int H_REFCOUNT_TABLE_CLUSTERS = 56;
  static final int H_NB_SNAPSHOTS = 60;
  static final int H_SNAPSHOTS_OFFSET = 64;
  static final int H_INCOMPATIBLE_FEATURES = 72;
  static final int H_COMPATIBLE_FEATURES = 80;
  static final int H_AUTOCLEAR_FEATURES = 88;
  static final int H_REFCOUNT_ORDER = 96;
  static final int H_HEADER_LENGTH = 100;

  private static final int L2_ENTRIES = CLUSTER_SIZE / 8;
  private static final int REFCOUNTS_PER_BLOCK = CLUSTER_SIZE * 8 / (1 << REFCOUNT_ORDER);

  private Qcow2() {}

  static void write(ImageChannel raw, ImageChannel out) throws IOException {
    long size = raw.size();
    long guestClusters = ceilDiv(size, CLUSTER_SIZE);
    List<Long> used = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.allocate(CLUSTER_SIZE);
    for (long c = 0; c < guestClusters; c++) {
      buf.clear();
      int len = (int) Math.min(CLUSTER_SIZE, size - c * CLUSTER_SIZE);
      buf.limit(len);
      raw.readFully(buf, c * CLUSTER_SIZE);
      if (!allZero(buf.array(), len)) {
        used.add(c);
      }
    }
    long l1Size = ceilDiv(guestClusters, L2_ENTRIES);
    long l1Clusters = Math.max(1, ceilDiv(l1Size * 8, CLUSTER_SIZE));
    List<Long> l2Indexes = new ArrayList<>();
    for (long c : used) {
      long l1 = c / L2_ENTRIES;
      if (l2Indexes.isEmpty() || l2Indexes.get(l2Indexes.size() - 1) != l1) {
        l2Indexes.add(l1);
      }
    }
    long fixed = 1 + l1Clusters + l2Indexes.size() + used.size();
    long refBlocks = 1;
    long refTableClusters = 1;
    while (true) {
      long total = fixed + refTableClusters + refBlocks;
      long needBlocks = ceilDiv(total, REFCOUNTS_PER_BLOCK);
      long needTable = ceilDiv(needBlocks * 8, CLUSTER_SIZE);
      if (needBlocks == refBlocks && needTable == refTableClusters) {
        break;
      }
      refBlocks = needBlocks;
      refTableClusters = needTable;
    }
    long l1Offset = CLUSTER_SIZE;
    long refTableOffset = l1Offset + l1Clusters * CLUSTER_SIZE;
    long refBlocksOffset = refTableOffset + refTableClusters * CLUSTER_SIZE;
    long l2Offset = refBlocksOffset + refBlocks * CLUSTER_SIZE;
    long dataOffset = l2Offset + (long) l2Indexes.size() * CLUSTER_SIZE;
    long totalClusters = dataOffset / CLUSTER_SIZE + used.size();

    ByteBuffer header = ByteBuffer.allocate(CLUSTER_SIZE).order(ByteOrder.BIG_ENDIAN);
    header.putInt(H_MAGIC, MAGIC);
    header.putInt(H_VERSION, VERSION);
    header.putLong(H_BACKING_FILE_OFFSET, 0);
    header.putInt(H_BACKING_FILE_SIZE, 0);
    header.putInt(H_CLUSTER_BITS, CLUSTER_BITS);
    header.putLong(H_SIZE, size);
    header.putInt(H_CRYPT_METHOD, 0);
    header.putInt(H_L1_SIZE, Math.toIntExact(l1Size));
    header.putLong(H_L1_TABLE_OFFSET, l1Offset);
    header.putLong(H_REFCOUNT_TABLE_OFFSET, refTableOffset);
    header.putInt(H_REFCOUNT_TABLE_CLUSTERS, Math.toIntExact(refTableClusters));
    header.putInt(H_NB_SNAPSHOTS, 0);
    header.putLong(H_SNAPSHOTS_OFFSET, 0);
    header.putLong(H_INCOMPATIBLE_FEATURES, 0);
    header.putLong(H_COMPATIBLE_FEATURES, 0);
    header.putLong(H_AUTOCLEAR_FEATURES, 0);
    header.putInt(H_REFCOUNT_ORDER, REFCOUNT_ORDER);
    header.putInt(H_HEADER_LENGTH, HEADER_LENGTH);
    // header extension area: just the end marker (type 0, length 0), already zero
    out.write(header, 0);

    ByteBuffer l1 = ByteBuffer.allocate(Math.toIntExact(l1Clusters * CLUSTER_SIZE));
    for (int i = 0; i < l2Indexes.size(); i++) {
      l1.putLong((int) (l2Indexes.get(i) * 8), (l2Offset + (long) i * CLUSTER_SIZE) | OFLAG_COPIED);
    }
    out.write(l1, l1Offset);

    ByteBuffer refTable = ByteBuffer.allocate(Math.toIntExact(refTableClusters * CLUSTER_SIZE));
    for (int i = 0; i < refBlocks; i++) {
      refTable.putLong(i * 8, refBlocksOffset + (long) i * CLUSTER_SIZE);
    }
    out.write(refTable, refTableOffset);
    ByteBuffer refs = ByteBuffer.allocate(Math.toIntExact(refBlocks * CLUSTER_SIZE));
    for (long c = 0; c < totalClusters; c++) {
      refs.putShort((int) (c * 2), (short) 1);
    }
    out.write(refs, refBlocksOffset);

    int l2 = -1;
    ByteBuffer l2Table = ByteBuffer.allocate(CLUSTER_SIZE);
    for (int i = 0; i < used.size(); i++) {
      long c = used.get(i);
      int idx = l2 < 0 ? 0 : (l2Indexes.get(l2) == c / L2_ENTRIES ? l2 : l2 + 1);
      if (idx != l2) {
        if (l2 >= 0) {
          l2Table.clear();
          out.write(l2Table, l2Offset + (long) l2 * CLUSTER_SIZE);
          l2Table = ByteBuffer.allocate(CLUSTER_SIZE);
        }
        l2 = idx;
      }
      long dataAt = dataOffset + (long) i * CLUSTER_SIZE;
      l2Table.putLong((int) (c % L2_ENTRIES) * 8, dataAt | OFLAG_COPIED);
      buf.clear();
      int len = (int) Math.min(CLUSTER_SIZE, size - c * CLUSTER_SIZE);
      buf.limit(len);
      raw.readFully(buf, c * CLUSTER_SIZE);
      java.util.Arrays.fill(buf.array(), len, CLUSTER_SIZE, (byte) 0);
      buf.clear();
      out.write(buf, dataAt);
    }
    if (l2 >= 0) {
      l2Table.clear();
      out.write(l2Table, l2Offset + (long) l2 * CLUSTER_SIZE);
    }
    out.setSize(totalClusters * CLUSTER_SIZE);
  }

  private static boolean allZero(byte[] b, int len) {
    for (int i = 0; i < len; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
