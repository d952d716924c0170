/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.Sizes;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * Safe YAML loading and typed access to the loaded nodes, with messages that name the key path
 * ({@code partitions[1].size: "12Q" is not a size; …}). Shared by the disk spec and the specs that
 * extend it ({@code jimg build}).
 *
 * <p>Loading uses the YAML 1.2 JSON schema (plain scalars are text unless they are JSON numbers,
 * {@code true}/{@code false} or {@code null}, so {@code type: 0x0c} stays the text {@code 0x0c}),
 * no tags that build objects, duplicate keys refused and aliases limited.
 */
public final class SpecNodes {
  private static final int MAX_ALIASES = 50;
  private static final int MAX_SPEC_CHARS = 1 << 20;

  private SpecNodes() {}

  /**
   * Loads one YAML document.
   *
   * @param name what the text is, for messages
   * @throws InvalidOptionException if it is not valid YAML or empty
   */
  public static Object load(String text, String name) throws InvalidOptionException {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(name)
            .setSchema(new JsonSchema())
            .setAllowDuplicateKeys(false)
            .setAllowRecursiveKeys(false)
            .setMaxAliasesForCollections(MAX_ALIASES)
            .setCodePointLimit(MAX_SPEC_CHARS)
            .build();
    Object root;
    try {
      root = new Load(settings).loadFromString(text);
    } catch (YamlEngineException e) {
      throw new InvalidOptionException(name + ": not valid YAML: " + e.getMessage());
    }
    if (root == null) {
      throw new InvalidOptionException(name + ": the spec is empty");
    }
    return root;
  }

  /**
   * {@code node} as a mapping with text keys; with {@code known} non-null, a key outside it is an
   * error listing the known keys. {@code at} is the key path for messages ({@code spec} at the
   * top).
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object node, String at, Set<String> known)
      throws InvalidOptionException {
    if (!(node instanceof Map<?, ?> raw)) {
      throw new InvalidOptionException(
          at + ": expected a mapping (key: value lines), found " + describe(node));
    }
    for (Object k : raw.keySet()) {
      if (!(k instanceof String key)) {
        throw new InvalidOptionException(at + ": key " + k + " is not a string");
      }
      if (known != null && !known.contains(key)) {
        throw new InvalidOptionException(
            (at.equals("spec") ? "" : at + ".")
                + key
                + ": unknown key; known keys here: "
                + String.join(", ", new TreeSet<>(known)));
      }
    }
    return (Map<String, Object>) raw;
  }

  /** {@code node} as a list. */
  @SuppressWarnings("unchecked")
  public static List<Object> list(Object node, String at) throws InvalidOptionException {
    if (!(node instanceof List<?>)) {
      throw new InvalidOptionException(at + ": expected a list, found " + describe(node));
    }
    return (List<Object>) node;
  }

  /** {@code node} as text (not a number or boolean). */
  public static String string(Object node, String at) throws InvalidOptionException {
    if (!(node instanceof String s)) {
      throw new InvalidOptionException(at + ": expected text, found " + describe(node));
    }
    return s;
  }

  /**
   * {@code value}, a path named in the spec, resolved against {@code base} (the spec's directory).
   *
   * @throws InvalidOptionException if the host cannot name such a path (a NUL byte in it)
   */
  public static Path resolve(Path base, String value, String at) throws InvalidOptionException {
    try {
      return base.resolve(value);
    } catch (InvalidPathException e) {
      throw new InvalidOptionException(
          at + ": \"" + value.replace("\0", "\\0") + "\" is not a path (" + e.getReason() + ")");
    }
  }

  /** Text, a number or a boolean, as text (for option values, seeds, labels). */
  public static String scalar(Object node, String at) throws InvalidOptionException {
    if (node instanceof String || node instanceof Number || node instanceof Boolean) {
      return node.toString();
    }
    throw new InvalidOptionException(at + ": expected a single value, found " + describe(node));
  }

  /** {@code node} as true or false. */
  public static boolean bool(Object node, String at) throws InvalidOptionException {
    if ("true".equals(node)) {
      return true;
    }
    if ("false".equals(node)) {
      return false;
    }
    if (!(node instanceof Boolean b)) {
      throw new InvalidOptionException(at + ": expected true or false, found " + describe(node));
    }
    return b;
  }

  /** {@code node} as a non-negative integer of up to nine digits. */
  public static long integer(Object node, String at) throws InvalidOptionException {
    if (node instanceof String s && s.matches("[0-9]{1,9}")) {
      return Long.parseLong(s);
    }
    if (node instanceof Integer || node instanceof Long) {
      return ((Number) node).longValue();
    }
    throw new InvalidOptionException(at + ": expected an integer, found " + describe(node));
  }

  /** The size under {@code key} of {@code m}, if present. */
  public static OptionalLong optionalSize(Map<String, Object> m, String key, String at)
      throws InvalidOptionException {
    return m.containsKey(key) ? OptionalLong.of(size(m.get(key), at)) : OptionalLong.empty();
  }

  /** {@code node} as a byte count: a number, or text with a K/M/G/T suffix. */
  public static long size(Object node, String at) throws InvalidOptionException {
    if (node instanceof Integer || node instanceof Long) {
      long v = ((Number) node).longValue();
      if (v >= 0) {
        return v;
      }
    } else if (node instanceof String s) {
      try {
        return Sizes.parse(s);
      } catch (InvalidOptionException e) {
        // reported below with the key path
      }
    }
    throw new InvalidOptionException(
        at
            + ": "
            + (node instanceof String ? "\"" + node + "\"" : describe(node))
            + " is not a size; use bytes or a number with a K, M, G or T suffix (100M)");
  }

  /** A short description of a YAML node, for messages. */
  public static String describe(Object node) {
    if (node == null) {
      return "nothing";
    }
    if (node instanceof Map) {
      return "a mapping";
    }
    if (node instanceof List) {
      return "a list";
    }
    if (node instanceof String s) {
      return "\"" + s + "\"";
    }
    return node.toString();
  }
}
