/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What core's tests need from the host (root, a tool, holes in the temporary filesystem). Core
 * cannot use jimg-testdata's Validators (that module depends on core), so this is the same rule in
 * small: a missing requirement skips the test, unless JIMG_REQUIRE_VALIDATORS=1 (as in CI), where
 * it fails.
 */
public final class HostRequirements {
  private HostRequirements() {}

  /** Skips (or, in strict mode, fails) the calling test unless {@code met}. */
  public static void require(boolean met, String whatIsMissing) {
    if (met) {
      return;
    }
    if ("1".equals(System.getenv("JIMG_REQUIRE_VALIDATORS"))) {
      fail(whatIsMissing + " (JIMG_REQUIRE_VALIDATORS=1 makes this a failure)");
    }
    assumeTrue(false, whatIsMissing);
  }
}
