/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.tree.ImagePath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A manifest path: either a literal {@link ImagePath} or a glob over path components. In a glob
 * {@code *} matches any bytes within one component, {@code ?} exactly one byte, and a component
 * that is exactly {@code **} matches zero or more whole components. Immutable.
 */
final class ManifestPattern {
  /** Symbol for {@code *} in a component pattern. */
  static final int STAR = -1;

  /** Symbol for {@code ?} in a component pattern. */
  static final int ONE = -2;

  /** A component list entry meaning {@code **}. */
  private static final int[] ANY_DEPTH = new int[0];

  private final List<int[]> components;
  private final ImagePath literal;
  private final String text;

  private ManifestPattern(List<int[]> components, ImagePath literal, String text) {
    this.components = components;
    this.literal = literal;
    this.text = text;
  }

  /**
   * Builds a pattern from components already unescaped: each component is a sequence of byte values
   * 0..255 and {@link #STAR}/{@link #ONE} symbols; a component {@code [STAR, STAR]} that was
   * written as {@code **} must be passed as {@code null}.
   */
  static ManifestPattern of(List<int[]> parts, String text) {
    boolean glob = false;
    List<int[]> comps = new ArrayList<>();
    for (int[] c : parts) {
      if (c == null) {
        glob = true;
        comps.add(ANY_DEPTH);
        continue;
      }
      for (int s : c) {
        if (s < 0) {
          glob = true;
        }
      }
      comps.add(c);
    }
    ImagePath literal = null;
    if (!glob) {
      literal = ImagePath.ROOT;
      for (int[] c : comps) {
        byte[] name = new byte[c.length];
        for (int i = 0; i < c.length; i++) {
          name[i] = (byte) c[i];
        }
        literal = literal.child(name);
      }
    }
    return new ManifestPattern(List.copyOf(comps), literal, text);
  }

  boolean isGlob() {
    return literal == null;
  }

  /** The path, for a pattern without wildcards. */
  ImagePath literal() {
    return literal;
  }

  boolean matches(ImagePath path) {
    return matchFrom(0, path.components(), 0);
  }

  private boolean matchFrom(int pi, List<byte[]> names, int ni) {
    if (pi == components.size()) {
      return ni == names.size();
    }
    int[] c = components.get(pi);
    if (c == ANY_DEPTH) {
      for (int skip = ni; skip <= names.size(); skip++) {
        if (matchFrom(pi + 1, names, skip)) {
          return true;
        }
      }
      return false;
    }
    return ni < names.size()
        && matchComponent(c, names.get(ni))
        && matchFrom(pi + 1, names, ni + 1);
  }

  /** Wildcard match of one component, iterative with backtracking to the last star. */
  static boolean matchComponent(int[] pattern, byte[] name) {
    int p = 0;
    int n = 0;
    int starP = -1;
    int starN = 0;
    while (n < name.length) {
      if (p < pattern.length
          && (pattern[p] == ONE || (pattern[p] >= 0 && (byte) pattern[p] == name[n]))) {
        p++;
        n++;
      } else if (p < pattern.length && pattern[p] == STAR) {
        starP = p++;
        starN = n;
      } else if (starP >= 0) {
        p = starP + 1;
        n = ++starN;
      } else {
        return false;
      }
    }
    while (p < pattern.length && pattern[p] == STAR) {
      p++;
    }
    return p == pattern.length;
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ManifestPattern other) || other.components.size() != components.size()) {
      return false;
    }
    for (int i = 0; i < components.size(); i++) {
      if (!Arrays.equals(components.get(i), other.components.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int[] c : components) {
      h = h * 31 + Arrays.hashCode(c);
    }
    return h;
  }
}
