/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The blocks of a linear directory: {@code struct ext4_dir_entry_2} records ({@code inode}, {@code
 * rec_len}, {@code name_len}, {@code file_type}, name) packed into blocks, the last record of each
 * block stretched to its end, and with metadata_csum a 12-byte {@code struct ext4_dir_entry_tail}
 * (file type 0xDE) carrying the block's checksum.
 */
final class DirectoryBlocks {
  static final int TAIL_SIZE = 12;
  static final int TAIL_FT = 0xDE;
  static final int HEADER_SIZE = 8;

  static final int FT_REG_FILE = 1;
  static final int FT_DIR = 2;
  static final int FT_CHRDEV = 3;
  static final int FT_BLKDEV = 4;
  static final int FT_FIFO = 5;
  static final int FT_SOCK = 6;
  static final int FT_SYMLINK = 7;

  /** One name in a directory. */
  record DirEntry(byte[] name, long ino, int fileType) {
    int recLen() {
      return recLen(name.length);
    }

    static int recLen(int nameLen) {
      return (HEADER_SIZE + nameLen + 3) & ~3;
    }
  }

  private DirectoryBlocks() {}

  /** How many blocks {@link #build} will make for these entries. */
  static int count(List<DirEntry> entries, int blockSize, boolean csum, int minBlocks) {
    int room = blockSize - (csum ? TAIL_SIZE : 0);
    int blocks = 1;
    int used = 0;
    for (DirEntry e : entries) {
      int len = e.recLen();
      if (used + len > room) {
        blocks++;
        used = 0;
      }
      used += len;
    }
    return Math.max(blocks, minBlocks);
  }

  /**
   * The directory's blocks, checksummed for inode {@code ino} when {@code csumSeed} is set; at
   * least {@code minBlocks} (the extra ones hold one empty record).
   */
  static List<byte[]> build(
      List<DirEntry> entries, int blockSize, long ino, Integer csumSeed, int minBlocks) {
    int room = blockSize - (csumSeed != null ? TAIL_SIZE : 0);
    List<byte[]> out = new ArrayList<>();
    ByteBuffer b = newBlock(blockSize);
    int used = 0;
    int last = -1;
    for (DirEntry e : entries) {
      int len = e.recLen();
      if (used + len > room) {
        finish(b, last, room, out, ino, csumSeed);
        b = newBlock(blockSize);
        used = 0;
      }
      b.putInt(used, (int) e.ino());
      b.putShort(used + 4, (short) len);
      b.put(used + 6, (byte) e.name().length);
      b.put(used + 7, (byte) e.fileType());
      b.put(used + HEADER_SIZE, e.name());
      last = used;
      used += len;
    }
    finish(b, last, room, out, ino, csumSeed);
    while (out.size() < minBlocks) {
      finish(newBlock(blockSize), -1, room, out, ino, csumSeed);
    }
    return out;
  }

  private static ByteBuffer newBlock(int blockSize) {
    return ByteBuffer.allocate(blockSize).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void finish(
      ByteBuffer b, int last, int room, List<byte[]> out, long ino, Integer csumSeed) {
    if (last < 0) {
      b.putInt(0, 0);
      b.putShort(4, (short) room);
    } else {
      b.putShort(last + 4, (short) (room - last));
    }
    byte[] bytes = b.array();
    if (csumSeed != null) {
      b.putShort(room + 4, (short) TAIL_SIZE);
      b.put(room + 7, (byte) TAIL_FT);
      int crc = Crc32c.updateLe32(Crc32c.updateLe32(csumSeed, (int) ino), 0);
      b.putInt(room + 8, Crc32c.update(crc, bytes, 0, room));
    }
    out.add(bytes);
  }
}
