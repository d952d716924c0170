/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.JimgException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Damaged variants of a loaded spec (the maps, lists and scalars a YAML loader gives), for tests
 * that a spec parser answers every input with a typed error or a result: values replaced by other
 * types, odd numbers and odd text, keys removed or added, list elements repeated. Deterministic for
 * a seed.
 */
public final class SpecMutations {
  private SpecMutations() {}

  /** Values put in place of others: each type the loader gives, and edge values of each. */
  private static final List<Object> ODD =
      List.of(
          "",
          "x",
          "-1",
          "0",
          "1T",
          "99999999999999999999G",
          "-5M",
          "1.5K",
          "../up",
          "/absolute",
          "a\u0000b",
          "ü/ñ",
          "01234567-89ab-cdef-0123-456789abcdeg",
          "gpt",
          "esp",
          "ext4",
          -1,
          0,
          4096,
          Integer.MAX_VALUE,
          Long.MIN_VALUE,
          Long.MAX_VALUE,
          new BigInteger("123456789012345678901234567890"),
          1.5,
          Double.NaN,
          true,
          false,
          List.of(),
          List.of("a"),
          List.of(List.of(1)),
          Map.of(),
          Map.of("k", "v"),
          Map.of("name", "p"));

  /** A copy of {@code spec} with {@code edits} random changes. */
  public static Object mutate(Object spec, long seed, int edits) {
    SplittableRandom random = new SplittableRandom(seed);
    Object out = copy(spec);
    for (int i = 0; i < edits; i++) {
      out = edit(out, random);
    }
    return out;
  }

  /** A parser of spec text. */
  @FunctionalInterface
  public interface Parser {
    void parse(String text) throws Exception;
  }

  /**
   * Parses {@code spec} written as JSON: a result, or a {@link JimgException} with a message, is
   * what a parser must give; any other exception fails with the text that caused it.
   */
  public static void requireResultOrTypedError(Object spec, Parser parser) throws Exception {
    String text = toJson(spec);
    try {
      parser.parse(text);
    } catch (JimgException typed) {
      if (typed.getMessage() == null || typed.getMessage().isBlank()) {
        throw new AssertionError("typed error without a message for " + text, typed);
      }
    } catch (RuntimeException e) {
      throw new AssertionError("untyped " + e + " for " + text, e);
    }
  }

  /** The spec as JSON text, which a YAML 1.2 loader reads back as the same nodes. */
  public static String toJson(Object node) {
    StringBuilder sb = new StringBuilder();
    json(node, sb);
    return sb.toString();
  }

  private static void json(Object node, StringBuilder sb) {
    if (node == null) {
      sb.append("null");
    } else if (node instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        json(String.valueOf(e.getKey()), sb);
        sb.append(':');
        json(e.getValue(), sb);
      }
      sb.append('}');
    } else if (node instanceof List<?> l) {
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        json(l.get(i), sb);
      }
      sb.append(']');
    } else if (node instanceof String s) {
      sb.append('"');
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20) {
          sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
      sb.append('"');
    } else if (node instanceof Double d && (d.isNaN() || d.isInfinite())) {
      sb.append(d.isNaN() ? "\".nan\"" : "\"inf\"");
    } else {
      sb.append(node);
    }
  }

  private static Object copy(Object node) {
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
      return out;
    }
    if (node instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(copy(v)));
      return out;
    }
    return node;
  }

  /** One change at a node drawn from the whole tree; the root itself may be replaced. */
  @SuppressWarnings("unchecked")
  private static Object edit(Object root, SplittableRandom random) {
    List<Object> containers = new ArrayList<>();
    collect(root, containers);
    if (containers.isEmpty() || random.nextInt(50) == 0) {
      return copy(ODD.get(random.nextInt(ODD.size())));
    }
    Object c = containers.get(random.nextInt(containers.size()));
    Object odd = copy(ODD.get(random.nextInt(ODD.size())));
    if (c instanceof Map<?, ?> raw) {
      Map<String, Object> m = (Map<String, Object>) raw;
      List<String> keys = new ArrayList<>(m.keySet());
      int what = random.nextInt(4);
      if (keys.isEmpty() || what == 0) {
        m.put(keys.isEmpty() || random.nextBoolean() ? "unknown-key" : keys.get(0) + "x", odd);
      } else if (what == 1) {
        m.remove(keys.get(random.nextInt(keys.size())));
      } else {
        m.put(keys.get(random.nextInt(keys.size())), odd);
      }
    } else {
      List<Object> l = (List<Object>) c;
      int what = random.nextInt(3);
      if (l.isEmpty() || what == 0) {
        l.add(odd);
      } else if (what == 1) {
        l.add(copy(l.get(random.nextInt(l.size()))));
      } else {
        l.set(random.nextInt(l.size()), odd);
      }
    }
    return root;
  }

  private static void collect(Object node, List<Object> out) {
    if (node instanceof Map<?, ?> m) {
      out.add(m);
      m.values().forEach(v -> collect(v, out));
    } else if (node instanceof List<?> l) {
      out.add(l);
      l.forEach(v -> collect(v, out));
    }
  }
}
