/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.tree.FileTree;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link TreeManifest}:
 *
 * <pre>{@code
 * TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(mnt).without("lost+found"))
 *     .ignoringAt(".", Column.MTIME)
 *     .withMtimeSeconds()
 *     .matches(TreeManifest.of(tree));
 * }</pre>
 *
 * The failure message lists the first {@link #showingAtMost(int) N} (default 30) differences,
 * expected value first, and how many there were in all. Not thread-safe.
 */
public final class TreeManifestAssert extends AbstractAssert<TreeManifestAssert, TreeManifest> {
  /** Differences listed in a failure message unless {@link #showingAtMost(int)} says otherwise. */
  public static final int DEFAULT_SHOWN = 30;

  private TreeManifest.Comparison comparison = TreeManifest.Comparison.exact();
  private int shown = DEFAULT_SHOWN;

  private TreeManifestAssert(TreeManifest actual) {
    super(actual, TreeManifestAssert.class);
  }

  /** Starts an assertion on {@code actual}. */
  public static TreeManifestAssert assertThat(TreeManifest actual) {
    return new TreeManifestAssert(actual);
  }

  /** Ignores these columns for every entry. */
  public TreeManifestAssert ignoring(TreeManifest.Column... columns) {
    comparison = comparison.ignoring(columns);
    return this;
  }

  /** Ignores these columns at one path ({@code "."} is the root). */
  public TreeManifestAssert ignoringAt(String path, TreeManifest.Column... columns) {
    comparison = comparison.ignoringAt(path, columns);
    return this;
  }

  /** Ignores these columns at one path given as raw bytes. */
  public TreeManifestAssert ignoringAt(
      dev.jimg.core.tree.ImagePath path, TreeManifest.Column... columns) {
    comparison = comparison.ignoringAt(path, columns);
    return this;
  }

  /** Compares mtimes rounded down to {@code granularity}. */
  public TreeManifestAssert withMtimeGranularity(Duration granularity) {
    comparison = comparison.mtimeGranularity(granularity);
    return this;
  }

  /** Compares mtimes in whole seconds. */
  public TreeManifestAssert withMtimeSeconds() {
    comparison = comparison.mtimeSeconds();
    return this;
  }

  /** Uses a prepared comparison. */
  public TreeManifestAssert using(TreeManifest.Comparison how) {
    comparison = how;
    return this;
  }

  /** Lists at most {@code n} differences in the failure message. */
  public TreeManifestAssert showingAtMost(int n) {
    shown = n;
    return this;
  }

  /** Asserts no difference from {@code expected} under the chosen comparison. */
  public TreeManifestAssert matches(TreeManifest expected) {
    isNotNull();
    List<String> d = TreeManifest.diff(expected, actual, comparison);
    if (!d.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      sb.append(d.size()).append(" difference(s) (expected != actual):\n");
      for (int i = 0; i < Math.min(shown, d.size()); i++) {
        sb.append("  ").append(d.get(i)).append('\n');
      }
      if (d.size() > shown) {
        sb.append("  ... and ").append(d.size() - shown).append(" more\n");
      }
      failWithMessage("%s", sb.toString());
    }
    return this;
  }

  /** Asserts no difference from the manifest of {@code expected}. */
  public TreeManifestAssert matches(FileTree expected) {
    return matches(TreeManifest.of(expected));
  }
}
