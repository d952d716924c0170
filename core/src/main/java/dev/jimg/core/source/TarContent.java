/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.JimgException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Extent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A regular file's bytes inside a {@link TarBacking}: one byte range for a dense file, or for a
 * sparse file one range per data extent (holes are not stored and read as zeros).
 *
 * <p>Immutable and thread-safe: every {@link #open()} reads positionally on its own.
 */
final class TarContent implements Content {
  private final TarBacking backing;
  private final long size;

  /** Dense files: where the bytes start in the backing file. */
  private final long position;

  /** Sparse files: logical offsets, lengths and backing positions of the data extents. */
  private final long[] offsets;

  private final long[] lengths;
  private final long[] positions;

  private TarContent(
      TarBacking backing,
      long size,
      long position,
      long[] offsets,
      long[] lengths,
      long[] positions) {
    this.backing = backing;
    this.size = size;
    this.position = position;
    this.offsets = offsets;
    this.lengths = lengths;
    this.positions = positions;
  }

  /** {@code size} bytes stored at {@code position}. */
  static TarContent dense(TarBacking backing, long position, long size) {
    return new TarContent(backing, size, position, null, null, null);
  }

  /**
   * A sparse file of logical size {@code size} whose data extents (ascending, not overlapping) are
   * stored at {@code positions}.
   */
  static TarContent sparse(
      TarBacking backing, long size, long[] offsets, long[] lengths, long[] positions) {
    return new TarContent(backing, size, -1, offsets.clone(), lengths.clone(), positions.clone());
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public List<Extent> extents() {
    if (offsets == null) {
      return Content.super.extents();
    }
    List<Extent> out = new ArrayList<>(offsets.length);
    for (int i = 0; i < offsets.length; i++) {
      out.add(new Extent(offsets[i], lengths[i]));
    }
    return List.copyOf(out);
  }

  @Override
  public InputStream open() {
    return new Reader();
  }

  @Override
  public long copyTo(long offset, long length, ImageChannel target, long at) throws IOException {
    if (offsets != null) {
      return Content.super.copyTo(offset, length, target, at);
    }
    long n = Math.max(0, Math.min(length, size - offset));
    long done;
    try {
      done = target.transferFrom(backing.channel(), position + offset, n, at);
    } catch (ClosedChannelException e) {
      throw new JimgException(
          backing.name() + ": the tar source was closed; its contents are gone", e);
    }
    if (done < n) {
      throw new JimgException(
          backing.name()
              + ": ends before byte "
              + (position + offset + done)
              + "; the file changed while jimg was using it");
    }
    return done;
  }

  @Override
  public String toString() {
    return backing.name()
        + (offsets == null
            ? "@" + position + "+" + size
            : "[sparse " + size + ", " + offsets.length + " extents]");
  }

  /** Reads the logical bytes: stored ranges positionally, zeros for holes. */
  private final class Reader extends InputStream {
    private long pos;
    private int extent;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= size) {
        return -1;
      }
      int want = (int) Math.min(len, size - pos);
      int n;
      if (offsets == null) {
        n = backing.read(ByteBuffer.wrap(b, off, want), position + pos);
      } else {
        while (extent < offsets.length && offsets[extent] + lengths[extent] <= pos) {
          extent++;
        }
        if (extent == offsets.length || pos < offsets[extent]) {
          long holeEnd = extent == offsets.length ? size : offsets[extent];
          n = (int) Math.min(want, holeEnd - pos);
          Arrays.fill(b, off, off + n, (byte) 0);
        } else {
          long inExtent = pos - offsets[extent];
          int m = (int) Math.min(want, lengths[extent] - inExtent);
          n = backing.read(ByteBuffer.wrap(b, off, m), positions[extent] + inExtent);
        }
      }
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long s = Math.max(0, Math.min(n, size - pos));
      pos += s;
      return s;
    }
  }
}
