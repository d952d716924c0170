/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import java.io.ByteArrayOutputStream;

/**
 * Packs a squashfs metadata table (inodes, directories, fragment/export/id/xattr entries) into
 * metadata blocks: each holds up to 8 KiB of table bytes behind a u16 header giving its stored
 * length, bit 15 set when stored raw. Blocks are packed without gaps and every block but the last
 * is full, as the kernel's offset arithmetic requires.
 *
 * <p>A position in the table is a <em>reference</em>: the stored offset of its block from the start
 * of the table, and the offset inside the uncompressed block. Not thread-safe.
 */
final class MetadataWriter {
  /** Uncompressed bytes in a metadata block. */
  static final int METADATA_SIZE = 8192;

  /** Header bit: the block is stored raw. */
  static final int UNCOMPRESSED_BIT = 0x8000;

  private final Compression.Codec codec;
  private final boolean compress;
  private final byte[] block = new byte[METADATA_SIZE];
  private int fill;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private long uncompressedBefore;
  private long[] blockStarts = new long[8];
  private int blocks;

  MetadataWriter(Compression.Codec codec, boolean compress) {
    this.codec = codec;
    this.compress = compress;
  }

  /** Stored offset (from the table start) of the block now being filled. */
  long blockStart() {
    return out.size();
  }

  /** Offset inside the block now being filled. */
  int offset() {
    return fill;
  }

  /** The reference of the next byte appended: {@code blockStart << 16 | offset}. */
  long reference() {
    return ((long) out.size() << 16) | fill;
  }

  /** Uncompressed bytes appended so far. */
  long uncompressedPosition() {
    return uncompressedBefore + fill;
  }

  void write(byte[] b) {
    write(b, 0, b.length);
  }

  void write(byte[] b, int off, int len) {
    int pos = off;
    int left = len;
    while (left > 0) {
      int n = Math.min(left, METADATA_SIZE - fill);
      System.arraycopy(b, pos, block, fill, n);
      fill += n;
      pos += n;
      left -= n;
      if (fill == METADATA_SIZE) {
        flush();
      }
    }
  }

  private void flush() {
    if (blocks == blockStarts.length) {
      blockStarts = java.util.Arrays.copyOf(blockStarts, blocks * 2);
    }
    blockStarts[blocks++] = out.size();
    byte[] packed = compress ? codec.compress(block, 0, fill) : null;
    int header = packed == null ? (fill | UNCOMPRESSED_BIT) : packed.length;
    out.write(header & 0xFF);
    out.write((header >>> 8) & 0xFF);
    if (packed == null) {
      out.write(block, 0, fill);
    } else {
      out.write(packed, 0, packed.length);
    }
    uncompressedBefore += fill;
    fill = 0;
  }

  /**
   * The stored offset of the block holding uncompressed table byte {@code position} (a byte already
   * appended, or the next one).
   */
  long blockStartOf(long position) {
    long n = position / METADATA_SIZE;
    return n < blocks ? blockStarts[(int) n] : out.size();
  }

  /** Stored offsets of the blocks written so far (all of them after {@link #finish}). */
  long[] blockStarts() {
    return java.util.Arrays.copyOf(blockStarts, blocks);
  }

  /** Flushes a partial last block and returns the stored table. */
  byte[] finish() {
    if (fill > 0) {
      flush();
    }
    return out.toByteArray();
  }
}
