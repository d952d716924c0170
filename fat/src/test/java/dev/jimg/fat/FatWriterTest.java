/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.Validators;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FatWriterTest {
  static final Timestamp T = Timestamp.ofSeconds(1_600_000_000L);

  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    Validators.require(Tool.FSCK_FAT, Tool.MDIR, Tool.MCOPY);
  }

  static FileTree sample() throws Exception {
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.of("EFI"), Entry.directory(0755, T));
    b.put(ImagePath.of("EFI/BOOT"), Entry.directory(0755, T));
    b.put(
        ImagePath.of("EFI/BOOT/BOOTX64.EFI"),
        Entry.file(0644, T, Content.ofBytes(new byte[70_000])));
    b.put(ImagePath.of("readme.txt"), Entry.file(0644, T, Content.ofBytes(text("hello\n"))));
    b.put(
        ImagePath.of("A long name with spaces.conf"),
        Entry.file(0644, T, Content.ofBytes(text("x"))));
    b.put(ImagePath.of("Mixed.Txt"), Entry.file(0644, T, Content.ofBytes(text("m"))));
    b.put(ImagePath.of("loader"), Entry.directory(0755, T));
    b.put(ImagePath.of("loader/entries"), Entry.directory(0755, T));
    b.put(
        ImagePath.of("loader/entries/debian-6.1.0-amd64.conf"),
        Entry.file(0644, T, Content.ofBytes(text("title Debian\n"))));
    b.put(ImagePath.of("emoji-\uD83D\uDE00.txt"), Entry.file(0644, T, Content.ofBytes(text("e"))));
    b.put(ImagePath.of("grüße"), Entry.file(0644, T, Content.ofBytes(text("g"))));
    return b.build();
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void write_smallTree_fsckCleanAndMtoolsReadsBack() throws Exception {
    FileTree tree = sample();
    Path img = tmp.resolve("a.img");
    FatTestSupport.write(tree, Map.of("label", "EFI"), img);
    FatTestSupport.assertValid(tree, img, tmp);
  }
}
