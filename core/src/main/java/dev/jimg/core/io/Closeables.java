/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import java.io.Closeable;
import java.io.IOException;

/** Closing several resources at once. */
public final class Closeables {
  private Closeables() {}

  /**
   * Closes every resource, in order, even when some fail; then throws the first failure with the
   * later ones added as suppressed.
   */
  public static void closeAll(Iterable<? extends Closeable> resources) throws IOException {
    IOException first = null;
    for (Closeable c : resources) {
      try {
        c.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
