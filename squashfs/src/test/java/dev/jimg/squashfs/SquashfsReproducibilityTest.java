/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SquashfsReproducibilityTest {
  @TempDir Path tmp;

  private byte[] build(FileTree tree, SquashfsOptions options, String name) throws IOException {
    Path image = tmp.resolve(name);
    Trees.write(tree, options, image);
    return Files.readAllBytes(image);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void write_twiceWithOneAndThreeThreads_identicalBytes(Compression c) throws IOException {
    FileTree tree = Trees.everyType();
    SquashfsOptions o = SquashfsOptions.defaults().withCompression(c).withBlockSize(16384);
    byte[] a = build(tree, o.withThreads(1), "a");
    byte[] b = build(tree, o.withThreads(3), "b");
    byte[] again = build(tree, o.withThreads(3), "c");
    assertThat(b).isEqualTo(a);
    assertThat(again).isEqualTo(a);
  }

  @Test
  void write_entriesInsertedInShuffledOrder_identicalBytes() throws IOException {
    FileTree tree = Trees.bigDirectory(300);
    List<Map.Entry<ImagePath, Entry>> entries = new ArrayList<>(tree.entries().entrySet());
    Collections.reverse(entries);
    Collections.swap(entries, 3, entries.size() / 2);
    FileTreeBuilder b = new FileTreeBuilder();
    for (Map.Entry<ImagePath, Entry> e : entries) {
      b.put(e.getKey(), e.getValue());
    }
    FileTree shuffled = b.build();
    SquashfsOptions o = SquashfsOptions.defaults();
    assertThat(build(shuffled, o.withThreads(2), "s"))
        .isEqualTo(build(tree, o.withThreads(1), "t"));
  }
}
