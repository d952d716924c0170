/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GNU tar's PAX sparse files of 2 GiB and more (GNU tar --sparse --format=posix of a VM disk or a
 * lastlog): commons-compress 1.28 parses GNU.sparse.size and GNU.sparse.realsize as an int, so such
 * a tar failed with "Unable to parse int from string value: 3221225472". The tars here are written
 * byte by byte as GNU tar 1.34 writes them, one per sparse format.
 */
class TarSourceLargeSparseTest {
  private static final long HOLE = 3L << 30;
  private static final byte[] HEAD = "head".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TAIL = "tail!".getBytes(StandardCharsets.US_ASCII);
  private static final long SIZE = HOLE + TAIL.length;

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"0.0", "0.1", "1.0"})
  void open_paxSparseFileBeyond2GiB_keepsSizeAndExtents(String version) throws IOException {
    byte[] tar = sparseTar(version);
    Path file = tmp.resolve("large-sparse-" + version + ".tar");
    Files.write(file, tar);
    try (TarSource positional = TarSource.open(file, SourceOptions.defaults());
        TarSource stream =
            TarSource.read(new ByteArrayInputStream(tar), "stdin", SourceOptions.defaults())) {
      for (FileTree t : List.of(positional.tree(), stream.tree())) {
        assertThat(t.size()).isEqualTo(3);
        Content c = t.get(ImagePath.of("big")).content();
        assertThat(c.size()).isEqualTo(SIZE);
        assertThat(c.extents())
            .containsExactly(new Extent(0, HEAD.length), new Extent(HOLE, TAIL.length));
        try (InputStream in = c.open()) {
          assertThat(in.readNBytes(HEAD.length)).isEqualTo(HEAD);
          in.skipNBytes(HOLE - HEAD.length - 1);
          assertThat(in.readAllBytes()).isEqualTo(concat(new byte[1], TAIL));
        }
        try (InputStream in = t.get(ImagePath.of("after")).content().open()) {
          assertThat(in.readAllBytes()).isEqualTo("next".getBytes(StandardCharsets.US_ASCII));
        }
      }
    }
  }

  /** A tar of "big" (sparse, in GNU PAX format {@code version}) then a plain file "after". */
  private static byte[] sparseTar(String version) throws IOException {
    ByteArrayOutputStream pax = new ByteArrayOutputStream();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    String name = "big";
    switch (version) {
      case "0.0" -> {
        record(pax, "GNU.sparse.size", Long.toString(SIZE));
        record(pax, "GNU.sparse.numblocks", "2");
        record(pax, "GNU.sparse.offset", "0");
        record(pax, "GNU.sparse.numbytes", Integer.toString(HEAD.length));
        record(pax, "GNU.sparse.offset", Long.toString(HOLE));
        record(pax, "GNU.sparse.numbytes", Integer.toString(TAIL.length));
        record(pax, "path", "big");
      }
      case "0.1" -> {
        record(pax, "GNU.sparse.size", Long.toString(SIZE));
        record(pax, "GNU.sparse.numblocks", "2");
        record(pax, "GNU.sparse.map", "0," + HEAD.length + "," + HOLE + "," + TAIL.length);
        record(pax, "GNU.sparse.name", "big");
        name = "GNUSparseFile.1/big";
      }
      default -> {
        record(pax, "GNU.sparse.major", "1");
        record(pax, "GNU.sparse.minor", "0");
        record(pax, "GNU.sparse.name", "big");
        record(pax, "GNU.sparse.realsize", Long.toString(SIZE));
        name = "GNUSparseFile.1/big";
        byte[] map = ("2\n0\n" + HEAD.length + "\n" + HOLE + "\n" + TAIL.length + "\n").getBytes();
        data.write(map);
        data.write(new byte[512 - map.length]);
      }
    }
    data.write(HEAD);
    data.write(TAIL);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    entry(out, "PaxHeaders/big", TarConstants.LF_PAX_EXTENDED_HEADER_LC, pax.toByteArray());
    entry(out, name, TarConstants.LF_NORMAL, data.toByteArray());
    entry(out, "after", TarConstants.LF_NORMAL, "next".getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[1024]);
    return out.toByteArray();
  }

  private static void record(ByteArrayOutputStream out, String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int len = body.length() + 1;
    while (Integer.toString(len).length() + body.length() != len) {
      len++;
    }
    out.writeBytes((len + body).getBytes(StandardCharsets.UTF_8));
  }

  private static void entry(ByteArrayOutputStream out, String name, byte type, byte[] data)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    e.setSize(data.length);
    e.setMode(0100644);
    byte[] h = new byte[512];
    e.writeEntryHeader(h, ZipEncodingHelper.getZipEncoding("UTF-8"), true);
    out.write(h);
    out.write(data);
    out.write(new byte[(512 - data.length % 512) % 512]);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
