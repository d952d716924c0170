/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.tree.EntryType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Text listings of a package, in the layouts of {@code dpkg-deb --info} and {@code dpkg-deb
 * --contents} (the latter is GNU tar's verbose listing; times in UTC). Stateless.
 */
public final class DebListing {
  /** GNU tar's initial width of the "user/group size" column. */
  private static final int UGS_WIDTH = 19;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private DebListing() {}

  /**
   * What {@code dpkg-deb --info} prints: the format, sizes, one line per control file (bytes,
   * lines, {@code *} for executables and the interpreter line of scripts) and the control file.
   */
  public static List<String> info(DebPackage pkg) {
    List<String> out = new ArrayList<>();
    out.add(" new Debian package, version " + pkg.formatVersion() + ".");
    out.add(
        " size "
            + pkg.fileSize()
            + " bytes: control archive="
            + pkg.controlArchiveSize()
            + " bytes.");
    Map<String, ControlMember> sorted = new TreeMap<>(pkg.controlMembers());
    for (ControlMember m : sorted.values()) {
      byte[] d = m.data();
      int lines = 0;
      for (byte b : d) {
        if (b == '\n') {
          lines++;
        }
      }
      String interp = interpreter(d);
      out.add(
          String.format(
              Locale.ROOT,
              " %7d bytes, %5d lines   %c  %-20s %s",
              d.length,
              lines,
              (m.mode() & 0111) != 0 ? '*' : ' ',
              m.name(),
              interp));
    }
    String control = pkg.controlMember("control").orElseThrow().text();
    for (String line : control.split("\n", -1)) {
      if (!line.isEmpty()) {
        out.add(" " + line);
      }
    }
    return out;
  }

  /**
   * The interpreter of a script as dpkg-deb shows it: "#!", then the first line's next word after
   * any spaces (arguments are not shown: "#! /bin/sh -e" is "#!/bin/sh"), at most {@link
   * #INTERPRETER_MAX} characters in all; "" when the file does not start with "#!". The whole first
   * line was shown, so 'jimg deb info' differed from dpkg-deb for 9 of Debian's 96 minbase
   * packages.
   */
  static String interpreter(byte[] d) {
    if (d.length < 2 || d[0] != '#' || d[1] != '!') {
      return "";
    }
    int i = 2;
    while (i < d.length && d[i] == ' ') {
      i++;
    }
    int start = i;
    while (i < d.length && i - start < INTERPRETER_MAX - 2 && !isSpace(d[i])) {
      i++;
    }
    return "#!" + new String(d, start, i - start, StandardCharsets.UTF_8);
  }

  /** dpkg-deb's limit on the interpreter it shows, "#!" included. */
  private static final int INTERPRETER_MAX = 200;

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
  }

  /** What {@code dpkg-deb --contents} prints, one line per data archive member in order. */
  public static List<String> contents(List<DataMember> members) {
    List<String> out = new ArrayList<>();
    int ugswidth = UGS_WIDTH;
    for (DataMember m : members) {
      String user = m.userName().isEmpty() ? Long.toString(m.uid()) : m.userName();
      String group = m.groupName().isEmpty() ? Long.toString(m.gid()) : m.groupName();
      String size =
          m.type() == EntryType.CHAR_DEVICE || m.type() == EntryType.BLOCK_DEVICE
              ? m.devMajor() + "," + m.devMinor()
              : Long.toString(m.size());
      int pad = user.length() + 1 + group.length() + 1 + size.length();
      if (pad > ugswidth) {
        ugswidth = pad;
      }
      StringBuilder line = new StringBuilder();
      line.append(modeString(m)).append(' ').append(user).append('/').append(group).append(' ');
      line.append(" ".repeat(ugswidth - pad)).append(size).append(' ');
      line.append(TIME.format(Instant.ofEpochSecond(m.mtime().seconds()))).append(' ');
      line.append(quote(m.rawName()));
      if (m.type() == EntryType.SYMLINK) {
        line.append(" -> ").append(quote(m.linkName()));
      } else if (m.type() == EntryType.HARDLINK) {
        line.append(" link to ").append(quote(m.linkName()));
      }
      out.add(line.toString());
    }
    return out;
  }

  private static String modeString(DataMember m) {
    int mode = m.mode();
    StringBuilder s = new StringBuilder(10);
    s.append(m.type().lsChar());
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      s.append((mode & (0400 >> i)) != 0 ? rwx.charAt(i) : '-');
    }
    special(s, 3, (mode & 04000) != 0, 's');
    special(s, 6, (mode & 02000) != 0, 's');
    special(s, 9, (mode & 01000) != 0, 't');
    return s.toString();
  }

  private static void special(StringBuilder s, int at, boolean set, char lower) {
    if (set) {
      s.setCharAt(at, s.charAt(at) == '-' ? Character.toUpperCase(lower) : lower);
    }
  }

  /**
   * GNU tar's default "escape" quoting of a raw (ISO-8859-1) name: backslash and control bytes as C
   * escapes; bytes from 0x80 up are kept and the name is shown as UTF-8.
   */
  static String quote(String raw) {
    byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte b : bytes) {
      int v = b & 0xff;
      String esc =
          switch (v) {
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            case 0x0b -> "\\v";
            case '\f' -> "\\f";
            case '\b' -> "\\b";
            case 0x07 -> "\\a";
            default -> v < 0x20 || v == 0x7f ? String.format(Locale.ROOT, "\\%03o", v) : null;
          };
      if (esc != null) {
        out.writeBytes(esc.getBytes(StandardCharsets.US_ASCII));
      } else {
        out.write(v);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
