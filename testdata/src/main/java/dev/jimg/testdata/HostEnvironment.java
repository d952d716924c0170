/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.repro.AllowNondeterminism;

/**
 * The pieces of host environment this module reads: the tool search path, the strictness and the
 * test corpus variables.
 */
final class HostEnvironment {
  private HostEnvironment() {}

  @AllowNondeterminism("test support: finds validator tools on the host's PATH")
  static String path() {
    String p = System.getenv("PATH");
    return p == null ? "" : p;
  }

  @AllowNondeterminism(
      "test support: JIMG_REQUIRE_VALIDATORS turns skipped validations into failures")
  static boolean requireValidators() {
    String env = System.getenv(Validators.REQUIRE_ENV);
    String prop = System.getProperty("jimg.requireValidators");
    return "1".equals(env) || "true".equals(env) || "1".equals(prop) || "true".equals(prop);
  }

  @AllowNondeterminism("test support: corpus files (a Debian rootfs tar) named by the environment")
  static String variable(String name) {
    return System.getenv(name);
  }
}
