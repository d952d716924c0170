/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.Deflater;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.tukaani.xz.ARMOptions;
import org.tukaani.xz.ARMThumbOptions;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.FilterOptions;
import org.tukaani.xz.IA64Options;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.PowerPCOptions;
import org.tukaani.xz.SPARCOptions;
import org.tukaani.xz.X86Options;
import org.tukaani.xz.XZOutputStream;

/**
 * The compressors squashfs 4.0 names in its superblock ({@code compression_id}), as the Linux
 * kernel decodes them: gzip is a zlib stream, xz an .xz stream with a CRC32 check (the kernel's
 * decoder refuses CRC64 and SHA-256), zstd one zstd frame. {@link #NONE} is not a squashfs
 * compressor: it stores every block raw and sets the "uncompressed" superblock flags, keeping the
 * gzip id as mksquashfs does.
 */
public enum Compression {
  /**
   * zlib stream through {@link Deflater} (level 1..9, default 8). Not mksquashfs's 9: on a Debian
   * rootfs and on a 1.1 GB tree level 9 took twice the CPU of level 8 (zlib searches match chains
   * four times as long) for images 0.04% smaller (410,822,194 against 410,980,814 bytes; 120 s
   * against 57 s on two threads), and level 8 images are still smaller than mksquashfs's at 9.
   */
  GZIP(1, "gzip", 1, 9, 8),
  /** .xz stream with LZMA2, dictionary = block size, CRC32 check (preset 0..9, default 6). */
  XZ(4, "xz", 0, 9, 6),
  /**
   * One raw lz4 block (no frame), as the kernel's LZ4_decompress_safe reads it: level 0 is the fast
   * compressor (the default, as mksquashfs), 1..12 lz4 HC. Always written with the options block
   * (version 1, HC flag) that squashfs-tools requires. Pure-Java lz4-java, so the bytes do not
   * depend on a native library.
   */
  LZ4(5, "lz4", 0, 12, 0),
  /** One zstd frame made in one shot (level 1..22, default 15 as in mksquashfs). */
  ZSTD(6, "zstd", 1, 22, 15),
  /** Every block stored raw; the superblock says gzip with all "uncompressed" flags set. */
  NONE(1, "none", 0, 0, 0);

  /** The lz4 options block's version: 1, "legacy" (raw blocks), the only one defined. */
  static final int LZ4_LEGACY_VERSION = 1;

  /** The lz4 options block's flag for blocks made by lz4 HC. */
  static final int LZ4_HC_FLAG = 1;

  private final int id;
  private final String cliName;
  private final int minLevel;
  private final int maxLevel;
  private final int defaultLevel;

  /** The gzip level a reader assumes when an image has no compressor options block. */
  private static final int FORMAT_GZIP_LEVEL = 9;

  Compression(int id, String cliName, int minLevel, int maxLevel, int defaultLevel) {
    this.id = id;
    this.cliName = cliName;
    this.minLevel = minLevel;
    this.maxLevel = maxLevel;
    this.defaultLevel = defaultLevel;
  }

  /** The {@code compression_id} written in the superblock. */
  public int id() {
    return id;
  }

  /** The name used on the command line ({@code gzip}, {@code xz}, {@code zstd}, {@code none}). */
  public String cliName() {
    return cliName;
  }

  /** The lowest accepted level. */
  public int minLevel() {
    return minLevel;
  }

  /** The highest accepted level. */
  public int maxLevel() {
    return maxLevel;
  }

  /** The level used when none is given. */
  public int defaultLevel() {
    return defaultLevel;
  }

  /** The compressor for a command-line name, or null. */
  static Compression byCliName(String name) {
    for (Compression c : values()) {
      if (c.cliName.equals(name.toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    return null;
  }

  /** The xz branch/call/jump filters squashfs-tools names, in its flag-bit order. */
  enum XzFilter {
    X86,
    POWERPC,
    IA64,
    ARM,
    ARMTHUMB,
    SPARC;

    FilterOptions options() {
      return switch (this) {
        case X86 -> new X86Options();
        case POWERPC -> new PowerPCOptions();
        case IA64 -> new IA64Options();
        case ARM -> new ARMOptions();
        case ARMTHUMB -> new ARMThumbOptions();
        case SPARC -> new SPARCOptions();
      };
    }

    static XzFilter byName(String name) {
      for (XzFilter f : values()) {
        if (f.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
          return f;
        }
      }
      return null;
    }
  }

  /**
   * A configured compressor. {@link #compress} is thread-safe: each call borrows its own native
   * state (a zstd context, a Deflater) from a pool that {@link #close} releases. The output depends
   * only on the input, never on which pooled state compressed it.
   */
  static final class Codec implements AutoCloseable {
    private final Compression compression;
    private final int level;
    private final int blockSize;
    private final List<XzFilter> xzFilters;
    private final ConcurrentLinkedQueue<ZstdCompressCtx> zstdContexts =
        new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Deflater> deflaters = new ConcurrentLinkedQueue<>();

    /**
     * @param compression the algorithm
     * @param level the level
     * @param blockSize the data block size (the xz dictionary)
     * @param xzFilters the xz BCJ filters to try besides none (the smallest output wins)
     */
    Codec(Compression compression, int level, int blockSize, List<XzFilter> xzFilters) {
      this.compression = compression;
      this.level = level;
      this.blockSize = blockSize;
      this.xzFilters = List.copyOf(xzFilters);
    }

    @Override
    public void close() {
      for (ZstdCompressCtx c; (c = zstdContexts.poll()) != null; ) {
        c.close();
      }
      for (Deflater d; (d = deflaters.poll()) != null; ) {
        d.end();
      }
    }

    /**
     * {@code in[off, off+len)} compressed, or null if that is not smaller than {@code len} (the
     * caller then stores the bytes raw).
     */
    byte[] compress(byte[] in, int off, int len) {
      byte[] out =
          switch (compression) {
            case GZIP -> gzip(in, off, len);
            case XZ -> xz(in, off, len);
            case ZSTD -> zstd(in, off, len);
            case LZ4 -> lz4(in, off, len);
            case NONE -> null;
          };
      return out == null || out.length >= len ? null : out;
    }

    private byte[] gzip(byte[] in, int off, int len) {
      Deflater d = deflaters.poll();
      if (d == null) {
        d = new Deflater(level);
      } else {
        d.reset();
      }
      try {
        d.setInput(in, off, len);
        d.finish();
        byte[] buf = new byte[len + 64];
        int n = 0;
        while (!d.finished()) {
          if (n == buf.length) {
            return null;
          }
          n += d.deflate(buf, n, buf.length - n);
        }
        byte[] out = new byte[n];
        System.arraycopy(buf, 0, out, 0, n);
        return out;
      } finally {
        deflaters.add(d);
      }
    }

    private byte[] zstd(byte[] in, int off, int len) {
      ZstdCompressCtx ctx = zstdContexts.poll();
      if (ctx == null) {
        ctx = new ZstdCompressCtx();
        ctx.setLevel(level);
      }
      byte[] buf = new byte[(int) Zstd.compressBound(len)];
      int n;
      try {
        n = ctx.compressByteArray(buf, 0, buf.length, in, off, len);
      } finally {
        zstdContexts.add(ctx);
      }
      byte[] out = new byte[n];
      System.arraycopy(buf, 0, out, 0, n);
      return out;
    }

    private byte[] lz4(byte[] in, int off, int len) {
      LZ4Factory f = LZ4Factory.safeInstance();
      LZ4Compressor c = level == 0 ? f.fastCompressor() : f.highCompressor(level);
      byte[] buf = new byte[c.maxCompressedLength(len)];
      int n = c.compress(in, off, len, buf, 0, buf.length);
      byte[] out = new byte[n];
      System.arraycopy(buf, 0, out, 0, n);
      return out;
    }

    private byte[] xz(byte[] in, int off, int len) {
      byte[] best = xzWith(in, off, len, null);
      for (XzFilter f : xzFilters) {
        byte[] candidate = xzWith(in, off, len, f);
        if (candidate.length < best.length) {
          best = candidate;
        }
      }
      return best;
    }

    private byte[] xzWith(byte[] in, int off, int len, XzFilter filter) {
      try {
        LZMA2Options lzma = new LZMA2Options(level);
        lzma.setDictSize(Math.max(LZMA2Options.DICT_SIZE_MIN, blockSize));
        FilterOptions[] chain =
            filter == null
                ? new FilterOptions[] {lzma}
                : new FilterOptions[] {filter.options(), lzma};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(len / 2 + 64);
        try (XZOutputStream xz =
            new XZOutputStream(
                bytes, chain, org.tukaani.xz.XZ.CHECK_CRC32, BasicArrayCache.getInstance())) {
          xz.write(in, off, len);
        }
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException("xz compression in memory failed", e);
      }
    }

    /**
     * The compressor options block (without its metadata header), or null when the defaults hold
     * and none is written: gzip level/window/strategies, xz dictionary/filters, zstd level.
     */
    byte[] optionsBlock() {
      switch (compression) {
        case GZIP:
          if (level == FORMAT_GZIP_LEVEL) {
            return null;
          }
          return ByteBuffer.allocate(8)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putInt(level)
              .putShort((short) 15)
              .putShort((short) 1)
              .array();
        case XZ:
          if (xzFilters.isEmpty()) {
            return null;
          }
          int flags = 0;
          for (XzFilter f : xzFilters) {
            flags |= 1 << f.ordinal();
          }
          return ByteBuffer.allocate(8)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putInt(blockSize)
              .putInt(flags)
              .array();
        case LZ4:
          return ByteBuffer.allocate(8)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putInt(LZ4_LEGACY_VERSION)
              .putInt(level == 0 ? 0 : LZ4_HC_FLAG)
              .array();
        case ZSTD:
          if (level == ZSTD.defaultLevel) {
            return null;
          }
          return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(level).array();
        default:
          return null;
      }
    }

    /** A fresh list of the filter names, for messages. */
    List<String> filterNames() {
      List<String> out = new ArrayList<>();
      for (XzFilter f : xzFilters) {
        out.add(f.name().toLowerCase(Locale.ROOT));
      }
      return out;
    }
  }
}
