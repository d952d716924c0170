/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.ImageTooSmallException;
import dev.jimg.core.Sizes;
import java.util.ArrayList;
import java.util.List;

/**
 * Places partitions on a disk: aligned starts, sizes from the size rules, free space to growing
 * partitions, everything inside the usable range (never over the backup GPT). Pure arithmetic.
 */
final class LayoutPlanner {
  /** GPT entries in the array, the number every tool writes and the kernel expects. */
  static final int GPT_ENTRIES = 128;

  private static final long MIB = 1L << 20;

  private LayoutPlanner() {}

  /** Sectors of one GPT entry array. */
  static long gptArraySectors(int sectorSize) {
    return ceilDiv((long) GPT_ENTRIES * GptPartitionEntry.SIZE, sectorSize);
  }

  /** The first usable LBA: after the MBR (and the primary GPT header and array). */
  static long firstUsableLba(TableType table, int sectorSize) {
    return table != TableType.MBR ? 2 + gptArraySectors(sectorSize) : 1;
  }

  /** The first usable LBA of {@code spec}: after the primary GPT array, wherever it is. */
  static long firstUsableLba(DiskSpec spec) {
    return spec.table() != TableType.MBR
        ? spec.primaryArrayLba() + gptArraySectors(spec.sectorSize())
        : 1;
  }

  /** Sectors at the end of the disk kept for the backup GPT. */
  static long trailingSectors(TableType table, int sectorSize) {
    return table != TableType.MBR ? 1 + gptArraySectors(sectorSize) : 0;
  }

  /** Start and size in bytes of each partition. */
  record Extent(long offset, long size) {
    long end() {
      return offset + size;
    }
  }

  /** The planned disk: its size in bytes and the partition extents. */
  record Plan(long diskBytes, List<Extent> extents) {}

  /**
   * Plans the disk.
   *
   * @param needs for each partition the bytes its content needs, or 0 if it has none
   * @param minDiskBytes the disk must reach at least this (blob ends)
   */
  static Plan plan(DiskSpec spec, List<Long> needs, long minDiskBytes)
      throws ImageTooSmallException, DiskLayoutException {
    int ss = spec.sectorSize();
    long align = spec.alignment();
    List<PartitionSpec> parts = spec.partitions();
    long[] base = new long[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      base[i] = baseSize(spec, i, needs.get(i));
    }
    long firstByte = firstUsableLba(spec) * ss;
    long trailing = trailingSectors(spec.table(), ss) * ss;

    List<Extent> placed = place(spec, base, firstByte);
    long end = placed.isEmpty() ? firstByte : placed.get(placed.size() - 1).end();
    long diskBytes;
    if (spec.size().isPresent()) {
      diskBytes = spec.size().getAsLong();
      if (diskBytes % ss != 0) {
        throw new DiskLayoutException(
            "disk size "
                + Sizes.thousands(diskBytes)
                + " is not a multiple of the sector size "
                + ss);
      }
    } else {
      // the backup GPT goes after the blobs too, so that a blob near the end does not overlap it
      diskBytes = alignUp(Math.max(end, minDiskBytes) + trailing, align);
    }
    long usableEnd = diskBytes - trailing;

    int growers = 0;
    for (PartitionSpec p : parts) {
      growers += p.grow() ? 1 : 0;
    }
    if (growers > 0 && usableEnd > end) {
      long share = alignDown((usableEnd - end) / growers, align);
      boolean changed = false;
      for (int i = 0; i < parts.size(); i++) {
        PartitionSpec p = parts.get(i);
        if (p.grow()) {
          long grown = base[i] + share;
          if (p.maxSize().isPresent()) {
            grown = Math.max(base[i], Math.min(grown, maxBytes(p, ss)));
          }
          changed |= grown != base[i];
          base[i] = grown;
        }
      }
      if (changed) {
        placed = place(spec, base, firstByte);
        end = placed.get(placed.size() - 1).end();
      }
    }
    if (end > usableEnd || diskBytes < minDiskBytes) {
      long needed = Math.max(end, minDiskBytes) + trailing;
      long suggestion = alignUp(needed, MIB);
      throw new ImageTooSmallException(
          (minDiskBytes > end ? "the blobs need a disk of " : "the partitions need a disk of ")
              + Sizes.thousands(needed)
              + " bytes"
              + (spec.table() != TableType.MBR
                  ? " (with the backup GPT's " + Sizes.thousands(trailing) + " bytes at the end)"
                  : "")
              + ", the spec gives "
              + Sizes.thousands(diskBytes)
              + "; use size: "
              + suggestion / MIB
              + "M or more, or omit size",
          needed,
          diskBytes);
    }
    for (int i = 0; i < placed.size(); i++) {
      if (placed.get(i).size() < ss) {
        throw new DiskLayoutException(
            describe(i, parts.get(i))
                + " would get no space: "
                + whyEmpty(spec, i, usableEnd - end));
      }
    }
    for (int i = 0; i < placed.size(); i++) {
      boolean inMbr =
          spec.table() == TableType.MBR
              || (spec.table() == TableType.HYBRID && parts.get(i).hybrid());
      if (inMbr && placed.get(i).end() / ss > MbrPartitionRecord.MAX_LBA32) {
        throw new DiskLayoutException(
            describe(i, parts.get(i))
                + (spec.table() == TableType.HYBRID ? ", mirrored in the hybrid MBR," : "")
                + " ends at byte "
                + Sizes.thousands(placed.get(i).end())
                + ", beyond the 2^32 sectors an MBR can address; "
                + (spec.table() == TableType.HYBRID
                    ? "mirror only partitions below that (hybrid: true) or use table: gpt"
                    : "use table: gpt"));
      }
    }
    return new Plan(diskBytes, placed);
  }

  private static long baseSize(DiskSpec spec, int i, long need)
      throws ImageTooSmallException, DiskLayoutException {
    PartitionSpec p = spec.partitions().get(i);
    String what = describe(i, p);
    int ss = spec.sectorSize();
    if (p.size().isPresent()) {
      long size = p.size().getAsLong();
      if (size <= 0 || size % ss != 0) {
        throw new DiskLayoutException(
            what + ": size " + Sizes.thousands(size) + " is not a positive multiple of " + ss);
      }
      if (size < need) {
        throw new ImageTooSmallException(
            what
                + ": its content needs "
                + Sizes.thousands(need)
                + " bytes ("
                + Sizes.format(need)
                + ") but size is "
                + Sizes.thousands(size)
                + "; raise size or omit it",
            need,
            size);
      }
      return size;
    }
    long size = Math.max(need, p.minSize().orElse(0));
    if (size == 0 && !p.grow()) {
      throw new DiskLayoutException(
          what + ": give a size (or min-size, grow: true, a filesystem or a content file)");
    }
    size = alignUp(size, spec.alignment());
    if (p.maxSize().isPresent() && size > maxBytes(p, ss)) {
      long max = maxBytes(p, ss);
      if (need > max) {
        long given = p.maxSize().getAsLong();
        throw new ImageTooSmallException(
            what
                + ": its content needs "
                + Sizes.thousands(need)
                + " bytes but max-size is "
                + Sizes.thousands(given)
                + (given != max
                    ? " (" + Sizes.thousands(max) + " in whole " + ss + "-byte sectors)"
                    : ""),
            need,
            max);
      }
      size = max;
    }
    return size;
  }

  /**
   * Why growing partition {@code i} got nothing, {@code free} bytes being left at the end of the
   * usable range.
   */
  private static String whyEmpty(DiskSpec spec, int i, long free) {
    PartitionSpec p = spec.partitions().get(i);
    int ss = spec.sectorSize();
    if (p.maxSize().isPresent() && maxBytes(p, ss) == 0) {
      return "its max-size of "
          + Sizes.thousands(p.maxSize().getAsLong())
          + " bytes is less than one "
          + ss
          + "-byte sector";
    }
    if (spec.size().isEmpty()) {
      return "grow: true takes the free space of a disk whose size is given, and the spec gives"
          + " none; add size: to the disk or min-size: to the partition";
    }
    return "the disk leaves "
        + Sizes.thousands(Math.max(0, free))
        + " bytes free, less than the alignment of "
        + Sizes.thousands(spec.alignment())
        + " bytes for each growing partition; raise the disk's size or give the partition a"
        + " min-size";
  }

  /**
   * The largest size {@code p}'s max-size allows: whole sectors, since a partition table counts
   * sectors (a partition of max-size 1023 on a 512-byte-sector disk holds 512 bytes).
   */
  private static long maxBytes(PartitionSpec p, int ss) {
    return alignDown(p.maxSize().getAsLong(), ss);
  }

  /**
   * Whether partition {@code index} is a logical partition: on an MBR disk with more than four
   * partitions, the fourth and later ones go into an extended partition.
   */
  static boolean isLogical(DiskSpec spec, int index) {
    return spec.table() == TableType.MBR
        && spec.partitions().size() > MasterBootRecord.RECORDS
        && index >= MasterBootRecord.RECORDS - 1;
  }

  private static List<Extent> place(DiskSpec spec, long[] sizes, long firstByte)
      throws DiskLayoutException {
    List<Extent> out = new ArrayList<>();
    long cursor = firstByte;
    int ss = spec.sectorSize();
    for (int i = 0; i < sizes.length; i++) {
      PartitionSpec p = spec.partitions().get(i);
      // a logical partition's extended boot record takes the sector just before it
      long ebr = isLogical(spec, i) ? ss : 0;
      long start;
      if (p.offset().isPresent()) {
        start = p.offset().getAsLong();
        if (start % ss != 0) {
          throw new DiskLayoutException(
              describe(i, p)
                  + ": offset "
                  + Sizes.thousands(start)
                  + " is not a multiple of the sector size "
                  + ss);
        }
        if (i > 0 && start + sizes[i] <= out.get(i - 1).offset()) {
          throw new DiskLayoutException(
              describe(i, p)
                  + " at offset "
                  + Sizes.thousands(start)
                  + " lies before "
                  + describe(i - 1, spec.partitions().get(i - 1))
                  + " at "
                  + Sizes.thousands(out.get(i - 1).offset())
                  + "; partitions are placed in the order listed, so list them in the order of"
                  + " their offsets");
        }
        if (start - ebr < cursor) {
          throw new DiskLayoutException(
              describe(i, p)
                  + " at offset "
                  + Sizes.thousands(start)
                  + (ebr > 0 ? " (with its extended boot record in the sector before)" : "")
                  + " overlaps "
                  + (i == 0
                      ? "the partition table, which ends at byte " + Sizes.thousands(firstByte)
                      : describe(i - 1, spec.partitions().get(i - 1))
                          + ", which ends at byte "
                          + Sizes.thousands(cursor)));
        }
      } else {
        start = alignUp(cursor + ebr, spec.alignment());
      }
      Extent e = new Extent(start, sizes[i]);
      out.add(e);
      cursor = e.end();
    }
    return out;
  }

  static String describe(int index, PartitionSpec p) {
    return "partitions[" + index + "]" + (p.name().isEmpty() ? "" : " (" + p.name() + ")");
  }

  static long alignUp(long value, long align) {
    return Math.multiplyExact(ceilDiv(value, align), align);
  }

  static long alignDown(long value, long align) {
    return value / align * align;
  }

  static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
