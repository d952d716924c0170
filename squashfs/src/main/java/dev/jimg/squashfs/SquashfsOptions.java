/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.spi.FilesystemOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How a squashfs image is written. Immutable.
 *
 * @param compression the compressor (default {@link #DEFAULT_COMPRESSION})
 * @param level the compressor's level
 * @param blockSize data block size, a power of two from 4 KiB to 1 MiB (default 128 KiB)
 * @param threads compressor threads (default: all cores); the bytes do not depend on it
 * @param fragments pack file tails into shared fragment blocks (default true)
 * @param dedup store files with identical bytes once (default true)
 * @param xzFilters xz BCJ filters to try per block, keeping the smallest (xz only)
 * @param exportable write the export (NFS lookup) table
 */
public record SquashfsOptions(
    Compression compression,
    int level,
    int blockSize,
    int threads,
    boolean fragments,
    boolean dedup,
    List<String> xzFilters,
    boolean exportable) {

  /**
   * The default compressor: zstd. It decompresses several times faster than xz and gzip, compresses
   * close to xz at the default level 15, and every kernel since 4.14 mounts it.
   */
  public static final Compression DEFAULT_COMPRESSION = Compression.ZSTD;

  /** The default block size, as mksquashfs. */
  public static final int DEFAULT_BLOCK_SIZE = 128 * 1024;

  static final int MIN_BLOCK_SIZE = 4096;
  static final int MAX_BLOCK_SIZE = 1024 * 1024;

  static final String COMPRESSION = "compression";
  static final String LEVEL = "level";
  static final String BLOCK_SIZE = "block-size";
  static final String THREADS = "threads";
  static final String NO_FRAGMENTS = "no-fragments";
  static final String NO_DEDUP = "no-dedup";
  static final String XZ_FILTERS = "xz-filters";
  static final String EXPORTABLE = "exportable";
  static final String DROP_ACLS = "drop-acls";

  public SquashfsOptions {
    xzFilters = List.copyOf(xzFilters);
  }

  /** The defaults. */
  public static SquashfsOptions defaults() {
    return new SquashfsOptions(
        DEFAULT_COMPRESSION,
        DEFAULT_COMPRESSION.defaultLevel(),
        DEFAULT_BLOCK_SIZE,
        Runtime.getRuntime().availableProcessors(),
        true,
        true,
        List.of(),
        false);
  }

  /** A copy with another compressor at its default level. */
  public SquashfsOptions withCompression(Compression c) {
    return new SquashfsOptions(
        c, c.defaultLevel(), blockSize, threads, fragments, dedup, xzFilters, exportable);
  }

  /** A copy with another thread count. */
  public SquashfsOptions withThreads(int n) {
    return new SquashfsOptions(
        compression, level, blockSize, n, fragments, dedup, xzFilters, exportable);
  }

  /** A copy with another block size. */
  public SquashfsOptions withBlockSize(int size) {
    return new SquashfsOptions(
        compression, level, size, threads, fragments, dedup, xzFilters, exportable);
  }

  /** A copy with fragments, dedup and export switched as given. */
  public SquashfsOptions with(boolean fragments, boolean dedup, boolean exportable) {
    return new SquashfsOptions(
        compression, level, blockSize, threads, fragments, dedup, xzFilters, exportable);
  }

  /** The options the provider understands, with one-line descriptions. */
  static SortedMap<String, String> descriptions() {
    SortedMap<String, String> m = new TreeMap<>();
    m.put(COMPRESSION, "zstd (default), xz, gzip, lz4 or none");
    m.put(
        LEVEL,
        "compression level (zstd 1-22, default 15; xz 0-9, default 6; gzip 1-9, default 8;"
            + " lz4 0 fast (default) or 1-12 HC)");
    m.put(BLOCK_SIZE, "data block size, a power of two from 4K to 1M (default 128K)");
    m.put(THREADS, "compressor threads (default: all cores); the image does not depend on it");
    m.put(NO_FRAGMENTS, "store file tails as short blocks instead of packing them into fragments");
    m.put(NO_DEDUP, "store every file in full, even where its blocks or tail equal another's");
    m.put(
        XZ_FILTERS, "xz BCJ filters to try, comma-separated: x86,powerpc,ia64,arm,armthumb,sparc");
    m.put(EXPORTABLE, "write the export table so the image can be exported over NFS");
    m.put(
        DROP_ACLS,
        "leave out POSIX ACLs (system.posix_acl_* xattrs), which squashfs cannot store, instead of"
            + " refusing them (mksquashfs drops them with a warning)");
    return Collections.unmodifiableSortedMap(m);
  }

  /** Parses the provider's string options strictly. */
  static SquashfsOptions parse(Map<String, String> raw) throws InvalidOptionException {
    FilesystemOptions o = FilesystemOptions.requireKnown("squashfs", raw, descriptions().keySet());
    Compression c = DEFAULT_COMPRESSION;
    if (o.string(COMPRESSION).isPresent()) {
      String name = o.string(COMPRESSION).get();
      c = Compression.byCliName(name);
      if (c == null) {
        throw new InvalidOptionException(
            "squashfs option compression: '"
                + name
                + "' is not supported; use zstd, xz, gzip, lz4 or none (lzo is not built in)");
      }
    }
    int level = (int) o.integer(LEVEL, c.minLevel(), c.maxLevel()).orElse(c.defaultLevel());
    long bs = o.size(BLOCK_SIZE).orElse(DEFAULT_BLOCK_SIZE);
    if (bs < MIN_BLOCK_SIZE || bs > MAX_BLOCK_SIZE || Long.bitCount(bs) != 1) {
      throw new InvalidOptionException(
          "squashfs option block-size: "
              + bs
              + " bytes is not a power of two from 4K to 1M; use e.g. 128K");
    }
    int threads =
        (int) o.integer(THREADS, 1, 1024).orElse(Runtime.getRuntime().availableProcessors());
    boolean noFragments = o.bool(NO_FRAGMENTS).orElse(false);
    boolean noDedup = o.bool(NO_DEDUP).orElse(false);
    boolean exportable = o.bool(EXPORTABLE).orElse(false);
    List<String> filters = new ArrayList<>();
    if (o.string(XZ_FILTERS).isPresent()) {
      if (c != Compression.XZ) {
        throw new InvalidOptionException(
            "squashfs option xz-filters: only applies with compression xz, not " + c.cliName());
      }
      for (String f : o.string(XZ_FILTERS).get().split(",", -1)) {
        Compression.XzFilter filter = Compression.XzFilter.byName(f.trim());
        if (filter == null) {
          throw new InvalidOptionException(
              "squashfs option xz-filters: unknown filter '"
                  + f
                  + "'; use x86, powerpc, ia64, arm, armthumb or sparc");
        }
        if (!filters.contains(filter.name())) {
          filters.add(filter.name());
        }
      }
    }
    return new SquashfsOptions(
        c, level, (int) bs, threads, !noFragments, !noDedup, filters, exportable);
  }

  Compression.Codec codec() {
    List<Compression.XzFilter> f = new ArrayList<>();
    for (String s : xzFilters) {
      f.add(Compression.XzFilter.valueOf(s));
    }
    f.sort(null);
    return new Compression.Codec(compression, level, blockSize, f);
  }
}
