/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One parsed manifest line. {@code null} fields mean "keep" (for existing entries) or "default"
 * (for new ones). Immutable once built.
 */
final class ManifestRule {
  static final char MODIFY = 'm';
  static final char REMOVE = 'r';
  static final char HARDLINK = 'h';

  private final int column;
  private final int line;
  private final char type;
  private final ManifestPattern path;
  private final Integer mode;
  private final Long uid;
  private final Long gid;
  private final long major;
  private final long minor;
  private final byte[] symlinkTarget;
  private final ImagePath linkTarget;
  private final Timestamp mtime;
  private final Timestamp atime;
  private final Timestamp ctime;
  private final Map<String, byte[]> xattrs;

  private ManifestRule(Builder b) {
    this.column = b.column;
    this.line = b.line;
    this.type = b.type;
    this.path = b.path;
    this.mode = b.mode;
    this.uid = b.uid;
    this.gid = b.gid;
    this.major = b.major;
    this.minor = b.minor;
    this.symlinkTarget = b.symlinkTarget;
    this.linkTarget = b.linkTarget;
    this.mtime = b.mtime;
    this.atime = b.atime;
    this.ctime = b.ctime;
    this.xattrs = Collections.unmodifiableMap(new LinkedHashMap<>(b.xattrs));
  }

  int line() {
    return line;
  }

  int column() {
    return column;
  }

  char type() {
    return type;
  }

  ManifestPattern path() {
    return path;
  }

  long major() {
    return major;
  }

  long minor() {
    return minor;
  }

  byte[] symlinkTarget() {
    return symlinkTarget.clone();
  }

  ImagePath linkTarget() {
    return linkTarget;
  }

  /** Xattr name to new value; a {@code null} value removes the attribute. */
  Map<String, byte[]> xattrs() {
    return xattrs;
  }

  /** The type of entry this rule creates (not for m, r, h). */
  EntryType entryType() {
    return switch (type) {
      case 'd' -> EntryType.DIRECTORY;
      case 'f' -> EntryType.REGULAR;
      case 'c' -> EntryType.CHAR_DEVICE;
      case 'b' -> EntryType.BLOCK_DEVICE;
      case 'p' -> EntryType.FIFO;
      case 's' -> EntryType.SOCKET;
      case 'l' -> EntryType.SYMLINK;
      default -> throw new IllegalStateException("rule type " + type + " creates nothing");
    };
  }

  /** Sets what the rule gives on {@code e}, whose current xattrs are {@code current}. */
  void applyMetadata(Entry.Builder e, List<Xattr> current) {
    if (mode != null) {
      e.mode(mode);
    }
    if (uid != null) {
      e.uid(uid);
    }
    if (gid != null) {
      e.gid(gid);
    }
    if (mtime != null) {
      e.mtime(mtime);
    }
    if (atime != null) {
      e.atime(atime);
    }
    if (ctime != null) {
      e.ctime(ctime);
    }
    if (!xattrs.isEmpty()) {
      List<Xattr> out = new ArrayList<>();
      for (Xattr x : current) {
        if (!xattrs.containsKey(x.name())) {
          out.add(x);
        }
      }
      for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
        if (x.getValue() != null) {
          out.add(new Xattr(x.getKey(), x.getValue()));
        }
      }
      e.xattrs(out);
    }
  }

  /** Collects a rule's fields while parsing. */
  static final class Builder {
    final int column;
    final int line;
    final char type;
    final ManifestPattern path;
    Integer mode;
    Long uid;
    Long gid;
    long major;
    long minor;
    byte[] symlinkTarget;
    ImagePath linkTarget;
    Timestamp mtime;
    Timestamp atime;
    Timestamp ctime;
    final Map<String, byte[]> xattrs = new LinkedHashMap<>();

    Builder(int column, int line, char type, ManifestPattern path) {
      this.column = column;
      this.line = line;
      this.type = type;
      this.path = path;
    }

    boolean changesNothing() {
      return mode == null
          && uid == null
          && gid == null
          && mtime == null
          && atime == null
          && ctime == null
          && xattrs.isEmpty();
    }

    ManifestRule build() {
      return new ManifestRule(this);
    }
  }
}
