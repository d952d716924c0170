/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.UnsupportedEntryException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An indexed (htree) directory (Linux {@code fs/ext4/namei.c}: {@code struct dx_root}, {@code
 * dx_node}, {@code dx_entry}, {@code dx_tail}): block 0 holds fake "." and ".." records and the
 * root index, then (for very wide directories) one level of index nodes, then the leaves: ordinary
 * directory blocks whose names are sorted by (half-MD4 hash, minor hash). A leaf that starts inside
 * a run of equal hashes is indexed with the hash's low bit set, as the kernel expects.
 */
final class HtreeDirectory {
  static final int HASH_VERSION_HALF_MD4 = 1;
  private static final int ROOT_ENTRIES = 0x20;
  private static final int NODE_ENTRIES = 0x08;
  private static final int INFO_LENGTH = 8;
  private static final int DX_TAIL_SIZE = 8;

  private record Hashed(int hash, int minor, DirectoryBlocks.DirEntry entry) {}

  private HtreeDirectory() {}

  /**
   * The directory's blocks in logical order.
   *
   * @param children the names in the directory, without "." and ".."
   * @param hashSeed {@code s_hash_seed} as four little-endian words
   */
  static List<byte[]> build(
      List<DirectoryBlocks.DirEntry> children,
      long ino,
      long parent,
      int blockSize,
      Integer csumSeed,
      int[] hashSeed,
      String where)
      throws UnsupportedEntryException {
    List<Hashed> hashed = new ArrayList<>(children.size());
    for (DirectoryBlocks.DirEntry e : children) {
      int[] h = DxHash.halfMd4(e.name(), hashSeed);
      hashed.add(new Hashed(h[0], h[1], e));
    }
    hashed.sort(
        (a, b) -> {
          int c = Integer.compareUnsigned(a.hash, b.hash);
          if (c == 0) {
            c = Integer.compareUnsigned(a.minor, b.minor);
          }
          return c != 0 ? c : Arrays.compareUnsigned(a.entry.name(), b.entry.name());
        });
    int room = blockSize - (csumSeed != null ? DirectoryBlocks.TAIL_SIZE : 0);
    List<List<DirectoryBlocks.DirEntry>> leaves = new ArrayList<>();
    List<Integer> leafHash = new ArrayList<>();
    List<DirectoryBlocks.DirEntry> cur = new ArrayList<>();
    int used = 0;
    int prevHash = 0;
    for (Hashed h : hashed) {
      int len = h.entry.recLen();
      if (cur.isEmpty() || used + len > room) {
        if (!cur.isEmpty()) {
          leaves.add(cur);
          cur = new ArrayList<>();
        }
        boolean continues = !leaves.isEmpty() && h.hash == prevHash;
        leafHash.add(leaves.isEmpty() ? 0 : (continues ? h.hash | 1 : h.hash));
        used = 0;
      }
      cur.add(h.entry);
      used += len;
      prevHash = h.hash;
    }
    if (!cur.isEmpty()) {
      leaves.add(cur);
    }
    int csumBytes = csumSeed != null ? DX_TAIL_SIZE : 0;
    int rootLimit = (blockSize - ROOT_ENTRIES - csumBytes) / 8;
    int nodeLimit = (blockSize - NODE_ENTRIES - csumBytes) / 8;
    int nLeaves = leaves.size();
    List<byte[]> out = new ArrayList<>();
    if (nLeaves <= rootLimit) {
      long[] blocks = new long[nLeaves];
      int[] hashes = new int[nLeaves];
      for (int i = 0; i < nLeaves; i++) {
        blocks[i] = 1 + i;
        hashes[i] = leafHash.get(i);
      }
      out.add(root(ino, parent, blockSize, csumSeed, rootLimit, 0, hashes, blocks));
    } else {
      int nodes = (nLeaves + nodeLimit - 1) / nodeLimit;
      if (nodes > rootLimit) {
        throw new UnsupportedEntryException(
            where
                + ": "
                + children.size()
                + " names need a third htree level (largedir), which this writer does not make");
      }
      long[] rootBlocks = new long[nodes];
      int[] rootHashes = new int[nodes];
      List<byte[]> nodeBlocks = new ArrayList<>();
      for (int n = 0; n < nodes; n++) {
        int first = n * nodeLimit;
        int count = Math.min(nodeLimit, nLeaves - first);
        long[] blocks = new long[count];
        int[] hashes = new int[count];
        for (int i = 0; i < count; i++) {
          blocks[i] = 1 + nodes + first + i;
          hashes[i] = leafHash.get(first + i);
        }
        rootBlocks[n] = 1 + n;
        rootHashes[n] = leafHash.get(first);
        nodeBlocks.add(node(ino, blockSize, csumSeed, nodeLimit, hashes, blocks));
      }
      out.add(root(ino, parent, blockSize, csumSeed, rootLimit, 1, rootHashes, rootBlocks));
      out.addAll(nodeBlocks);
    }
    for (List<DirectoryBlocks.DirEntry> leaf : leaves) {
      out.addAll(DirectoryBlocks.build(leaf, blockSize, ino, csumSeed, 1));
    }
    return out;
  }

  private static byte[] root(
      long ino,
      long parent,
      int blockSize,
      Integer csumSeed,
      int limit,
      int levels,
      int[] hashes,
      long[] blocks) {
    ByteBuffer b = ByteBuffer.allocate(blockSize).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, (int) ino);
    b.putShort(4, (short) 12);
    b.put(6, (byte) 1);
    b.put(7, (byte) DirectoryBlocks.FT_DIR);
    b.put(8, (byte) '.');
    b.putInt(12, (int) parent);
    b.putShort(16, (short) (blockSize - 12));
    b.put(18, (byte) 2);
    b.put(19, (byte) DirectoryBlocks.FT_DIR);
    b.put(20, (byte) '.');
    b.put(21, (byte) '.');
    // dx_root_info: reserved_zero, hash_version, info_length, indirect_levels, unused_flags
    b.put(28, (byte) HASH_VERSION_HALF_MD4);
    b.put(29, (byte) INFO_LENGTH);
    b.put(30, (byte) levels);
    entries(b, ROOT_ENTRIES, limit, hashes, blocks);
    return checksum(b, ino, csumSeed, ROOT_ENTRIES, limit, hashes.length);
  }

  private static byte[] node(
      long ino, int blockSize, Integer csumSeed, int limit, int[] hashes, long[] blocks) {
    ByteBuffer b = ByteBuffer.allocate(blockSize).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(4, (short) blockSize);
    entries(b, NODE_ENTRIES, limit, hashes, blocks);
    return checksum(b, ino, csumSeed, NODE_ENTRIES, limit, hashes.length);
  }

  private static void entries(ByteBuffer b, int at, int limit, int[] hashes, long[] blocks) {
    b.putShort(at, (short) limit);
    b.putShort(at + 2, (short) hashes.length);
    b.putInt(at + 4, (int) blocks[0]);
    for (int i = 1; i < hashes.length; i++) {
      b.putInt(at + 8 * i, hashes[i]);
      b.putInt(at + 8 * i + 4, (int) blocks[i]);
    }
  }

  private static byte[] checksum(
      ByteBuffer b, long ino, Integer csumSeed, int at, int limit, int count) {
    byte[] bytes = b.array();
    if (csumSeed != null) {
      int tail = at + 8 * limit;
      int crc = Crc32c.updateLe32(Crc32c.updateLe32(csumSeed, (int) ino), 0);
      crc = Crc32c.update(crc, bytes, 0, at + 8 * count);
      crc = Crc32c.update(crc, bytes, tail, 4);
      crc = Crc32c.updateLe32(crc, 0); // dt_checksum, zero while summing
      b.putInt(tail + 4, crc);
    }
    return bytes;
  }
}
