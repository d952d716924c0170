/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The metadata of one entry of a {@link FileTree}: type, permission bits (with setuid, setgid and
 * sticky), 32-bit owner, times with nanoseconds, extended attributes, and per type a {@link
 * Content} (regular files), a link target (symlinks, raw bytes), the path of the entry it is
 * another name for (hard links) or device numbers (devices). The path itself is the tree's key.
 *
 * <p>A {@link EntryType#HARDLINK} entry carries only its target: every other attribute is the
 * target's.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder(EntryType)}.
 */
public final class Entry {
  /** Permission bits plus setuid (04000), setgid (02000) and sticky (01000). */
  public static final int MODE_MASK = 07777;

  /** Largest uid or gid: owners are unsigned 32-bit. */
  public static final long MAX_ID = 0xFFFF_FFFFL;

  private final EntryType type;
  private final int mode;
  private final long uid;
  private final long gid;
  private final Timestamp mtime;
  private final Timestamp atime;
  private final Timestamp ctime;
  private final List<Xattr> xattrs;
  private final Content content;
  private final byte[] symlinkTarget;
  private final ImagePath hardlinkTarget;
  private final long devMajor;
  private final long devMinor;

  private Entry(Builder b) {
    this.type = b.type;
    this.mode = b.mode;
    this.uid = b.uid;
    this.gid = b.gid;
    this.mtime = b.mtime;
    this.atime = b.atime;
    this.ctime = b.ctime;
    if (b.xattrs.isEmpty()) {
      this.xattrs = List.of();
    } else {
      List<Xattr> sorted = new ArrayList<>(b.xattrs);
      sorted.sort(Xattr.BY_NAME);
      for (int i = 1; i < sorted.size(); i++) {
        if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
          throw new IllegalArgumentException("xattr given twice: " + sorted.get(i).name());
        }
      }
      this.xattrs = List.copyOf(sorted);
    }
    this.content = b.content;
    this.symlinkTarget = b.symlinkTarget;
    this.hardlinkTarget = b.hardlinkTarget;
    this.devMajor = b.devMajor;
    this.devMinor = b.devMinor;
  }

  /** A builder for an entry of the given type, mode 0, owner 0:0, mtime at the epoch. */
  public static Builder builder(EntryType type) {
    return new Builder(type);
  }

  /** A directory with the given mode, owner 0:0. */
  public static Entry directory(int mode, Timestamp mtime) {
    return builder(EntryType.DIRECTORY).mode(mode).mtime(mtime).build();
  }

  /** A regular file with the given mode and content, owner 0:0. */
  public static Entry file(int mode, Timestamp mtime, Content content) {
    return builder(EntryType.REGULAR).mode(mode).mtime(mtime).content(content).build();
  }

  /** A symbolic link (mode 0777, owner 0:0). */
  public static Entry symlink(String target, Timestamp mtime) {
    return builder(EntryType.SYMLINK)
        .mode(0777)
        .mtime(mtime)
        .symlinkTarget(target.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .build();
  }

  /** Another name for the entry at {@code target}. */
  public static Entry hardlink(ImagePath target) {
    return builder(EntryType.HARDLINK).hardlinkTarget(target).build();
  }

  /** A builder starting from this entry's values. */
  public Builder toBuilder() {
    Builder b = new Builder(type);
    b.mode = mode;
    b.uid = uid;
    b.gid = gid;
    b.mtime = mtime;
    b.atime = atime;
    b.ctime = ctime;
    b.xattrs = new ArrayList<>(xattrs);
    b.content = content;
    b.symlinkTarget = symlinkTarget;
    b.hardlinkTarget = hardlinkTarget;
    b.devMajor = devMajor;
    b.devMinor = devMinor;
    return b;
  }

  public EntryType type() {
    return type;
  }

  /** Permission, setuid, setgid and sticky bits ({@link #MODE_MASK}), without the type bits. */
  public int mode() {
    return mode;
  }

  /** {@code st_mode}: type bits and {@link #mode()}. */
  public int fullMode() {
    return type.formatBits() | mode;
  }

  /** Owner uid, 0..{@link #MAX_ID}. */
  public long uid() {
    return uid;
  }

  /** Group gid, 0..{@link #MAX_ID}. */
  public long gid() {
    return gid;
  }

  public Timestamp mtime() {
    return mtime;
  }

  /** Access time, when the source kept one. */
  public Optional<Timestamp> atime() {
    return Optional.ofNullable(atime);
  }

  /** Status-change time, when the source kept one. */
  public Optional<Timestamp> ctime() {
    return Optional.ofNullable(ctime);
  }

  /** Extended attributes sorted by name bytes, names unique. */
  public List<Xattr> xattrs() {
    return xattrs;
  }

  /** The content of a regular file; {@code null} for other types. */
  public Content content() {
    return content;
  }

  /** Size of a regular file's content, of a symlink's target; 0 otherwise. */
  public long size() {
    if (content != null) {
      return content.size();
    }
    return symlinkTarget != null ? symlinkTarget.length : 0;
  }

  /** A symlink's target bytes (a copy); {@code null} for other types. */
  public byte[] symlinkTarget() {
    return symlinkTarget == null ? null : symlinkTarget.clone();
  }

  /** The path a hard link names; {@code null} for other types. */
  public ImagePath hardlinkTarget() {
    return hardlinkTarget;
  }

  /** Device major number (devices only). */
  public long devMajor() {
    return devMajor;
  }

  /** Device minor number (devices only). */
  public long devMinor() {
    return devMinor;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Entry e)) {
      return false;
    }
    return type == e.type
        && mode == e.mode
        && uid == e.uid
        && gid == e.gid
        && mtime.equals(e.mtime)
        && Objects.equals(atime, e.atime)
        && Objects.equals(ctime, e.ctime)
        && xattrs.equals(e.xattrs)
        && size() == e.size()
        && Arrays.equals(symlinkTarget, e.symlinkTarget)
        && Objects.equals(hardlinkTarget, e.hardlinkTarget)
        && devMajor == e.devMajor
        && devMinor == e.devMinor
        && Objects.equals(
            content == null ? null : content.extents(),
            e.content == null ? null : e.content.extents());
  }

  /**
   * Metadata equality: contents are compared by size and extents only, not by bytes (reading them
   * would be I/O). Compare bytes where it matters.
   */
  @Override
  public int hashCode() {
    return Objects.hash(type, mode, uid, gid, mtime, size(), hardlinkTarget);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(type.lsChar())
        .append(' ')
        .append(String.format(java.util.Locale.ROOT, "%04o", mode))
        .append(' ')
        .append(uid)
        .append(':')
        .append(gid)
        .append(' ')
        .append(size())
        .append(' ')
        .append(mtime);
    if (symlinkTarget != null) {
      sb.append(" -> ").append(ImagePath.display(symlinkTarget));
    }
    if (hardlinkTarget != null) {
      sb.append(" link to ").append(hardlinkTarget);
    }
    if (type.isDevice()) {
      sb.append(' ').append(devMajor).append(',').append(devMinor);
    }
    return sb.toString();
  }

  /** Builds {@link Entry} values; checks that each type has what it needs. Not thread-safe. */
  public static final class Builder {
    private final EntryType type;
    private int mode;
    private long uid;
    private long gid;
    private Timestamp mtime = Timestamp.EPOCH;
    private Timestamp atime;
    private Timestamp ctime;
    private List<Xattr> xattrs = new ArrayList<>();
    private Content content;
    private byte[] symlinkTarget;
    private ImagePath hardlinkTarget;
    private long devMajor;
    private long devMinor;

    private Builder(EntryType type) {
      this.type = Objects.requireNonNull(type, "type");
    }

    /** Permission, setuid, setgid and sticky bits; type bits in the argument are ignored. */
    public Builder mode(int mode) {
      this.mode = mode & MODE_MASK;
      return this;
    }

    public Builder uid(long uid) {
      this.uid = checkId(uid, "uid");
      return this;
    }

    public Builder gid(long gid) {
      this.gid = checkId(gid, "gid");
      return this;
    }

    public Builder mtime(Timestamp mtime) {
      this.mtime = Objects.requireNonNull(mtime, "mtime");
      return this;
    }

    public Builder atime(Timestamp atime) {
      this.atime = atime;
      return this;
    }

    public Builder ctime(Timestamp ctime) {
      this.ctime = ctime;
      return this;
    }

    /** Replaces all extended attributes. */
    public Builder xattrs(List<Xattr> xattrs) {
      this.xattrs = new ArrayList<>(xattrs);
      return this;
    }

    /** Adds or replaces one extended attribute. */
    public Builder xattr(String name, byte[] value) {
      xattrs.removeIf(x -> x.name().equals(name));
      xattrs.add(new Xattr(name, value));
      return this;
    }

    public Builder content(Content content) {
      this.content = content;
      return this;
    }

    public Builder symlinkTarget(byte[] target) {
      this.symlinkTarget = target == null ? null : target.clone();
      return this;
    }

    public Builder hardlinkTarget(ImagePath target) {
      this.hardlinkTarget = target;
      return this;
    }

    public Builder device(long major, long minor) {
      this.devMajor = checkId(major, "device major");
      this.devMinor = checkId(minor, "device minor");
      return this;
    }

    /**
     * The entry.
     *
     * @throws IllegalArgumentException if the type lacks what it needs (content for a regular file,
     *     a non-empty target for a link) or carries what it cannot have
     */
    public Entry build() {
      switch (type) {
        case REGULAR -> require(content != null, "a regular file needs content");
        case SYMLINK ->
            require(
                symlinkTarget != null && symlinkTarget.length > 0 && indexOfNul(symlinkTarget) < 0,
                "a symlink needs a non-empty target without NUL bytes");
        case HARDLINK -> require(hardlinkTarget != null, "a hard link needs a target path");
        default -> {}
      }
      // the messages are made only on failure: this runs once per entry of every tree
      if (type != EntryType.REGULAR && content != null) {
        throw new IllegalArgumentException(type + " cannot have content");
      }
      if (type != EntryType.SYMLINK && symlinkTarget != null) {
        throw new IllegalArgumentException(type + " cannot have a target");
      }
      if (type != EntryType.HARDLINK && hardlinkTarget != null) {
        throw new IllegalArgumentException(type + " cannot be a hard link");
      }
      if (!type.isDevice() && (devMajor != 0 || devMinor != 0)) {
        throw new IllegalArgumentException(type + " has no device numbers");
      }
      return new Entry(this);
    }

    private static int indexOfNul(byte[] b) {
      for (int i = 0; i < b.length; i++) {
        if (b[i] == 0) {
          return i;
        }
      }
      return -1;
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }

    private static long checkId(long v, String what) {
      if (v < 0 || v > MAX_ID) {
        throw new IllegalArgumentException(what + " out of 32-bit range: " + v);
      }
      return v;
    }
  }
}
