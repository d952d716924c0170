/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * POSIX ACLs as tar stores them ({@code SCHILY.acl.access} and {@code SCHILY.acl.default}: GNU tar
 * {@code --acls} writes the entries one a line, bsdtar {@code --acls} separated by commas, with a
 * name's numeric id as a fourth field) turned into the value of a {@code system.posix_acl_access}
 * or {@code system.posix_acl_default} xattr, as the kernel stores it: version 2, then each entry as
 * a 16-bit tag, 16-bit permissions and 32-bit id (little-endian), sorted by tag and id.
 */
final class TarAcls {
  static final String ACCESS_KEY = "SCHILY.acl.access";
  static final String DEFAULT_KEY = "SCHILY.acl.default";
  static final String ACCESS_XATTR = "system.posix_acl_access";
  static final String DEFAULT_XATTR = "system.posix_acl_default";

  private static final int USER_OBJ = 0x01;
  private static final int USER = 0x02;
  private static final int GROUP_OBJ = 0x04;
  private static final int GROUP = 0x08;
  private static final int MASK = 0x10;
  private static final int OTHER = 0x20;
  private static final long NO_ID = 0xFFFF_FFFFL;

  /** One ACL entry. */
  record AclEntry(int tag, int perms, long id) {}

  private TarAcls() {}

  /** Numeric ids of user and group names; {@code null} when a name is not known. */
  interface Names {
    Long user(String name);

    Long group(String name);

    Names NONE =
        new Names() {
          @Override
          public Long user(String name) {
            return null;
          }

          @Override
          public Long group(String name) {
            return null;
          }
        };
  }

  /** A user or group named in an ACL whose id {@link Names} does not know. */
  static final class UnknownName extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownName(String message) {
      super(message);
    }
  }

  /** {@link #parse(String, Names)} knowing no names. */
  static List<AclEntry> parse(String text) {
    return parse(text, Names.NONE);
  }

  /**
   * The entries of an ACL in tar's text form, sorted as the kernel wants them.
   *
   * @throws IllegalArgumentException naming what is wrong: an unknown tag, bad permissions; an
   *     {@link UnknownName} for a user or group given by a name {@code names} does not know (GNU
   *     tar writes names, bsdtar names with their ids)
   */
  static List<AclEntry> parse(String text, Names names) {
    List<AclEntry> out = new ArrayList<>();
    for (String raw : text.split("[,\n]")) {
      String e = raw.strip();
      int hash = e.indexOf('#');
      if (hash >= 0) {
        e = e.substring(0, hash).strip();
      }
      if (e.isEmpty()) {
        continue;
      }
      String[] f = e.split(":", -1);
      if (f.length < 3 || f.length > 4) {
        throw new IllegalArgumentException("ACL entry '" + e + "' is not TAG:QUALIFIER:PERMS");
      }
      String qualifier = f[1];
      int perms = perms(f[2], e);
      int tag;
      long id = NO_ID;
      switch (f[0]) {
        case "user", "u" -> tag = qualifier.isEmpty() ? USER_OBJ : USER;
        case "group", "g" -> tag = qualifier.isEmpty() ? GROUP_OBJ : GROUP;
        case "mask", "m" -> tag = MASK;
        case "other", "o" -> tag = OTHER;
        default -> throw new IllegalArgumentException("ACL entry '" + e + "' has an unknown tag");
      }
      if (tag == USER || tag == GROUP) {
        String number = f.length == 4 ? f[3] : qualifier;
        id = id(number, e, tag == USER, names);
      }
      out.add(new AclEntry(tag, perms, id));
    }
    out.sort(Comparator.comparingInt(AclEntry::tag).thenComparingLong(AclEntry::id));
    return out;
  }

  /** Whether the ACL says no more than the mode bits (owner, group and other only). */
  static boolean isMinimal(List<AclEntry> acl) {
    return acl.stream()
        .allMatch(e -> e.tag() == USER_OBJ || e.tag() == GROUP_OBJ || e.tag() == OTHER);
  }

  /** The mask entry's permissions, or -1 without one. */
  static int mask(List<AclEntry> acl) {
    for (AclEntry e : acl) {
      if (e.tag() == MASK) {
        return e.perms();
      }
    }
    return -1;
  }

  /** The xattr value the kernel stores for this ACL. */
  static byte[] toXattr(List<AclEntry> acl) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4 + 8 * acl.size());
    le(out, 2, 4);
    for (AclEntry e : acl) {
      le(out, e.tag(), 2);
      le(out, e.perms(), 2);
      le(out, e.id(), 4);
    }
    return out.toByteArray();
  }

  private static int perms(String p, String entry) {
    if (p.length() != 3) {
      throw new IllegalArgumentException("ACL entry '" + entry + "' has bad permissions");
    }
    int v = 0;
    String want = "rwx";
    for (int i = 0; i < 3; i++) {
      char c = p.charAt(i);
      if (c == want.charAt(i)) {
        v |= 4 >> i;
      } else if (c != '-') {
        throw new IllegalArgumentException("ACL entry '" + entry + "' has bad permissions");
      }
    }
    return v;
  }

  private static long id(String number, String entry, boolean user, Names names) {
    if (!number.isEmpty()
        && number.chars().allMatch(c -> c >= '0' && c <= '9')
        && number.length() <= 10) {
      long v = Long.parseLong(number);
      if (v < NO_ID) {
        return v;
      }
      throw new IllegalArgumentException("ACL entry '" + entry + "' has an id out of range");
    }
    Long known = user ? names.user(number) : names.group(number);
    if (known != null) {
      return known;
    }
    throw new UnknownName(
        "ACL entry '"
            + entry
            + "' names "
            + (user ? "user" : "group")
            + " '"
            + number
            + "', which the archive's own etc/"
            + (user ? "passwd" : "group")
            + " does not list, so its id is not known (bsdtar --acls writes the ids; a tar made"
            + " without --acls has no ACLs)");
  }

  private static void le(ByteArrayOutputStream out, long v, int bytes) {
    for (int i = 0; i < bytes; i++) {
      out.write((int) (v >>> (8 * i)) & 0xFF);
    }
  }
}
