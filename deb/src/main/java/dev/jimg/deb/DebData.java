/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.TreeConflictException;
import dev.jimg.core.UnsafePathException;
import dev.jimg.core.io.ExitCleanup;
import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.TarSource;
import dev.jimg.core.tree.FileTree;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A package's data archive read into a tree (through core's {@link TarSource}: PAX, GNU names,
 * xattrs, hard links), together with its headers in archive order (what {@code info/PKG.list}
 * records).
 *
 * <p>The archive is decompressed once, into a temporary file, while the header pass reads the same
 * bytes on the way; {@link TarSource} then reads the file's headers in place and the tree's
 * contents are byte ranges of it (nothing is copied a second time). The file is deleted by {@link
 * #close()}.
 */
public final class DebData implements Source {
  private static final int BUFFER = 1 << 16;

  private final DebPackage pkg;
  private final TarSource tar;
  private final List<DataMember> members;
  private final Path copy;

  private DebData(DebPackage pkg, TarSource tar, List<DataMember> members, Path copy) {
    this.pkg = pkg;
    this.tar = tar;
    this.members = List.copyOf(members);
    this.copy = copy;
  }

  /** Reads the data archive of {@code pkg}. */
  public static DebData read(DebPackage pkg, SourceOptions options) throws IOException {
    Path dir = options.spoolDirectory();
    Path copy = ExitCleanup.tempFile(dir, "jimg-deb-", ".tar");
    try {
      List<DataMember> members;
      try (InputStream data = pkg.openDataTar();
          OutputStream sink = new BufferedOutputStream(Files.newOutputStream(copy), BUFFER);
          InputStream tee =
              new BufferedInputStream(new TeeStream(new Checked(data, pkg), sink), BUFFER)) {
        members = DataMembers.read(tee, pkg.dataResource(), pkg.dataOffset());
        drain(tee, pkg);
      }
      TarSource tar;
      try {
        tar = TarSource.open(copy, options);
      } catch (JimgException e) {
        throw named(e, copy.toString(), pkg.dataResource());
      }
      return new DebData(pkg, tar, members, copy);
    } catch (IOException | RuntimeException e) {
      try {
        ExitCleanup.delete(copy);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * {@code e} as it would read had the tar source been named {@code resource} instead of the
   * temporary file {@code file}: messages name the package and member, never the copy.
   */
  static JimgException named(JimgException e, String file, String resource) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof CorruptInputException c && c.resource().equals(file)) {
      String prefix = c.offset() >= 0 ? file + " at byte " + c.offset() + ": " : file + ": ";
      if (message.startsWith(prefix)) {
        String problem = message.substring(prefix.length());
        return c instanceof UnsafePathException
            ? new UnsafePathException(resource, c.offset(), problem)
            : new CorruptInputException(resource, c.offset(), problem, c.getCause());
      }
    }
    if (e instanceof TreeConflictException && message.contains(file)) {
      return new TreeConflictException(message.replace(file, resource));
    }
    return e;
  }

  /**
   * Reads what follows the tar's end marker, so that the compressed stream's own checks (gzip's
   * CRC, xz's check) run and a damaged end of the member is reported.
   */
  private static void drain(InputStream in, DebPackage pkg) throws IOException {
    byte[] buf = new byte[1 << 16];
    try {
      while (in.read(buf) >= 0) {
        // keep reading
      }
    } catch (JimgException e) {
      throw e;
    } catch (IOException e) {
      throw new CorruptInputException(
          pkg.dataResource(),
          pkg.dataOffset(),
          "the compressed data archive is damaged or truncated: " + e.getMessage(),
          e);
    }
  }

  /** The package the data came from. */
  public DebPackage debPackage() {
    return pkg;
  }

  @Override
  public FileTree tree() {
    return tar.tree();
  }

  /** The archive's headers in archive order. */
  public List<DataMember> members() {
    return members;
  }

  @Override
  public String name() {
    return pkg.resource();
  }

  @Override
  public void close() throws IOException {
    try {
      tar.close();
    } finally {
      ExitCleanup.delete(copy);
    }
  }

  /**
   * Turns the decompressor's plain {@link IOException}s (a bad CRC, a damaged block) into {@link
   * CorruptInputException}s naming the package and member.
   */
  private static final class Checked extends FilterInputStream {
    private final DebPackage pkg;

    Checked(InputStream in, DebPackage pkg) {
      super(in);
      this.pkg = pkg;
    }

    private IOException wrap(IOException e) {
      if (e instanceof JimgException) {
        return e;
      }
      return new CorruptInputException(
          pkg.dataResource(),
          pkg.dataOffset(),
          "the compressed data archive is damaged or truncated: " + e.getMessage(),
          e);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw wrap(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw wrap(e);
      }
    }
  }

  /** Copies every byte read through it to a sink. */
  private static final class TeeStream extends FilterInputStream {
    private final OutputStream sink;

    TeeStream(InputStream in, OutputStream sink) {
      super(in);
      this.sink = sink;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        sink.write(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        sink.write(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
      long done = 0;
      while (done < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
