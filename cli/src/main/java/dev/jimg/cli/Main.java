/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.repro.AllowNondeterminism;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The {@code jimg} executable: wires the process's streams and environment into {@link Cli}. */
public final class Main {
  private Main() {}

  /** Runs jimg and exits with its exit code (see {@link Cli}). */
  @AllowNondeterminism("the command line is the one place that reads its environment (JIMG_DEBUG)")
  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(
            new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
    PrintWriter err =
        new PrintWriter(
            new BufferedWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8)));
    // raw bytes (cat) go straight to the file descriptor: System.out, a PrintStream, would swallow
    // a failed write (a full disk, a closed pipe) and the run would still exit 0
    OutputStream raw = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    int code = Cli.run(args, System.in, raw, out, err, System.getenv(), System.console() != null);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
