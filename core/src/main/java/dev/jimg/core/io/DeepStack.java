/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import java.io.IOException;

/**
 * Runs work on a thread with a deep stack. Trees nest as deep as a tar or an image says, and some
 * writers walk them one frame per level: with the JVM's default 1 MiB stack (less on some threads)
 * a squashfs or FAT image of a tree 3,000 directories deep overflowed. The stack is address space,
 * touched only as deep as a run goes; where the system refuses to reserve it, the work runs on the
 * calling thread.
 */
public final class DeepStack {
  /** The stack of the thread the work runs on. */
  public static final long STACK_BYTES = 512L << 20;

  /** Whether the current thread is one {@link #call} started (then work runs on it directly). */
  private static final ThreadLocal<Boolean> DEEP = ThreadLocal.withInitial(() -> false);

  private DeepStack() {}

  /** Work that gives a result and may fail with an {@link IOException}. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code work} on a thread named {@code name} with a {@link #STACK_BYTES} stack and waits
   * for it; what it returns is returned and what it throws is thrown here. An interrupt of the
   * waiting thread is passed on to the work, which sees it as it would on the calling thread. On a
   * thread this method started, the work runs directly.
   */
  public static <T> T call(String name, Work<T> work) throws IOException {
    if (DEEP.get()) {
      return work.run();
    }
    Object[] result = new Object[1];
    Throwable[] thrown = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              DEEP.set(true);
              try {
                result[0] = work.run();
              } catch (Throwable x) {
                thrown[0] = x;
              }
            },
            name,
            STACK_BYTES);
    try {
      t.start();
    } catch (OutOfMemoryError cannotReserve) {
      return work.run();
    }
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        t.interrupt();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (thrown[0] instanceof IOException e) {
      throw e;
    }
    if (thrown[0] instanceof RuntimeException e) {
      throw e;
    }
    if (thrown[0] instanceof Error e) {
      throw e;
    }
    if (thrown[0] != null) {
      throw new IllegalStateException(thrown[0]);
    }
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }
}
