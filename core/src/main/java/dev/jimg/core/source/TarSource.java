/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.io.ExitCleanup;
import dev.jimg.core.tree.FileTree;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A tar archive (ustar, GNU, PAX; uncompressed or gzip, xz, zstd or bzip2 compressed, detected by
 * magic bytes) read into a tree.
 *
 * <p>Headers are parsed with commons-compress. The tree holds metadata only: an uncompressed tar
 * file's contents are byte ranges of the file, read positionally when needed; for a compressed file
 * or a stream the regular files' data is copied once into a spool file (in {@link
 * SourceOptions#spoolDirectory()} or the JDK temporary directory) that {@link #close()} deletes.
 * Sparse files keep only their data extents. Memory therefore grows with the number of entries,
 * never with the bytes of content.
 *
 * <p>What is kept: type, permission bits, numeric uid/gid (names are ignored; {@link
 * SourceOptions#rootOwner()} forces 0:0), mtime/atime/ctime with the nanoseconds PAX keeps, GNU
 * base-256 numbers (times before 1970 and after 2038), {@code SCHILY.xattr.*} and {@code
 * LIBARCHIVE.xattr.*} extended attributes, POSIX ACLs as {@code tar --acls} and {@code bsdtar
 * --acls} store them ({@code SCHILY.acl.*}, kept as {@code system.posix_acl_*} xattrs), raw-byte
 * names and link targets, hard links (which must name an earlier entry), device numbers, GNU sparse
 * maps 0.0, 0.1 and 1.0 (any size) and old GNU sparse files (below 8 GiB: a larger one, whose size
 * GNU tar writes in base-256, is refused naming the way out). A later entry for the same path
 * replaces an earlier one, as extraction would.
 *
 * <p>Malformed input fails with a {@link CorruptInputException} (an {@link
 * dev.jimg.core.UnsafePathException} for absolute or {@code ..} names) naming the source, the entry
 * and the byte offset (in the decompressed tar when it was compressed); tree conflicts with a
 * {@link dev.jimg.core.TreeConflictException} naming the same.
 *
 * <p>The tree and its contents are immutable; contents may be read from several threads at once
 * until the source is closed.
 */
public final class TarSource implements Source {
  private final String name;
  private final FileTree tree;
  private final TarBacking backing;

  private TarSource(String name, FileTree tree, TarBacking backing) {
    this.name = name;
    this.tree = tree;
    this.backing = backing;
  }

  /** Reads a tar file, compressed or not (detected by magic). */
  public static TarSource open(Path file, SourceOptions options) throws IOException {
    String name = file.toString();
    if (!Files.isRegularFile(file) && Files.exists(file)) {
      // a named pipe or a device (e.g. <(zcat x.tar.gz)): read it once, like a stream
      try (InputStream in = Files.newInputStream(file)) {
        return read(in, name, options);
      }
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      byte[] head = new byte[Compression.MAGIC_LENGTH];
      ByteBuffer buf = ByteBuffer.wrap(head);
      while (buf.hasRemaining() && channel.read(buf, buf.position()) > 0) {
        // keep reading: a short file or a short read
      }
      Compression compression = Compression.detect(head, buf.position());
      if (compression == Compression.NONE) {
        TarBacking backing = new TarBacking(name, channel, null);
        FileTree tree = new TarReader(name, TarInput.of(name, channel), backing, options).read();
        return new TarSource(name, tree, backing);
      }
      channel.close();
      try (InputStream in = Files.newInputStream(file)) {
        return spooled(
            name, compression, new BufferedInputStream(new SkipByReading(in), 1 << 16), options);
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel, e);
      throw e;
    }
  }

  /**
   * Reads a tar stream, compressed or not (detected by magic); {@code name} is for messages. The
   * file data is spooled; the stream is read to the end of the archive but not closed.
   */
  public static TarSource read(InputStream in, String name, SourceOptions options)
      throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(new SkipByReading(in), 1 << 16);
    buffered.mark(Compression.MAGIC_LENGTH);
    byte[] head;
    try {
      head = buffered.readNBytes(Compression.MAGIC_LENGTH);
    } catch (JimgException e) {
      throw e;
    } catch (IOException e) {
      // the stream may itself be a decoder (a .deb member) that finds its input corrupt
      throw new CorruptInputException(name, 0, "cannot read the stream: " + TarReader.reason(e), e);
    }
    buffered.reset();
    return spooled(name, Compression.detect(head, head.length), buffered, options);
  }

  private static TarSource spooled(
      String name, Compression compression, InputStream raw, SourceOptions options)
      throws IOException {
    Path dir = options.spoolDirectory();
    Path spool = ExitCleanup.tempFile(dir, "jimg-tar-", ".spool");
    TarBacking backing = null;
    try {
      FileChannel channel =
          FileChannel.open(spool, StandardOpenOption.READ, StandardOpenOption.WRITE);
      backing = new TarBacking(name, channel, spool);
      InputStream decompressed;
      try {
        decompressed = compression.decompress(raw);
      } catch (IOException e) {
        throw new CorruptInputException(
            name,
            0,
            "not a readable " + compression.displayName() + " stream: " + TarReader.reason(e),
            e);
      }
      FileTree tree = new TarReader(name, TarInput.of(name, decompressed), backing, options).read();
      return new TarSource(name, tree, backing);
    } catch (IOException | RuntimeException e) {
      if (backing != null) {
        closeQuietly(backing, e);
      } else {
        try {
          ExitCleanup.delete(spool);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static void closeQuietly(java.io.Closeable c, Exception primary) {
    try {
      c.close();
    } catch (IOException suppressed) {
      primary.addSuppressed(suppressed);
    }
  }

  @Override
  public FileTree tree() {
    return tree;
  }

  @Override
  public String name() {
    return name;
  }

  /** Releases the tar file or deletes the spool file; contents cannot be read afterwards. */
  @Override
  public void close() throws IOException {
    backing.close();
  }

  /** The spool file, or {@code null} when contents are read from the tar file itself (tests). */
  Path spoolFile() {
    return backing.spool();
  }

  /**
   * A stream that never seeks: a pipe, a FIFO or standard input cannot, yet the JDK's streams over
   * them may try to in {@code skip} and {@code available} ("Illegal seek"). Skips by reading;
   * claims nothing available without blocking.
   */
  private static final class SkipByReading extends java.io.FilterInputStream {
    private final byte[] scratch = new byte[8192];

    SkipByReading(InputStream in) {
      super(in);
    }

    @Override
    public int available() {
      return 0;
    }

    @Override
    public long skip(long n) throws IOException {
      long left = n;
      while (left > 0) {
        int r = in.read(scratch, 0, (int) Math.min(scratch.length, left));
        if (r < 0) {
          break;
        }
        left -= r;
      }
      return n - left;
    }
  }
}
