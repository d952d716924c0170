/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Compares two trees entry by entry, in path order: what only one side has and, for paths both
 * have, which properties differ ({@link Field}). Contents are compared byte for byte, streamed, so
 * memory does not grow with file sizes.
 *
 * <p>Hard links are compared as groups, not by which name holds the data: a path's group is the
 * sorted list of every name of its inode, so a tar that stores a file under its second name first
 * equals an image that lists the names in path order. Access and change times are not compared
 * (most sources have none).
 *
 * <p>A directory that only one side has is one difference that counts the entries below it; they
 * are not listed one by one.
 *
 * <p>Stateless; the trees are only read.
 */
public final class TreeDiff {
  /** A property of an entry that can differ. */
  public enum Field {
    /** File type (regular, directory, symlink, device, fifo, socket). */
    TYPE,
    /** Permission bits, setuid/setgid/sticky included. */
    MODE,
    /** Owner and group ids. */
    OWNER,
    /** Modification time, to the resolution asked for. */
    MTIME,
    /** Size of a regular file. */
    SIZE,
    /** Bytes of a regular file of the same size on both sides. */
    CONTENT,
    /** Target of a symbolic link. */
    TARGET,
    /** Major and minor numbers of a device. */
    DEVICE,
    /** Extended attributes (names and values). */
    XATTRS,
    /** The names of a hard-link group. */
    LINKS;

    /** The lower-case name, as options and output spell it. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One property that differs: how each side shows it. */
  public record Change(Field field, String left, String right) {}

  /**
   * What differs at one path: {@code left} and {@code right} are the entries (null where a side
   * lacks the path); {@code below} counts the entries under a directory that only one side has (or
   * that the other side has as something else), which are not reported themselves.
   */
  public record Difference(
      ImagePath path, Kind kind, Entry left, Entry right, List<Change> changes, int below) {
    /** Whether only one side has the path or both have it with other properties. */
    public enum Kind {
      ONLY_LEFT,
      ONLY_RIGHT,
      CHANGED
    }
  }

  private final Set<Field> ignored;
  private final long resolutionNanos;

  private TreeDiff(Set<Field> ignored, long resolutionNanos) {
    this.ignored = ignored;
    this.resolutionNanos = resolutionNanos;
  }

  /**
   * A comparison that skips the {@code ignored} fields and compares modification times truncated to
   * multiples of {@code resolutionNanos} since 1970 (1 compares nanoseconds; 1,000,000,000 seconds,
   * as squashfs keeps them; 2,000,000,000 FAT's two seconds).
   */
  public static TreeDiff ignoring(Set<Field> ignored, long resolutionNanos) {
    boolean divides =
        resolutionNanos > 0
            && (resolutionNanos < 1_000_000_000L
                ? 1_000_000_000L % resolutionNanos == 0
                : resolutionNanos % 1_000_000_000L == 0);
    if (!divides) {
      throw new IllegalArgumentException(
          "time resolution must divide one second or be whole seconds: " + resolutionNanos + " ns");
    }
    Set<Field> copy = EnumSet.noneOf(Field.class);
    copy.addAll(ignored);
    return new TreeDiff(copy, resolutionNanos);
  }

  /** A comparison of every field, times to the nanosecond. */
  public static TreeDiff exact() {
    return ignoring(Set.of(), 1);
  }

  /**
   * Reports each difference between {@code left} and {@code right} to {@code out}, in path order,
   * and returns how many there were.
   *
   * @throws IOException if a content cannot be read (its message names the file)
   */
  public long compare(FileTree left, FileTree right, Consumer<Difference> out) throws IOException {
    Iterator<Map.Entry<ImagePath, Entry>> li = left.entries().entrySet().iterator();
    Iterator<Map.Entry<ImagePath, Entry>> ri = right.entries().entrySet().iterator();
    Map.Entry<ImagePath, Entry> l = next(li);
    Map.Entry<ImagePath, Entry> r = next(ri);
    // directories only one side has: what lies below them was reported with them (in byte order
    // their descendants need not follow them directly: "a-b" sorts between "a" and "a/x")
    Set<ImagePath> oneSided = new HashSet<>();
    Scratch scratch = new Scratch();
    long count = 0;
    while (l != null || r != null) {
      int order = l == null ? 1 : r == null ? -1 : l.getKey().compareTo(r.getKey());
      if (order < 0) {
        count += oneSide(left, l, Difference.Kind.ONLY_LEFT, oneSided, out);
        l = next(li);
      } else if (order > 0) {
        count += oneSide(right, r, Difference.Kind.ONLY_RIGHT, oneSided, out);
        r = next(ri);
      } else {
        ImagePath p = l.getKey();
        List<Change> changes = changes(left, right, p, scratch);
        if (!changes.isEmpty()) {
          // a directory on one side and something else on the other: what lies below the
          // directory goes with this difference
          int below = 0;
          EntryType lt = l.getValue().type();
          EntryType rt = r.getValue().type();
          if (lt != rt && (lt == EntryType.DIRECTORY || rt == EntryType.DIRECTORY)) {
            oneSided.add(p);
            below = descendants(lt == EntryType.DIRECTORY ? left : right, p);
          }
          out.accept(
              new Difference(
                  p, Difference.Kind.CHANGED, l.getValue(), r.getValue(), changes, below));
          count++;
        }
        l = next(li);
        r = next(ri);
      }
    }
    return count;
  }

  /**
   * Reports a path only one side has, unless it lies below a directory reported so; returns 1 if it
   * was reported.
   */
  private static int oneSide(
      FileTree tree,
      Map.Entry<ImagePath, Entry> e,
      Difference.Kind kind,
      Set<ImagePath> oneSided,
      Consumer<Difference> out) {
    ImagePath p = e.getKey();
    for (ImagePath a = p.parent(); !a.isRoot(); a = a.parent()) {
      if (oneSided.contains(a)) {
        return 0;
      }
    }
    int below = 0;
    if (e.getValue().type() == EntryType.DIRECTORY) {
      oneSided.add(p);
      below = descendants(tree, p);
    }
    boolean isLeft = kind == Difference.Kind.ONLY_LEFT;
    out.accept(
        new Difference(
            p, kind, isLeft ? e.getValue() : null, isLeft ? null : e.getValue(), List.of(), below));
    return 1;
  }

  /** The properties of {@code path} that differ between the two trees, in {@link Field} order. */
  public List<Change> changes(FileTree left, FileTree right, ImagePath path) throws IOException {
    return changes(left, right, path, new Scratch());
  }

  private List<Change> changes(FileTree left, FileTree right, ImagePath path, Scratch scratch)
      throws IOException {
    Entry a = left.resolve(path);
    Entry b = right.resolve(path);
    List<Change> out = new ArrayList<>();
    if (a.type() != b.type()) {
      add(out, Field.TYPE, typeName(a.type()), typeName(b.type()));
      // nothing else compares across types
      return out;
    }
    if (a.mode() != b.mode()) {
      add(out, Field.MODE, octal(a.mode()), octal(b.mode()));
    }
    if (a.uid() != b.uid() || a.gid() != b.gid()) {
      add(out, Field.OWNER, a.uid() + ":" + a.gid(), b.uid() + ":" + b.gid());
    }
    if (!sameTime(a.mtime(), b.mtime())) {
      add(out, Field.MTIME, a.mtime().toString(), b.mtime().toString());
    }
    switch (a.type()) {
      case REGULAR -> {
        if (a.size() != b.size()) {
          add(out, Field.SIZE, Long.toString(a.size()), Long.toString(b.size()));
        } else if (!ignored.contains(Field.CONTENT)) {
          long at = firstDifference(a.content(), b.content(), path, scratch);
          if (at >= 0) {
            add(out, Field.CONTENT, "byte " + at, "byte " + at);
          }
        }
      }
      case SYMLINK -> {
        if (!Arrays.equals(a.symlinkTarget(), b.symlinkTarget())) {
          add(
              out,
              Field.TARGET,
              ImagePath.display(a.symlinkTarget()),
              ImagePath.display(b.symlinkTarget()));
        }
      }
      case CHAR_DEVICE, BLOCK_DEVICE -> {
        if (a.devMajor() != b.devMajor() || a.devMinor() != b.devMinor()) {
          add(
              out,
              Field.DEVICE,
              a.devMajor() + "," + a.devMinor(),
              b.devMajor() + "," + b.devMinor());
        }
      }
      default -> {}
    }
    if (!a.xattrs().equals(b.xattrs())) {
      add(out, Field.XATTRS, xattrNames(a), xattrNames(b));
    }
    if (a.type() == EntryType.REGULAR) {
      List<ImagePath> ga = group(left, path);
      List<ImagePath> gb = group(right, path);
      if (!ga.equals(gb)) {
        add(out, Field.LINKS, ga.toString(), gb.toString());
      }
    }
    return out;
  }

  private void add(List<Change> out, Field field, String left, String right) {
    if (!ignored.contains(field)) {
      out.add(new Change(field, left, right));
    }
  }

  private boolean sameTime(Timestamp a, Timestamp b) {
    if (resolutionNanos == 1) {
      return a.equals(b);
    }
    return truncate(a).equals(truncate(b));
  }

  /** Whole multiples of the resolution since 1970, rounded towards the past. */
  private Timestamp truncate(Timestamp t) {
    // seconds * 1e9 overflows a long past the year 2262, so split the arithmetic
    if (resolutionNanos % 1_000_000_000L == 0) {
      long step = resolutionNanos / 1_000_000_000L;
      return Timestamp.ofSeconds(Math.floorDiv(t.seconds(), step) * step);
    }
    int nanos = (int) (t.nanos() - Math.floorMod(t.nanos(), resolutionNanos));
    return new Timestamp(t.seconds(), nanos);
  }

  /** Every name of the inode at {@code path}, sorted; one name for a file without links. */
  private static List<ImagePath> group(FileTree tree, ImagePath path) {
    Entry e = tree.get(path);
    ImagePath first = e.type() == EntryType.HARDLINK ? e.hardlinkTarget() : path;
    List<ImagePath> others = tree.hardlinksTo(first);
    if (others.isEmpty()) {
      return List.of(first);
    }
    List<ImagePath> all = new ArrayList<>(others.size() + 1);
    all.add(first);
    all.addAll(others);
    all.sort(null);
    return all;
  }

  /**
   * The offset of the first byte where two contents of the same size differ, or -1 if they are
   * equal.
   */
  private static long firstDifference(Content a, Content b, ImagePath path, Scratch scratch)
      throws IOException {
    if (a == b) {
      return -1;
    }
    byte[] x = scratch.left();
    byte[] y = scratch.right();
    long offset = 0;
    try (InputStream ia = a.open();
        InputStream ib = b.open()) {
      while (true) {
        int na = ia.readNBytes(x, 0, x.length);
        int nb = ib.readNBytes(y, 0, na == 0 ? y.length : na);
        int m = Arrays.mismatch(x, 0, na, y, 0, nb);
        if (m >= 0) {
          return offset + m;
        }
        if (na == 0) {
          return -1;
        }
        offset += na;
      }
    } catch (IOException e) {
      throw new IOException(path + ": cannot compare the contents: " + e.getMessage(), e);
    }
  }

  private static String xattrNames(Entry e) {
    List<String> parts = new ArrayList<>();
    for (Xattr x : e.xattrs()) {
      parts.add(x.name() + "(" + x.valueLength() + " bytes)");
    }
    return parts.isEmpty() ? "none" : String.join(",", parts);
  }

  private static String typeName(EntryType t) {
    return switch (t) {
      case REGULAR, HARDLINK -> "file";
      case DIRECTORY -> "directory";
      case SYMLINK -> "symlink";
      case CHAR_DEVICE -> "char-device";
      case BLOCK_DEVICE -> "block-device";
      case FIFO -> "fifo";
      case SOCKET -> "socket";
    };
  }

  private static String octal(int mode) {
    String s = Integer.toOctalString(mode);
    return "0".repeat(Math.max(0, 4 - s.length())) + s;
  }

  private static int descendants(FileTree tree, ImagePath dir) {
    return tree.entries().subMap(dir.descendantsStart(), true, dir.descendantsEnd(), false).size();
  }

  private static <T> T next(Iterator<T> it) {
    return it.hasNext() ? it.next() : null;
  }

  /**
   * The two read buffers of one comparison, made at the first content compared: a pair per file had
   * allocated as many bytes as both trees hold.
   */
  private static final class Scratch {
    private byte[] left;
    private byte[] right;

    byte[] left() {
      if (left == null) {
        left = new byte[64 * 1024];
      }
      return left;
    }

    byte[] right() {
      if (right == null) {
        right = new byte[64 * 1024];
      }
      return right;
    }
  }
}
