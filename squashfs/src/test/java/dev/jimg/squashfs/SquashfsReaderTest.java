/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.JimgException;
import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.io.MemoryImageChannel;
import dev.jimg.core.tree.FileTree;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.HostTree;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SquashfsReaderTest {
  @TempDir Path tmp;

  private static FileTree read(Path image) throws IOException {
    FileImageChannel ch = FileImageChannel.openReadOnly(image);
    SquashfsReader r = new SquashfsReader();
    assertThat(r.probe(ch)).isTrue();
    return r.read(ch);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void read_ourImage_sameTree(Compression c) throws IOException {
    FileTree tree = Trees.everyType();
    Path image = tmp.resolve("ours.sqfs");
    Trees.write(tree, SquashfsOptions.defaults().withCompression(c).withBlockSize(8192), image);
    TreeManifestAssert.assertThat(TreeManifest.of(read(image))).matches(tree);
  }

  @Test
  void read_largeDirectory_sameTree() throws IOException {
    FileTree tree = Trees.bigDirectory(1200);
    Path image = tmp.resolve("big.sqfs");
    Trees.write(tree, SquashfsOptions.defaults().with(true, true, true), image);
    TreeManifestAssert.assertThat(TreeManifest.of(read(image))).matches(tree);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "xz", "zstd", "lz4"})
  void read_mksquashfsImageOfTheSameTree_sameTree(String comp) throws IOException {
    Validators.requireRoot();
    Path mksquashfs = Validators.require(Tool.MKSQUASHFS);
    FileTree tree = Trees.everyType();
    Path src = tmp.resolve("src");
    HostTree.write(tree, src);
    Path image = tmp.resolve("mk-" + comp + ".sqfs");
    Exec.run(
            mksquashfs.toString(),
            src.toString(),
            image.toString(),
            "-comp",
            comp,
            "-noappend",
            "-no-progress",
            "-quiet")
        .requireOk();
    // mksquashfs does not keep the root directory's own mtime.
    TreeManifestAssert.assertThat(TreeManifest.of(read(image)))
        .ignoringAt(".", TreeManifest.Column.MTIME)
        .matches(tree);
  }

  /** The fixture and the command that made it: see fixtures/README.md. */
  @Test
  void read_committedMksquashfsFixture_expectedEntries() throws IOException {
    Path image = tmp.resolve("fixture.sqfs");
    try (InputStream in = getClass().getResourceAsStream("/fixtures/mksquashfs-4.5.1-gzip.sqfs")) {
      Files.write(image, in.readAllBytes());
    }
    FileTree tree = read(image);
    assertThat(tree.entries().keySet().stream().map(Object::toString).toList())
        .containsExactly(".", "dir", "dir/hello", "dir/link", "hard", "sym");
    assertThat(tree.get(dev.jimg.core.tree.ImagePath.of("dir/hello")).xattrs()).hasSize(1);
    try (InputStream in = tree.resolve(dev.jimg.core.tree.ImagePath.of("hard")).content().open()) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII))
          .isEqualTo("hello squashfs\n");
    }
  }

  @Test
  void read_truncatedOrFlippedImage_typedErrorNeverHang() throws IOException {
    FileTree tree = Trees.withRootXattr(Trees.everyType());
    Path image = tmp.resolve("c.sqfs");
    Trees.write(tree, SquashfsOptions.defaults().with(true, true, true), image);
    byte[] good = Files.readAllBytes(image);
    long used =
        java.nio.ByteBuffer.wrap(good).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0x28);
    for (int cut : new int[] {0, 50, 96, 4096, (int) used - 1}) {
      byte[] bad = java.util.Arrays.copyOf(good, cut);
      assertThatThrownBy(() -> new SquashfsReader().read(new MemoryImageChannel(bad)))
          .isInstanceOf(IOException.class);
    }
    // flip one byte at a time through the superblock and the metadata tables; every result is a
    // tree or an IOException, and reading every file's content also ends.
    long inodeStart =
        java.nio.ByteBuffer.wrap(good).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0x40);
    int errors = 0;
    for (long p = 0; p < used; p += p < 96 ? 1 : (p < inodeStart ? 4093 : 7)) {
      byte[] bad = good.clone();
      bad[(int) p] ^= (byte) 0x5A;
      try {
        FileTree t = new SquashfsReader().read(new MemoryImageChannel(bad));
        t.forEach(
            (path, e) -> {
              if (e.type() == dev.jimg.core.tree.EntryType.REGULAR) {
                try (InputStream in = e.content().open()) {
                  in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException x) {
                  assertThat(x).isInstanceOf(JimgException.class);
                }
              }
            });
      } catch (JimgException expected) {
        errors++;
      } catch (IOException other) {
        throw new UncheckedIOException("untyped error at byte " + p, other);
      }
    }
    assertThat(errors).isPositive();
  }

  @Test
  void probe_otherData_false() throws IOException {
    assertThat(new SquashfsReader().probe(new MemoryImageChannel(new byte[4096]))).isFalse();
    assertThat(new SquashfsReader().probe(new MemoryImageChannel(new byte[10]))).isFalse();
    assertThat(Map.of()).isEmpty();
  }

  @Test
  void write_clockGivenEarlierThanMtimes_timesClampedAndSuperblockTime() throws IOException {
    FileTree tree = Trees.everyType();
    dev.jimg.core.tree.Timestamp t = dev.jimg.core.tree.Timestamp.ofSeconds(1_550_000_000L);
    MemoryImageChannel ch = new MemoryImageChannel();
    new SquashfsWriter(
            SquashfsOptions.defaults(),
            new dev.jimg.core.spi.WriteContext(
                dev.jimg.core.repro.BuildClock.fixed(t),
                dev.jimg.core.repro.Identities.fromSeed(new byte[32])))
        .write(tree, ch, dev.jimg.core.progress.ProgressListener.NONE);
    byte[] bytes = ch.toByteArray();
    assertThat(java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(8))
        .isEqualTo(1_550_000_000);
    FileTree back = new SquashfsReader().read(new MemoryImageChannel(bytes));
    TreeManifestAssert.assertThat(TreeManifest.of(back))
        .matches(dev.jimg.core.repro.BuildClock.fixed(t).clampTimes(tree));
    assertThat(back.get(dev.jimg.core.tree.ImagePath.of("etc/hosts")).mtime().seconds())
        .isEqualTo(1_500_000_000L);
    assertThat(back.get(dev.jimg.core.tree.ImagePath.of("usr")).mtime()).isEqualTo(t);
  }
}
