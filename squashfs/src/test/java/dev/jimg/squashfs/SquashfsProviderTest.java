/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SquashfsProviderTest {
  @TempDir Path tmp;

  private Path write(FileTree tree, Map<String, String> options) throws IOException {
    FilesystemWriter w = Filesystems.installed().writer("squashfs", options, Trees.context(tree));
    Path image = tmp.resolve("p" + options.hashCode() + ".sqfs");
    long planned = w.plan(tree);
    try (FileImageChannel ch = FileImageChannel.create(image)) {
      long used = w.write(tree, ch, ProgressListener.NONE).bytesUsed();
      assertThat(used).isLessThanOrEqualTo(planned);
      assertThat(used % 4096).isZero();
    }
    return image;
  }

  /**
   * gzip's default level is 8, written in the compressor options block; level 9 is what readers
   * assume without one, so none is written. Both images are judged by unsquashfs and the kernel.
   */
  @Test
  void provider_gzipDefaultLevel8_inOptionsBlock_level9WithoutOne() throws IOException {
    Validators.require(Tool.UNSQUASHFS);
    FileTree tree = Trees.everyType();
    Path byDefault = write(tree, Map.of("compression", "gzip"));
    assertThat(Validators.unsquashfsSuperblock(byDefault)).contains("gzip").contains("level 8");
    SquashfsWriterTest.judge(tree, byDefault, tmp);
    Path nine = write(tree, Map.of("compression", "gzip", "level", "9"));
    assertThat(Validators.unsquashfsSuperblock(nine)).contains("gzip").doesNotContain("level");
    SquashfsWriterTest.judge(tree, nine, tmp);
  }

  @Test
  void provider_gzipLevelAndXzFilters_optionsBlockAcceptedByUnsquashfsAndKernel()
      throws IOException {
    Validators.require(Tool.UNSQUASHFS);
    FileTree tree = Trees.withRootXattr(Trees.everyType());
    Path gzip = write(tree, Map.of("compression", "gzip", "level", "6", "threads", "2"));
    assertThat(Validators.unsquashfsSuperblock(gzip)).contains("gzip").contains("level 6");
    SquashfsWriterTest.judge(tree, gzip, tmp);
    Path xz =
        write(tree, Map.of("compression", "xz", "xz-filters", "x86,arm", "block-size", "64K"));
    assertThat(Validators.unsquashfsSuperblock(xz)).contains("xz").contains("x86");
    SquashfsWriterTest.judge(tree, xz, tmp);
    Path lz4hc = write(tree, Map.of("compression", "lz4", "level", "9"));
    assertThat(Validators.unsquashfsSuperblock(lz4hc)).contains("lz4").contains("High Compression");
    SquashfsWriterTest.judge(tree, lz4hc, tmp);
    Path zstd = write(tree, Map.of("level", "3", "no-dedup", "true", "exportable", "yes"));
    assertThat(Validators.unsquashfsSuperblock(zstd)).contains("zstd").contains("level 3");
    SquashfsWriterTest.judge(tree, zstd, tmp);
  }

  @Test
  void provider_badOptions_namedInTheError() {
    FileTree tree = FileTree.empty();
    assertThatThrownBy(() -> write(tree, Map.of("compression", "lzo")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("lzo");
    assertThatThrownBy(() -> write(tree, Map.of("block-size", "3000")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("block-size");
    assertThatThrownBy(() -> write(tree, Map.of("level", "30")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("level");
    assertThatThrownBy(() -> write(tree, Map.of("xz-filters", "x86")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("xz-filters");
    assertThatThrownBy(() -> write(tree, Map.of("size", "1M")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("size");
  }

  @Test
  void write_symlinkTargetOver4KiB_unsupportedEntryNamingIt() throws IOException {
    FileTree tree =
        new FileTreeBuilder()
            .put(
                ImagePath.of("l"),
                Entry.builder(EntryType.SYMLINK)
                    .mode(0777)
                    .mtime(Trees.T)
                    .symlinkTarget("y".repeat(4097).getBytes(StandardCharsets.US_ASCII))
                    .build())
            .build();
    assertThatThrownBy(() -> write(tree, Map.of()))
        .isInstanceOf(UnsupportedEntryException.class)
        .hasMessageContaining("l: symlink target is 4097 bytes");
  }

  @Test
  void write_tooManyIds_unsupportedEntry() throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    for (int i = 0; i < 33000; i++) {
      b.put(
          ImagePath.of("f" + i),
          Entry.builder(EntryType.FIFO).mode(0644).uid(i).gid(100_000 + i).mtime(Trees.T).build());
    }
    FileTree tree = b.build();
    assertThatThrownBy(() -> write(tree, Map.of()))
        .isInstanceOf(UnsupportedEntryException.class)
        .hasMessageContaining("65536");
  }

  @Test
  void write_emptyTree_isMountable() throws IOException {
    Validators.require(Tool.UNSQUASHFS);
    FileTree tree = Trees.withRootXattr(FileTree.empty());
    Path image = write(tree, Map.of());
    assertThat(Files.size(image)).isEqualTo(4096);
    SquashfsWriterTest.judge(tree, image, tmp);
  }
}
