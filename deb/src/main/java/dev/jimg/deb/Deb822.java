/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes deb822 control data (Debian policy §5.1): paragraphs of {@code Name: value}
 * fields separated by blank lines, values continued on lines that start with a space or tab.
 *
 * <p>Strict: a continuation line before any field, a line without a colon, an empty or malformed
 * field name, a field given twice in one paragraph, or text that is not UTF-8 is a {@link
 * Deb822Exception} naming the resource and line. Comment lines ({@code #} in the first column) are
 * skipped when the caller allows them (policy allows them in control files, not in {@code status}).
 * Lines holding only spaces and tabs separate paragraphs, as policy says. Stateless.
 */
public final class Deb822 {
  private Deb822() {}

  /** Decodes UTF-8 strictly, naming the resource when the bytes are not UTF-8. */
  public static String decode(byte[] bytes, String resource) throws Deb822Exception {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      int line = 1;
      for (byte b : bytes) {
        if (b == '\n') {
          line++;
        }
      }
      throw new Deb822Exception(resource, line, "not UTF-8 text: " + e.getMessage());
    }
  }

  /**
   * Parses every paragraph of {@code text}.
   *
   * @param allowComments skip lines starting with {@code #}
   */
  public static List<ControlParagraph> parse(String text, String resource, boolean allowComments)
      throws Deb822Exception {
    List<ControlParagraph> out = new ArrayList<>();
    List<ControlParagraph.Field> fields = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String name = null;
    StringBuilder value = null;
    int lineNo = 0;
    int pos = 0;
    while (pos < text.length()) {
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? text.length() : nl;
      String line = text.substring(pos, end);
      pos = end + 1;
      lineNo++;
      if (allowComments && line.startsWith("#")) {
        continue;
      }
      if (line.isBlank()) {
        if (name != null) {
          fields.add(new ControlParagraph.Field(name, value.toString()));
          name = null;
        }
        if (!fields.isEmpty()) {
          out.add(ControlParagraph.of(fields));
          fields = new ArrayList<>();
          seen.clear();
        }
        continue;
      }
      char c = line.charAt(0);
      if (c == ' ' || c == '\t') {
        if (name == null) {
          throw new Deb822Exception(resource, lineNo, "continuation line before any field");
        }
        value.append('\n').append(stripTrailing(line));
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new Deb822Exception(
            resource,
            lineNo,
            "expected 'Name: value' or a continuation line, found '" + line + "'");
      }
      String fieldName = line.substring(0, colon);
      String problem = nameProblem(fieldName);
      if (problem != null) {
        throw new Deb822Exception(resource, lineNo, "field name '" + fieldName + "': " + problem);
      }
      if (!seen.add(ControlParagraph.key(fieldName))) {
        throw new Deb822Exception(
            resource, lineNo, "field '" + fieldName + "' given twice in one paragraph");
      }
      if (name != null) {
        fields.add(new ControlParagraph.Field(name, value.toString()));
      }
      name = fieldName;
      value = new StringBuilder(line.substring(colon + 1).strip());
    }
    if (name != null) {
      fields.add(new ControlParagraph.Field(name, value.toString()));
    }
    if (!fields.isEmpty()) {
      out.add(ControlParagraph.of(fields));
    }
    return out;
  }

  /**
   * Parses text that must hold exactly one paragraph (a package's {@code control} file), comments
   * allowed.
   */
  public static ControlParagraph parseOne(String text, String resource) throws Deb822Exception {
    List<ControlParagraph> all = parse(text, resource, true);
    if (all.size() != 1) {
      throw new Deb822Exception(resource, 1, "expected one paragraph, found " + all.size());
    }
    return all.get(0);
  }

  /** Paragraphs as deb822 text, separated by one blank line, ending with a blank line. */
  public static String write(List<ControlParagraph> paragraphs) {
    StringBuilder out = new StringBuilder();
    for (ControlParagraph p : paragraphs) {
      out.append(p.toText()).append('\n');
    }
    return out.toString();
  }

  /** Why {@code name} cannot be a field name (policy §5.1), or {@code null}. */
  static String nameProblem(String name) {
    if (name.isEmpty()) {
      return "empty";
    }
    char first = name.charAt(0);
    if (first == '#' || first == '-') {
      return "must not start with '" + first + "'";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == ':') {
        return "only printable US-ASCII without spaces or colons is allowed";
      }
    }
    return null;
  }

  private static String stripTrailing(String line) {
    return line.stripTrailing();
  }
}
