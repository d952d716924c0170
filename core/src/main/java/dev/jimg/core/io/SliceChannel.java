/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A fixed region of a parent channel; see {@link ImageChannel#slice}. */
final class SliceChannel implements ImageChannel {
  private final ImageChannel parent;
  private final String name;
  private final long offset;
  private final long length;

  SliceChannel(ImageChannel parent, String name, long offset, long length)
      throws ChannelBoundsException {
    if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
      throw new ChannelBoundsException(
          name + ": a region at offset " + offset + " of length " + length + " is not valid");
    }
    this.parent = parent;
    this.name = name;
    this.offset = offset;
    this.length = length;
  }

  static void checkFits(String name, long offset, long length, String parentName, long parentSize)
      throws ChannelBoundsException {
    if (offset < 0 || length < 0 || offset > parentSize || length > parentSize - offset) {
      throw new ChannelBoundsException(
          name
              + ": the region of "
              + length
              + " bytes at offset "
              + offset
              + " does not fit in "
              + parentName
              + " of "
              + parentSize
              + " bytes");
    }
  }

  @Override
  public void write(ByteBuffer src, long position) throws IOException {
    checkWrite(src.remaining(), position);
    parent.write(src, offset + position);
  }

  @Override
  public long transferFrom(FileChannel src, long srcPosition, long count, long position)
      throws IOException {
    checkWrite(count, position);
    return parent.transferFrom(src, srcPosition, count, offset + position);
  }

  private void checkWrite(long n, long position) throws ChannelBoundsException {
    if (position < 0 || position > length || n > length - position) {
      throw new ChannelBoundsException(
          name
              + ": a write of "
              + n
              + " bytes at offset "
              + position
              + " passes the end of the region ("
              + length
              + " bytes); the filesystem needs more room than it was given");
    }
  }

  @Override
  public boolean concurrentWrites() {
    return parent.concurrentWrites();
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    if (position < 0) {
      throw new ChannelBoundsException(name + ": negative read offset " + position);
    }
    if (position >= length) {
      return -1;
    }
    long left = length - position;
    if (dst.remaining() <= left) {
      return parent.read(dst, offset + position);
    }
    ByteBuffer limited = dst.slice().limit((int) left);
    int n = parent.read(limited, offset + position);
    if (n > 0) {
      dst.position(dst.position() + n);
    }
    return n;
  }

  @Override
  public long size() {
    return length;
  }

  @Override
  public void setSize(long size) throws ChannelBoundsException {
    if (size != length) {
      throw new ChannelBoundsException(
          name + ": the region's size is fixed at " + length + " bytes; cannot make it " + size);
    }
  }

  @Override
  public ImageChannel slice(String sliceName, long sliceOffset, long sliceLength)
      throws ChannelBoundsException {
    checkFits(sliceName, sliceOffset, sliceLength, name, length);
    return new SliceChannel(parent, sliceName, offset + sliceOffset, sliceLength);
  }

  @Override
  public void force() throws IOException {
    parent.force();
  }

  /** Does nothing: the parent owns the resources. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return name;
  }
}
