/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

/** Fixture access, tree projections and small tar builders for the tar source tests. */
final class TarTestSupport {
  private TarTestSupport() {}

  /** A fixture under src/test/resources/tar. */
  static Path fixture(String name) {
    try {
      return Path.of(TarTestSupport.class.getResource("/tar/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The decompressed bytes of a fixture (gzip, xz, bzip2 or zstd, by the name's suffix). */
  static byte[] decompressedFixture(String name) throws IOException {
    try (InputStream raw = Files.newInputStream(fixture(name))) {
      InputStream in;
      if (name.endsWith(".gz")) {
        in = new GZIPInputStream(raw);
      } else if (name.endsWith(".xz")) {
        in = new XZInputStream(raw);
      } else if (name.endsWith(".bz2")) {
        in = new BZip2CompressorInputStream(raw);
      } else if (name.endsWith(".zst")) {
        in = new com.github.luben.zstd.ZstdInputStream(raw);
      } else {
        in = raw;
      }
      return in.readAllBytes();
    }
  }

  /** Reads a tree from in-memory tar bytes through the stream path. */
  static FileTree readBytes(byte[] tar) throws IOException {
    try (TarSource s =
        TarSource.read(
            new java.io.ByteArrayInputStream(tar), "test.tar", SourceOptions.defaults())) {
      return s.tree();
    }
  }

  static byte[] bytes(Content c) {
    try (InputStream in = c.open()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(Content c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(c)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Path to content digest for every regular file. */
  static Map<ImagePath, String> contentDigests(FileTree tree) {
    Map<ImagePath, String> out = new java.util.TreeMap<>();
    tree.forEach(
        (p, e) -> {
          if (e.type() == EntryType.REGULAR) {
            out.put(p, sha256(e.content()));
          }
        });
    return out;
  }

  /** How precisely a dialect keeps mtimes. */
  enum Precision {
    NANOS,
    MICROS,
    SECONDS
  }

  /**
   * The tree as a dialect that keeps only some information would have it: mtimes cut to {@code
   * precision}, atime/ctime and xattrs dropped unless kept, sparse files made dense unless kept.
   */
  static FileTree project(
      FileTree tree, Precision precision, boolean times, boolean xattrs, boolean sparse)
      throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    for (Map.Entry<ImagePath, Entry> pe : tree) {
      Entry e = pe.getValue();
      if (e.type() == EntryType.HARDLINK) {
        b.put(pe.getKey(), e);
        continue;
      }
      Entry.Builder x = e.toBuilder().mtime(cut(e.mtime(), precision));
      if (!times) {
        x.atime(null).ctime(null);
      }
      if (!xattrs) {
        x.xattrs(List.of());
      }
      if (!sparse && e.content() != null && e.content().isSparse()) {
        x.content(dense(e.content()));
      }
      b.put(pe.getKey(), x.build());
    }
    return b.build();
  }

  private static Timestamp cut(Timestamp t, Precision p) {
    return switch (p) {
      case NANOS -> t;
      case MICROS -> new Timestamp(t.seconds(), t.nanos() / 1000 * 1000);
      case SECONDS -> t.truncatedToSeconds();
    };
  }

  /** The same bytes, reported as one dense extent. */
  static Content dense(Content c) {
    return new Content() {
      @Override
      public long size() {
        return c.size();
      }

      @Override
      public InputStream open() throws IOException {
        return c.open();
      }
    };
  }

  /** A small uncompressed tar written with commons-compress; each entry is given fully. */
  static byte[] tar(List<TarArchiveEntry> entries, List<byte[]> datas) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bos)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (int i = 0; i < entries.size(); i++) {
        TarArchiveEntry e = entries.get(i);
        byte[] data = datas.get(i);
        e.setSize(data.length);
        // an entry made without a time has the current one, with milliseconds, which would add a
        // PAX header and shift every offset: give it whole seconds (times a test set are kept)
        if (e.getLastModifiedTime()
            .toInstant()
            .isAfter(java.time.Instant.parse("2020-01-01T00:00:00Z"))) {
          e.setModTime(java.nio.file.attribute.FileTime.from(1_000_000, TimeUnit.SECONDS));
        }
        out.putArchiveEntry(e);
        out.write(data);
        out.closeArchiveEntry();
      }
    }
    return bos.toByteArray();
  }

  /** A regular file entry with some content. */
  static TarArchiveEntry file(String name) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_NORMAL, true);
    e.setMode(0100644);
    return e;
  }

  /** Lines describing each entry, for readable failure messages. */
  static List<String> manifest(FileTree tree) {
    List<String> out = new ArrayList<>();
    tree.forEach(
        (p, e) ->
            out.add(
                p
                    + " "
                    + e
                    + " xattrs="
                    + e.xattrs()
                    + " atime="
                    + e.atime().orElse(null)
                    + " ctime="
                    + e.ctime().orElse(null)
                    + (e.content() != null
                        ? " extents=" + e.content().extents() + " sha=" + sha256(e.content())
                        : "")));
    return out;
  }
}
