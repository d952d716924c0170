/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.JimgException;
import dev.jimg.core.io.ExitCleanup;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The file that a tar's contents are read back from: the tar file itself when it is uncompressed,
 * else a spool file holding the regular files' data (deleted on {@link #close()}).
 *
 * <p>Thread-safe: reads are positional ({@link FileChannel#read(ByteBuffer, long)}).
 */
final class TarBacking implements Closeable {
  private final String name;
  private final FileChannel channel;
  private final Path spool;

  TarBacking(String name, FileChannel channel, Path spool) {
    this.name = name;
    this.channel = channel;
    this.spool = spool;
  }

  String name() {
    return name;
  }

  FileChannel channel() {
    return channel;
  }

  /** The spool file, or {@code null} when contents are read from the tar itself. */
  Path spool() {
    return spool;
  }

  /** Reads up to {@code buf.remaining()} bytes at {@code position}; fails at the end of file. */
  int read(ByteBuffer buf, long position) throws IOException {
    int n;
    try {
      n = channel.read(buf, position);
    } catch (ClosedChannelException e) {
      throw new JimgException(name + ": the tar source was closed; its contents are gone", e);
    }
    if (n < 0) {
      throw new JimgException(
          name + ": ends before byte " + position + "; the file changed while jimg was using it");
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      if (spool != null) {
        ExitCleanup.delete(spool);
      }
    }
  }
}
