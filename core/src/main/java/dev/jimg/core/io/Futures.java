/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work done on another thread, with its failure thrown as if done on this one. */
public final class Futures {
  private Futures() {}

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
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(doing + " failed", cause);
    }
  }
}
