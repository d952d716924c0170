/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host command with a timeout and captures its exit code and combined stdout + stderr as
 * bytes. Commands run with {@code LC_ALL=C} and {@code TZ=UTC} so their output does not depend on
 * the host's locale or zone. Output goes through a temporary file, so a chatty tool cannot block on
 * a full pipe.
 *
 * <p>Stateless and thread-safe.
 */
public final class Exec {
  /** Timeout used by the judges in {@link Validators}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  private Exec() {}

  /**
   * The outcome of one command.
   *
   * @param command the command line
   * @param exitCode the exit code, or -1 if it timed out
   * @param output combined stdout and stderr, raw bytes
   * @param timedOut whether the command was killed at the timeout
   */
  public record Result(List<String> command, int exitCode, byte[] output, boolean timedOut) {
    /** The output decoded as UTF-8 (malformed bytes replaced). */
    public String text() {
      return new String(output, StandardCharsets.UTF_8);
    }

    /** The output's lines (without terminators). */
    public List<String> lines() {
      return text().lines().toList();
    }

    /** Whether it exited 0 in time. */
    public boolean ok() {
      return !timedOut && exitCode == 0;
    }

    /**
     * This result if {@link #ok()}.
     *
     * @throws AssertionError naming the command, exit code and output otherwise
     */
    public Result requireOk() {
      if (!ok()) {
        throw new AssertionError(describe("failed"));
      }
      return this;
    }

    /** A multi-line description for failure messages. */
    public String describe(String verdict) {
      String status = timedOut ? "timed out" : "exit " + exitCode;
      return String.join(" ", command) + ": " + verdict + " (" + status + ")\n" + text();
    }
  }

  /** Runs {@code command} with {@link #DEFAULT_TIMEOUT} and no input. */
  public static Result run(String... command) {
    return run(DEFAULT_TIMEOUT, null, List.of(command));
  }

  /** Runs {@code command} with {@link #DEFAULT_TIMEOUT} and no input. */
  public static Result run(List<String> command) {
    return run(DEFAULT_TIMEOUT, null, command);
  }

  /**
   * Runs {@code command}, feeding it {@code stdin} (or nothing), killing it after {@code timeout}.
   *
   * @throws UncheckedIOException if the command cannot be started (for example, it does not exist)
   */
  public static Result run(Duration timeout, byte[] stdin, List<String> command) {
    List<String> cmd = List.copyOf(command);
    Path out = null;
    try {
      out = Files.createTempFile("jimg-exec", ".out");
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd));
      pb.environment().put("LC_ALL", "C");
      pb.environment().put("TZ", "UTC");
      pb.redirectErrorStream(true);
      pb.redirectOutput(out.toFile());
      if (stdin == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      }
      Process p = pb.start();
      if (stdin != null) {
        try (OutputStream os = p.getOutputStream()) {
          os.write(stdin);
        } catch (IOException e) {
          // The tool may exit without reading all its input; its exit code tells the story.
        }
      }
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(out)) {
        bytes = in.readAllBytes();
      }
      return new Result(cmd, done ? p.exitValue() : -1, bytes, !done);
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", cmd) + ": cannot run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(String.join(" ", cmd) + ": interrupted", e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // A leftover temporary file is harmless.
        }
      }
    }
  }
}
