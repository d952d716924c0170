/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.RunsInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * File content computed from a seed: every byte is a pure function of (seed, fill, offset), so
 * nothing is held in memory however large the file, the same seed always gives the same bytes, and
 * any range can be read without reading what comes before it. Bytes outside the {@linkplain
 * #extents() extents} are zero (holes), so sparse files can be described exactly.
 *
 * <p>Immutable and thread-safe.
 */
public final class SeededContent implements Content {
  /** What the data extents hold. */
  public enum Fill {
    /** Pseudo-random bytes: incompressible. */
    RANDOM,
    /** Repetitive ASCII text: compresses well, exercises compressors. */
    TEXT,
    /** Explicit zero bytes inside data extents (not holes): exercises zero-block detection. */
    ZEROS
  }

  private static final byte[] TEXT =
      "the quick brown fox jumps over the lazy dog 0123456789\n"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final long size;
  private final long seed;
  private final Fill fill;
  private final List<Extent> extents;

  private SeededContent(long size, long seed, Fill fill, List<Extent> extents) {
    this.size = size;
    this.seed = seed;
    this.fill = Objects.requireNonNull(fill, "fill");
    this.extents = List.copyOf(extents);
  }

  /** A dense file of {@code size} bytes. */
  public static SeededContent dense(long size, long seed, Fill fill) {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    return new SeededContent(
        size, seed, fill, size == 0 ? List.of() : List.of(new Extent(0, size)));
  }

  /**
   * A sparse file: data only in {@code extents} (ascending, not overlapping, not touching, inside
   * {@code size}), holes elsewhere.
   *
   * @throws IllegalArgumentException if the extents are out of order, overlap, touch or exceed the
   *     size
   */
  public static SeededContent sparse(long size, long seed, Fill fill, List<Extent> extents) {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    long end = -1;
    for (Extent e : extents) {
      if (e.offset() <= end || e.end() > size) {
        throw new IllegalArgumentException(
            "extents must be ascending, apart and inside size " + size + ": " + extents);
      }
      end = e.end();
    }
    return new SeededContent(size, seed, fill, new ArrayList<>(extents));
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public List<Extent> extents() {
    return extents;
  }

  /** The seed the data bytes derive from. */
  public long seed() {
    return seed;
  }

  public Fill fill() {
    return fill;
  }

  /** The byte at {@code offset} (0 in holes). */
  public byte byteAt(long offset) {
    if (offset < 0 || offset >= size) {
      throw new IndexOutOfBoundsException("offset " + offset + " outside size " + size);
    }
    for (Extent e : extents) {
      if (offset >= e.offset() && offset < e.end()) {
        return dataByte(offset);
      }
    }
    return 0;
  }

  /**
   * Fills {@code buf[off, off+len)} with the data bytes at file offset {@code pos}, ignoring holes
   * (callers use it for positions inside an extent).
   */
  void fillData(long pos, byte[] buf, int off, int len) {
    switch (fill) {
      case ZEROS -> java.util.Arrays.fill(buf, off, off + len, (byte) 0);
      case TEXT -> {
        long start = Math.floorMod(pos + seed, (long) TEXT.length);
        for (int i = 0; i < len; i++) {
          buf[off + i] = TEXT[(int) ((start + i) % TEXT.length)];
        }
      }
      case RANDOM -> {
        long word = pos >>> 3;
        int lane = (int) (pos & 7);
        long bits = mix(seed, word);
        for (int i = 0; i < len; i++) {
          buf[off + i] = (byte) (bits >>> (lane * 8));
          if (++lane == 8) {
            lane = 0;
            bits = mix(seed, ++word);
          }
        }
      }
    }
  }

  private byte dataByte(long offset) {
    byte[] one = new byte[1];
    fillData(offset, one, 0, 1);
    return one[0];
  }

  /** SplitMix64 finaliser over (seed, index): a cheap, well-mixed, position-addressable stream. */
  private static long mix(long seed, long index) {
    long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public InputStream open() {
    return new Stream();
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "seeded[size=%d seed=%x fill=%s extents=%s]", size, seed, fill, extents);
  }

  private final class Stream extends RunsInputStream {
    Stream() {
      super(
          size,
          extents.stream().mapToLong(Extent::offset).toArray(),
          extents.stream().mapToLong(Extent::length).toArray());
    }

    @Override
    protected int readRun(int run, long inRun, byte[] b, int off, int len) {
      fillData(extents.get(run).offset() + inRun, b, off, len);
      return len;
    }
  }
}
