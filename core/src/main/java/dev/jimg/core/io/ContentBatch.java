/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import dev.jimg.core.tree.Content;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The contents of small files that lie back to back in an image, read into one buffer and written
 * with one call. A rootfs has thousands of files of a few KiB; a read and a write of each made most
 * of the copy threads' time on a tree of many small files, and two threads writing one file wait
 * for each other in the kernel (the file's lock), so fewer, larger writes win. The bytes written
 * are the same; what lies between one file's end and the next file's start (the tail of its last
 * block or cluster) is written as zeros.
 *
 * <p>Gathered by {@link ParallelWrites#submitSmall}: filled by one thread ({@link #continues},
 * {@link #add}), then run once, as a {@link ParallelWrites.Write}, on any thread. Batches run into
 * direct buffers of {@link #MAX_BYTES} taken from their {@link Buffers} and given back, so there
 * are no more buffers than batches running at once.
 */
final class ContentBatch implements ParallelWrites.Write {
  /** Largest file a batch takes; larger ones are worth a kernel copy of their own. */
  public static final long MAX_FILE = 64 * 1024;

  /**
   * Largest span of image bytes one batch covers: under half of G1's smallest region (1 MiB), so
   * that a batch's buffer is an ordinary object and not a humongous one where G1 runs.
   */
  public static final long MAX_BYTES = 256 * 1024;

  private final ImageChannel target;
  private final Buffers buffers;
  private final long start;
  private long end;
  private final List<Content> contents = new ArrayList<>();
  private final List<Object> names = new ArrayList<>();
  private long[] positions = new long[16];

  /**
   * A batch that writes into {@code target} from image byte {@code start}, through a buffer of
   * {@code buffers}.
   */
  ContentBatch(ImageChannel target, Buffers buffers, long start) {
    this.target = target;
    this.buffers = buffers;
    this.start = start;
    this.end = start;
  }

  /**
   * Whether a file stored at image bytes {@code [position, position + span)} continues this batch:
   * it starts where the last one's space ends and the batch stays within {@link #MAX_BYTES}.
   */
  boolean continues(long position, long span) {
    return position == end && end + span - start <= MAX_BYTES;
  }

  /**
   * Adds the whole of {@code content} (at most {@link #MAX_FILE} bytes) at image byte {@code
   * position}, followed by zeros up to {@code position + span}; {@code name} (its {@code toString})
   * names the file if its content turns out shorter than its size.
   */
  void add(Content content, Object name, long position, long span) {
    if (content.size() > MAX_FILE || content.size() > span || position < end) {
      throw new IllegalArgumentException(
          name + ": " + content.size() + " bytes in " + span + " at " + position);
    }
    int i = contents.size();
    if (i == positions.length) {
      positions = Arrays.copyOf(positions, i * 2);
    }
    contents.add(content);
    names.add(name);
    positions[i] = position;
    end = position + span;
  }

  @Override
  public void run() throws IOException {
    BufferChannel buffer = buffers.take();
    try {
      int n = contents.size();
      for (int i = 0; i < n; i++) {
        Content c = contents.get(i);
        int at = (int) (positions[i] - start);
        c.copyFully(0, c.size(), buffer, at, names.get(i));
        // the buffer holds an earlier batch's bytes: zero what lies up to the next file
        int next = i + 1 < n ? (int) (positions[i + 1] - start) : (int) (end - start);
        buffer.zero(at + (int) c.size(), next);
      }
      buffer.writeTo(target, start);
    } finally {
      buffers.giveBack(buffer);
    }
  }

  /** The buffers of one {@link ParallelWrites}: made when none is free, kept for the next batch. */
  static final class Buffers {
    private final ConcurrentLinkedQueue<BufferChannel> free = new ConcurrentLinkedQueue<>();

    BufferChannel take() {
      BufferChannel b = free.poll();
      if (b == null) {
        b = new BufferChannel(ByteBuffer.allocateDirect((int) MAX_BYTES));
      }
      b.reset();
      return b;
    }

    void giveBack(BufferChannel b) {
      free.add(b);
    }
  }
}
