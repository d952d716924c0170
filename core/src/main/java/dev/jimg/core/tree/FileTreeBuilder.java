/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.tree;

import dev.jimg.core.TreeConflictException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Assembles a {@link FileTree}: adds entries (creating missing parents with fixed metadata),
 * removes subtrees, and on {@link #build()} checks the tree and makes hard-link groups canonical.
 *
 * <p>Conflicts are errors unless allowed: a directory over a directory merges (the newer metadata
 * wins, children stay); a non-directory over a non-directory replaces it; a directory over a
 * non-directory or the reverse throws {@link TreeConflictException} unless {@link
 * #replaceTypes(boolean)} is set, in which case the old entry and everything below it go.
 *
 * <p>Not thread-safe.
 */
public final class FileTreeBuilder {
  /** Metadata for directories created because an entry below them was added: 0755, 0:0, epoch. */
  public static final Entry DEFAULT_DIRECTORY = Entry.directory(0755, Timestamp.EPOCH);

  private final TreeMap<ImagePath, Entry> entries = new TreeMap<>();
  private Entry implicitDirectory = DEFAULT_DIRECTORY;
  private boolean replaceTypes;

  /** An empty tree: only a root directory with {@link #DEFAULT_DIRECTORY} metadata. */
  public FileTreeBuilder() {
    entries.put(ImagePath.ROOT, DEFAULT_DIRECTORY);
  }

  FileTreeBuilder(FileTree tree) {
    entries.putAll(tree.entries());
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

  /** The entry currently at {@code path}, or {@code null}. */
  public Entry get(ImagePath path) {
    return entries.get(path);
  }

  /** Current entries, in path order (a live read-only view). */
  public NavigableMap<ImagePath, Entry> entries() {
    return java.util.Collections.unmodifiableNavigableMap(entries);
  }

  /**
   * Adds or replaces the entry at {@code path}, creating missing parents.
   *
   * @throws TreeConflictException if a parent is not a directory, or the entry changes between
   *     directory and non-directory while {@link #replaceTypes(boolean)} is off
   */
  public FileTreeBuilder put(ImagePath path, Entry entry) throws TreeConflictException {
    Objects.requireNonNull(entry, "entry");
    if (path.isRoot()) {
      if (entry.type() != EntryType.DIRECTORY) {
        throw new TreeConflictException("the root must be a directory, not " + entry.type());
      }
      entries.put(path, entry);
      return this;
    }
    ensureParents(path);
    Entry old = entries.get(path);
    if (old != null) {
      boolean oldDir = old.type() == EntryType.DIRECTORY;
      boolean newDir = entry.type() == EntryType.DIRECTORY;
      if (oldDir != newDir) {
        if (!replaceTypes) {
          throw new TreeConflictException(
              path
                  + ": a "
                  + describe(entry)
                  + " would replace a "
                  + describe(old)
                  + "; allow replacing entries of another type to do this");
        }
        removeBelow(path);
      }
    }
    entries.put(path, entry);
    return this;
  }

  /**
   * Layers {@code upper} over this tree: its entries are put in path order (later wins, a directory
   * over a directory merges).
   *
   * <p>TODO(layering): OCI whiteouts ({@code .wh.NAME}, {@code .wh..wh..opq}) and following
   * directory symlinks already in the tree (dpkg's --keep-directory-symlink).
   *
   * @throws TreeConflictException as {@link #put} does
   */
  public FileTreeBuilder overlay(FileTree upper) throws TreeConflictException {
    for (Map.Entry<ImagePath, Entry> e : upper.entries().entrySet()) {
      put(e.getKey(), e.getValue());
    }
    return this;
  }

  /** Removes the entry at {@code path} and everything below it; removing the root empties it. */
  public FileTreeBuilder remove(ImagePath path) {
    removeBelow(path);
    if (!path.isRoot()) {
      entries.remove(path);
    }
    return this;
  }

  private void removeBelow(ImagePath path) {
    if (path.isRoot()) {
      Entry root = entries.get(ImagePath.ROOT);
      entries.clear();
      entries.put(ImagePath.ROOT, root);
    } else {
      entries.subMap(path.descendantsStart(), true, path.descendantsEnd(), false).clear();
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
      entries.put(m, implicitDirectory);
    }
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
