/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelWritesTest {
  @TempDir Path dir;

  @Test
  void into_memoryChannel_runsInlineInOrder() throws IOException {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    try (MemoryImageChannel ch = new MemoryImageChannel();
        ParallelWrites w = ParallelWrites.into(ch, 2, "test")) {
      for (int i = 0; i < 100; i++) {
        int k = i;
        w.submit(
            () -> {
              threads.add(Thread.currentThread().getName());
              ch.write(ByteBuffer.wrap(new byte[] {(byte) k}), k);
            });
      }
      w.finish();
      assertThat(threads).containsExactly(Thread.currentThread().getName());
      assertThat(ch.size()).isEqualTo(100);
    }
  }

  @Test
  void into_fileChannel_writesDisjointRegionsOnOtherThreadsWithTheSameBytes() throws IOException {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    Path image = dir.resolve("image");
    try (FileImageChannel ch = FileImageChannel.create(image);
        ParallelWrites w = ParallelWrites.into(ch, 2, "test-copy")) {
      for (int i = 0; i < 2000; i++) {
        int k = i;
        w.submit(
            () -> {
              threads.add(Thread.currentThread().getName());
              byte[] block = new byte[4096];
              java.util.Arrays.fill(block, (byte) (k * 7 + 1));
              ch.write(ByteBuffer.wrap(block), k * 4096L);
            });
      }
      w.finish();
    }
    assertThat(threads).allMatch(n -> n.startsWith("test-copy-"));
    byte[] all = Files.readAllBytes(image);
    assertThat(all).hasSize(2000 * 4096);
    for (int k = 0; k < 2000; k++) {
      assertThat(all[k * 4096]).isEqualTo((byte) (k * 7 + 1));
      assertThat(all[k * 4096 + 4095]).isEqualTo((byte) (k * 7 + 1));
    }
  }

  /**
   * Writes that end in zero blocks (skipped, so the file is lengthened without writing) race with
   * writes of data further on: no data is cut off and the file has its full length.
   */
  @Test
  void into_fileChannel_zeroTailsNeverCutOtherWritesData() throws IOException {
    for (int round = 0; round < 20; round++) {
      Path image = dir.resolve("image-" + round);
      try (FileImageChannel ch = FileImageChannel.create(image);
          ParallelWrites w = ParallelWrites.into(ch, 2, "test-copy")) {
        for (int i = 0; i < 400; i++) {
          int k = i;
          w.submit(
              () -> {
                byte[] block = new byte[8192];
                if (k % 2 == 0) {
                  java.util.Arrays.fill(block, 0, 4096, (byte) (k + 1));
                }
                ch.write(ByteBuffer.wrap(block), k * 8192L);
              });
        }
        w.finish();
        assertThat(Files.size(image)).isEqualTo(400 * 8192L);
      }
      byte[] all = Files.readAllBytes(image);
      for (int k = 0; k < 400; k += 2) {
        assertThat(all[k * 8192 + 4095]).as("block %d", k).isEqualTo((byte) (k + 1));
      }
    }
  }

  @Test
  void submit_aFailedWrite_surfacesItsException() throws IOException {
    try (FileImageChannel ch = FileImageChannel.create(dir.resolve("image"));
        ParallelWrites w = ParallelWrites.into(ch, 2, "test")) {
      w.submit(
          () -> {
            throw new IOException("disk on fire");
          });
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 100; i++) {
                  w.submit(() -> {});
                }
                w.finish();
              })
          .isInstanceOf(IOException.class)
          .hasMessage("disk on fire");
    }
  }
}
