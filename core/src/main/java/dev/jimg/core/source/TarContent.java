/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.JimgException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.RunsInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
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
  private final class Reader extends RunsInputStream {
    Reader() {
      super(
          size,
          offsets == null ? new long[] {0} : offsets,
          offsets == null ? new long[] {size} : lengths);
    }

    @Override
    protected int readRun(int run, long inRun, byte[] b, int off, int len) throws IOException {
      long at = offsets == null ? position + inRun : positions[run] + inRun;
      return backing.read(ByteBuffer.wrap(b, off, len), at);
    }
  }
}
