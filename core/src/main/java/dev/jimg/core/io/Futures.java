/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Waiting for work done on another thread, with its failure thrown as if done on this one. */
public final class Futures {
  private Futures() {}

  /**
   * A pool of {@code threads} daemon threads named {@code name-1}, {@code name-2}, ...: work of a
   * build that must not keep the JVM alive if the build fails before shutting the pool down.
   */
  public static ExecutorService daemonPool(int threads, String name) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * The result of {@code f}. Its {@link IOException}, {@link RuntimeException} or {@link Error} is
   * thrown as it is; any other failure as an {@link IOException} "{@code doing} failed". An
   * interrupt while waiting keeps the thread's interrupt flag and throws {@link
   * InterruptedIOException} "interrupted while {@code doing}".
   *
   * @param doing what the work is, for messages ("compressing")
   */
  public static <T> T await(Future<T> f, String doing) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + doing);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause(), doing);
    }
  }

  /**
   * Throws {@code failure} of work done on another thread as if it had happened on this one: an
   * {@link IOException}, {@link RuntimeException} or {@link Error} as it is, anything else as an
   * {@link IOException} "{@code doing} failed". Declared to return one so callers can {@code throw}
   * it.
   */
  public static IOException rethrow(Throwable failure, String doing) throws IOException {
    if (failure instanceof IOException io) {
      throw io;
    }
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    throw new IOException(doing + " failed", failure);
  }
}
