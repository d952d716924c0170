/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.TarSource;
import dev.jimg.core.tree.FileTree;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A package's data archive read into a tree (through core's {@link TarSource}: PAX, GNU names,
 * xattrs, hard links, spooled contents), together with its headers in archive order (what {@code
 * info/PKG.list} records).
 *
 * <p>The archive is decompressed once: the decompressed bytes go to {@link TarSource} and, on the
 * way, to a temporary file that the header pass reads (skipping contents) and that is deleted
 * before {@link #read} returns. The tree's contents live in the tar source's spool until {@link
 * #close()}.
 */
public final class DebData implements Source {
  private final DebPackage pkg;
  private final TarSource tar;
  private final List<DataMember> members;

  private DebData(DebPackage pkg, TarSource tar, List<DataMember> members) {
    this.pkg = pkg;
    this.tar = tar;
    this.members = List.copyOf(members);
  }

  /** Reads the data archive of {@code pkg}. */
  public static DebData read(DebPackage pkg, SourceOptions options) throws IOException {
    Path dir = options.spoolDirectory();
    Path copy =
        dir == null
            ? Files.createTempFile("jimg-deb-", ".tar")
            : Files.createTempFile(dir, "jimg-deb-", ".tar");
    TarSource tar = null;
    try {
      try (InputStream data = pkg.openDataTar();
          OutputStream sink = Files.newOutputStream(copy);
          TeeStream tee = new TeeStream(new Checked(data, pkg), sink)) {
        tar = TarSource.read(tee, pkg.dataResource(), options);
        drain(tee, pkg);
      }
      List<DataMember> members;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(copy), 1 << 16)) {
        members = DataMembers.read(in, pkg.dataResource(), pkg.dataOffset());
      }
      return new DebData(pkg, tar, members);
    } catch (IOException | RuntimeException e) {
      if (tar != null) {
        try {
          tar.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    } finally {
      Files.deleteIfExists(copy);
    }
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
    tar.close();
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
