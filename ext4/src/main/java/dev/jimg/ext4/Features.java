/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.ext4;

import dev.jimg.core.InvalidOptionException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The feature flags of an ext2/3/4 superblock ({@code s_feature_compat}, {@code
 * s_feature_incompat}, {@code s_feature_ro_compat}) that this writer knows, by their e2fsprogs
 * names, and the default sets of each variant (those of Debian 12's {@code mke2fs.conf}, without
 * {@code resize_inode}). Immutable.
 *
 * @param compat {@code s_feature_compat}
 * @param incompat {@code s_feature_incompat}
 * @param roCompat {@code s_feature_ro_compat}
 */
record Features(int compat, int incompat, int roCompat) {
  static final int COMPAT_HAS_JOURNAL = 0x4;
  static final int COMPAT_EXT_ATTR = 0x8;
  static final int COMPAT_DIR_INDEX = 0x20;

  static final int INCOMPAT_FILETYPE = 0x2;
  static final int INCOMPAT_EXTENTS = 0x40;
  static final int INCOMPAT_64BIT = 0x80;
  static final int INCOMPAT_FLEX_BG = 0x200;
  static final int INCOMPAT_CSUM_SEED = 0x2000;
  static final int INCOMPAT_LARGEDIR = 0x4000;
  static final int INCOMPAT_INLINE_DATA = 0x8000;
  static final int INCOMPAT_META_BG = 0x10;
  static final int INCOMPAT_ENCRYPT = 0x10000;
  static final int INCOMPAT_CASEFOLD = 0x20000;

  static final int RO_COMPAT_SPARSE_SUPER = 0x1;
  static final int RO_COMPAT_LARGE_FILE = 0x2;
  static final int RO_COMPAT_HUGE_FILE = 0x8;
  static final int RO_COMPAT_DIR_NLINK = 0x20;
  static final int RO_COMPAT_EXTRA_ISIZE = 0x40;
  static final int RO_COMPAT_METADATA_CSUM = 0x400;

  private enum Word {
    COMPAT,
    INCOMPAT,
    RO_COMPAT
  }

  private record Flag(Word word, int bit) {}

  private static final Map<String, Flag> BY_NAME = new LinkedHashMap<>();

  static {
    BY_NAME.put("has_journal", new Flag(Word.COMPAT, COMPAT_HAS_JOURNAL));
    BY_NAME.put("ext_attr", new Flag(Word.COMPAT, COMPAT_EXT_ATTR));
    BY_NAME.put("dir_index", new Flag(Word.COMPAT, COMPAT_DIR_INDEX));
    BY_NAME.put("filetype", new Flag(Word.INCOMPAT, INCOMPAT_FILETYPE));
    BY_NAME.put("extent", new Flag(Word.INCOMPAT, INCOMPAT_EXTENTS));
    BY_NAME.put("64bit", new Flag(Word.INCOMPAT, INCOMPAT_64BIT));
    BY_NAME.put("flex_bg", new Flag(Word.INCOMPAT, INCOMPAT_FLEX_BG));
    BY_NAME.put("sparse_super", new Flag(Word.RO_COMPAT, RO_COMPAT_SPARSE_SUPER));
    BY_NAME.put("large_file", new Flag(Word.RO_COMPAT, RO_COMPAT_LARGE_FILE));
    BY_NAME.put("huge_file", new Flag(Word.RO_COMPAT, RO_COMPAT_HUGE_FILE));
    BY_NAME.put("dir_nlink", new Flag(Word.RO_COMPAT, RO_COMPAT_DIR_NLINK));
    BY_NAME.put("extra_isize", new Flag(Word.RO_COMPAT, RO_COMPAT_EXTRA_ISIZE));
    BY_NAME.put("metadata_csum", new Flag(Word.RO_COMPAT, RO_COMPAT_METADATA_CSUM));
  }

  /** Debian 12's ext4 set: journal, extents, 64bit, flex_bg, metadata_csum and the rest. */
  static final Features EXT4 =
      new Features(
          COMPAT_HAS_JOURNAL | COMPAT_EXT_ATTR | COMPAT_DIR_INDEX,
          INCOMPAT_FILETYPE | INCOMPAT_EXTENTS | INCOMPAT_64BIT | INCOMPAT_FLEX_BG,
          RO_COMPAT_SPARSE_SUPER
              | RO_COMPAT_LARGE_FILE
              | RO_COMPAT_HUGE_FILE
              | RO_COMPAT_DIR_NLINK
              | RO_COMPAT_EXTRA_ISIZE
              | RO_COMPAT_METADATA_CSUM);

  /** Debian 12's ext3 set (without resize_inode): journal, block maps. */
  static final Features EXT3 =
      new Features(
          COMPAT_HAS_JOURNAL | COMPAT_EXT_ATTR | COMPAT_DIR_INDEX,
          INCOMPAT_FILETYPE,
          RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE);

  /** Debian 12's ext2 set (without resize_inode): no journal, block maps. */
  static final Features EXT2 =
      new Features(
          COMPAT_EXT_ATTR | COMPAT_DIR_INDEX,
          INCOMPAT_FILETYPE,
          RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE);

  boolean has(String name) {
    Flag f = BY_NAME.get(name);
    return switch (f.word()) {
      case COMPAT -> (compat & f.bit()) != 0;
      case INCOMPAT -> (incompat & f.bit()) != 0;
      case RO_COMPAT -> (roCompat & f.bit()) != 0;
    };
  }

  boolean hasCompat(int bit) {
    return (compat & bit) != 0;
  }

  boolean hasIncompat(int bit) {
    return (incompat & bit) != 0;
  }

  boolean hasRoCompat(int bit) {
    return (roCompat & bit) != 0;
  }

  /** This set with {@code name} switched on or off. */
  Features with(String name, boolean on) {
    Flag f = BY_NAME.get(name);
    int c = compat;
    int i = incompat;
    int r = roCompat;
    switch (f.word()) {
      case COMPAT -> c = on ? c | f.bit() : c & ~f.bit();
      case INCOMPAT -> i = on ? i | f.bit() : i & ~f.bit();
      case RO_COMPAT -> r = on ? r | f.bit() : r & ~f.bit();
    }
    return new Features(c, i, r);
  }

  /**
   * Applies a {@code --features} list such as {@code "^has_journal,+metadata_csum,-huge_file"}: a
   * name alone or with {@code +} switches it on, with {@code -} or {@code ^} off.
   *
   * @throws InvalidOptionException naming an unknown feature and listing the known ones
   */
  Features apply(String type, String list) throws InvalidOptionException {
    Features out = this;
    for (String raw : list.split(",", -1)) {
      String item = raw.strip();
      if (item.isEmpty()) {
        continue;
      }
      boolean on = true;
      if (item.startsWith("+")) {
        item = item.substring(1);
      } else if (item.startsWith("-") || item.startsWith("^")) {
        on = false;
        item = item.substring(1);
      }
      if (item.equals("extents")) {
        item = "extent";
      }
      if (!BY_NAME.containsKey(item)) {
        throw new InvalidOptionException(
            type
                + " option features: unknown feature '"
                + item
                + "'; known: "
                + String.join(", ", new TreeSet<>(BY_NAME.keySet()))
                + " (as +name or -name, comma-separated)");
      }
      out = out.with(item, on);
    }
    return out;
  }

  /** The names switched on, in e2fsprogs' order. */
  Set<String> names() {
    Set<String> out = new TreeSet<>();
    for (String n : BY_NAME.keySet()) {
      if (has(n)) {
        out.add(n);
      }
    }
    return out;
  }
}
