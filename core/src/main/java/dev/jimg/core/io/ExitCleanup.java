/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Temporary files and directories that are deleted if the JVM shuts down while they are still in
 * use: an image being written ({@link AtomicOutput}), a tree being extracted ({@link
 * HostTreeWriter}), spool files of tar streams and packages. Each owner registers its path when it
 * creates it and deregisters it once it has renamed or deleted it, so a run stopped by Ctrl-C,
 * SIGTERM or {@code System.exit} leaves nothing half-written behind (a crash or SIGKILL still can;
 * the next run replaces a stale temporary image).
 *
 * <p>One shutdown hook, installed with the first registration, first asks each owner to stop (so
 * that threads still making entries in a directory let it be emptied), then deletes the paths.
 * Thread-safe.
 */
public final class ExitCleanup {
  private static final Map<Path, Runnable> PENDING = new LinkedHashMap<>();
  private static boolean hooked;

  /** Attempts at deleting a directory that threads may still be adding entries to. */
  private static final int ATTEMPTS = 5;

  private ExitCleanup() {}

  /** Deletes {@code path} (a file, or a directory and everything in it) if the JVM shuts down. */
  public static void register(Path path) {
    register(path, null);
  }

  /**
   * As {@link #register(Path)}, running {@code stop} first at shutdown: it should make the threads
   * still writing below {@code path} stop soon. Registering a path again replaces its callback.
   */
  public static synchronized void register(Path path, Runnable stop) {
    if (!hooked) {
      try {
        Runtime.getRuntime().addShutdownHook(new Thread(ExitCleanup::run, "jimg-cleanup"));
      } catch (IllegalStateException e) {
        return; // the JVM is shutting down already: nothing can be registered any more
      }
      hooked = true;
    }
    PENDING.put(path, stop == null ? () -> {} : stop);
  }

  /**
   * A new empty temporary file, in {@code dir} or (when it is null) the JDK's temporary directory,
   * registered for deletion at shutdown until {@link #delete} deletes it.
   */
  public static Path tempFile(Path dir, String prefix, String suffix) throws IOException {
    Path file =
        dir == null
            ? Files.createTempFile(prefix, suffix)
            : Files.createTempFile(dir, prefix, suffix);
    register(file);
    return file;
  }

  /**
   * Deletes a registered file now and forgets it; one that cannot be deleted stays registered, so
   * the shutdown tries again.
   */
  public static void delete(Path path) throws IOException {
    Files.deleteIfExists(path);
    deregister(path);
  }

  /** Forgets {@code path}: its owner has renamed or deleted it. */
  public static synchronized void deregister(Path path) {
    PENDING.remove(path);
  }

  /** Whether {@code path} is registered (for tests). */
  static synchronized boolean isRegistered(Path path) {
    return PENDING.containsKey(path);
  }

  /** The shutdown hook: stops the owners, then deletes what they left. */
  static void run() {
    List<Map.Entry<Path, Runnable>> todo;
    synchronized (ExitCleanup.class) {
      todo = new ArrayList<>(PENDING.entrySet());
      PENDING.clear();
    }
    for (Map.Entry<Path, Runnable> e : todo) {
      try {
        e.getValue().run();
      } catch (RuntimeException ignored) {
        // deleting matters more than stopping cleanly
      }
    }
    for (Map.Entry<Path, Runnable> e : todo) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        try {
          HostTreeWriter.deleteTree(e.getKey());
          break;
        } catch (IOException | RuntimeException notYet) {
          // a thread made an entry after its directory was listed: list it again
        }
      }
    }
  }
}
