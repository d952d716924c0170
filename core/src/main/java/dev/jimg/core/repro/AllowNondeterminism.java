/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.repro;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the few places allowed to read the environment, the wall clock or other host state (the
 * build clock, the CLI). The banned-API check skips code carrying it; every use must say why.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface AllowNondeterminism {
  /** Why this code may touch host state. */
  String value();
}
