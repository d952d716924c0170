/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One deb822 paragraph (a stanza of a control file, of {@code status}, of {@code Packages}): fields
 * in the order they were given, names compared without regard to case, as Debian policy §5.1 says.
 *
 * <p>A value is stored as written after the colon: the first line without its leading and trailing
 * white space, and each continuation line as it was (with its leading space or tab), joined with
 * {@code \n}. A value whose first line is empty (as {@code Conffiles:} in {@code status}) starts
 * with {@code \n}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ControlParagraph {
  /** One field: its name as written and its raw value. */
  public record Field(String name, String value) {
    public Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  private final List<Field> fields;
  private final Map<String, Field> byName;

  private ControlParagraph(List<Field> fields) {
    this.fields = List.copyOf(fields);
    Map<String, Field> map = new LinkedHashMap<>();
    for (Field f : this.fields) {
      if (map.put(key(f.name()), f) != null) {
        throw new IllegalArgumentException("field '" + f.name() + "' given twice");
      }
    }
    this.byName = Collections.unmodifiableMap(map);
  }

  /** A paragraph of the given fields, in that order. */
  public static ControlParagraph of(List<Field> fields) {
    return new ControlParagraph(fields);
  }

  /** A new builder, empty. */
  public static Builder builder() {
    return new Builder(List.of());
  }

  /** A builder starting with this paragraph's fields. */
  public Builder toBuilder() {
    return new Builder(fields);
  }

  static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** The fields in their order. */
  public List<Field> fields() {
    return fields;
  }

  /** The raw value of the field named {@code name} (any case), if present. */
  public Optional<String> get(String name) {
    Field f = byName.get(key(name));
    return f == null ? Optional.empty() : Optional.of(f.value());
  }

  /** The raw value of a field that must be present. */
  public String require(String name, String resource) throws Deb822Exception {
    return get(name).orElseThrow(() -> new Deb822Exception(resource, 1, "no '" + name + "' field"));
  }

  /** Whether a field named {@code name} (any case) is present. */
  public boolean has(String name) {
    return byName.containsKey(key(name));
  }

  /**
   * The paragraph as deb822 text: {@code Name: value} lines with their continuation lines, each
   * ending in {@code \n}; no blank line after it.
   */
  public String toText() {
    StringBuilder out = new StringBuilder();
    for (Field f : fields) {
      String v = f.value();
      int nl = v.indexOf('\n');
      String first = nl < 0 ? v : v.substring(0, nl);
      out.append(f.name()).append(':');
      if (!first.isEmpty()) {
        out.append(' ').append(first);
      }
      out.append('\n');
      if (nl >= 0) {
        out.append(v, nl + 1, v.length()).append('\n');
      }
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ControlParagraph p && p.fields.equals(fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  @Override
  public String toString() {
    return toText();
  }

  /** Assembles a paragraph; setting an existing field (any case) replaces its value in place. */
  public static final class Builder {
    private final List<Field> fields;

    private Builder(List<Field> start) {
      this.fields = new ArrayList<>(start);
    }

    /** Sets a field: replaces the value of an existing one (keeping its place) or appends. */
    public Builder set(String name, String value) {
      checkName(name);
      checkValue(name, value);
      for (int i = 0; i < fields.size(); i++) {
        if (key(fields.get(i).name()).equals(key(name))) {
          fields.set(i, new Field(fields.get(i).name(), value));
          return this;
        }
      }
      fields.add(new Field(name, value));
      return this;
    }

    /** Removes the field named {@code name} (any case), if present. */
    public Builder remove(String name) {
      fields.removeIf(f -> key(f.name()).equals(key(name)));
      return this;
    }

    public ControlParagraph build() {
      return new ControlParagraph(fields);
    }

    private static void checkName(String name) {
      String problem = Deb822.nameProblem(name);
      if (problem != null) {
        throw new IllegalArgumentException("field name '" + name + "': " + problem);
      }
    }

    private static void checkValue(String name, String value) {
      String[] lines = value.split("\n", -1);
      for (int i = 1; i < lines.length; i++) {
        String l = lines[i];
        if (l.isEmpty() || (l.charAt(0) != ' ' && l.charAt(0) != '\t') || l.isBlank()) {
          throw new IllegalArgumentException(
              "field '"
                  + name
                  + "': continuation line "
                  + i
                  + " must start with a space or tab"
                  + " and not be blank (use ' .' for an empty line)");
        }
      }
    }
  }
}
