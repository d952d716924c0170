/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.tree.FileTree;
import dev.jimg.testdata.Exec;
import dev.jimg.testdata.HostTree;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeArbitraries;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.TreeSpec;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FatReaderTest {
  @TempDir Path tmp;

  static FileTree read(Path img) throws IOException {
    try (FileImageChannel ch = FileImageChannel.openReadOnly(img)) {
      FileTree t = new FatReader().read(ch);
      // touch every byte while the channel is open
      for (var e : t) {
        if (e.getValue().content() != null) {
          try (InputStream in = e.getValue().content().open()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
          }
        }
      }
      return materialise(t, img);
    }
  }

  /** The tree with contents copied to memory, so it outlives the channel. */
  private static FileTree materialise(FileTree t, Path img) throws IOException {
    var b = new dev.jimg.core.tree.FileTreeBuilder();
    for (var e : t) {
      var v = e.getValue();
      if (v.content() != null) {
        try (InputStream in = v.content().open()) {
          v = v.toBuilder().content(dev.jimg.core.tree.Content.ofBytes(in.readAllBytes())).build();
        }
      }
      b.put(e.getKey(), v);
    }
    return b.build();
  }

  static void assertSame(FileTree actual, FileTree expected) {
    TreeManifestAssert.assertThat(TreeManifest.of(actual))
        .ignoring(
            TreeManifest.Column.MODE,
            TreeManifest.Column.UID,
            TreeManifest.Column.GID,
            TreeManifest.Column.XATTRS,
            TreeManifest.Column.LINK_GROUP)
        .ignoringAt("", TreeManifest.Column.MTIME)
        .withMtimeGranularity(Duration.ofSeconds(2))
        .matches(expected);
  }

  @Test
  void read_ourImages_giveTheTreeBack() throws Exception {
    FileTree tree = FatWriterTest.sample();
    for (Map<String, String> o :
        List.of(
            Map.<String, String>of(),
            Map.of("size", "1440K"),
            Map.of("size", "16M", "label", "X"),
            Map.of("size", "40M", "fat", "32"),
            Map.of("sector-size", "4096", "fat", "32"))) {
      Path img = tmp.resolve("r" + o.hashCode() + ".img");
      FatTestSupport.write(tree, o, img);
      assertSame(read(img), tree);
      try (FileImageChannel ch = FileImageChannel.openReadOnly(img)) {
        assertThat(new FatReader().probe(ch)).isTrue();
      }
    }
  }

  @Test
  void read_mkfsFatAndMcopyImage_givesTheTree() throws Exception {
    Validators.require(Tool.MKFS_FAT, Tool.MCOPY);
    FileTree tree = FatWriterTest.withoutNonBmpNames(FatWriterTest.sample());
    Path src = Files.createDirectories(tmp.resolve("src"));
    HostTree.write(tree, src);
    for (String fat : List.of("12", "16", "32")) {
      Path img = tmp.resolve("mkfs" + fat + ".img");
      Exec.run(
              Validators.require(Tool.MKFS_FAT).toString(),
              "-F",
              fat,
              "-s",
              "1",
              "-C",
              img.toString(),
              fat.equals("12") ? "1440" : fat.equals("16") ? "16000" : "40000")
          .requireOk();
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "env", "TZ=UTC", "LC_ALL=C.UTF-8", "mcopy", "-s", "-m", "-i", img.toString()));
      try (var s = Files.list(src)) {
        s.sorted().forEach(p -> cmd.add(p.toString()));
      }
      cmd.add("::/");
      Exec.run(cmd).requireOk();
      assertSame(read(img), tree);
    }
  }

  @Test
  void read_damagedImages_corruptInput() throws Exception {
    Path img = tmp.resolve("d.img");
    FatTestSupport.write(FatWriterTest.sample(), Map.of("size", "1440K"), img);
    byte[] good = Files.readAllBytes(img);
    BootSector b = FatWriterTest.boot(img);
    int fat = (int) (b.fatStart() * 512);
    int root = (int) (b.rootDirStart() * 512);
    List<byte[]> bad = new ArrayList<>();
    bad.add(patch(good, 510, 0)); // boot signature
    bad.add(patch(good, 0x0B, 0x03)); // sector size 0x0203
    // make cluster 3's entry point back at 2: a loop or a cross link in EFI/BOOT's chain
    bad.add(patch(patch(good, fat + 4, 0x02), fat + 5, 0x00));
    bad.add(patch(good, root + 13, 0x00)); // the first long-name slot's checksum
    bad.add(java.util.Arrays.copyOf(good, 100_000)); // truncated
    for (int i = 0; i < bad.size(); i++) {
      Path p = tmp.resolve("bad" + i + ".img");
      Files.write(p, bad.get(i));
      assertThatThrownBy(() -> read(p))
          .as("damage %d", i)
          .isInstanceOf(CorruptInputException.class);
    }
  }

  private static byte[] patch(byte[] b, int off, int v) {
    byte[] c = b.clone();
    c[off] = (byte) v;
    return c;
  }

  @Provide
  Arbitrary<FileTree> trees() {
    return TreeArbitraries.trees(TreeSpec.fat());
  }

  @Property(tries = 30)
  void read_randomTree_roundTrips(@ForAll("trees") FileTree tree) throws Exception {
    Path dir = Files.createTempDirectory("jimg-fat-read");
    Path img = dir.resolve("p.img");
    try {
      FatTestSupport.write(tree, Map.of(), img);
      assertSame(read(img), tree);
    } finally {
      Files.deleteIfExists(img);
      Files.delete(dir);
    }
  }
}
