/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.io.ImageChannel;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The bytes of a regular file, read only when a writer needs them: a host file, a byte range in an
 * archive, bytes in memory, zeros. A tree holds contents, never the bytes themselves, so memory
 * grows with entries, not with data.
 *
 * <p>Implementations are immutable and may be opened any number of times, from any thread.
 */
public interface Content {
  /** Logical size in bytes, holes included. */
  long size();

  /**
   * Opens the logical bytes from the start ({@link #size()} bytes, zeros in holes). The caller
   * closes the stream.
   */
  InputStream open() throws IOException;

  /**
   * The data extents in ascending order, not overlapping; bytes outside them are zero. A dense file
   * has one extent covering it all; an empty or all-hole file has none.
   */
  default List<Extent> extents() {
    return size() == 0 ? List.of() : List.of(new Extent(0, size()));
  }

  /** Whether some of the file is a hole. */
  default boolean isSparse() {
    long data = 0;
    for (Extent e : extents()) {
      data += e.length();
    }
    return data != size();
  }

  /**
   * Copies logical bytes {@code [offset, offset + length)} into {@code target} at {@code position}
   * and returns how many were copied: fewer only when the bytes end early (a host file that shrank
   * after the tree was built). Bytes stored in a host file (a file of a directory source, a plain
   * or spooled tar) are copied by the kernel, never passing through the Java heap; the default
   * reads {@link #open()}.
   */
  default long copyTo(long offset, long length, ImageChannel target, long position)
      throws IOException {
    try (InputStream in = open()) {
      try {
        in.skipNBytes(offset);
      } catch (EOFException ended) {
        return 0;
      }
      byte[] buf = new byte[(int) Math.min(length, 256 * 1024)];
      long done = 0;
      while (done < length) {
        int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, length - done));
        if (n == 0) {
          break;
        }
        target.write(ByteBuffer.wrap(buf, 0, n), position + done);
        done += n;
      }
      return done;
    }
  }

  /**
   * As {@link #copyTo}, but all {@code length} bytes or a {@link CorruptInputException} naming
   * {@code name} (its {@code toString}) and where the bytes ended: a host file that shrank after
   * the tree was read.
   */
  default void copyFully(long offset, long length, ImageChannel target, long position, Object name)
      throws IOException {
    long got = copyTo(offset, length, target, position);
    if (got < length) {
      long end = offset + got;
      throw new CorruptInputException(
          name.toString(), end, "content ended after " + end + " of " + size() + " bytes");
    }
  }

  /** Content held in memory (the array is copied). */
  static Content ofBytes(byte[] bytes) {
    byte[] copy = bytes.clone();
    return new Content() {
      @Override
      public long size() {
        return copy.length;
      }

      @Override
      public InputStream open() {
        return new ByteArrayInputStream(copy);
      }

      @Override
      public String toString() {
        return "bytes[" + copy.length + "]";
      }
    };
  }

  /**
   * The current bytes of a host file of the given size (the size is fixed when the tree is built).
   */
  static Content ofFile(Path file, long size) {
    return new Content() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public InputStream open() throws IOException {
        return new BoundedInputStream(Files.newInputStream(file), size, file.toString());
      }

      @Override
      public long copyTo(long offset, long length, ImageChannel target, long position)
          throws IOException {
        try (FileChannel in = FileChannel.open(file)) {
          return target.transferFrom(
              in, offset, Math.max(0, Math.min(length, size - offset)), position);
        }
      }

      @Override
      public String toString() {
        return file.toString();
      }
    };
  }

  /**
   * A file's bytes stored in an image (what a filesystem reader hands out): each run {@code
   * {fileOffset, imageOffset, length}} maps part of the file to {@code channel}; bytes that no run
   * covers read as zeros and are left out of {@link #extents()}. Runs may come in any order and
   * reach past {@code size} (they are cut there), but must not overlap.
   *
   * @param description what {@code toString} says (for messages)
   * @throws IllegalArgumentException if runs overlap or hold a negative number
   */
  static Content ofImageRuns(
      ImageChannel channel, long size, List<long[]> runs, String description) {
    return new ImageRunsContent(channel, size, runs, description);
  }

  /** A file of {@code size} zero bytes stored entirely as a hole. */
  static Content zeros(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    return new Content() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public InputStream open() {
        return new ZeroInputStream(size);
      }

      @Override
      public List<Extent> extents() {
        return List.of();
      }

      @Override
      public String toString() {
        return "zeros[" + size + "]";
      }
    };
  }
}
