/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import dev.jimg.core.TreeConflictException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * An immutable tree of entries keyed by {@link ImagePath}, ordered by unsigned path bytes: the one
 * model every source produces and every writer consumes.
 *
 * <p>Invariants: the root exists and is a directory; every entry's parent exists and is a
 * directory; every hard link names a non-link entry of the tree that is not a directory, and that
 * entry's path sorts before all its other names (so each hard-link group is canonical whatever the
 * input order).
 *
 * <p>Immutable and thread-safe. Build one with {@link FileTreeBuilder}.
 */
public final class FileTree implements Iterable<Map.Entry<ImagePath, Entry>> {
  private final NavigableMap<ImagePath, Entry> entries;
  private final Map<ImagePath, List<ImagePath>> children;
  private final Map<ImagePath, List<ImagePath>> hardlinks;

  FileTree(TreeMap<ImagePath, Entry> sorted) {
    this.entries = Collections.unmodifiableNavigableMap(new TreeMap<>(sorted));
    Map<ImagePath, List<ImagePath>> kids = new HashMap<>();
    Map<ImagePath, List<ImagePath>> links = new HashMap<>();
    for (Map.Entry<ImagePath, Entry> e : entries.entrySet()) {
      ImagePath p = e.getKey();
      if (!p.isRoot()) {
        kids.computeIfAbsent(p.parent(), k -> new ArrayList<>()).add(p);
      }
      if (e.getValue().type() == EntryType.HARDLINK) {
        links.computeIfAbsent(e.getValue().hardlinkTarget(), k -> new ArrayList<>()).add(p);
      }
    }
    kids.replaceAll((k, v) -> List.copyOf(v));
    links.replaceAll((k, v) -> List.copyOf(v));
    this.children = kids;
    this.hardlinks = links;
  }

  /** An empty tree: a root directory 0755, owner 0:0, mtime at the epoch. */
  public static FileTree empty() {
    TreeMap<ImagePath, Entry> root = new TreeMap<>();
    root.put(ImagePath.ROOT, FileTreeBuilder.DEFAULT_DIRECTORY);
    return new FileTree(root);
  }

  /**
   * This tree with {@code upper} layered over it, as {@link FileTreeBuilder#overlay} does. Over a
   * tree that is only a root, an upper tree without whiteouts is the result as it is (the identity
   * law of overlay), so the first source of a build is not copied entry by entry.
   *
   * @param replaceTypes whether {@code upper} may replace a directory by a file or the reverse
   */
  public FileTree overlaidBy(FileTree upper, boolean replaceTypes) throws TreeConflictException {
    if (size() == 1 && !FileTreeBuilder.hasWhiteouts(upper)) {
      return upper;
    }
    return toBuilder().replaceTypes(replaceTypes).overlay(upper).build();
  }

  /** A builder holding this tree's entries. */
  public FileTreeBuilder toBuilder() {
    return new FileTreeBuilder(this);
  }

  /** The entry at {@code path}, or {@code null}. */
  public Entry get(ImagePath path) {
    return entries.get(path);
  }

  public boolean contains(ImagePath path) {
    return entries.containsKey(path);
  }

  /** The root directory's entry. */
  public Entry root() {
    return entries.get(ImagePath.ROOT);
  }

  /** Number of entries, the root included. */
  public int size() {
    return entries.size();
  }

  /** All entries in unsigned-byte order of their paths, the root first. Unmodifiable. */
  public NavigableMap<ImagePath, Entry> entries() {
    return entries;
  }

  /** The direct children of a directory, in unsigned-byte order of their names. */
  public List<ImagePath> children(ImagePath dir) {
    return children.getOrDefault(dir, List.of());
  }

  /** The entry and everything below it, in path order. */
  public NavigableMap<ImagePath, Entry> subtree(ImagePath dir) {
    if (dir.isRoot()) {
      return entries;
    }
    NavigableMap<ImagePath, Entry> below =
        entries.subMap(dir.descendantsStart(), true, dir.descendantsEnd(), false);
    TreeMap<ImagePath, Entry> out = new TreeMap<>(below);
    Entry self = entries.get(dir);
    if (self != null) {
      out.put(dir, self);
    }
    return Collections.unmodifiableNavigableMap(out);
  }

  /** The other names ({@link EntryType#HARDLINK} entries) of the entry at {@code path}, sorted. */
  public List<ImagePath> hardlinksTo(ImagePath path) {
    return hardlinks.getOrDefault(path, List.of());
  }

  /**
   * Resolves a hard link to the entry that holds the metadata: the entry itself for anything else.
   */
  public Entry resolve(ImagePath path) {
    Entry e = entries.get(path);
    if (e != null && e.type() == EntryType.HARDLINK) {
      return entries.get(e.hardlinkTarget());
    }
    return e;
  }

  /**
   * Where {@code path} leads when every symbolic link on the way, the last component's included, is
   * followed inside this tree: absolute targets start at the tree's root, and {@code ..} at the
   * root stays there, as in a chroot. Null if a component is missing, something on the way is not a
   * directory, or there are more than {@link FileTreeBuilder#MAX_SYMLINK_HOPS} links (a loop).
   */
  public ImagePath follow(ImagePath path) {
    return followWithin(ImagePath.ROOT, path);
  }

  /**
   * As {@link #follow}, with {@code root} as the root directory the way {@code chroot} makes one:
   * {@code path} is taken from {@code root}, absolute link targets start there and {@code ..} does
   * not leave it. For a tree that holds other trees under directories (the partitions of a disk),
   * so that a link inside one resolves inside it.
   *
   * @return the path of the entry reached (under {@code root}), or {@code null} as for {@link
   *     #follow}
   */
  public ImagePath followWithin(ImagePath root, ImagePath path) {
    ArrayDeque<byte[]> todo = new ArrayDeque<>(path.components());
    ImagePath cur = root;
    int hops = 0;
    while (!todo.isEmpty()) {
      byte[] c = todo.pollFirst();
      // as in the kernel, "x/.", "x/.." and "x/y" need x to be a directory
      Entry dir = entries.get(cur);
      if (dir == null || dir.type() != EntryType.DIRECTORY) {
        return null;
      }
      if (c.length == 0 || (c.length == 1 && c[0] == '.')) {
        continue;
      }
      if (c.length == 2 && c[0] == '.' && c[1] == '.') {
        cur = cur.equals(root) ? root : cur.parent();
        continue;
      }
      ImagePath next = cur.child(c);
      Entry e = entries.get(next);
      if (e == null) {
        return null;
      }
      if (e.type() != EntryType.SYMLINK) {
        cur = next;
        continue;
      }
      if (++hops > FileTreeBuilder.MAX_SYMLINK_HOPS) {
        return null;
      }
      byte[] target = e.symlinkTarget();
      if (target.length > 0 && target[0] == '/') {
        cur = root;
      }
      List<byte[]> parts = FileTreeBuilder.splitSlashes(target);
      for (int i = parts.size() - 1; i >= 0; i--) {
        todo.addFirst(parts.get(i));
      }
    }
    return cur;
  }

  /** The newest mtime of any entry, or the epoch for an empty tree. */
  public Timestamp newestMtime() {
    Timestamp newest = null;
    for (Entry e : entries.values()) {
      if (e.type() != EntryType.HARDLINK) {
        newest = newest == null ? e.mtime() : Timestamp.max(newest, e.mtime());
      }
    }
    return newest == null ? Timestamp.EPOCH : newest;
  }

  public void forEach(BiConsumer<ImagePath, Entry> action) {
    entries.forEach(action);
  }

  @Override
  public Iterator<Map.Entry<ImagePath, Entry>> iterator() {
    return entries.entrySet().iterator();
  }

  /** Metadata equality, entry by entry (contents by size and extents, see {@link Entry#equals}). */
  @Override
  public boolean equals(Object o) {
    return o instanceof FileTree t && entries.equals(t.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    entries.forEach((p, e) -> sb.append(e).append(' ').append(p).append('\n'));
    return sb.toString();
  }
}
