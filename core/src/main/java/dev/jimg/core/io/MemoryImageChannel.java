/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An {@link ImageChannel} in memory, for small images and tests; grows as written, up to {@link
 * #MAX_SIZE}.
 *
 * <p>Not thread-safe.
 */
public final class MemoryImageChannel implements ImageChannel {
  /** The largest size a memory channel holds (a Java array's limit, rounded down). */
  public static final int MAX_SIZE = Integer.MAX_VALUE - 8;

  private byte[] bytes;
  private int size;

  /** An empty channel. */
  public MemoryImageChannel() {
    this.bytes = new byte[0];
  }

  /** A channel holding a copy of {@code initial}. */
  public MemoryImageChannel(byte[] initial) {
    this.bytes = initial.clone();
    this.size = initial.length;
  }

  /** A copy of the bytes, {@link #size()} long. */
  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  @Override
  public void write(ByteBuffer src, long position) throws ChannelBoundsException {
    int n = src.remaining();
    if (position < 0 || position > MAX_SIZE - n) {
      throw new ChannelBoundsException(
          "memory image: a write of " + n + " bytes at offset " + position + " passes " + MAX_SIZE);
    }
    int end = (int) position + n;
    ensureCapacity(end);
    src.get(bytes, (int) position, n);
    size = Math.max(size, end);
  }

  private void ensureCapacity(int needed) {
    if (needed > bytes.length) {
      long grown = Math.max(needed, Math.min((long) MAX_SIZE, bytes.length * 2L));
      bytes = Arrays.copyOf(bytes, (int) grown);
    }
  }

  @Override
  public int read(ByteBuffer dst, long position) throws ChannelBoundsException {
    if (position < 0) {
      throw new ChannelBoundsException("memory image: negative read offset " + position);
    }
    if (position >= size) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), size - position);
    dst.put(bytes, (int) position, n);
    return n;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void setSize(long newSize) throws ChannelBoundsException {
    if (newSize < 0 || newSize > MAX_SIZE) {
      throw new ChannelBoundsException(
          "memory image: size " + newSize + " is outside 0.." + MAX_SIZE);
    }
    int s = (int) newSize;
    if (s < size) {
      Arrays.fill(bytes, s, size, (byte) 0);
    } else {
      ensureCapacity(s);
    }
    size = s;
  }

  @Override
  public ImageChannel slice(String name, long offset, long length) throws ChannelBoundsException {
    return new SliceChannel(this, name, offset, length);
  }

  @Override
  public void force() {}

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "memory image (" + size + " bytes)";
  }
}
