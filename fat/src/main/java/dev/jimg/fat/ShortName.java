/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * An 8.3 short name ({@code DIR_Name}) and how it relates to the long name it stands for.
 *
 * <p>{@link #of(String)} classifies a long name: one that is a valid 8.3 name in upper case is its
 * own short name; one whose base and extension are each entirely lower case (or without letters) is
 * stored as the upper-case short name plus the Windows NT lower-case flags and needs no long name;
 * one that fits 8.3 only when upper-cased gets that short name and a long name; anything else gets
 * a long name and a generated short name ({@link Generator}).
 *
 * @param bytes the 11 bytes of {@code DIR_Name}
 * @param ntFlags {@link DirectoryEntry#NT_LOWER_BASE} / {@link DirectoryEntry#NT_LOWER_EXT}
 * @param needsLongName whether the long name must be stored in VFAT slots
 */
public record ShortName(byte[] bytes, int ntFlags, boolean needsLongName) {
  /** Characters other than letters and digits that a short name may hold. */
  static final String SPECIAL = "$%'-_@~`!(){}^#&";

  /** Characters a long name may not hold (besides controls below 0x20). */
  static final String LONG_NAME_INVALID = "\"*/:<>?\\|";

  /** The name as 11 space-padded bytes; base ≤ 8 and extension ≤ 3 ASCII characters. */
  static byte[] pack(String base, String ext) {
    byte[] b = new byte[11];
    Arrays.fill(b, (byte) ' ');
    byte[] bb = base.getBytes(StandardCharsets.US_ASCII);
    byte[] eb = ext.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bb, 0, b, 0, bb.length);
    System.arraycopy(eb, 0, b, 8, eb.length);
    return b;
  }

  /** The short name as text ({@code "FOO.TXT"}) for messages and listings. */
  public String display() {
    String s = new String(bytes, StandardCharsets.US_ASCII);
    String base = s.substring(0, 8).stripTrailing();
    String ext = s.substring(8).stripTrailing();
    return ext.isEmpty() ? base : base + "." + ext;
  }

  private static boolean shortChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || SPECIAL.indexOf(c) >= 0;
  }

  /** 0 no letters, 1 all lower, 2 all upper, 3 mixed. */
  private static int caseOf(String s) {
    boolean lower = false;
    boolean upper = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      lower |= c >= 'a' && c <= 'z';
      upper |= c >= 'A' && c <= 'Z';
    }
    return (lower ? 1 : 0) | (upper ? 2 : 0);
  }

  /**
   * The short name a long name keeps as is (up to case), or {@code null} if one must be generated
   * with {@link Generator}.
   */
  public static ShortName of(String longName) {
    int dot = longName.indexOf('.');
    String base = dot < 0 ? longName : longName.substring(0, dot);
    String ext = dot < 0 ? "" : longName.substring(dot + 1);
    if (base.isEmpty()
        || base.length() > 8
        || ext.length() > 3
        || (dot >= 0 && ext.isEmpty())
        || ext.indexOf('.') >= 0) {
      return null;
    }
    for (int i = 0; i < longName.length(); i++) {
      char c = longName.charAt(i);
      if (c != '.' && !shortChar(c)) {
        return null;
      }
    }
    byte[] packed = pack(base.toUpperCase(Locale.ROOT), ext.toUpperCase(Locale.ROOT));
    int bc = caseOf(base);
    int ec = caseOf(ext);
    if (bc == 3 || ec == 3) {
      return new ShortName(packed, 0, true);
    }
    int flags =
        (bc == 1 ? DirectoryEntry.NT_LOWER_BASE : 0) | (ec == 1 ? DirectoryEntry.NT_LOWER_EXT : 0);
    return new ShortName(packed, flags, false);
  }

  /**
   * Generates unique short names within one directory the way Windows does: the upper-cased name
   * with spaces and leading dots dropped, characters a short name cannot hold replaced by {@code
   * _}, base cut to 6 characters plus {@code ~1}…{@code ~4}; after that 2 characters, 4 hex digits
   * of a hash of the long name and {@code ~1}…{@code ~9}. (Windows' own hash is undocumented; this
   * one is FNV-1a over the UTF-16 code units, folded to 16 bits.) Names already taken in the
   * directory are skipped. Not thread-safe.
   */
  public static final class Generator {
    private final Set<String> taken = new HashSet<>();

    /** Marks a short name as used (names kept as is are reserved before any is generated). */
    public boolean reserve(byte[] name) {
      return taken.add(new String(name, StandardCharsets.US_ASCII));
    }

    /** A fresh short name for {@code longName}, reserved. */
    public byte[] generate(String longName) {
      String stripped = longName.replace(" ", "");
      int lead = 0;
      while (lead < stripped.length() && stripped.charAt(lead) == '.') {
        lead++;
      }
      stripped = stripped.substring(lead);
      int lastDot = stripped.lastIndexOf('.');
      String base = lastDot < 0 ? stripped : stripped.substring(0, lastDot);
      String ext = lastDot < 0 ? "" : stripped.substring(lastDot + 1);
      base = basis(base.replace(".", ""), 8);
      ext = basis(ext, 3);
      if (base.isEmpty()) {
        base = "_";
      }
      for (int n = 1; n <= 4; n++) {
        byte[] candidate = pack(tail(base, "~" + n), ext);
        if (reserve(candidate)) {
          return candidate;
        }
      }
      int hash = hash(longName);
      String prefix = base.substring(0, Math.min(2, base.length()));
      for (int round = 0; round < 0x10000; round++) {
        String hex = String.format(Locale.ROOT, "%04X", (hash + round) & 0xFFFF);
        for (int n = 1; n <= 9; n++) {
          byte[] candidate = pack(prefix + hex + "~" + n, ext);
          if (reserve(candidate)) {
            return candidate;
          }
        }
      }
      throw new IllegalStateException("no free short name for " + longName);
    }

    private static String tail(String base, String suffix) {
      return base.substring(0, Math.min(base.length(), 8 - suffix.length())) + suffix;
    }

    private static String basis(String s, int max) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < s.length() && sb.length() < max; i++) {
        char c = s.charAt(i);
        if (Character.isLowSurrogate(c)) {
          continue;
        }
        char u = c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c;
        sb.append(shortChar(u) ? u : '_');
      }
      return sb.toString();
    }

    private static int hash(String s) {
      int h = 0x811C_9DC5;
      for (int i = 0; i < s.length(); i++) {
        h ^= s.charAt(i);
        h *= 0x0100_0193;
      }
      return (h ^ (h >>> 16)) & 0xFFFF;
    }
  }
}
