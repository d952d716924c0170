/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An image mounted read-only through a loop device on a fresh temporary directory, for as long as
 * this object is open: {@code mount -o loop,ro[,offset=..,sizelimit=..] IMAGE DIR}. Closing
 * unmounts and deletes the directory; use it in try-with-resources so that happens when the test
 * fails too. Mounts still open when the JVM exits are unmounted by a shutdown hook.
 *
 * <pre>{@code
 * try (LoopMount m = LoopMount.of(image).type("ext4").mount()) {
 *   assertThat(TreeManifest.ofHostDirectory(m.root())).matches(TreeManifest.of(tree));
 * }
 * }</pre>
 *
 * <p>Opening calls {@link Validators#requireLoopMount()}: a JUnit test is skipped where loop mounts
 * do not work (a jqwik property should say {@code @RequiresHost(loopMount = true)}, since jqwik
 * treats an assumption inside a try as a rejected try). A mount that fails where they do work is a
 * test failure (the kernel refused the image). Not thread-safe.
 */
public final class LoopMount implements AutoCloseable {
  private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Path p : OPEN) {
                    Exec.run("umount", "-l", p.toString());
                  }
                },
                "jimg-loop-unmount"));
  }

  private final Path image;
  private final Path dir;
  private final Path mountPoint;
  private boolean closed;

  private LoopMount(Path image, Path dir, Path mountPoint) {
    this.image = image;
    this.dir = dir;
    this.mountPoint = mountPoint;
  }

  /** Options for mounting {@code image}; finish with {@link Options#mount()}. */
  public static Options of(Path image) {
    return new Options(image);
  }

  /** Mounts the whole image read-only, letting the kernel detect the filesystem type. */
  public static LoopMount mount(Path image) {
    return of(image).mount();
  }

  /** Mounts {@code size} bytes at {@code offset} of a disk image (one partition) read-only. */
  public static LoopMount mountPartition(Path disk, Validators.Partition partition) {
    return of(disk).offset(partition.offset()).sizeLimit(partition.size()).mount();
  }

  /** The mounted filesystem's root directory. */
  public Path root() {
    return mountPoint;
  }

  /** The image file. */
  public Path image() {
    return image;
  }

  /** Unmounts (retrying while busy) and deletes the mount directory. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    Exec.Result last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      last = Exec.run("umount", mountPoint.toString());
      if (last.ok()) {
        break;
      }
      try {
        Thread.sleep(200L * (attempt + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (last == null || !last.ok()) {
      Exec.run("umount", "-l", mountPoint.toString());
    }
    closed = true;
    OPEN.remove(mountPoint);
    try {
      Files.deleteIfExists(mountPoint);
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove mount directory " + dir, e);
    }
  }

  /** How to mount; built by {@link LoopMount#of(Path)}. Not thread-safe. */
  public static final class Options {
    private final Path image;
    private long offset;
    private long sizeLimit;
    private String type;
    private final List<String> extra = new ArrayList<>();

    private Options(Path image) {
      this.image = image;
    }

    /** Byte offset of the filesystem inside the image (a partition's start). */
    public Options offset(long bytes) {
      this.offset = bytes;
      return this;
    }

    /** Number of bytes of the filesystem (a partition's size); 0 means to the end. */
    public Options sizeLimit(long bytes) {
      this.sizeLimit = bytes;
      return this;
    }

    /** The filesystem type ({@code -t}); by default the kernel probes. */
    public Options type(String fsType) {
      this.type = fsType;
      return this;
    }

    /** One more mount option, e.g. {@code noload} for ext4. */
    public Options option(String option) {
      extra.add(option);
      return this;
    }

    /**
     * Mounts. Skips the test where loop mounts do not work.
     *
     * @throws AssertionError if mount refuses the image
     */
    public LoopMount mount() {
      Validators.requireLoopMount();
      StringBuilder opts = new StringBuilder("loop,ro");
      if (offset > 0) {
        opts.append(",offset=").append(offset);
      }
      if (sizeLimit > 0) {
        opts.append(",sizelimit=").append(sizeLimit);
      }
      for (String o : extra) {
        opts.append(',').append(o);
      }
      Path dir;
      try {
        dir = Files.createTempDirectory("jimg-mount");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a mount directory", e);
      }
      Path mnt = dir.resolve("mnt");
      List<String> cmd = new ArrayList<>(List.of("mount", "-o", opts.toString()));
      if (type != null) {
        cmd.add("-t");
        cmd.add(type);
      }
      cmd.add(image.toString());
      cmd.add(mnt.toString());
      try {
        Files.createDirectory(mnt);
        Exec.Result r = Exec.run(cmd);
        if (!r.ok()) {
          Validators.deleteQuietly(dir);
          throw new AssertionError(r.describe("the kernel refused to mount the image"));
        }
      } catch (IOException e) {
        Validators.deleteQuietly(dir);
        throw new UncheckedIOException("cannot create " + mnt, e);
      }
      OPEN.add(mnt);
      return new LoopMount(image, dir, mnt);
    }
  }
}
