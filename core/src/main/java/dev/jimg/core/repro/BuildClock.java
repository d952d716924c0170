/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.repro;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.TreeConflictException;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one clock of a build: the time written wherever a format wants "now" (superblock creation and
 * mount times, squashfs mkfs_time, FAT volume dates) and the ceiling for entry times.
 *
 * <p>The build time is, in order of precedence:
 *
 * <ol>
 *   <li>an explicit time given by the caller ({@link Source#EXPLICIT});
 *   <li>{@code SOURCE_DATE_EPOCH} from the environment map handed in ({@link
 *       Source#SOURCE_DATE_EPOCH}), as <a
 *       href="https://reproducible-builds.org/specs/source-date-epoch/">reproducible-builds.org</a>
 *       defines it: ASCII decimal seconds since 1970-01-01T00:00:00Z, digits only;
 *   <li>the newest mtime in the input tree ({@link FileTree#newestMtime()}, {@link
 *       Source#INPUT_TREE}), so that the same input gives the same image even with no time given.
 * </ol>
 *
 * <p><b>Clamping.</b> Only a time that was <em>given</em> (explicit or {@code SOURCE_DATE_EPOCH})
 * clamps: {@link #clamp(Timestamp)} then returns {@code min(t, buildTime)}, so files created during
 * the build get the build time and older files keep theirs, as the specification asks. When the
 * time comes from the input tree, nothing is newer than it by construction (for mtimes) and {@link
 * #clamp(Timestamp)} returns its argument unchanged: the build does not invent a ceiling the user
 * did not ask for, and atimes/ctimes newer than the newest mtime stay as the source gave them.
 *
 * <p>The library never reads the process environment itself except through {@link
 * #fromProcessEnvironment(Optional, FileTree)}, which exists for callers (the CLI) that want it;
 * embedders pass the environment they mean with {@link #from(Optional, Map, FileTree)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class BuildClock {
  /** The environment variable read for the build time. */
  public static final String SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH";

  /** Where the build time came from. */
  public enum Source {
    /** Given by the caller (a {@code --time} option); clamps. */
    EXPLICIT,
    /** Read from {@code SOURCE_DATE_EPOCH}; clamps. */
    SOURCE_DATE_EPOCH,
    /** The newest mtime in the input tree; clamps nothing. */
    INPUT_TREE
  }

  private final Timestamp buildTime;
  private final Source source;

  private BuildClock(Timestamp buildTime, Source source) {
    this.buildTime = Objects.requireNonNull(buildTime, "buildTime");
    this.source = source;
  }

  /** A clock fixed at {@code time}, as if given explicitly: it clamps. */
  public static BuildClock fixed(Timestamp time) {
    return new BuildClock(time, Source.EXPLICIT);
  }

  /**
   * The clock for a build of {@code tree}: the explicit time if present, else {@code
   * SOURCE_DATE_EPOCH} from {@code environment} if set, else the newest mtime in {@code tree}.
   *
   * @param explicit a time the caller gave, or empty
   * @param environment the environment to consult (only {@link #SOURCE_DATE_EPOCH} is read); pass
   *     {@code Map.of()} for none
   * @param tree the input tree
   * @throws InvalidOptionException if {@code SOURCE_DATE_EPOCH} is set but malformed (and no
   *     explicit time overrides it)
   */
  public static BuildClock from(
      Optional<Timestamp> explicit, Map<String, String> environment, FileTree tree)
      throws InvalidOptionException {
    if (explicit.isPresent()) {
      return new BuildClock(explicit.get(), Source.EXPLICIT);
    }
    String epoch = environment.get(SOURCE_DATE_EPOCH);
    if (epoch != null) {
      return new BuildClock(parseSourceDateEpoch(epoch), Source.SOURCE_DATE_EPOCH);
    }
    return new BuildClock(tree.newestMtime(), Source.INPUT_TREE);
  }

  /**
   * As {@link #from(Optional, Map, FileTree)} with the environment of this process. For
   * applications such as the CLI; a library embedding jimg should pass its own map instead.
   *
   * @throws InvalidOptionException if {@code SOURCE_DATE_EPOCH} is set but malformed
   */
  @AllowNondeterminism(
      "SOURCE_DATE_EPOCH is the reproducible-builds.org way to fix the build time; this is the one"
          + " place core reads the process environment")
  public static BuildClock fromProcessEnvironment(Optional<Timestamp> explicit, FileTree tree)
      throws InvalidOptionException {
    String epoch = System.getenv(SOURCE_DATE_EPOCH);
    return from(explicit, epoch == null ? Map.of() : Map.of(SOURCE_DATE_EPOCH, epoch), tree);
  }

  /**
   * Parses a {@code SOURCE_DATE_EPOCH} value: one or more ASCII digits, at most {@link
   * Long#MAX_VALUE}. No sign, no spaces, no fraction.
   *
   * @throws InvalidOptionException naming the variable, quoting the value and saying the accepted
   *     form
   */
  public static Timestamp parseSourceDateEpoch(String value) throws InvalidOptionException {
    boolean digits = !value.isEmpty();
    for (int i = 0; i < value.length() && digits; i++) {
      char c = value.charAt(i);
      digits = c >= '0' && c <= '9';
    }
    if (!digits) {
      throw new InvalidOptionException(
          SOURCE_DATE_EPOCH
              + "='"
              + value
              + "' is not a time; set it to the seconds since 1970-01-01 UTC as decimal digits"
              + " (the output of date +%s), or unset it");
    }
    try {
      return Timestamp.ofSeconds(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new InvalidOptionException(
          SOURCE_DATE_EPOCH
              + "='"
              + value
              + "' is out of range; set it to the seconds since 1970-01-01 UTC as decimal digits,"
              + " at most "
              + Long.MAX_VALUE);
    }
  }

  /** The build time. */
  public Timestamp buildTime() {
    return buildTime;
  }

  /** Where the build time came from. */
  public Source source() {
    return source;
  }

  /** Whether {@link #clamp(Timestamp)} limits times: true when the time was given. */
  public boolean clamps() {
    return source != Source.INPUT_TREE;
  }

  /**
   * {@code min(t, buildTime)} when this clock {@link #clamps()}; {@code t} otherwise. Returns the
   * same instance when nothing changes.
   */
  public Timestamp clamp(Timestamp t) {
    return clamps() && t.compareTo(buildTime) > 0 ? buildTime : t;
  }

  /**
   * A tree whose entries' mtime, atime and ctime are {@linkplain #clamp(Timestamp) clamped}. Hard
   * link entries carry no times of their own and are left as they are. Returns {@code tree} itself
   * when no time changes.
   */
  public FileTree clampTimes(FileTree tree) {
    if (!clamps()) {
      return tree;
    }
    FileTreeBuilder builder = null;
    for (Map.Entry<ImagePath, Entry> e : tree) {
      Entry entry = e.getValue();
      if (entry.type() == EntryType.HARDLINK) {
        continue;
      }
      Timestamp mtime = clamp(entry.mtime());
      Timestamp atime = entry.atime().map(this::clamp).orElse(null);
      Timestamp ctime = entry.ctime().map(this::clamp).orElse(null);
      if (mtime == entry.mtime()
          && atime == entry.atime().orElse(null)
          && ctime == entry.ctime().orElse(null)) {
        continue;
      }
      if (builder == null) {
        builder = tree.toBuilder();
      }
      Entry clamped = entry.toBuilder().mtime(mtime).atime(atime).ctime(ctime).build();
      builder.update(e.getKey(), unused -> clamped);
    }
    if (builder == null) {
      return tree;
    }
    try {
      return builder.build();
    } catch (TreeConflictException impossible) {
      throw new IllegalStateException("a valid tree with changed times became invalid", impossible);
    }
  }

  @Override
  public String toString() {
    return "BuildClock[" + buildTime + " from " + source + "]";
  }
}
