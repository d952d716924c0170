/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.io.FileSystemErrors;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;

/**
 * Turns a failure into the one line the CLI prints ({@code jimg: <message>}) and its exit code. I/O
 * and jimg errors ({@link dev.jimg.core.JimgException} is an {@link IOException}) are the user's to
 * fix, so they get their message only; anything else is a bug in jimg and says so. With {@code
 * --debug} the stack trace follows.
 *
 * <p>Stateless and thread-safe.
 */
final class Failures {
  /** The run failed: bad input, a missing file, an I/O error, a bug. */
  static final int EXIT_FAILED = 1;

  private Failures() {}

  /** Prints the failure and returns {@link #EXIT_FAILED}. */
  static int report(Throwable t, boolean debug, PrintWriter err) {
    err.println("jimg: " + message(t));
    if (debug) {
      t.printStackTrace(err);
    }
    err.flush();
    return EXIT_FAILED;
  }

  /** A one-line message for a person, naming the file where there is one. */
  static String message(Throwable t) {
    if (t instanceof UncheckedIOException u && u.getCause() != null) {
      return message(u.getCause());
    }
    String text;
    if (t instanceof FileSystemException fs && fs.getFile() != null) {
      text = fileSystemMessage(fs);
    } else if (t instanceof EOFException) {
      text = t.getMessage() == null ? "unexpected end of input" : t.getMessage();
    } else if (t instanceof IOException || t instanceof UnsupportedOperationException) {
      text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    } else if (t instanceof OutOfMemoryError) {
      text = outOfMemory(t.getMessage(), Runtime.getRuntime().maxMemory());
    } else if (t instanceof StackOverflowError) {
      text =
          "stack overflow: the tree's directories nest too deeply for jimg (a Linux path holds at"
              + " most 4,096 bytes, about 2,000 levels; jimg takes 5,000 and more); flatten the"
              + " tree";
    } else {
      text =
          "internal error: "
              + t
              + (t.getStackTrace().length > 0 ? " at " + t.getStackTrace()[0] : "")
              + " (please report it; --debug shows the stack trace)";
    }
    return oneLine(text);
  }

  /**
   * The message for an {@link OutOfMemoryError}: not a bug but a heap too small for the tree, since
   * the tree and the image's plan stay in memory (about 1 KB per entry: 400 MB of heap for an ext4
   * image of 500,000 files from a tar).
   */
  static String outOfMemory(String what, long maxHeap) {
    boolean heap =
        what == null
            || what.isEmpty()
            || what.equals("Java heap space")
            || what.equals("GC overhead limit exceeded");
    String kind = what == null || what.isEmpty() ? "" : " (" + what + ")";
    if (!heap) {
      // threads, direct buffers, metaspace: more heap would not help
      return "out of memory" + kind + "; the machine or container has too little for this run";
    }
    return "out of memory"
        + kind
        + ": this run could use "
        + (maxHeap == Long.MAX_VALUE ? "no more" : "at most " + (maxHeap >> 20) + " MiB")
        + " of Java heap, and the tree takes about 1 KB per entry; give it more with"
        + " JIMG_JAVA_OPTS=-Xmx<size>, e.g. JIMG_JAVA_OPTS=-Xmx4g";
  }

  private static String fileSystemMessage(FileSystemException e) {
    String file = e.getOtherFile() == null ? e.getFile() : e.getFile() + " -> " + e.getOtherFile();
    return file + ": " + FileSystemErrors.reason(e);
  }

  private static String oneLine(String s) {
    return s.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
