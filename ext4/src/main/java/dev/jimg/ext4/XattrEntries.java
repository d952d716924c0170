/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.tree.Xattr;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Extended attributes as ext4 stores them (Linux {@code fs/ext4/xattr.h}): {@code struct
 * ext4_xattr_entry} records with the name's namespace as an index, in the inode after its extra
 * fields ({@code struct ext4_xattr_ibody_header}) and, when they do not fit there, in one block
 * ({@code struct ext4_xattr_header}) whose entries are sorted by (index, name length, name) as the
 * kernel's lookup expects. POSIX ACLs are converted to ext4's on-disk form.
 */
final class XattrEntries {
  static final int MAGIC = 0xEA02_0000;
  static final int BLOCK_HEADER_SIZE = 32;
  static final int IBODY_HEADER_SIZE = 4;
  static final int ENTRY_HEADER_SIZE = 16;

  private static final int H_MAGIC = 0x00;
  private static final int H_REFCOUNT = 0x04;
  private static final int H_BLOCKS = 0x08;
  private static final int H_HASH = 0x0C;
  static final int H_CHECKSUM = 0x10;

  private static final int INDEX_USER = 1;
  private static final int INDEX_POSIX_ACL_ACCESS = 2;
  private static final int INDEX_POSIX_ACL_DEFAULT = 3;
  private static final int INDEX_TRUSTED = 4;
  private static final int INDEX_SECURITY = 6;
  private static final int INDEX_SYSTEM = 7;

  private static final String ACL_ACCESS = "system.posix_acl_access";
  private static final String ACL_DEFAULT = "system.posix_acl_default";

  /** One attribute in ext4's terms. */
  record Item(int index, byte[] suffix, byte[] value) {
    int entrySize() {
      return (ENTRY_HEADER_SIZE + suffix.length + 3) & ~3;
    }

    int valueSize() {
      return (value.length + 3) & ~3;
    }
  }

  /** Where an inode's attributes go: in the inode body, and the rest in one block. */
  record Placement(List<Item> ibody, List<Item> block) {}

  private static final Comparator<Item> ORDER =
      Comparator.<Item>comparingInt(Item::index)
          .thenComparingInt(i -> i.suffix().length)
          .thenComparing(Item::suffix, java.util.Arrays::compareUnsigned);

  private XattrEntries() {}

  /**
   * Splits {@code xattrs} between the inode body ({@code ibodySpace} bytes after the extra fields)
   * and a block of {@code blockSize}.
   *
   * @return the placement, or null if they do not fit (the caller names the entry)
   */
  static Placement place(List<Xattr> xattrs, int ibodySpace, int blockSize) {
    List<Item> items = new ArrayList<>();
    for (Xattr x : xattrs) {
      items.add(item(x));
    }
    items.sort(ORDER);
    List<Item> ibody = new ArrayList<>();
    List<Item> block = new ArrayList<>();
    int used = IBODY_HEADER_SIZE + 4;
    for (Item it : items) {
      int need = it.entrySize() + it.valueSize();
      if (block.isEmpty() && used + need <= ibodySpace) {
        ibody.add(it);
        used += need;
      } else {
        block.add(it);
      }
    }
    int blockUsed = BLOCK_HEADER_SIZE + 4;
    for (Item it : block) {
      blockUsed += it.entrySize() + it.valueSize();
    }
    if (blockUsed > blockSize) {
      return null;
    }
    return new Placement(List.copyOf(ibody), List.copyOf(block));
  }

  static Item item(Xattr x) {
    String name = x.name();
    byte[] value = x.value();
    int index;
    String suffix;
    if (name.equals(ACL_ACCESS)) {
      index = INDEX_POSIX_ACL_ACCESS;
      suffix = "";
      value = aclToDisk(value);
    } else if (name.equals(ACL_DEFAULT)) {
      index = INDEX_POSIX_ACL_DEFAULT;
      suffix = "";
      value = aclToDisk(value);
    } else if (name.startsWith("user.")) {
      index = INDEX_USER;
      suffix = name.substring(5);
    } else if (name.startsWith("trusted.")) {
      index = INDEX_TRUSTED;
      suffix = name.substring(8);
    } else if (name.startsWith("security.")) {
      index = INDEX_SECURITY;
      suffix = name.substring(9);
    } else if (name.startsWith("system.")) {
      index = INDEX_SYSTEM;
      suffix = name.substring(7);
    } else {
      index = 0;
      suffix = name;
    }
    return new Item(index, suffix.getBytes(StandardCharsets.UTF_8), value);
  }

  /**
   * The in-inode region ({@code space} bytes): magic, entries from its start, values packed from
   * its end; offsets count from the first entry.
   */
  static byte[] encodeIbody(List<Item> items, int space) {
    ByteBuffer b = ByteBuffer.allocate(space).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, MAGIC);
    writeEntries(b, IBODY_HEADER_SIZE, space, IBODY_HEADER_SIZE, items);
    return b.array();
  }

  /** An xattr block at block {@code blockNumber}, checksummed when {@code csumSeed} is set. */
  static byte[] encodeBlock(
      List<Item> items, int blockSize, long blockNumber, int refcount, Integer csumSeed) {
    ByteBuffer b = ByteBuffer.allocate(blockSize).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(H_MAGIC, MAGIC);
    b.putInt(H_REFCOUNT, refcount);
    b.putInt(H_BLOCKS, 1);
    int hash = writeEntries(b, BLOCK_HEADER_SIZE, blockSize, 0, items);
    b.putInt(H_HASH, hash);
    byte[] out = b.array();
    if (csumSeed != null) {
      int crc = Crc32c.update(Crc32c.updateLe64(csumSeed, blockNumber), out);
      b.putInt(H_CHECKSUM, crc);
    }
    return out;
  }

  /** Writes entries from {@code first} and values down from {@code end}; returns the block hash. */
  private static int writeEntries(ByteBuffer b, int first, int end, int base, List<Item> items) {
    int at = first;
    int valueEnd = end;
    int blockHash = 0;
    for (Item it : items) {
      int offs = 0;
      if (it.value().length > 0) {
        valueEnd -= it.valueSize();
        b.put(valueEnd, it.value());
        offs = valueEnd - base;
      }
      int hash = entryHash(it.suffix(), it.value());
      b.put(at, (byte) it.suffix().length);
      b.put(at + 1, (byte) it.index());
      b.putShort(at + 2, (short) offs);
      b.putInt(at + 4, 0);
      b.putInt(at + 8, it.value().length);
      b.putInt(at + 12, hash);
      b.put(at + ENTRY_HEADER_SIZE, it.suffix());
      at += it.entrySize();
      blockHash = (blockHash << 16) ^ (blockHash >>> 16) ^ hash;
    }
    return blockHash;
  }

  /** {@code ext4_xattr_hash_entry}: name bytes unsigned, value as little-endian words. */
  static int entryHash(byte[] name, byte[] value) {
    int hash = 0;
    for (byte c : name) {
      hash = (hash << 5) ^ (hash >>> 27) ^ (c & 0xFF);
    }
    ByteBuffer v = ByteBuffer.allocate((value.length + 3) & ~3).order(ByteOrder.LITTLE_ENDIAN);
    v.put(value);
    for (int i = 0; i < v.capacity(); i += 4) {
      hash = (hash << 16) ^ (hash >>> 16) ^ v.getInt(i);
    }
    return hash;
  }

  /** The inverse of {@link #aclToDisk}: ext4's version 1 form back to the xattr (v2) form. */
  static byte[] aclFromDisk(byte[] disk) {
    if (disk.length < 4) {
      return disk;
    }
    ByteBuffer in = ByteBuffer.wrap(disk).order(ByteOrder.LITTLE_ENDIAN);
    if (in.getInt(0) != 1) {
      return disk;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ByteBuffer e = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    out.write(e.putInt(0, 2).array(), 0, 4);
    int at = 4;
    while (at + 4 <= disk.length) {
      int tag = in.getShort(at) & 0xFFFF;
      boolean longForm = tag == 0x02 || tag == 0x08;
      e.putShort(0, (short) tag);
      e.putShort(2, in.getShort(at + 2));
      e.putInt(4, longForm && at + 8 <= disk.length ? in.getInt(at + 4) : -1);
      out.writeBytes(e.array());
      at += longForm ? 8 : 4;
    }
    return out.toByteArray();
  }

  /**
   * Converts a POSIX ACL from the xattr form user space sees (version 2, 8-byte entries) to ext4's
   * (version 1, 4-byte entries for the owner, group, mask and other classes); anything else is
   * stored as given.
   */
  static byte[] aclToDisk(byte[] xattr) {
    final int aclUser = 0x02;
    final int aclGroup = 0x08;
    if (xattr.length < 4 || (xattr.length - 4) % 8 != 0) {
      return xattr;
    }
    ByteBuffer in = ByteBuffer.wrap(xattr).order(ByteOrder.LITTLE_ENDIAN);
    if (in.getInt(0) != 2) {
      return xattr;
    }
    int n = (xattr.length - 4) / 8;
    ByteBuffer out = ByteBuffer.allocate(4 + 8 * n).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(1);
    for (int i = 0; i < n; i++) {
      int at = 4 + 8 * i;
      int tag = in.getShort(at) & 0xFFFF;
      out.putShort((short) tag);
      out.putShort(in.getShort(at + 2));
      if (tag == aclUser || tag == aclGroup) {
        out.putInt(in.getInt(at + 4));
      }
    }
    byte[] r = new byte[out.position()];
    out.get(0, r);
    return r;
  }
}
