/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.Sizes;
import dev.jimg.core.io.ImageChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes an Android sparse image (AOSP {@code system/core/libsparse/sparse_format.h}, version 1.0):
 * a 28-byte file header and chunks of 4 KiB blocks, each RAW (data follows), FILL (one 32-bit value
 * repeated) or DONT_CARE (zeros, nothing stored). All little-endian; no CRC chunk, image checksum
 * 0.
 */
final class AndroidSparse {
  static final int MAGIC = 0xED26FF3A;
  static final short MAJOR_VERSION = 1;
  static final short MINOR_VERSION = 0;
  static final short FILE_HDR_SZ = 28;
  static final short CHUNK_HDR_SZ = 12;
  static final int BLK_SZ = 4096;
  static final short CHUNK_TYPE_RAW = (short) 0xCAC1;
  static final short CHUNK_TYPE_FILL = (short) 0xCAC2;
  static final short CHUNK_TYPE_DONT_CARE = (short) 0xCAC3;

  // sparse_header_t
  static final int H_MAGIC = 0;
  static final int H_MAJOR_VERSION = 4;
  static final int H_MINOR_VERSION = 6;
  static final int H_FILE_HDR_SZ = 8;
  static final int H_CHUNK_HDR_SZ = 10;
  static final int H_BLK_SZ = 12;
  static final int H_TOTAL_BLKS = 16;
  static final int H_TOTAL_CHUNKS = 20;
  static final int H_IMAGE_CHECKSUM = 24;
  // chunk_header_t
  static final int C_CHUNK_TYPE = 0;
  static final int C_RESERVED1 = 2;
  static final int C_CHUNK_SZ = 4;
  static final int C_TOTAL_SZ = 8;

  /**
   * The most blocks in one RAW chunk: its total_sz (header and data) must stay a positive 32-bit
   * int, as libsparse and other readers take it (2 GiB less one block).
   */
  static final int MAX_RAW_BLOCKS = (Integer.MAX_VALUE - CHUNK_HDR_SZ) / BLK_SZ;

  /** The most blocks a FILL or DONT_CARE chunk covers (4 GiB). */
  static final int MAX_RUN_BLOCKS = 1 << 20;

  /** The most blocks the file header's 32-bit total_blks counts (16 TiB less 4 KiB). */
  static final long MAX_TOTAL_BLOCKS = 0xFFFF_FFFFL;

  private AndroidSparse() {}

  /** Converts {@code raw} (a multiple of 4 KiB long) into {@code out}. */
  static void write(ImageChannel raw, ImageChannel out) throws IOException {
    long size = raw.size();
    if (size % BLK_SZ != 0) {
      throw new DiskLayoutException(
          "an Android sparse image needs a disk size that is a multiple of 4096, not " + size);
    }
    long blocks = size / BLK_SZ;
    if (blocks > MAX_TOTAL_BLOCKS) {
      throw new DiskLayoutException(
          "an Android sparse image counts at most "
              + MAX_TOTAL_BLOCKS
              + " blocks of 4096 bytes (16 TiB); the disk is "
              + Sizes.thousands(size)
              + " bytes: use another format or a smaller size");
    }
    long pos = FILE_HDR_SZ;
    int chunks = 0;
    ByteBuffer block = ByteBuffer.allocate(BLK_SZ).order(ByteOrder.LITTLE_ENDIAN);
    long b = 0;
    while (b < blocks) {
      block.clear();
      raw.readFully(block, b * BLK_SZ);
      Integer fill = fillValue(block);
      long runStart = b;
      long run = 1;
      ByteBuffer next = ByteBuffer.allocate(BLK_SZ).order(ByteOrder.LITTLE_ENDIAN);
      // extend the run while following blocks have the same fill value (or are raw, for raw runs)
      int maxRun = fill == null ? MAX_RAW_BLOCKS : MAX_RUN_BLOCKS;
      while (b + run < blocks && run < maxRun) {
        next.clear();
        raw.readFully(next, (b + run) * BLK_SZ);
        Integer f = fillValue(next);
        if (fill == null ? f != null : !fill.equals(f)) {
          break;
        }
        run++;
      }
      ByteBuffer header = ByteBuffer.allocate(CHUNK_HDR_SZ).order(ByteOrder.LITTLE_ENDIAN);
      header.putShort(C_RESERVED1, (short) 0);
      header.putInt(C_CHUNK_SZ, (int) run);
      if (fill == null) {
        header.putShort(C_CHUNK_TYPE, CHUNK_TYPE_RAW);
        header.putInt(C_TOTAL_SZ, Math.toIntExact(CHUNK_HDR_SZ + run * BLK_SZ));
        out.write(header, pos);
        pos += CHUNK_HDR_SZ;
        for (long i = 0; i < run; i++) {
          next.clear();
          raw.readFully(next, (runStart + i) * BLK_SZ);
          next.flip();
          out.write(next, pos);
          pos += BLK_SZ;
        }
      } else if (fill == 0) {
        header.putShort(C_CHUNK_TYPE, CHUNK_TYPE_DONT_CARE);
        header.putInt(C_TOTAL_SZ, CHUNK_HDR_SZ);
        out.write(header, pos);
        pos += CHUNK_HDR_SZ;
      } else {
        header.putShort(C_CHUNK_TYPE, CHUNK_TYPE_FILL);
        header.putInt(C_TOTAL_SZ, CHUNK_HDR_SZ + 4);
        out.write(header, pos);
        pos += CHUNK_HDR_SZ;
        ByteBuffer v = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, fill);
        out.write(v, pos);
        pos += 4;
      }
      chunks++;
      b += run;
    }
    ByteBuffer h = ByteBuffer.allocate(FILE_HDR_SZ).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(H_MAGIC, MAGIC);
    h.putShort(H_MAJOR_VERSION, MAJOR_VERSION);
    h.putShort(H_MINOR_VERSION, MINOR_VERSION);
    h.putShort(H_FILE_HDR_SZ, FILE_HDR_SZ);
    h.putShort(H_CHUNK_HDR_SZ, CHUNK_HDR_SZ);
    h.putInt(H_BLK_SZ, BLK_SZ);
    h.putInt(H_TOTAL_BLKS, (int) blocks); // unsigned, at most MAX_TOTAL_BLOCKS
    h.putInt(H_TOTAL_CHUNKS, chunks);
    h.putInt(H_IMAGE_CHECKSUM, 0);
    out.write(h, 0);
    out.setSize(pos);
  }

  /** The 32-bit value the block repeats, or {@code null} if it does not repeat one. */
  private static Integer fillValue(ByteBuffer block) {
    int v = block.getInt(0);
    for (int i = 4; i < BLK_SZ; i += 4) {
      if (block.getInt(i) != v) {
        return null;
      }
    }
    return v;
  }
}
