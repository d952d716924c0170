/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the readers' fuzz tests report: each read that broke the rule (a result or a typed error) is
 * a line "DAMAGE SEPARATOR WHAT HAPPENED"; the test fails listing one line of each kind.
 */
public final class FuzzFailures {
  private FuzzFailures() {}

  /** The exception and the first place in jimg's code it passed through ("nothing" for null). */
  public static String describe(Throwable e) {
    if (e == null) {
      return "nothing";
    }
    for (StackTraceElement at : e.getStackTrace()) {
      if (at.getClassName().startsWith("dev.jimg.")) {
        return e + " at " + at;
      }
    }
    return e.toString();
  }

  /**
   * Fails unless {@code failures} is empty, listing one example of each kind: the text after {@code
   * separator}, numbers other than line numbers aside.
   */
  public static void assertNone(List<String> failures, String separator) {
    Map<String, String> kinds = new LinkedHashMap<>();
    for (String f : failures) {
      int at = f.indexOf(separator);
      String kind =
          f.substring(at < 0 ? 0 : at + separator.length()).replaceAll("(?<![:\\d])-?\\d+", "N");
      kinds.putIfAbsent(kind, f);
    }
    assertThat(failures)
        .as(
            "%d failures, %d kinds; one of each:%n%s",
            failures.size(), kinds.size(), String.join("\n", kinds.values()))
        .isEmpty();
  }
}
