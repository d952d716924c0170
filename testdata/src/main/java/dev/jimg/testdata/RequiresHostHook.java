/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * The jqwik hook behind {@link RequiresHost}: skips when something is missing, unless strict mode
 * is on, in which case the element runs and fails at its first {@code Validators.require}. Public
 * only because jqwik instantiates it.
 */
public final class RequiresHostHook implements SkipExecutionHook {
  @Override
  public SkipResult shouldBeSkipped(LifecycleContext context) {
    List<String> problems = new ArrayList<>();
    context.findAnnotation(RequiresHost.class).ifPresent(r -> problems.addAll(problems(r)));
    if (problems.isEmpty()) {
      return SkipResult.doNotSkip();
    }
    String message = String.join("; ", problems);
    if (Validators.strict()) {
      throw new org.opentest4j.AssertionFailedError(
          message + " (" + Validators.REQUIRE_ENV + "=1 makes this a failure)");
    }
    return SkipResult.skip(message);
  }

  static List<String> problems(RequiresHost r) {
    List<String> out = new ArrayList<>();
    for (Tool t : r.tools()) {
      if (!Validators.isAvailable(t)) {
        out.add(t.missingMessage());
      }
    }
    if (r.root() && !Validators.isRoot()) {
      out.add("needs root");
    }
    if (r.loopMount() && !Validators.loopMountWorks()) {
      out.add("loop mounting does not work here");
    }
    return out;
  }
}
