/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import dev.jimg.core.tree.Content;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs writes into disjoint regions of one channel (file contents copied to their blocks) on a few
 * threads, so that two kernel copies run at once; inline, in submission order, when the channel
 * cannot take concurrent writes ({@link ImageChannel#concurrentWrites()}) or one thread is asked
 * for. The bytes written never depend on which it was, since the regions do not overlap.
 *
 * <p>At most 512 writes per thread are queued; {@link #submit} waits for the oldest beyond that,
 * and a failed write's exception comes out of the next {@link #submit} or {@link #finish}. A queued
 * write should hold no large buffer. Not thread-safe: one thread submits.
 */
public final class ParallelWrites implements AutoCloseable {
  /**
   * How far the submitting thread may run ahead of the copies. With 4 per thread, the ext4 writer
   * waited behind each large file for the copy threads instead of building the metadata meanwhile:
   * with 512, {@code mkfs ext4} of the minbase tar took 1.05 s instead of 1.20 s, of the 670 MB
   * rootfs tar 1.84 s instead of 2.18 s and of a 1.1 GB directory 2.43 s instead of 3.28 s (means
   * of alternating runs; 128 per thread was as good on the two tars).
   */
  static final int QUEUED_PER_THREAD = 512;

  /** One write. */
  @FunctionalInterface
  public interface Write {
    void run() throws IOException;
  }

  /** Largest file {@link #submitSmall} takes; larger ones are worth a kernel copy of their own. */
  public static final long SMALL_FILE = ContentBatch.MAX_FILE;

  private final ImageChannel channel;
  private final ExecutorService pool;
  private final int capacity;
  private final ArrayDeque<Future<Void>> pending = new ArrayDeque<>();
  private ContentBatch batch;
  private final ContentBatch.Buffers buffers = new ContentBatch.Buffers();

  private ParallelWrites(ImageChannel channel, ExecutorService pool, int capacity) {
    this.channel = channel;
    this.pool = pool;
    this.capacity = capacity;
  }

  /**
   * Writes into {@code channel} on {@code threads} threads named {@code name-N}, or inline when
   * {@code threads <= 1} or the channel cannot take concurrent writes.
   */
  public static ParallelWrites into(ImageChannel channel, int threads, String name) {
    if (threads <= 1 || !channel.concurrentWrites()) {
      return new ParallelWrites(channel, null, 0);
    }
    return new ParallelWrites(
        channel, Futures.daemonPool(threads, name), QUEUED_PER_THREAD * threads);
  }

  /** Runs {@code write} now or queues it. */
  public void submit(Write write) throws IOException {
    if (pool == null) {
      write.run();
      return;
    }
    pending.addLast(
        pool.submit(
            () -> {
              write.run();
              return null;
            }));
    while (pending.size() > capacity) {
      Futures.await(pending.removeFirst(), "writing");
    }
  }

  /**
   * Queues the copy of all of {@code content} (at most {@link #SMALL_FILE} bytes) to the channel at
   * {@code position}, zeros after it up to {@code position + span}: gathered with the small files
   * submitted just before it whose space it follows into one read buffer and one write ({@link
   * ContentBatch}); the gathered files go out when one does not follow on, or at {@link #finish}.
   * {@code name} names the file if its content ends early.
   */
  public void submitSmall(Content content, Object name, long position, long span)
      throws IOException {
    if (batch == null || !batch.continues(position, span)) {
      if (batch != null) {
        submit(batch);
      }
      batch = new ContentBatch(channel, buffers, position);
    }
    batch.add(content, name, position, span);
  }

  /**
   * Writes what {@link #submitSmall} gathered, waits for every queued write; throws the first
   * failure.
   */
  public void finish() throws IOException {
    if (batch != null) {
      ContentBatch last = batch;
      batch = null;
      submit(last);
    }
    while (!pending.isEmpty()) {
      Futures.await(pending.removeFirst(), "writing");
    }
  }

  /** Cancels queued writes and waits (briefly) for running ones, so none outlives the channel. */
  @Override
  public void close() {
    if (pool == null) {
      return;
    }
    pending.forEach(f -> f.cancel(false));
    pool.shutdown();
    try {
      if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
