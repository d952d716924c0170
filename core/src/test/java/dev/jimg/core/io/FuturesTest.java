/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

class FuturesTest {
  private static <T> FutureTask<T> ran(java.util.concurrent.Callable<T> c) {
    FutureTask<T> t = new FutureTask<>(c);
    t.run();
    return t;
  }

  @Test
  void await_resultOrTheFailureAsThrown() throws IOException {
    assertThat(Futures.await(ran(() -> 42), "counting")).isEqualTo(42);
    assertThatThrownBy(
            () ->
                Futures.await(
                    ran(
                        () -> {
                          throw new IOException("disk gone");
                        }),
                    "writing"))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("disk gone");
    assertThatThrownBy(
            () ->
                Futures.await(
                    ran(
                        () -> {
                          throw new IllegalStateException("bug");
                        }),
                    "writing"))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("bug");
    assertThatThrownBy(
            () ->
                Futures.await(
                    ran(
                        () -> {
                          throw new Exception("odd");
                        }),
                    "writing"))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("writing failed")
        .hasRootCauseMessage("odd");
  }

  @Test
  void await_interrupted_throwsInterruptedIoAndKeepsTheFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Futures.await(new CompletableFuture<Void>(), "compressing"))
          .isInstanceOf(InterruptedIOException.class)
          .hasMessage("interrupted while compressing");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
