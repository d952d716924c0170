/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.tree.Content;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentBatchTest {
  @TempDir Path tmp;

  @Test
  void run_filesBackToBack_writesEachAtItsPlaceAndZerosBetween() throws IOException {
    MemoryImageChannel image = new MemoryImageChannel(filled(10_000, (byte) 0x55));
    Path host = tmp.resolve("host");
    Files.write(host, filled(700, (byte) 3));
    ContentBatch batch = new ContentBatch(image, new ContentBatch.Buffers(), 1024);
    assertThat(batch.continues(1024, 1024)).isTrue();
    batch.add(Content.ofBytes(filled(1000, (byte) 1)), "a", 1024, 1024);
    assertThat(batch.continues(4096, 1024)).as("a gap").isFalse();
    assertThat(batch.continues(2048, 2048)).isTrue();
    batch.add(Content.ofBytes(filled(2048, (byte) 2)), "b", 2048, 2048);
    batch.add(Content.ofFile(host, 700), "c", 4096, 1024);
    batch.run();

    byte[] expected = filled(10_000, (byte) 0x55);
    Arrays.fill(expected, 1024, 5120, (byte) 0);
    Arrays.fill(expected, 1024, 2024, (byte) 1);
    Arrays.fill(expected, 2048, 4096, (byte) 2);
    Arrays.fill(expected, 4096, 4796, (byte) 3);
    assertThat(image.toByteArray()).isEqualTo(expected);
  }

  @Test
  void run_bufferUsedBefore_stillWritesZerosBetweenFiles() throws IOException {
    ContentBatch.Buffers buffers = new ContentBatch.Buffers();
    MemoryImageChannel first = new MemoryImageChannel();
    ContentBatch full = new ContentBatch(first, buffers, 0);
    for (long at = 0; at < ContentBatch.MAX_BYTES; at += ContentBatch.MAX_FILE) {
      full.add(Content.ofBytes(filled((int) ContentBatch.MAX_FILE, (byte) 0x77)), "f", at, 65536);
    }
    full.run();

    MemoryImageChannel second = new MemoryImageChannel();
    ContentBatch gaps = new ContentBatch(second, buffers, 8192);
    gaps.add(Content.ofBytes(filled(10, (byte) 1)), "a", 8192, 4096);
    gaps.add(Content.ofBytes(new byte[0]), "empty", 12288, 4096);
    gaps.add(Content.ofBytes(filled(4095, (byte) 2)), "b", 16384, 8192);
    gaps.run();

    byte[] expected = new byte[8192 + 16384];
    Arrays.fill(expected, 8192, 8202, (byte) 1);
    Arrays.fill(expected, 16384, 20479, (byte) 2);
    assertThat(second.toByteArray()).isEqualTo(expected);
  }

  @Test
  void continues_stopsAtTheBatchLimit() {
    ContentBatch batch = new ContentBatch(new MemoryImageChannel(), new ContentBatch.Buffers(), 0);
    long span = ContentBatch.MAX_FILE;
    for (long at = 0; at + span <= ContentBatch.MAX_BYTES; at += span) {
      assertThat(batch.continues(at, span)).isTrue();
      batch.add(Content.ofBytes(new byte[1]), "f", at, span);
    }
    assertThat(batch.continues(ContentBatch.MAX_BYTES, span)).isFalse();
  }

  @Test
  void run_contentShorterThanItsSize_failsNamingTheFile() {
    Content shrunk =
        new Content() {
          @Override
          public long size() {
            return 3000;
          }

          @Override
          public InputStream open() {
            return new java.io.ByteArrayInputStream(new byte[1200]);
          }
        };
    ContentBatch batch = new ContentBatch(new MemoryImageChannel(), new ContentBatch.Buffers(), 0);
    batch.add(Content.ofBytes(new byte[10]), "first", 0, 4096);
    batch.add(shrunk, "dir/shrunk", 4096, 4096);
    assertThatThrownBy(batch::run)
        .isInstanceOf(CorruptInputException.class)
        .hasMessageStartingWith("dir/shrunk at byte 1200: ")
        .hasMessageContaining("content ended after 1200 of 3000 bytes");
  }

  @Test
  void add_fileLargerThanItsSpace_isRefused() {
    ContentBatch batch = new ContentBatch(new MemoryImageChannel(), new ContentBatch.Buffers(), 0);
    assertThatThrownBy(() -> batch.add(Content.ofBytes(new byte[5000]), "f", 0, 4096))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("f: 5000 bytes in 4096");
  }

  private static byte[] filled(int n, byte b) {
    byte[] a = new byte[n];
    Arrays.fill(a, b);
    return a;
  }
}
