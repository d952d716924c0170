/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.repro.AllowNondeterminism;
import java.io.BufferedWriter;
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
    int code =
        Cli.run(args, System.in, System.out, out, err, System.getenv(), System.console() != null);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
