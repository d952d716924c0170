/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.spi;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.Sizes;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Reads a writer's string options strictly: unknown keys and malformed values are errors that name
 * the filesystem type, the option and the accepted form, never a silent default.
 *
 * <p>Immutable and thread-safe.
 */
public final class FilesystemOptions {
  private final String type;
  private final Map<String, String> options;

  private FilesystemOptions(String type, Map<String, String> options) {
    this.type = type;
    this.options = new TreeMap<>(options);
  }

  /**
   * Checks that every key of {@code options} is in {@code known}, and returns a reader for them.
   *
   * @param type the filesystem type, for messages
   * @throws InvalidOptionException naming the first unknown key (in sorted order) and listing the
   *     known ones
   */
  public static FilesystemOptions requireKnown(
      String type, Map<String, String> options, Set<String> known) throws InvalidOptionException {
    for (String key : new TreeSet<>(options.keySet())) {
      if (!known.contains(key)) {
        throw new InvalidOptionException(
            type
                + ": unknown option '"
                + key
                + "'; known options: "
                + (known.isEmpty() ? "none" : String.join(", ", new TreeSet<>(known))));
      }
    }
    return new FilesystemOptions(type, options);
  }

  /**
   * A canonical text of the options ({@code type} then sorted {@code key=value} lines) for {@link
   * dev.jimg.core.repro.Identities#seedFor}.
   */
  public static String fingerprint(String type, Map<String, String> options) {
    StringBuilder sb = new StringBuilder(type).append('\n');
    new TreeMap<>(options).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return sb.toString();
  }

  /** The raw value, if given. */
  public Optional<String> string(String key) {
    return Optional.ofNullable(options.get(key));
  }

  /**
   * A size in bytes ({@link Sizes#parse}), if given.
   *
   * @throws InvalidOptionException if the value is not a size
   */
  public OptionalLong size(String key) throws InvalidOptionException {
    String v = options.get(key);
    return v == null ? OptionalLong.empty() : OptionalLong.of(Sizes.parse(where(key), v));
  }

  /**
   * A decimal integer in {@code [min, max]}, if given.
   *
   * @throws InvalidOptionException if the value is not such an integer
   */
  public OptionalLong integer(String key, long min, long max) throws InvalidOptionException {
    String v = options.get(key);
    if (v == null) {
      return OptionalLong.empty();
    }
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return OptionalLong.of(n);
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted range
    }
    throw new InvalidOptionException(
        where(key) + ": '" + v + "' is not an integer from " + min + " to " + max);
  }

  /**
   * A boolean ({@code true}/{@code false}, {@code yes}/{@code no}, {@code on}/{@code off}, {@code
   * 1}/{@code 0}, any case), if given.
   *
   * @throws InvalidOptionException if the value is none of these
   */
  public Optional<Boolean> bool(String key) throws InvalidOptionException {
    String v = options.get(key);
    if (v == null) {
      return Optional.empty();
    }
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1":
        return Optional.of(Boolean.TRUE);
      case "false", "no", "off", "0":
        return Optional.of(Boolean.FALSE);
      default:
        throw new InvalidOptionException(
            where(key) + ": '" + v + "' is not a yes/no value; use true or false");
    }
  }

  /**
   * A UUID in the usual 8-4-4-4-12 hex form, if given.
   *
   * @throws InvalidOptionException if the value is not one
   */
  public Optional<UUID> uuid(String key) throws InvalidOptionException {
    String v = options.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      throw new InvalidOptionException(
          where(key)
              + ": '"
              + v
              + "' is not a UUID; use the form 01234567-89ab-cdef-0123-456789abcdef");
    }
    return Optional.of(UUID.fromString(v));
  }

  private String where(String key) {
    return type + " option " + key;
  }
}
