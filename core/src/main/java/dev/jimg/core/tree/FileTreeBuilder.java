/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import dev.jimg.core.TreeConflictException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Assembles a {@link FileTree}: adds entries (creating missing parents with fixed metadata), layers
 * trees over each other, removes subtrees, and on {@link #build()} checks the tree and makes
 * hard-link groups canonical.
 *
 * <p>Conflicts are errors unless allowed: a directory over a directory merges (the newer metadata
 * wins, children stay); a non-directory over a non-directory replaces it; a directory over a
 * non-directory or the reverse throws {@link TreeConflictException} unless {@link
 * #replaceTypes(boolean)} is set, in which case the old entry and everything below it go.
 *
 * <p><b>Directory symlinks are followed.</b> {@link #put} (and so {@link #overlay}) resolves every
 * component of a path's parent through symbolic links already in the tree, as dpkg's {@code
 * --keep-directory-symlink} does for a merged {@code /usr}: with {@code bin -> usr/bin} in the
 * tree, putting {@code bin/ls} stores the entry at {@code usr/bin/ls}. Relative targets start at
 * the link's directory, absolute ones at the image root; {@code ..} in a target goes to the parent
 * of the directory reached so far; chains are followed up to {@link #MAX_SYMLINK_HOPS} links. A
 * link that leads outside the root, to a missing path or to a non-directory is a {@link
 * TreeConflictException}. The last component of a path is never followed (a symlink put over a
 * symlink replaces it), with one exception: a directory put over a symlink that leads to a
 * directory in the tree keeps the symlink (the directory's children then land in the link's target
 * and its own metadata is dropped), again as dpkg does.
 *
 * <p>Replacing or removing an entry that other names hard-link to leaves those names with the old
 * entry, as unlinking one name of a file does: the smallest of the remaining names takes over the
 * metadata.
 *
 * <p>Not thread-safe.
 */
public final class FileTreeBuilder {
  /** Metadata for directories created because an entry below them was added: 0755, 0:0, epoch. */
  public static final Entry DEFAULT_DIRECTORY = Entry.directory(0755, Timestamp.EPOCH);

  /** How many symbolic links one path may pass through, as Linux's {@code MAXSYMLINKS}. */
  public static final int MAX_SYMLINK_HOPS = 40;

  /** Prefix of an OCI whiteout name: {@code .wh.NAME} hides {@code NAME} of lower layers. */
  public static final String WHITEOUT_PREFIX = ".wh.";

  /** Name of an OCI opaque-directory marker: the lower layers' children of its directory go. */
  public static final String OPAQUE_WHITEOUT = ".wh..wh..opq";

  private static final byte[] WHITEOUT_PREFIX_BYTES =
      WHITEOUT_PREFIX.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OPAQUE_BYTES = OPAQUE_WHITEOUT.getBytes(StandardCharsets.US_ASCII);

  private final TreeMap<ImagePath, Entry> entries = new TreeMap<>();

  /** For each path, the hard-link entries that name it directly. */
  private final Map<ImagePath, TreeSet<ImagePath>> incoming = new HashMap<>();

  private Entry implicitDirectory = DEFAULT_DIRECTORY;
  private boolean replaceTypes;

  /** An empty tree: only a root directory with {@link #DEFAULT_DIRECTORY} metadata. */
  public FileTreeBuilder() {
    entries.put(ImagePath.ROOT, DEFAULT_DIRECTORY);
  }

  FileTreeBuilder(FileTree tree) {
    entries.putAll(tree.entries());
    for (Map.Entry<ImagePath, Entry> e : entries.entrySet()) {
      index(e.getKey(), e.getValue());
    }
  }

  /** Metadata given to parent directories that are created implicitly (must be a directory). */
  public FileTreeBuilder implicitDirectory(Entry directory) {
    if (directory.type() != EntryType.DIRECTORY) {
      throw new IllegalArgumentException("implicit parents must be directories");
    }
    this.implicitDirectory = directory;
    return this;
  }

  /** Whether a file may replace a directory (with all below it) and a directory a file. */
  public FileTreeBuilder replaceTypes(boolean allow) {
    this.replaceTypes = allow;
    return this;
  }

  /**
   * The entry currently at {@code path} (exactly that path, no links followed), or {@code null}.
   */
  public Entry get(ImagePath path) {
    return entries.get(path);
  }

  /** Current entries, in path order (a live read-only view). */
  public NavigableMap<ImagePath, Entry> entries() {
    return java.util.Collections.unmodifiableNavigableMap(entries);
  }

  /**
   * Where {@link #put} would store an entry for {@code path}: the path with its parent resolved
   * through directory symlinks in the tree (the last component is not followed). Components that do
   * not exist yet are kept as they are.
   *
   * @throws TreeConflictException if a link on the way leads outside the root, to a missing path or
   *     to a non-directory, or there are more than {@link #MAX_SYMLINK_HOPS} links
   */
  public ImagePath realPath(ImagePath path) throws TreeConflictException {
    if (path.isRoot()) {
      return path;
    }
    ImagePath parent = resolveDirectory(path.parent(), path);
    return parent.equals(path.parent()) ? path : parent.child(path.name());
  }

  /**
   * Adds or replaces the entry at {@code path}, creating missing parents. The parent is resolved
   * through directory symlinks first (see the class description), so the entry may land elsewhere;
   * a hard link's target is resolved the same way.
   *
   * @throws TreeConflictException if a parent is not a directory, a symlink on the way cannot be
   *     followed, or the entry changes between directory and non-directory while {@link
   *     #replaceTypes(boolean)} is off
   */
  public FileTreeBuilder put(ImagePath path, Entry entry) throws TreeConflictException {
    Objects.requireNonNull(entry, "entry");
    if (path.isRoot()) {
      if (entry.type() != EntryType.DIRECTORY) {
        throw new TreeConflictException("the root must be a directory, not " + entry.type());
      }
      store(path, entry);
      return this;
    }
    ImagePath target = realPath(path);
    ensureParents(target);
    if (entry.type() == EntryType.HARDLINK) {
      entry = Entry.hardlink(realLinkTarget(entry.hardlinkTarget()));
    }
    Entry old = entries.get(target);
    if (entry.type() == EntryType.HARDLINK
        && entry.hardlinkTarget().equals(target)
        && old != null
        && old.type() != EntryType.DIRECTORY) {
      // a name hard-linked to itself: GNU tar writes one for a file named twice ('tar -cf t.tar
      // d/f d', 'find | tar -T -'), and extracting it changes nothing; it used to become a link
      // to itself, a loop that failed the build
      return this;
    }
    if (old != null) {
      boolean oldDir = old.type() == EntryType.DIRECTORY;
      boolean newDir = entry.type() == EntryType.DIRECTORY;
      if (newDir && old.type() == EntryType.SYMLINK && leadsToDirectory(target)) {
        return this;
      }
      if (oldDir != newDir) {
        if (!replaceTypes) {
          throw new TreeConflictException(
              target + ": a " + describeKind(entry) + " would replace a " + describeKind(old));
        }
        removeBelow(target);
      }
      if (!newDir || !oldDir) {
        detachLinks(target);
      }
    }
    store(target, entry);
    return this;
  }

  /**
   * Changes the entry at exactly {@code path} in place (no links followed): unlike {@link #put},
   * other names hard-linked to it keep pointing at it and so see the change, as with {@code chmod}
   * on one name of a file. The function must keep the entry's type.
   *
   * @throws IllegalArgumentException if there is no entry at {@code path} or the type changes
   */
  public FileTreeBuilder update(ImagePath path, UnaryOperator<Entry> change) {
    Entry old = entries.get(path);
    if (old == null) {
      throw new IllegalArgumentException(path + ": not in the tree");
    }
    Entry now = Objects.requireNonNull(change.apply(old), "changed entry");
    if (now.type() != old.type()) {
      throw new IllegalArgumentException(
          path + ": update changes the type from " + describe(old) + " to " + describe(now));
    }
    store(path, now);
    return this;
  }

  /**
   * Layers {@code upper} over this tree, as an OCI image layer over its parent: later layers win, a
   * directory over a directory merges (upper metadata, children of both), other replacements follow
   * {@link #put}'s rules, and paths are resolved through directory symlinks.
   *
   * <p>Whiteouts in {@code upper} remove from this tree before the upper directory's own entries
   * are added: {@code .wh.NAME} removes {@code NAME} and everything below it, {@code .wh..wh..opq}
   * removes every child of its directory (and a lower non-directory in the directory's place, such
   * as a directory symlink, which is then not followed). Whiteouts never reach the result, and they
   * never hide entries of {@code upper} itself.
   *
   * @throws TreeConflictException as {@link #put} does, or for a whiteout naming no valid file
   */
  public FileTreeBuilder overlay(FileTree upper) throws TreeConflictException {
    Set<ImagePath> whitedOut = new HashSet<>();
    for (Map.Entry<ImagePath, Entry> e : upper.entries().entrySet()) {
      ImagePath path = e.getKey();
      if (path.isRoot()) {
        applyWhiteouts(upper, path, whitedOut);
        put(path, e.getValue());
        continue;
      }
      if (isWhiteoutOrBelow(path)) {
        continue;
      }
      if (e.getValue().type() == EntryType.DIRECTORY && upper.contains(path.child(OPAQUE_BYTES))) {
        // Opaque: nothing of the lower layers survives here, not even a symlink in its place.
        ImagePath real = realPath(path);
        Entry lower = entries.get(real);
        if (lower != null && lower.type() != EntryType.DIRECTORY) {
          remove(real);
        }
      }
      put(path, e.getValue());
      if (e.getValue().type() == EntryType.DIRECTORY) {
        applyWhiteouts(upper, path, whitedOut);
      }
    }
    return this;
  }

  /** Whether any entry of {@code tree} is a whiteout (or opaque marker), by name. */
  static boolean hasWhiteouts(FileTree tree) {
    for (ImagePath p : tree.entries().keySet()) {
      if (!p.isRoot() && startsWith(p.name(), WHITEOUT_PREFIX_BYTES)) {
        return true;
      }
    }
    return false;
  }

  private void applyWhiteouts(FileTree upper, ImagePath dir, Set<ImagePath> done)
      throws TreeConflictException {
    if (!done.add(dir)) {
      return;
    }
    ImagePath real = null;
    for (ImagePath child : upper.children(dir)) {
      byte[] name = child.name();
      if (!startsWith(name, WHITEOUT_PREFIX_BYTES)) {
        continue;
      }
      if (real == null) {
        real = resolveDirectory(dir, child);
      }
      if (Arrays.equals(name, OPAQUE_BYTES)) {
        removeBelow(real);
        continue;
      }
      byte[] hidden = Arrays.copyOfRange(name, WHITEOUT_PREFIX_BYTES.length, name.length);
      ImagePath victim;
      try {
        victim = real.child(hidden);
      } catch (IllegalArgumentException ex) {
        throw new TreeConflictException(
            child + ": whiteout names no file (" + ex.getMessage() + ")");
      }
      remove(victim);
    }
  }

  private static boolean isWhiteoutOrBelow(ImagePath path) {
    for (byte[] c : path.components()) {
      if (startsWith(c, WHITEOUT_PREFIX_BYTES)) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] name, byte[] prefix) {
    return name.length >= prefix.length
        && Arrays.equals(name, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * Removes the entry at {@code path} (exactly that path, no links followed) and everything below
   * it; removing the root empties it. Other names hard-linked to a removed entry keep it.
   */
  public FileTreeBuilder remove(ImagePath path) {
    removeBelow(path);
    if (!path.isRoot() && entries.containsKey(path)) {
      detachLinks(path);
      unstore(path);
    }
    return this;
  }

  private void removeBelow(ImagePath path) {
    NavigableMap<ImagePath, Entry> below =
        path.isRoot()
            ? entries.tailMap(ImagePath.ROOT, false)
            : entries.subMap(path.descendantsStart(), true, path.descendantsEnd(), false);
    List<ImagePath> doomed = new ArrayList<>(below.keySet());
    for (ImagePath p : doomed) {
      detachLinks(p);
      unstore(p);
    }
  }

  private void store(ImagePath path, Entry entry) {
    Entry old = entries.put(path, entry);
    unindex(path, old);
    index(path, entry);
  }

  private void unstore(ImagePath path) {
    unindex(path, entries.remove(path));
  }

  private void index(ImagePath path, Entry e) {
    if (e.type() == EntryType.HARDLINK) {
      incoming.computeIfAbsent(e.hardlinkTarget(), k -> new TreeSet<>()).add(path);
    }
  }

  private void unindex(ImagePath path, Entry old) {
    if (old != null && old.type() == EntryType.HARDLINK) {
      TreeSet<ImagePath> in = incoming.get(old.hardlinkTarget());
      if (in != null) {
        in.remove(path);
        if (in.isEmpty()) {
          incoming.remove(old.hardlinkTarget());
        }
      }
    }
  }

  /**
   * Before the entry at {@code path} goes away, hands it to the names that hard-link to it: they
   * keep the old inode, the smallest of them holding its metadata.
   */
  private void detachLinks(ImagePath path) {
    TreeSet<ImagePath> in = incoming.remove(path);
    if (in == null) {
      return;
    }
    Entry old = entries.get(path);
    if (old.type() == EntryType.HARDLINK) {
      Entry link = Entry.hardlink(old.hardlinkTarget());
      for (ImagePath l : in) {
        store(l, link);
      }
      return;
    }
    ImagePath heir = in.first();
    store(heir, old);
    Entry link = Entry.hardlink(heir);
    for (ImagePath l : in.tailSet(heir, false)) {
      store(l, link);
    }
  }

  private void ensureParents(ImagePath path) throws TreeConflictException {
    List<ImagePath> missing = new ArrayList<>();
    ImagePath p = path.parent();
    while (true) {
      Entry e = entries.get(p);
      if (e != null) {
        if (e.type() != EntryType.DIRECTORY) {
          throw new TreeConflictException(
              path + ": parent " + p + " is a " + describe(e) + ", not a directory");
        }
        break;
      }
      missing.add(p);
      p = p.parent();
    }
    for (ImagePath m : missing) {
      store(m, implicitDirectory);
    }
  }

  /** A hard link's target resolved like a put path, or as given when that fails. */
  private ImagePath realLinkTarget(ImagePath target) {
    if (entries.containsKey(target)) {
      return target;
    }
    try {
      return realPath(target);
    } catch (TreeConflictException e) {
      return target;
    }
  }

  /** Whether the symlink at {@code path} leads, through any chain, to a directory of the tree. */
  private boolean leadsToDirectory(ImagePath path) {
    try {
      ImagePath real = resolveDirectory(path, path);
      Entry e = entries.get(real);
      return e != null && e.type() == EntryType.DIRECTORY;
    } catch (TreeConflictException e) {
      return false;
    }
  }

  /**
   * Resolves every component of {@code dir} through symlinks. Components of {@code dir} itself that
   * are missing end the walk (the rest is appended as is, to be created); a link target that is
   * missing, not a directory or outside the root is an error naming {@code forPath}.
   */
  private ImagePath resolveDirectory(ImagePath dir, ImagePath forPath)
      throws TreeConflictException {
    Entry direct = entries.get(dir);
    if (direct != null && direct.type() == EntryType.DIRECTORY) {
      return dir;
    }
    ArrayDeque<byte[]> todo = new ArrayDeque<>(dir.components());
    int fromLink = 0;
    int hops = 0;
    ImagePath cur = ImagePath.ROOT;
    ImagePath link = null;
    String linkTarget = null;
    while (!todo.isEmpty()) {
      boolean linkComponent = fromLink > 0;
      if (linkComponent) {
        fromLink--;
      }
      byte[] c = todo.pollFirst();
      if (c.length == 0 || (c.length == 1 && c[0] == '.')) {
        continue;
      }
      if (c.length == 2 && c[0] == '.' && c[1] == '.') {
        if (cur.isRoot()) {
          throw new TreeConflictException(
              forPath
                  + ": symbolic link "
                  + link
                  + " -> "
                  + linkTarget
                  + " leads outside the image root");
        }
        cur = cur.parent();
        continue;
      }
      ImagePath next = cur.child(c);
      Entry e = entries.get(next);
      if (e == null) {
        if (linkComponent) {
          throw new TreeConflictException(
              forPath
                  + ": symbolic link "
                  + link
                  + " -> "
                  + linkTarget
                  + " leads to "
                  + next
                  + ", which is not in the tree");
        }
        cur = next;
        while (!todo.isEmpty()) {
          cur = cur.child(todo.pollFirst());
        }
        return cur;
      }
      switch (e.type()) {
        case DIRECTORY -> cur = next;
        case SYMLINK -> {
          if (++hops > MAX_SYMLINK_HOPS) {
            throw new TreeConflictException(
                forPath + ": more than " + MAX_SYMLINK_HOPS + " symbolic links on the way");
          }
          byte[] target = e.symlinkTarget();
          link = next;
          linkTarget = ImagePath.display(target);
          if (target[0] == '/') {
            cur = ImagePath.ROOT;
          }
          List<byte[]> parts = splitSlashes(target);
          for (int i = parts.size() - 1; i >= 0; i--) {
            todo.addFirst(parts.get(i));
          }
          fromLink += parts.size();
        }
        default -> {
          String how =
              link == null
                  ? ""
                  : " (reached through symbolic link " + link + " -> " + linkTarget + ")";
          String what = link == null ? "parent " : "";
          throw new TreeConflictException(
              forPath + ": " + what + next + " is a " + describe(e) + ", not a directory" + how);
        }
      }
    }
    return cur;
  }

  static List<byte[]> splitSlashes(byte[] b) {
    List<byte[]> out = new ArrayList<>();
    int i = 0;
    while (i <= b.length) {
      int end = i;
      while (end < b.length && b[end] != '/') {
        end++;
      }
      if (end > i) {
        out.add(Arrays.copyOfRange(b, i, end));
      }
      i = end + 1;
    }
    return out;
  }

  /** "regular file", "directory", "symlink", ... for messages. */
  private static String describeKind(Entry e) {
    return e.type() == EntryType.REGULAR ? "regular file" : describe(e);
  }

  private static String describe(Entry e) {
    return e.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  /**
   * The tree. Hard links are checked (their target must exist and must not be a directory; chains
   * are followed) and made canonical: the smallest path of each group holds the metadata and the
   * others link to it.
   *
   * @throws TreeConflictException if a hard link's target is missing or a directory
   */
  public FileTree build() throws TreeConflictException {
    TreeMap<ImagePath, Entry> out = new TreeMap<>(entries);
    Map<ImagePath, List<ImagePath>> groups = new HashMap<>();
    for (Map.Entry<ImagePath, Entry> e : entries.entrySet()) {
      if (e.getValue().type() == EntryType.HARDLINK) {
        ImagePath target = resolveLink(e.getKey());
        groups.computeIfAbsent(target, k -> new ArrayList<>()).add(e.getKey());
      }
    }
    for (Map.Entry<ImagePath, List<ImagePath>> g : groups.entrySet()) {
      ImagePath holder = g.getKey();
      ImagePath smallest = holder;
      for (ImagePath name : g.getValue()) {
        if (name.compareTo(smallest) < 0) {
          smallest = name;
        }
      }
      Entry metadata = entries.get(holder);
      Entry link = Entry.hardlink(smallest);
      out.put(smallest, metadata);
      if (!smallest.equals(holder)) {
        out.put(holder, link);
      }
      for (ImagePath name : g.getValue()) {
        if (!name.equals(smallest)) {
          out.put(name, link);
        }
      }
    }
    return new FileTree(out);
  }

  private ImagePath resolveLink(ImagePath from) throws TreeConflictException {
    ImagePath p = from;
    for (int hops = 0; hops <= entries.size(); hops++) {
      Entry e = entries.get(p);
      if (e == null) {
        throw new TreeConflictException(
            from + ": hard link to " + p + ", which is not in the tree");
      }
      if (e.type() == EntryType.DIRECTORY) {
        throw new TreeConflictException(from + ": hard link to directory " + p);
      }
      if (e.type() != EntryType.HARDLINK) {
        return p;
      }
      p = e.hardlinkTarget();
    }
    throw new TreeConflictException(from + ": hard links form a loop");
  }
}
