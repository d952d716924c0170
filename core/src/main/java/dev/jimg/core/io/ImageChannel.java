/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Random-access bytes an image is written into and read back from: a whole image file, a region of
 * one (a partition, see {@link #slice}) or memory.
 *
 * <p>Bytes never written read as zero. Writers may rely on that and need not write zeros; the file
 * implementation leaves such regions as holes, and skips writing whole zero blocks where the file
 * is known to be zero, so images stay sparse.
 *
 * <p>Positions are absolute within the channel; there is no current position, so one channel may be
 * used by several writers over disjoint regions. Implementations say whether they are thread-safe;
 * none is required to be.
 */
public interface ImageChannel extends Closeable {
  /**
   * Writes all remaining bytes of {@code src} at {@code position}, growing the channel if it can
   * grow (a slice cannot). Advances {@code src}'s position to its limit.
   *
   * @throws ChannelBoundsException if the write would pass the end of a fixed-size channel or
   *     {@code position} is negative
   */
  void write(ByteBuffer src, long position) throws IOException;

  /**
   * Reads up to {@code dst.remaining()} bytes at {@code position}.
   *
   * @return the number of bytes read, or -1 if {@code position} is at or past {@link #size()}
   */
  int read(ByteBuffer dst, long position) throws IOException;

  /**
   * Fills {@code dst} from {@code position}.
   *
   * @throws EOFException if the channel ends first
   */
  default void readFully(ByteBuffer dst, long position) throws IOException {
    long pos = position;
    while (dst.hasRemaining()) {
      int n = read(dst, pos);
      if (n < 0) {
        throw new EOFException(
            this
                + ": wanted "
                + dst.remaining()
                + " more bytes at offset "
                + pos
                + ", size "
                + size());
      }
      pos += n;
    }
  }

  /** The size in bytes: the end of the furthest write, or what {@link #setSize} set. */
  long size() throws IOException;

  /**
   * Sets the size: a growable channel extends with zeros (a hole in a file) or is cut. A slice's
   * size is fixed by its parent; it accepts only its own length.
   *
   * @throws ChannelBoundsException if this channel cannot take that size
   */
  void setSize(long size) throws IOException;

  /**
   * A channel onto {@code [offset, offset + length)} of this one, for a partition inside a disk
   * image. Positions in the slice start at 0; reads and writes outside it throw {@link
   * ChannelBoundsException} and never touch the parent. Closing the slice does not close the
   * parent; the slice is valid as long as the parent is open.
   *
   * @param name what the region is, for messages ({@code "partition 2 (root)"})
   * @throws ChannelBoundsException if the region is negative or (for a fixed-size channel) does not
   *     fit
   */
  ImageChannel slice(String name, long offset, long length) throws ChannelBoundsException;

  /** As {@link #slice(String, long, long)} with a name made from the bounds. */
  default ImageChannel slice(long offset, long length) throws ChannelBoundsException {
    return slice("bytes " + offset + ".." + (offset + length), offset, length);
  }

  /**
   * Copies up to {@code count} bytes of {@code src} from {@code srcPosition} to {@code position},
   * as {@link #write} would, and returns how many were copied: fewer only where {@code src} ends. A
   * file channel has the kernel copy them (no pass through the Java heap); the default reads them
   * through a buffer. Does not change {@code src}'s position.
   *
   * @throws ChannelBoundsException as for {@link #write}
   */
  default long transferFrom(FileChannel src, long srcPosition, long count, long position)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, 1 << 20));
    long done = 0;
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = src.read(buf, srcPosition + done);
      if (n < 0) {
        break;
      }
      buf.flip();
      write(buf, position + done);
      done += n;
    }
    return done;
  }

  /**
   * Whether {@link #write} and {@link #transferFrom} may be called from several threads at once for
   * disjoint regions. False unless an implementation says so.
   */
  default boolean concurrentWrites() {
    return false;
  }

  /** Makes written bytes durable (fsync for a file). */
  void force() throws IOException;
}
