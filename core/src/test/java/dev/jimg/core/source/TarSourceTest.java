/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import static dev.jimg.core.source.TarTestSupport.bytes;
import static dev.jimg.core.source.TarTestSupport.contentDigests;
import static dev.jimg.core.source.TarTestSupport.decompressedFixture;
import static dev.jimg.core.source.TarTestSupport.fixture;
import static dev.jimg.core.source.TarTestSupport.manifest;
import static dev.jimg.core.source.TarTestSupport.project;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import dev.jimg.core.JimgException;
import dev.jimg.core.source.TarTestSupport.Precision;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class TarSourceTest {
  private static final Timestamp MTIME = new Timestamp(1_700_000_000, 123_456_789);
  private static final byte[] CAFE = {'c', 'a', 'f', (byte) 0xe9};

  @TempDir Path tmp;

  private final List<TarSource> open = new ArrayList<>();

  @AfterEach
  void closeSources() throws IOException {
    for (TarSource s : open) {
      s.close();
    }
  }

  /** A fixture's tree; its source stays open (contents readable) until the test ends. */
  private FileTree openTree(String fixture) throws IOException {
    TarSource s = TarSource.open(fixture(fixture), SourceOptions.defaults());
    open.add(s);
    return s.tree();
  }

  @Test
  void open_posixFixture_keepsEverythingPaxCarries() throws IOException {
    try (TarSource s = TarSource.open(fixture("tree-posix.tar.xz"), SourceOptions.defaults())) {
      FileTree t = s.tree();
      Entry root = t.get(ImagePath.ROOT);
      assertThat(root.mtime()).isEqualTo(MTIME);
      assertThat(root.atime()).contains(new Timestamp(1_700_000_001, 500_000_000));
      assertThat(root.ctime()).contains(new Timestamp(1_700_000_002, 987_654_321));

      Entry dir = t.get(ImagePath.of("dir"));
      assertThat(dir.type()).isEqualTo(EntryType.DIRECTORY);
      assertThat(dir.mode()).isEqualTo(0750);
      assertThat(dir.uid()).isEqualTo(1234);
      assertThat(dir.gid()).isEqualTo(5678);

      Entry file = t.get(ImagePath.of("dir/file.txt"));
      assertThat(bytes(file.content())).isEqualTo("hello\n".getBytes(StandardCharsets.UTF_8));
      assertThat(file.xattrs())
          .containsExactly(
              new Xattr("user.bin", new byte[] {0, (byte) 0x80, (byte) 0xff, 0x0a, 0}),
              new Xattr("user.comment", "hello xattr".getBytes(StandardCharsets.UTF_8)));
      assertThat(t.get(ImagePath.of("dir/hard")))
          .isEqualTo(Entry.hardlink(ImagePath.of("dir/file.txt")));

      Entry link = t.get(ImagePath.of("link"));
      assertThat(link.symlinkTarget()).isEqualTo("dir/file.txt".getBytes(StandardCharsets.UTF_8));
      assertThat(link.uid()).isEqualTo(4_000_000_000L);
      assertThat(link.gid()).isEqualTo(7);

      ImagePath longName = ImagePath.of("long-directory/" + "n".repeat(150) + ".txt");
      assertThat(t.get(longName).mode()).isEqualTo(0600);
      assertThat(bytes(t.get(longName).content()))
          .isEqualTo("long\n".getBytes(StandardCharsets.UTF_8));
      assertThat(bytes(t.get(ImagePath.parse(CAFE)).content()))
          .isEqualTo("latin1\n".getBytes(StandardCharsets.UTF_8));
      assertThat(t.get(ImagePath.of("fifo")).type()).isEqualTo(EntryType.FIFO);
      Entry dev = t.get(ImagePath.of("null"));
      assertThat(dev.type()).isEqualTo(EntryType.CHAR_DEVICE);
      assertThat(dev.devMajor()).isEqualTo(1);
      assertThat(dev.devMinor()).isEqualTo(3);
      assertThat(dev.mode()).isEqualTo(0666);
      assertThat(t.get(ImagePath.of("setuid")).mode()).isEqualTo(04755);
      assertThat(t.get(ImagePath.of("old")).mtime()).isEqualTo(Timestamp.ofSeconds(-1000));
      assertThat(t.get(ImagePath.of("future")).mtime())
          .isEqualTo(Timestamp.ofSeconds(10_000_000_000L));
      assertSparse(t.get(ImagePath.of("sparse")).content());
    }
  }

  static void assertSparse(Content c) {
    assertThat(c.size()).isEqualTo(1 << 20);
    assertThat(c.extents()).containsExactly(new Extent(0, 4096), new Extent(524288, 4096));
    byte[] expected = new byte[1 << 20];
    System.arraycopy("head".getBytes(StandardCharsets.US_ASCII), 0, expected, 0, 4);
    System.arraycopy("middle".getBytes(StandardCharsets.US_ASCII), 0, expected, 524288, 6);
    assertThat(bytes(c)).isEqualTo(expected);
  }

  static Stream<Arguments> dialects() {
    return Stream.of(
        Arguments.of("tree-gnu.tar.gz", Precision.SECONDS, false, false, true),
        Arguments.of("tree-bsdtar.tar.zst", Precision.NANOS, false, true, true),
        Arguments.of("tree-python.tar.bz2", Precision.MICROS, false, false, false));
  }

  /** Each dialect reads to the posix tree minus exactly what its format loses. */
  @ParameterizedTest
  @MethodSource("dialects")
  void open_dialect_readsPosixTreeMinusWhatTheFormatLoses(
      String fixture, Precision precision, boolean times, boolean xattrs, boolean sparse)
      throws IOException {
    FileTree posix = openTree("tree-posix.tar.xz");
    FileTree other = openTree(fixture);
    FileTree expected = project(posix, precision, times, xattrs, sparse);
    FileTree actual = project(other, precision, times, xattrs, sparse);
    assertThat(manifest(actual)).containsExactlyElementsOf(manifest(expected));
    assertThat(actual).isEqualTo(expected);
    assertThat(contentDigests(other)).isEqualTo(contentDigests(posix));
  }

  @Test
  void open_ustarSubset_matchesPosixEntriesInWholeSeconds() throws IOException {
    FileTree posix = project(openTree("tree-posix.tar.xz"), Precision.SECONDS, false, false, true);
    FileTree ustar = openTree("tree-ustar.tar.gz");
    for (String p : List.of("dir", "dir/file.txt", "dir/hard", "fifo", "null", "setuid")) {
      assertThat(ustar.get(ImagePath.of(p))).as(p).isEqualTo(posix.get(ImagePath.of(p)));
    }
    assertThat(ustar.size()).isEqualTo(7);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sparse-0.0.tar.gz",
        "sparse-0.1.tar.gz",
        "sparse-1.0.tar.gz",
        "sparse-oldgnu.tar.gz"
      })
  void open_gnuSparseVersion_keepsDataExtentsAndZeroHoles(String fixture) throws IOException {
    Path plain = uncompressed(fixture);
    try (TarSource file = TarSource.open(plain, SourceOptions.defaults());
        TarSource stream =
            TarSource.read(
                new ByteArrayInputStream(Files.readAllBytes(plain)),
                fixture,
                SourceOptions.defaults())) {
      assertSparse(file.tree().get(ImagePath.of("sparse")).content());
      assertSparse(stream.tree().get(ImagePath.of("sparse")).content());
      assertThat(Files.size(stream.spoolFile())).isEqualTo(2 * 4096);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sparse-hole-1.0.tar.gz", "sparse-hole-oldgnu.tar.gz"})
  void open_allHoleSparseFile_noExtentsAndNextEntryFound(String fixture) throws IOException {
    Path plain = uncompressed(fixture);
    try (TarSource file = TarSource.open(plain, SourceOptions.defaults());
        TarSource stream = TarSource.open(fixture(fixture), SourceOptions.defaults())) {
      for (FileTree t : List.of(file.tree(), stream.tree())) {
        Content hole = t.get(ImagePath.of("hole")).content();
        assertThat(hole.size()).isEqualTo(1 << 20);
        assertThat(hole.extents()).isEmpty();
        assertThat(bytes(hole)).isEqualTo(new byte[1 << 20]);
        assertThat(bytes(t.get(ImagePath.of("after")).content()))
            .isEqualTo("after\n".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(Files.size(stream.spoolFile())).isEqualTo(6);
    }
  }

  private Path uncompressed(String fixture) throws IOException {
    Path p = tmp.resolve(fixture.replaceAll("\\.(gz|xz|zst|bz2)$", ""));
    Files.write(p, decompressedFixture(fixture));
    return p;
  }

  static Stream<Arguments> compressions() {
    return Stream.of(
        Arguments.of("none", (Compressor) out -> out),
        Arguments.of("gzip", (Compressor) GZIPOutputStream::new),
        Arguments.of("xz", (Compressor) out -> new XZOutputStream(out, new LZMA2Options())),
        Arguments.of("zstd", (Compressor) ZstdOutputStream::new),
        Arguments.of("bzip2", (Compressor) BZip2CompressorOutputStream::new));
  }

  interface Compressor {
    OutputStream wrap(OutputStream out) throws IOException;
  }

  @ParameterizedTest
  @MethodSource("compressions")
  void open_compression_detectedByMagicNotName(String kind, Compressor compressor)
      throws IOException {
    byte[] tar = decompressedFixture("tree-posix.tar.xz");
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (OutputStream out = compressor.wrap(bos)) {
      out.write(tar);
    }
    Path misnamed = tmp.resolve(kind + "-archive.tar.gz.zip");
    Files.write(misnamed, bos.toByteArray());
    FileTree expected = openTree("tree-posix.tar.xz");
    try (TarSource s = TarSource.open(misnamed, SourceOptions.defaults())) {
      assertThat(s.tree()).isEqualTo(expected);
      assertThat(contentDigests(s.tree())).isEqualTo(contentDigests(expected));
      assertThat(s.spoolFile() == null).isEqualTo(kind.equals("none"));
    }
    try (TarSource s =
        TarSource.read(
            new ByteArrayInputStream(bos.toByteArray()), "-", SourceOptions.defaults())) {
      assertThat(s.tree()).isEqualTo(expected);
      assertThat(contentDigests(s.tree())).isEqualTo(contentDigests(expected));
    }
  }

  @Test
  void open_tarWhoseFirstNameLooksLikeBzip2Magic_readAsPlainTar() throws IOException {
    byte[] t =
        TarTestSupport.tar(
            List.of(TarTestSupport.file("BZh9-not-bzip2")),
            List.of("x".getBytes(StandardCharsets.UTF_8)));
    Path f = tmp.resolve("plain.tar");
    Files.write(f, t);
    try (TarSource s = TarSource.open(f, SourceOptions.defaults())) {
      assertThat(s.spoolFile()).isNull();
      assertThat(s.tree().contains(ImagePath.of("BZh9-not-bzip2"))).isTrue();
    }
  }

  /**
   * A global PAX header applies to every entry after it, not only the first: each entry gets a
   * parser of its own, except after a global header, whose values only its parser knows.
   */
  @Test
  void read_globalPaxHeader_appliesToEveryLaterEntry_fileAndStream() throws IOException {
    byte[] records =
        "12 uid=4242\n20 mtime=1234567890\n25 SCHILY.xattr.user.g=v\n"
            .getBytes(StandardCharsets.US_ASCII);
    TarArchiveEntry global =
        new TarArchiveEntry("pax_global_header", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER);
    global.setSize(records.length);
    global.setModTime(java.nio.file.attribute.FileTime.from(Instant.parse("2000-01-01T00:00:00Z")));
    byte[] header = new byte[512];
    global.writeEntryHeader(header);
    byte[] big = new byte[1500];
    Arrays.fill(big, (byte) 'z');
    byte[] rest =
        TarTestSupport.tar(
            List.of(TarTestSupport.file("a"), TarTestSupport.file("b"), TarTestSupport.file("c")),
            List.of(new byte[] {'1'}, big, new byte[] {'3', '3'}));
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    whole.write(header);
    whole.write(Arrays.copyOf(records, 512));
    whole.write(rest);
    byte[] t = whole.toByteArray();
    Path file = tmp.resolve("global.tar");
    Files.write(file, t);
    try (TarSource s = TarSource.open(file, SourceOptions.defaults());
        TarSource st =
            TarSource.read(new ByteArrayInputStream(t), "stdin", SourceOptions.defaults())) {
      FileTree fromFile = s.tree();
      FileTree fromStream = st.tree();
      for (FileTree tree : List.of(fromFile, fromStream)) {
        for (String name : List.of("a", "b", "c")) {
          Entry e = tree.get(ImagePath.of(name));
          assertThat(e.uid()).as(name).isEqualTo(4242);
          assertThat(e.mtime().seconds()).as(name).isEqualTo(1_234_567_890L);
          assertThat(e.xattrs()).as(name).containsExactly(new Xattr("user.g", new byte[] {'v'}));
        }
        assertThat(bytes(tree.get(ImagePath.of("b")).content())).isEqualTo(big);
        assertThat(bytes(tree.get(ImagePath.of("c")).content())).containsExactly('3', '3');
      }
      assertThat(fromStream).isEqualTo(fromFile);
    }
  }

  /** Bytes after the end-of-archive block (not a whole record) are not part of the archive. */
  @Test
  void read_bytesAfterTheLastBlock_ignored_fileAndStream() throws IOException {
    byte[] big = new byte[700];
    Arrays.fill(big, (byte) 'q');
    byte[] t =
        TarTestSupport.tar(
            List.of(TarTestSupport.file("x"), TarTestSupport.file("y")),
            List.of(big, new byte[] {'y'}));
    // padded to whole 10,240-byte blocks, as tar writes them, then 100 more bytes
    int blocks = (t.length + TarConstants.DEFAULT_BLKSIZE - 1) / TarConstants.DEFAULT_BLKSIZE;
    byte[] padded = Arrays.copyOf(t, blocks * TarConstants.DEFAULT_BLKSIZE);
    byte[] junk = Arrays.copyOf(padded, padded.length + 100);
    Arrays.fill(junk, padded.length, junk.length, (byte) 'J');
    Path file = tmp.resolve("junk.tar");
    Files.write(file, junk);
    try (TarSource s = TarSource.open(file, SourceOptions.defaults());
        TarSource st =
            TarSource.read(new ByteArrayInputStream(junk), "stdin", SourceOptions.defaults())) {
      assertThat(manifest(s.tree())).isEqualTo(manifest(st.tree()));
      assertThat(bytes(s.tree().get(ImagePath.of("x")).content())).isEqualTo(big);
      assertThat(s.tree().get(ImagePath.of("y")).size()).isEqualTo(1);
    }
  }

  /**
   * A pipe or a decompressor may return fewer bytes than asked for; commons-compress took such a
   * short read inside a sparse file's extent for the extent's end, so the stream path read sparse
   * files wrongly or lost the entries after them.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "sparse-0.0.tar.gz",
        "sparse-0.1.tar.gz",
        "sparse-1.0.tar.gz",
        "sparse-hole-1.0.tar.gz",
        "sparse-oldgnu.tar.gz",
        "sparse-hole-oldgnu.tar.gz",
        "tree-gnu.tar.gz",
        "tree-posix.tar.xz"
      })
  void read_streamOfShortReads_equalsPositionalFileResult(String f) throws IOException {
    Path plain = uncompressed(f);
    InputStream choppy =
        new ByteArrayInputStream(Files.readAllBytes(plain)) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 7));
          }
        };
    try (TarSource file = TarSource.open(plain, SourceOptions.defaults());
        TarSource stream = TarSource.read(choppy, "stdin", SourceOptions.defaults())) {
      assertThat(manifest(stream.tree())).as(f).isEqualTo(manifest(file.tree()));
      assertThat(contentDigests(stream.tree())).as(f).isEqualTo(contentDigests(file.tree()));
    }
  }

  /**
   * A tar of a few MB with entries of many sizes, so that headers and padding fall across the
   * boundaries of the in-place reader's 64 KiB read-ahead window: the file and the stream agree.
   */
  @Test
  void read_manyEntriesAcrossReadAheadWindows_fileEqualsStream() throws IOException {
    List<TarArchiveEntry> entries = new ArrayList<>();
    List<byte[]> datas = new ArrayList<>();
    long x = 12345;
    for (int i = 0; i < 400; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      int size = (int) ((x >>> 33) % 20_000);
      byte[] data = new byte[size];
      Arrays.fill(data, (byte) i);
      entries.add(TarTestSupport.file(String.format(java.util.Locale.ROOT, "d/f%03d", i)));
      datas.add(data);
    }
    byte[] t = TarTestSupport.tar(entries, datas);
    Path file = tmp.resolve("many.tar");
    Files.write(file, t);
    try (TarSource s = TarSource.open(file, SourceOptions.defaults());
        TarSource st =
            TarSource.read(new ByteArrayInputStream(t), "stdin", SourceOptions.defaults())) {
      assertThat(s.tree().size()).isEqualTo(402);
      assertThat(manifest(s.tree())).isEqualTo(manifest(st.tree()));
      for (int i = 0; i < 400; i++) {
        ImagePath p = ImagePath.of(String.format(java.util.Locale.ROOT, "d/f%03d", i));
        assertThat(bytes(s.tree().get(p).content())).as(p.toString()).isEqualTo(datas.get(i));
      }
    }
  }

  /**
   * Large files (their data skipped in place, so the reader jumps past the read-ahead window) each
   * followed by an entry whose PAX header is larger than what is read ahead after such a jump: the
   * file and the stream agree, xattrs and contents included.
   */
  @Test
  void read_largeFilesThenLargePaxHeaders_fileEqualsStream() throws IOException {
    List<TarArchiveEntry> entries = new ArrayList<>();
    List<byte[]> datas = new ArrayList<>();
    String big = "x".repeat(9_000);
    for (int i = 0; i < 12; i++) {
      byte[] data = new byte[70_000 + i * 13_001];
      Arrays.fill(data, (byte) (i + 1));
      entries.add(TarTestSupport.file(String.format(java.util.Locale.ROOT, "big%02d", i)));
      datas.add(data);
      TarArchiveEntry tagged =
          TarTestSupport.file(String.format(java.util.Locale.ROOT, "tagged%02d", i));
      tagged.addPaxHeader("SCHILY.xattr.user.big", big.substring(0, 3_000 + i * 500));
      entries.add(tagged);
      datas.add(new byte[] {(byte) i});
    }
    byte[] t = TarTestSupport.tar(entries, datas);
    Path file = tmp.resolve("jumps.tar");
    Files.write(file, t);
    try (TarSource s = TarSource.open(file, SourceOptions.defaults());
        TarSource st =
            TarSource.read(new ByteArrayInputStream(t), "stdin", SourceOptions.defaults())) {
      assertThat(s.tree().size()).isEqualTo(25);
      assertThat(manifest(s.tree())).isEqualTo(manifest(st.tree()));
      for (int i = 0; i < 12; i++) {
        ImagePath b = ImagePath.of(String.format(java.util.Locale.ROOT, "big%02d", i));
        assertThat(bytes(s.tree().get(b).content())).as(b.toString()).isEqualTo(datas.get(2 * i));
        ImagePath g = ImagePath.of(String.format(java.util.Locale.ROOT, "tagged%02d", i));
        assertThat(s.tree().get(g).xattrs())
            .as(g.toString())
            .containsExactly(
                new Xattr(
                    "user.big",
                    big.substring(0, 3_000 + i * 500).getBytes(StandardCharsets.UTF_8)));
        assertThat(bytes(s.tree().get(g).content())).isEqualTo(new byte[] {(byte) i});
      }
    }
  }

  @Test
  void read_stream_equalsPositionalFileResult() throws IOException {
    for (String f : List.of("tree-posix.tar.xz", "tree-gnu.tar.gz", "tree-bsdtar.tar.zst")) {
      Path plain = uncompressed(f);
      try (TarSource file = TarSource.open(plain, SourceOptions.defaults());
          TarSource stream =
              TarSource.read(Files.newInputStream(plain), "stdin", SourceOptions.defaults())) {
        assertThat(file.spoolFile()).isNull();
        assertThat(stream.spoolFile()).isNotNull();
        assertThat(stream.tree()).as(f).isEqualTo(file.tree());
        assertThat(contentDigests(stream.tree())).as(f).isEqualTo(contentDigests(file.tree()));
      }
    }
  }

  @Test
  void open_contentReadFromManyThreads_allReadSameBytes() throws Exception {
    Path plain = uncompressed("tree-posix.tar.xz");
    for (TarSource s :
        List.of(
            TarSource.open(plain, SourceOptions.defaults()),
            TarSource.open(fixture("tree-posix.tar.xz"), SourceOptions.defaults()))) {
      try (s) {
        Map<ImagePath, String> expected = contentDigests(s.tree());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
          List<Future<Map<ImagePath, String>>> results = new ArrayList<>();
          for (int i = 0; i < 32; i++) {
            results.add(pool.submit(() -> contentDigests(s.tree())));
          }
          for (Future<Map<ImagePath, String>> r : results) {
            assertThat(r.get()).isEqualTo(expected);
          }
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void close_spooledSource_deletesSpoolAndContentsFail() throws IOException {
    Path spoolDir = Files.createDirectory(tmp.resolve("spool"));
    SourceOptions options = SourceOptions.defaults().withSpoolDirectory(spoolDir);
    TarSource s = TarSource.open(fixture("tree-gnu.tar.gz"), options);
    Path spool = s.spoolFile();
    assertThat(spool.getParent()).isEqualTo(spoolDir);
    assertThat(spool).exists();
    Content c = s.tree().get(ImagePath.of("dir/file.txt")).content();
    s.close();
    assertThat(spool).doesNotExist();
    try (Stream<Path> left = Files.list(spoolDir)) {
      assertThat(left).isEmpty();
    }
    assertThatThrownBy(() -> c.open().readAllBytes()).isInstanceOf(JimgException.class);
  }

  @Test
  void read_corruptStream_leavesNoSpoolBehind() throws IOException {
    Path spoolDir = Files.createDirectory(tmp.resolve("spool"));
    byte[] tar = decompressedFixture("tree-gnu.tar.gz");
    byte[] cut = Arrays.copyOf(tar, 3000);
    assertThatThrownBy(
            () ->
                TarSource.read(
                    new ByteArrayInputStream(cut),
                    "cut.tar",
                    SourceOptions.defaults().withSpoolDirectory(spoolDir)))
        .isInstanceOf(JimgException.class);
    try (Stream<Path> left = Files.list(spoolDir)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void sourcesOpen_dashAndFile_readTheSameTree() throws IOException {
    Path plain = uncompressed("tree-gnu.tar.gz");
    try (Source dash =
            Sources.open(Sources.STDIN, Files.newInputStream(plain), SourceOptions.defaults());
        Source file =
            Sources.open(
                plain.toString(), InputStream.nullInputStream(), SourceOptions.defaults())) {
      assertThat(dash.name()).isEqualTo("standard input");
      assertThat(dash.tree()).isEqualTo(file.tree());
      assertThat(contentDigests(dash.tree())).isEqualTo(contentDigests(file.tree()));
    }
  }

  @Test
  void open_namedPipe_readAsStream() throws Exception {
    Path fifo = tmp.resolve("pipe.tar");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    dev.jimg.core.HostRequirements.require(mk.waitFor() == 0, "mkfifo available");
    byte[] tar = decompressedFixture("tree-gnu.tar.gz");
    Thread writer =
        new Thread(
            () -> {
              try {
                Files.write(fifo, tar);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    writer.start();
    try (TarSource s = TarSource.open(fifo, SourceOptions.defaults())) {
      assertThat(s.spoolFile()).isNotNull();
      assertThat(s.tree()).isEqualTo(openTree("tree-gnu.tar.gz"));
    } finally {
      writer.join();
    }
  }

  @Test
  void open_rootOwnerOption_forcesZeroOwners() throws IOException {
    try (TarSource s =
        TarSource.open(
            fixture("tree-posix.tar.xz"), SourceOptions.defaults().withRootOwner(true))) {
      s.tree()
          .forEach(
              (p, e) -> {
                assertThat(e.uid()).as(p.toString()).isZero();
                assertThat(e.gid()).as(p.toString()).isZero();
              });
    }
  }

  /**
   * 'tar -cf t.tar d/child d' stores d/child twice, the second time as a hard link to itself (GNU
   * tar extracts that as a no-op); it failed with "d/child: hard links form a loop".
   */
  @Test
  void open_hardLinkToItself_keepsTheFile() throws IOException {
    TarArchiveEntry dir = new TarArchiveEntry("d/", TarConstants.LF_DIR, true);
    TarArchiveEntry self = new TarArchiveEntry("d/child", TarConstants.LF_LINK, true);
    self.setLinkName("d/child");
    byte[] none = new byte[0];
    byte[] t =
        TarTestSupport.tar(
            List.of(TarTestSupport.file("d/child"), dir, self),
            List.of("c\n".getBytes(StandardCharsets.UTF_8), none, none));
    try (TarSource s =
        TarSource.read(new ByteArrayInputStream(t), "self.tar", SourceOptions.defaults())) {
      Entry child = s.tree().get(ImagePath.of("d/child"));
      assertThat(child.type()).isEqualTo(EntryType.REGULAR);
      assertThat(bytes(child.content())).isEqualTo("c\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * A global PAX header ('g') with a binary xattr value: commons-compress gives it to every later
   * entry decoded as UTF-8, and only the first entry's raw header bytes held it, so the second file
   * got EF BF BD EF BF BD instead of FF FE.
   */
  @Test
  void open_globalPaxBinaryXattr_rawOnEveryEntry() throws IOException {
    byte[] record = "26 SCHILY.xattr.user.b=\u00ff\u00fe\n".getBytes(StandardCharsets.ISO_8859_1);
    TarArchiveEntry g =
        new TarArchiveEntry("global", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, true);
    g.setSize(record.length);
    byte[] header = new byte[512];
    g.writeEntryHeader(
        header,
        org.apache.commons.compress.archivers.zip.ZipEncodingHelper.getZipEncoding("UTF-8"),
        true);
    byte[] files =
        TarTestSupport.tar(
            List.of(TarTestSupport.file("a"), TarTestSupport.file("b")),
            List.of(new byte[] {'x'}, new byte[] {'y'}));
    ByteArrayOutputStream t = new ByteArrayOutputStream();
    t.write(header);
    t.write(Arrays.copyOf(record, 512));
    t.write(files);
    try (TarSource s =
        TarSource.read(
            new ByteArrayInputStream(t.toByteArray()), "global.tar", SourceOptions.defaults())) {
      for (String name : List.of("a", "b")) {
        assertThat(s.tree().get(ImagePath.of(name)).xattrs())
            .as(name)
            .containsExactly(new Xattr("user.b", new byte[] {(byte) 0xFF, (byte) 0xFE}));
      }
    }
  }
}
