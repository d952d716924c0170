/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Skips a jqwik property or container (fails it under {@value Validators#REQUIRE_ENV}=1) when the
 * host lacks what it needs. jqwik counts a JUnit assumption inside a property as a rejected try and
 * fails the property once all are rejected, so properties declare their needs with this annotation
 * instead of calling {@link Validators#require(Tool)}; JUnit {@code @Test}s may use either.
 *
 * <pre>{@code
 * @Property(tries = 20)
 * @RequiresHost(tools = {Tool.MKE2FS, Tool.E2FSCK}, root = true, loopMount = true)
 * void roundTrip(@ForAll("trees") FileTree tree) { ... }
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@AddLifecycleHook(RequiresHostHook.class)
public @interface RequiresHost {
  /** Tools that must be installed. */
  Tool[] tools() default {};

  /** Whether the test must run as root (owners, device nodes, trusted.* xattrs, mounts). */
  boolean root() default false;

  /** Whether loop mounts must work. */
  boolean loopMount() default false;
}
