/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import static dev.jimg.core.source.TarTestSupport.bytes;
import static dev.jimg.core.source.TarTestSupport.decompressedFixture;
import static dev.jimg.core.source.TarTestSupport.file;
import static dev.jimg.core.source.TarTestSupport.readBytes;
import static dev.jimg.core.source.TarTestSupport.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.TreeConflictException;
import dev.jimg.core.UnsafePathException;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarSourceCorruptTest {
  private static final byte[] NONE = new byte[0];

  @TempDir Path tmp;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Reads {@code tar} as a file (positional) and as a stream; both must fail alike. */
  private CorruptInputException bothFail(byte[] tar, Class<? extends Exception> type)
      throws IOException {
    Path f = tmp.resolve("bad.tar");
    Files.write(f, tar);
    assertThatThrownBy(() -> TarSource.open(f, SourceOptions.defaults()).close())
        .isInstanceOf(type)
        .hasMessageContaining(f.toString());
    try {
      TarSource.read(new ByteArrayInputStream(tar), "bad stream", SourceOptions.defaults()).close();
    } catch (CorruptInputException e) {
      assertThat(e).isInstanceOf(type).hasMessageStartingWith("bad stream");
      assertThat(e.resource()).isEqualTo("bad stream");
      return e;
    }
    throw new AssertionError("stream read did not fail");
  }

  @Test
  void open_emptyFile_corruptNamingEmpty() throws IOException {
    CorruptInputException e = bothFail(NONE, CorruptInputException.class);
    assertThat(e).hasMessageContaining("empty");
    assertThat(e.offset()).isZero();
  }

  @Test
  void open_garbage_corruptNotATar() throws IOException {
    byte[] garbage = utf8("this is not a tar archive\n".repeat(400));
    CorruptInputException e = bothFail(garbage, CorruptInputException.class);
    assertThat(e).hasMessageContaining("not a");
    assertThat(e.offset()).isZero();
  }

  @Test
  void open_truncatedInsideData_corruptTruncated() throws IOException {
    byte[] ok = tar(List.of(file("a"), file("big")), List.of(utf8("x"), new byte[5000]));
    CorruptInputException e =
        bothFail(Arrays.copyOf(ok, 1024 + 512 + 2000), CorruptInputException.class);
    assertThat(e).hasMessageContaining("'big'");
    assertThat(e.getMessage()).containsIgnoringCase("truncated");
    assertThat(e.offset()).isEqualTo(1024);
  }

  @Test
  void open_truncatedInsideHeader_corrupt() throws IOException {
    byte[] ok = tar(List.of(file("a"), file("b")), List.of(utf8("x"), utf8("y")));
    CorruptInputException e = bothFail(Arrays.copyOf(ok, 1024 + 300), CorruptInputException.class);
    assertThat(e.getMessage()).containsIgnoringCase("truncated");
  }

  @Test
  void open_missingEndOfArchive_corruptTruncated() throws IOException {
    byte[] ok = tar(List.of(file("a"), file("b")), List.of(utf8("x"), utf8("y")));
    CorruptInputException e = bothFail(Arrays.copyOf(ok, 2048), CorruptInputException.class);
    assertThat(e).hasMessageContaining("end-of-archive").hasMessageContaining("2 entries");
  }

  @Test
  void open_badHeaderChecksum_corruptNamingEntryAndOffset() throws IOException {
    byte[] bad = tar(List.of(file("a"), file("second")), List.of(utf8("x"), utf8("y")));
    bad[1024 + 100] ^= 0x01; // mode field of the second header; the checksum no longer matches
    CorruptInputException e = bothFail(bad, CorruptInputException.class);
    assertThat(e).hasMessageContaining("'second'").hasMessageContaining("checksum");
    assertThat(e.offset()).isEqualTo(1024);
  }

  @Test
  void open_unknownEntryType_corruptNamingTypeAndEntry() throws IOException {
    TarArchiveEntry odd = new TarArchiveEntry("odd", (byte) 'Z', true);
    byte[] t = tar(List.of(file("a"), odd), List.of(utf8("x"), NONE));
    CorruptInputException e = bothFail(t, CorruptInputException.class);
    assertThat(e).hasMessageContaining("'odd'").hasMessageContaining("unknown entry type 'Z'");
    assertThat(e.offset()).isEqualTo(1024);
  }

  private static byte[] header(String name, byte type, long size) throws IOException {
    TarArchiveEntry x = new TarArchiveEntry(name, type, true);
    x.setSize(size);
    byte[] h = new byte[512];
    x.writeEntryHeader(h, ZipEncodingHelper.getZipEncoding("UTF-8"), true);
    return h;
  }

  /**
   * A directory header claiming data: commons-compress, GNU tar and bsdtar all read the next record
   * as a header. The file path used to read a stale header again and again (20 phantom entries);
   * both paths now report the record after the directory.
   */
  @Test
  void open_directoryWithData_corruptAfterTheDirectory() throws IOException {
    byte[] dirData = new byte[512];
    Arrays.fill(dirData, (byte) 'D');
    byte[] rest = tar(List.of(file("d/f")), List.of(utf8("x")));
    byte[] t = new byte[1024 + rest.length];
    System.arraycopy(header("d/", TarConstants.LF_DIR, 512), 0, t, 0, 512);
    System.arraycopy(dirData, 0, t, 512, 512);
    System.arraycopy(rest, 0, t, 1024, rest.length);
    CorruptInputException e = bothFail(t, CorruptInputException.class);
    assertThat(e).hasMessageContaining("after entry 'd/'");
    assertThat(e.offset()).isEqualTo(512);
    Path f = tmp.resolve("dir-data.tar");
    Files.write(f, t);
    assertThatThrownBy(() -> TarSource.open(f, SourceOptions.defaults()).close())
        .isInstanceOfSatisfying(
            CorruptInputException.class,
            x -> {
              assertThat(x).hasMessageContaining("after entry 'd/'");
              assertThat(x.offset()).isEqualTo(512);
            });
  }

  @Test
  void open_paxHeaderClaimingOneTerabyte_corruptWithoutAllocating() throws IOException {
    byte[] h = header("PaxHeaders/f", TarConstants.LF_PAX_EXTENDED_HEADER_LC, 1L << 40);
    byte[] t = Arrays.copyOf(h, 512 * 6);
    byte[] record = utf8("13 path=abcd\n");
    System.arraycopy(record, 0, t, 512, record.length);
    bothFail(t, CorruptInputException.class);
  }

  /** Endless digits: a PAX length that never ends. */
  private static InputStream endless(byte fill) {
    return new InputStream() {
      @Override
      public int read() {
        return fill;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        Arrays.fill(b, off, off + len, fill);
        return len;
      }
    };
  }

  @Test
  void read_endlessPaxHeader_corruptAtHeaderCap() throws IOException {
    byte[] h = header("PaxHeaders/f", TarConstants.LF_PAX_EXTENDED_HEADER_LC, 1L << 40);
    InputStream in = new SequenceInputStream(new ByteArrayInputStream(h), endless((byte) '1'));
    assertThatThrownBy(() -> TarSource.read(in, "endless", SourceOptions.defaults()))
        .isInstanceOf(CorruptInputException.class)
        .hasMessageContaining("exceed " + TarInput.MAX_HEADER_BYTES);
  }

  @Test
  void read_endlessGnuLongName_corruptAtHeaderCap() throws IOException {
    byte[] h = header("././@LongLink", TarConstants.LF_GNUTYPE_LONGNAME, 1L << 40);
    InputStream in = new SequenceInputStream(new ByteArrayInputStream(h), endless((byte) 'a'));
    assertThatThrownBy(() -> TarSource.read(in, "endless", SourceOptions.defaults()))
        .isInstanceOf(CorruptInputException.class)
        .hasMessageContaining("exceed " + TarInput.MAX_HEADER_BYTES);
  }

  @Test
  void read_thousandsOfNestedLongNameHeaders_corruptNotStackOverflow() throws IOException {
    byte[] one = header("././@LongLink", TarConstants.LF_GNUTYPE_LONGNAME, 1);
    int n = 8000;
    byte[] t = new byte[n * 1024 + 2048];
    for (int i = 0; i < n; i++) {
      System.arraycopy(one, 0, t, i * 1024, 512);
      t[i * 1024 + 512] = 'a';
    }
    InputStream in = new ByteArrayInputStream(t);
    assertThatThrownBy(() -> TarSource.read(in, "nested", SourceOptions.defaults()))
        .isInstanceOf(CorruptInputException.class)
        .hasMessageStartingWith("nested");
  }

  @Test
  void open_absoluteName_unsafePath() throws IOException {
    byte[] t = tar(List.of(file("a"), file("/etc/passwd")), List.of(utf8("x"), utf8("y")));
    CorruptInputException e = bothFail(t, UnsafePathException.class);
    assertThat(e).hasMessageContaining("/etc/passwd").hasMessageContaining("absolute");
    assertThat(e.offset()).isEqualTo(1024);
  }

  @Test
  void open_dotDotName_unsafePath() throws IOException {
    byte[] t = tar(List.of(file("a/../../evil")), List.of(utf8("y")));
    assertThat(bothFail(t, UnsafePathException.class)).hasMessageContaining("..");
  }

  @Test
  void open_hardLinkEscaping_unsafePath() throws IOException {
    TarArchiveEntry link = new TarArchiveEntry("l", TarConstants.LF_LINK, true);
    link.setLinkName("../outside");
    byte[] t = tar(List.of(link), List.of(NONE));
    assertThat(bothFail(t, UnsafePathException.class)).hasMessageContaining("hard link");
  }

  @Test
  void open_hardLinkToLaterEntry_corrupt() throws IOException {
    TarArchiveEntry link = new TarArchiveEntry("l", TarConstants.LF_LINK, true);
    link.setLinkName("target");
    byte[] t = tar(List.of(link, file("target")), List.of(NONE, utf8("x")));
    assertThat(bothFail(t, CorruptInputException.class))
        .hasMessageContaining("'l'")
        .hasMessageContaining("not earlier in the archive");
  }

  @Test
  void open_fileOverDirectory_treeConflictNamingEntryAndOffset() throws IOException {
    TarArchiveEntry dir = new TarArchiveEntry("d/", TarConstants.LF_DIR, true);
    byte[] t = tar(List.of(dir, file("d/x"), file("d")), List.of(NONE, utf8("x"), utf8("y")));
    Path f = tmp.resolve("conflict.tar");
    Files.write(f, t);
    assertThatThrownBy(() -> TarSource.open(f, SourceOptions.defaults()))
        .isInstanceOf(TreeConflictException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("at byte 1536")
        .hasMessageContaining("'d'");
  }

  @Test
  void open_fileBelowFile_treeConflict() throws IOException {
    byte[] t = tar(List.of(file("f"), file("f/x")), List.of(utf8("x"), utf8("y")));
    assertThatThrownBy(() -> readBytes(t))
        .isInstanceOf(TreeConflictException.class)
        .hasMessageContaining("at byte 1024")
        .hasMessageContaining("'f/x'");
  }

  @Test
  void open_duplicateEntries_laterWins() throws IOException {
    byte[] t = tar(List.of(file("x"), file("./x")), List.of(utf8("first"), utf8("second!")));
    try (TarSource s =
        TarSource.read(new ByteArrayInputStream(t), "dup", SourceOptions.defaults())) {
      assertThat(bytes(s.tree().get(ImagePath.of("x")).content())).isEqualTo(utf8("second!"));
    }
  }

  @Test
  void open_libarchiveXattr_decodesUrlNameAndBase64Value() throws IOException {
    TarArchiveEntry e = file("f");
    e.addPaxHeader("LIBARCHIVE.xattr.user.a%3Db%25c", "AID/Cg"); // libarchive omits '=' padding
    FileTree t = readBytes(tar(List.of(e), List.of(utf8("x"))));
    assertThat(t.get(ImagePath.of("f")).xattrs())
        .containsExactly(new Xattr("user.a=b%c", new byte[] {0, (byte) 0x80, (byte) 0xff, 0x0a}));
  }

  @Test
  void open_badLibarchiveXattr_corrupt() throws IOException {
    TarArchiveEntry e = file("f");
    e.addPaxHeader("LIBARCHIVE.xattr.user.a", "***");
    assertThatThrownBy(() -> readBytes(tar(List.of(e), List.of(utf8("x")))))
        .isInstanceOf(CorruptInputException.class)
        .hasMessageContaining("LIBARCHIVE.xattr.user.a");
  }

  @Test
  void open_emptySchilyXattr_keptWithEmptyValue() throws IOException {
    // GNU tar writes an empty xattr as "SCHILY.xattr.user.empty=" and extracts it as such
    TarArchiveEntry e = file("f");
    e.addPaxHeader("SCHILY.xattr.user.empty", "");
    e.addPaxHeader("SCHILY.xattr.user.full", "v");
    FileTree t = readBytes(tar(List.of(e), List.of(utf8("x"))));
    assertThat(t.get(ImagePath.of("f")).xattrs())
        .containsExactly(new Xattr("user.empty", new byte[0]), new Xattr("user.full", utf8("v")));
  }

  @Test
  void open_negativeFractionalPaxTime_floorsToSecondsPlusNanos() throws IOException {
    TarArchiveEntry e = file("f");
    e.addPaxHeader("mtime", "-1.5");
    e.addPaxHeader("atime", "4102444800.25");
    FileTree t = readBytes(tar(List.of(e), List.of(utf8("x"))));
    assertThat(t.get(ImagePath.of("f")).mtime()).isEqualTo(new Timestamp(-2, 500_000_000));
    assertThat(t.get(ImagePath.of("f")).atime())
        .contains(new Timestamp(4_102_444_800L, 250_000_000));
  }

  @Test
  void open_paxUidBeyond32Bits_corrupt() throws IOException {
    TarArchiveEntry e = file("f");
    e.addPaxHeader("uid", "4294967296");
    assertThatThrownBy(() -> readBytes(tar(List.of(e), List.of(utf8("x")))))
        .isInstanceOf(CorruptInputException.class)
        .hasMessageContaining("'f'")
        .hasMessageContaining("32-bit");
  }

  @Test
  void read_validFixture_stillReadsAfterTheseChecks() throws IOException {
    assertThat(readBytes(decompressedFixture("tree-gnu.tar.gz")).size()).isEqualTo(14);
  }

  /**
   * An xz stream cut before its first chunk ends: xz-java throws an EOFException without a message,
   * which read "not a readable tar archive: null".
   */
  @Test
  void read_xzCutShort_saysTruncatedNotNull() throws IOException {
    byte[] plain = tar(List.of(file("a")), List.of(new byte[20000]));
    java.io.ByteArrayOutputStream xz = new java.io.ByteArrayOutputStream();
    try (org.tukaani.xz.XZOutputStream out =
        new org.tukaani.xz.XZOutputStream(xz, new org.tukaani.xz.LZMA2Options())) {
      out.write(plain);
    }
    byte[] cut = Arrays.copyOf(xz.toByteArray(), xz.size() / 2);
    assertThatThrownBy(
            () ->
                TarSource.read(
                        new ByteArrayInputStream(cut), "cut.tar.xz", SourceOptions.defaults())
                    .close())
        .isInstanceOf(CorruptInputException.class)
        .hasMessageContaining(
            "the data ends early; the archive or its compressed stream is truncated")
        .hasMessageNotContaining("null");
  }

  /**
   * GNU tar's default format writes a sparse file of 8 GiB or more with its real size in base-256,
   * which commons-compress 1.28 cannot parse: the error was "not a readable tar archive: Corrupted
   * TAR archive." for a valid tar. It now names the entry and what to do.
   */
  @Test
  void read_oldGnuSparseOver8GiB_namesTheEntryAndTheWayOut() throws IOException {
    byte[] h = new byte[512];
    put(h, 0, "big");
    put(h, 100, "0000644\0");
    put(h, 108, "0000000\0");
    put(h, 116, "0000000\0");
    put(h, 124, "00000001000\0");
    put(h, 136, "00000000000\0");
    h[156] = 'S';
    put(h, 257, "ustar  \0");
    put(h, 386, "00000000000\0");
    put(h, 398, "00000001000\0");
    h[483] = (byte) 0x80;
    long real = 9L << 30;
    for (int i = 0; i < 8; i++) {
      h[494 - i] = (byte) (real >>> (8 * i));
    }
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    put(h, 148, String.format(java.util.Locale.ROOT, "%06o\0 ", sum));
    byte[] t = new byte[512 * 4];
    System.arraycopy(h, 0, t, 0, 512);
    CorruptInputException e = bothFail(t, CorruptInputException.class);
    assertThat(e)
        .hasMessageContaining("entry 'big': an old-GNU sparse file of 8 GiB or more")
        .hasMessageContaining("--format=posix");
  }

  /**
   * A cpio archive read "Corrupted TAR archive." and an lz4 or lzma tar "ends without the
   * end-of-archive blocks; the archive is truncated": they now say what they are.
   */
  @Test
  void read_otherArchiveOrCompression_saysWhatItIs() throws IOException {
    byte[] cpio = Arrays.copyOf("0707010023aa18000081a4".getBytes(StandardCharsets.US_ASCII), 1024);
    assertThat(bothFail(cpio, CorruptInputException.class))
        .hasMessageContaining("is not a tar but a cpio archive");
    byte[] lz4 = {0x04, 0x22, 0x4D, 0x18, 0x64, 0x40, (byte) 0xA7, 0x03, 0, 0, 0, 0, 0, 0};
    assertThat(bothFail(lz4, CorruptInputException.class))
        .hasMessageContaining("is not a tar but an lz4 stream")
        .hasMessageNotContaining("truncated");
    byte[] lzma = {0x5D, 0, 0, (byte) 0x80, 0, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0x34, 0x1A};
    assertThat(bothFail(lzma, CorruptInputException.class))
        .hasMessageContaining("is not a tar but an lzma stream");
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, at, b.length);
  }
}
