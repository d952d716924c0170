/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import dev.jimg.core.JimgException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes an image so that the target path holds either its old content or the complete new image,
 * never a half-written one.
 *
 * <p>The image is written to a temporary file in the target's directory, named {@code
 * .NAME.jimg-tmp}. {@link #commit()} flushes it to disk and renames it onto the target atomically
 * (falling back to a replacing rename where the filesystem has no atomic move); {@link #close()}
 * without a commit deletes it. Use it in try-with-resources and commit as the last statement:
 *
 * <pre>{@code
 * try (AtomicOutput out = AtomicOutput.create(target)) {
 *   writer.write(tree, out.channel(), progress);
 *   out.commit();
 * }
 * }</pre>
 *
 * <p>If the JVM shuts down before the commit (Ctrl-C, SIGTERM), {@link ExitCleanup} deletes the
 * temporary file. A stale one left by a run killed outright (SIGKILL, a crash) is replaced. Two
 * builds writing the same target at the same time are not supported. Not thread-safe.
 */
public final class AtomicOutput implements AutoCloseable {
  /** Appended to {@code "." + target name} to name the temporary file. */
  public static final String TEMP_SUFFIX = ".jimg-tmp";

  private final Path target;
  private final Path temporary;
  private final FileImageChannel channel;
  private boolean committed;
  private boolean closed;

  private AtomicOutput(Path target, Path temporary, FileImageChannel channel) {
    this.target = target;
    this.temporary = temporary;
    this.channel = channel;
  }

  /**
   * Checks that an image could be written to {@code target}: it names a file, not a directory, and
   * its directory exists and is writable. Commands call it before they read their input, so that a
   * mistyped output path fails at once and not after a long read; {@link #create} still finds
   * whatever changes meanwhile.
   *
   * @throws JimgException naming the target and what is wrong with it
   */
  public static void checkTarget(Path target) throws JimgException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    if (absolute.getFileName() == null || dir == null) {
      throw new JimgException(target + ": not a file name to write an image to");
    }
    if (Files.isDirectory(absolute)) {
      throw new JimgException(target + ": is a directory; give the image a file name");
    }
    checkNotSpecial(target);
    if (!Files.isDirectory(dir)) {
      throw new JimgException(
          Files.exists(dir)
              ? target + ": not in a directory: " + dir + " is a file; write the image elsewhere"
              : target
                  + ": no such directory: "
                  + dir
                  + "; create it or write the image elsewhere");
    }
    if (!Files.isWritable(dir)) {
      throw new JimgException(
          target + ": cannot write in " + dir + " (not writable); write the image elsewhere");
    }
  }

  /**
   * Refuses a target that exists and is neither a regular file nor a directory: the image would be
   * renamed over it, so a block device (an SD card, a loop device) or a fifo would be replaced by a
   * regular file holding the image, in /dev in memory, and nothing written to the device.
   */
  private static void checkNotSpecial(Path target) throws JimgException {
    Path absolute = target.toAbsolutePath();
    if (Files.exists(absolute) && !Files.isRegularFile(absolute) && !Files.isDirectory(absolute)) {
      throw new JimgException(
          target
              + ": not a regular file (a device, fifo or socket); jimg writes images to files,"
              + " which it replaces: write to a file and copy that to the device (dd"
              + " if=IMAGE of="
              + target
              + " bs=4M conv=fsync)");
    }
  }

  /**
   * Starts writing an image for {@code target}: creates the empty temporary file beside it.
   *
   * @throws IOException if the directory cannot take the temporary file
   */
  public static AtomicOutput create(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path name = absolute.getFileName();
    if (name == null) {
      throw new IOException(target + ": not a file name to write an image to");
    }
    checkNotSpecial(target);
    Path temporary = absolute.resolveSibling("." + name + TEMP_SUFFIX);
    Files.deleteIfExists(temporary);
    // registered before it exists, so that no moment is left when a shutdown would miss it
    ExitCleanup.register(temporary);
    FileImageChannel channel;
    try {
      channel = FileImageChannel.create(temporary);
    } catch (IOException | RuntimeException e) {
      ExitCleanup.deregister(temporary);
      throw e;
    }
    return new AtomicOutput(absolute, temporary, channel);
  }

  /** The channel to write the image into (the temporary file). */
  public FileImageChannel channel() {
    return channel;
  }

  /** Where the image goes on commit. */
  public Path target() {
    return target;
  }

  /** The temporary file being written. */
  public Path temporaryFile() {
    return temporary;
  }

  /**
   * Makes the image durable and moves it onto the target, replacing what was there; then syncs the
   * directory so the rename survives a crash.
   *
   * @throws IllegalStateException if already committed or closed
   */
  public void commit() throws IOException {
    if (committed || closed) {
      throw new IllegalStateException(target + ": already " + (committed ? "committed" : "closed"));
    }
    channel.force();
    channel.close();
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
    committed = true;
    ExitCleanup.deregister(temporary);
    syncDirectory(target.getParent());
  }

  /** Best effort: some platforms and filesystems cannot open or sync a directory. */
  private static void syncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // The data itself is synced; only the rename's durability is at stake.
    }
  }

  /** Whether {@link #commit()} succeeded. */
  public boolean isCommitted() {
    return committed;
  }

  /** Without a commit: closes and deletes the temporary file, leaving the target untouched. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (!committed) {
      try {
        channel.close();
      } finally {
        ExitCleanup.delete(temporary);
      }
    }
  }
}
