/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A fixed-capacity {@link ImageChannel} over a (direct) buffer that is used again and again: what
 * {@link ContentBatch} gathers small files in. A file read into a direct buffer, and a direct
 * buffer written to a file, go straight between the kernel and the buffer; a heap array costs a
 * copy through the JDK's temporary direct buffer each way, and a new array per batch its zeroing
 * and collections.
 *
 * <p>{@link #reset} empties it for the next use without clearing the bytes: a user writes every
 * byte it later reads. Not thread-safe.
 */
final class BufferChannel implements ImageChannel {
  private static final byte[] ZEROS = new byte[16 * 1024];

  private final ByteBuffer buffer;
  private int size;

  BufferChannel(ByteBuffer buffer) {
    this.buffer = buffer;
  }

  /** Empties the channel (size 0; old bytes stay in the buffer until overwritten). */
  void reset() {
    size = 0;
  }

  /** Sets bytes {@code [from, to)} to zero. */
  void zero(int from, int to) throws ChannelBoundsException {
    check(from, to - from);
    for (int at = from; at < to; at += ZEROS.length) {
      buffer.put(at, ZEROS, 0, Math.min(ZEROS.length, to - at));
    }
    size = Math.max(size, to);
  }

  /** Writes the first {@link #size()} bytes to {@code target} at {@code position}. */
  void writeTo(ImageChannel target, long position) throws IOException {
    target.write(buffer.duplicate().position(0).limit(size), position);
  }

  @Override
  public void write(ByteBuffer src, long position) throws ChannelBoundsException {
    int n = src.remaining();
    check(position, n);
    buffer.put((int) position, src, src.position(), n);
    src.position(src.limit());
    size = Math.max(size, (int) position + n);
  }

  /** Reads {@code src} straight into the buffer. */
  @Override
  public long transferFrom(FileChannel src, long srcPosition, long count, long position)
      throws IOException {
    check(position, count);
    ByteBuffer view = buffer.duplicate().position((int) position).limit((int) (position + count));
    long done = 0;
    while (view.hasRemaining()) {
      int n = src.read(view, srcPosition + done);
      if (n < 0) {
        break;
      }
      done += n;
    }
    size = Math.max(size, (int) (position + done));
    return done;
  }

  @Override
  public int read(ByteBuffer dst, long position) throws ChannelBoundsException {
    if (position < 0) {
      throw new ChannelBoundsException("buffer: negative read offset " + position);
    }
    if (position >= size) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), size - position);
    dst.put(buffer.duplicate().position((int) position).limit((int) position + n));
    return n;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void setSize(long newSize) throws ChannelBoundsException {
    check(0, newSize);
    if (newSize > size) {
      zero(size, (int) newSize);
    }
    size = (int) newSize;
  }

  @Override
  public ImageChannel slice(String name, long offset, long length) throws ChannelBoundsException {
    return new SliceChannel(this, name, offset, length);
  }

  @Override
  public void force() {}

  @Override
  public void close() {}

  private void check(long position, long length) throws ChannelBoundsException {
    if (position < 0 || length < 0 || position > buffer.capacity() - length) {
      throw new ChannelBoundsException(
          "buffer: "
              + length
              + " bytes at offset "
              + position
              + " pass its capacity of "
              + buffer.capacity());
    }
  }
}
