/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A tree as sorted lines, one per entry, for comparing what we meant to write with what a peer or
 * the kernel reads back (see VALIDATION.md, "Comparing trees"). Each {@link Line} holds the path
 * and the {@link Column}s: type, mode (octal), uid, gid, mtime (seconds and nanoseconds), size,
 * SHA-256 of the content, symlink target, device major:minor, xattrs (sorted {@code name=hex}) and
 * hard-link group (the smallest path of the group, so it does not depend on inode numbers).
 *
 * <p>Made {@linkplain #of(FileTree) from a FileTree} (reading every content once) or {@linkplain
 * #ofHostDirectory(Path) from a host directory} (a mounted image, an extraction). Compare two with
 * {@link #diff(TreeManifest, TreeManifest, Comparison)} or {@link TreeManifestAssert}.
 *
 * <p>Immutable and thread-safe.
 */
public final class TreeManifest {
  /** The compared attributes of an entry, in line order. */
  public enum Column {
    TYPE,
    MODE,
    UID,
    GID,
    MTIME,
    SIZE,
    SHA256,
    TARGET,
    DEVICE,
    XATTRS,
    LINK_GROUP;

    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }

  /**
   * One entry. Text columns use {@code -} where the column does not apply.
   *
   * @param path the entry's path ({@link ImagePath#ROOT} for the root)
   * @param type {@code f d l c b p s}, like {@code find -printf %y}
   * @param mode permission, setuid, setgid and sticky bits
   * @param uid owner
   * @param gid group
   * @param mtime modification time
   * @param size content size of a regular file, target length of a symlink, 0 otherwise
   * @param sha256 hex SHA-256 of a regular file's content, else {@code -}
   * @param target a symlink's target ({@link ImagePath#display} form), else {@code -}
   * @param device {@code major:minor} of a device, else {@code -}
   * @param xattrs {@code name=hex} sorted by name, comma-separated, or {@code -}
   * @param linkGroup smallest path of the entry's hard-link group, or {@code -}
   */
  public record Line(
      ImagePath path,
      char type,
      int mode,
      long uid,
      long gid,
      Timestamp mtime,
      long size,
      String sha256,
      String target,
      String device,
      String xattrs,
      String linkGroup) {
    public Line {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(mtime, "mtime");
    }

    /** The column's text. */
    public String value(Column c) {
      return switch (c) {
        case TYPE -> String.valueOf(type);
        case MODE -> String.format(Locale.ROOT, "%04o", mode);
        case UID -> Long.toString(uid);
        case GID -> Long.toString(gid);
        case MTIME -> mtime.seconds() + "." + String.format(Locale.ROOT, "%09d", mtime.nanos());
        case SIZE -> Long.toString(size);
        case SHA256 -> sha256;
        case TARGET -> target;
        case DEVICE -> device;
        case XATTRS -> xattrs;
        case LINK_GROUP -> linkGroup;
      };
    }

    /** The line: path, then every column, tab-separated. */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(path.toString());
      for (Column c : Column.values()) {
        sb.append('\t').append(value(c));
      }
      return sb.toString();
    }
  }

  private final NavigableMap<ImagePath, Line> lines;

  private TreeManifest(NavigableMap<ImagePath, Line> lines) {
    this.lines = Collections.unmodifiableNavigableMap(lines);
  }

  /** A manifest of the given lines (for example, parsed or edited by a test). */
  public static TreeManifest ofLines(List<Line> lines) {
    TreeMap<ImagePath, Line> m = new TreeMap<>();
    for (Line l : lines) {
      if (m.put(l.path(), l) != null) {
        throw new IllegalArgumentException("two lines for " + l.path());
      }
    }
    return new TreeManifest(m);
  }

  /** The manifest of a tree; reads each regular file's content once to hash it. */
  public static TreeManifest of(FileTree tree) {
    TreeMap<ImagePath, Line> out = new TreeMap<>();
    Map<ImagePath, String> hashes = new HashMap<>();
    for (Map.Entry<ImagePath, Entry> me : tree.entries().entrySet()) {
      ImagePath path = me.getKey();
      Entry raw = me.getValue();
      ImagePath holder = raw.type() == EntryType.HARDLINK ? raw.hardlinkTarget() : path;
      Entry e = tree.get(holder);
      String group = "-";
      if (raw.type() == EntryType.HARDLINK || !tree.hardlinksTo(path).isEmpty()) {
        group = holder.toString();
      }
      String sha = "-";
      if (e.type() == EntryType.REGULAR) {
        sha = hashes.computeIfAbsent(holder, h -> sha256(e.content(), h));
      }
      byte[] target = e.symlinkTarget();
      out.put(
          path,
          new Line(
              path,
              typeChar(e.type()),
              e.mode(),
              e.uid(),
              e.gid(),
              e.mtime(),
              e.size(),
              sha,
              target == null ? "-" : ImagePath.display(target),
              e.type().isDevice() ? e.devMajor() + ":" + e.devMinor() : "-",
              xattrs(e.xattrs()),
              group));
    }
    return new TreeManifest(out);
  }

  /**
   * The manifest of a host directory (which becomes the root), read without following symlinks:
   * names and link targets as raw bytes ({@code find -printf}), inode metadata and contents through
   * NIO {@code unix:*} attributes, xattrs of every namespace through {@code getfattr}. Hard-link
   * groups are names that share an inode.
   */
  public static TreeManifest ofHostDirectory(Path dir) {
    return HostScan.scan(dir);
  }

  static TreeManifest fromLines(TreeMap<ImagePath, Line> lines) {
    return new TreeManifest(lines);
  }

  /** The lines in unsigned path-byte order. */
  public List<Line> lines() {
    return List.copyOf(lines.values());
  }

  /** The line for {@code path}, or {@code null}. */
  public Line get(ImagePath path) {
    return lines.get(path);
  }

  /** Number of entries, the root included. */
  public int size() {
    return lines.size();
  }

  /**
   * This manifest without the entry at {@code path} and everything below it (e.g. {@code
   * lost+found} of a mounted ext4 image).
   */
  public TreeManifest without(String path) {
    ImagePath p = ImagePath.of(path);
    TreeMap<ImagePath, Line> m = new TreeMap<>(lines);
    m.keySet().removeIf(k -> k.startsWith(p));
    return new TreeManifest(m);
  }

  /** The lines joined by newlines, as in a manifest file. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Line l : lines.values()) {
      sb.append(l).append('\n');
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TreeManifest m && toString().equals(m.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  /**
   * What a comparison looks at: all columns by default; ignore some everywhere or at one path,
   * compare mtimes at a coarser granularity. Immutable; each method returns a new value.
   */
  public static final class Comparison {
    private final Set<Column> ignored;
    private final Map<ImagePath, Set<Column>> ignoredAt;
    private final Duration mtimeGranularity;

    private Comparison(
        Set<Column> ignored, Map<ImagePath, Set<Column>> ignoredAt, Duration granularity) {
      this.ignored = ignored;
      this.ignoredAt = ignoredAt;
      this.mtimeGranularity = granularity;
    }

    /** Every column, mtimes to the nanosecond. */
    public static Comparison exact() {
      return new Comparison(EnumSet.noneOf(Column.class), Map.of(), Duration.ofNanos(1));
    }

    /** Also ignores these columns for every entry. */
    public Comparison ignoring(Column... columns) {
      EnumSet<Column> s = EnumSet.noneOf(Column.class);
      s.addAll(ignored);
      s.addAll(List.of(columns));
      return new Comparison(s, ignoredAt, mtimeGranularity);
    }

    /**
     * Also ignores these columns for the entry at {@code path} ({@code "."} or {@code ""} for the
     * root, whose mtime peers do not keep).
     */
    public Comparison ignoringAt(String path, Column... columns) {
      return ignoringAt(ImagePath.of(path), columns);
    }

    /** Also ignores these columns for the entry at {@code path} (any name bytes). */
    public Comparison ignoringAt(ImagePath path, Column... columns) {
      Map<ImagePath, Set<Column>> m = new HashMap<>(ignoredAt);
      EnumSet<Column> s = EnumSet.noneOf(Column.class);
      s.addAll(m.getOrDefault(path, Set.of()));
      s.addAll(List.of(columns));
      m.put(path, s);
      return new Comparison(ignored, Map.copyOf(m), mtimeGranularity);
    }

    /**
     * Compares mtimes after rounding both down to a multiple of {@code granularity} (1 s for peers
     * that drop nanoseconds, 2 s for FAT). Must divide a second or be whole seconds.
     */
    public Comparison mtimeGranularity(Duration granularity) {
      long n = granularity.toNanos();
      boolean ok =
          n > 0 && (n < 1_000_000_000L ? 1_000_000_000L % n == 0 : n % 1_000_000_000L == 0);
      if (!ok) {
        throw new IllegalArgumentException(
            "granularity must divide one second or be whole seconds: " + granularity);
      }
      return new Comparison(ignored, ignoredAt, granularity);
    }

    /** Compares mtimes in whole seconds. */
    public Comparison mtimeSeconds() {
      return mtimeGranularity(Duration.ofSeconds(1));
    }

    boolean ignores(ImagePath p, Column c) {
      return ignored.contains(c) || ignoredAt.getOrDefault(p, Set.of()).contains(c);
    }

    String mtime(Timestamp t) {
      long n = mtimeGranularity.toNanos();
      if (n >= 1_000_000_000L) {
        long g = n / 1_000_000_000L;
        return Long.toString(Math.floorDiv(t.seconds(), g) * g);
      }
      return t.seconds()
          + "."
          + String.format(Locale.ROOT, "%09d", Math.floorDiv(t.nanos(), n) * n);
    }
  }

  /**
   * Every difference from {@code expected} to {@code actual}, in path order, each naming the path
   * and column: {@code "usr/bin/ping: mode 4755 != 0755"} (expected first), {@code "etc/x:
   * missing"} (expected only), {@code "lost+found: unexpected"} (actual only).
   */
  public static List<String> diff(TreeManifest expected, TreeManifest actual, Comparison how) {
    List<String> out = new ArrayList<>();
    TreeMap<ImagePath, Boolean> all = new TreeMap<>();
    expected.lines.keySet().forEach(k -> all.put(k, true));
    actual.lines.keySet().forEach(k -> all.put(k, true));
    for (ImagePath p : all.keySet()) {
      Line e = expected.lines.get(p);
      Line a = actual.lines.get(p);
      if (a == null) {
        out.add(p + ": missing (expected " + e + ")");
        continue;
      }
      if (e == null) {
        out.add(p + ": unexpected (" + a + ")");
        continue;
      }
      for (Column c : Column.values()) {
        if (how.ignores(p, c)) {
          continue;
        }
        String ev = c == Column.MTIME ? how.mtime(e.mtime()) : e.value(c);
        String av = c == Column.MTIME ? how.mtime(a.mtime()) : a.value(c);
        if (!ev.equals(av)) {
          out.add(p + ": " + c.label() + " " + ev + " != " + av);
        }
      }
    }
    return out;
  }

  static char typeChar(EntryType t) {
    return switch (t) {
      case REGULAR, HARDLINK -> 'f';
      case DIRECTORY -> 'd';
      case SYMLINK -> 'l';
      case CHAR_DEVICE -> 'c';
      case BLOCK_DEVICE -> 'b';
      case FIFO -> 'p';
      case SOCKET -> 's';
    };
  }

  static String xattrs(List<Xattr> xs) {
    if (xs.isEmpty()) {
      return "-";
    }
    List<Xattr> sorted = new ArrayList<>(xs);
    sorted.sort(Xattr.BY_NAME);
    StringBuilder sb = new StringBuilder();
    for (Xattr x : sorted) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(x.name()).append('=').append(HexFormat.of().formatHex(x.value()));
    }
    return sb.toString();
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static String sha256(InputStream in) throws IOException {
    MessageDigest md = newSha256();
    byte[] buf = new byte[65536];
    int n;
    while ((n = in.read(buf)) > 0) {
      md.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static String sha256(Content c, ImagePath path) {
    try (InputStream in = c.open()) {
      return sha256(in);
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot read content", e);
    }
  }
}
