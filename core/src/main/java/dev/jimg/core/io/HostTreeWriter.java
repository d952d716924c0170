/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.io;

import dev.jimg.core.JimgException;
import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.progress.ProgressEvent;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a tree into a new host directory, as {@code tar -x} would: directories, regular files
 * (holes kept), symbolic links and hard links, with their modes (setuid, setgid and sticky
 * included), modification times to the nanosecond and {@code user.*} extended attributes; owners
 * when the process may set them (root), else the files are the caller's.
 *
 * <p>What a JVM cannot make on the host is refused before anything is written, or left out on
 * request ({@link Options#skipUnsupported}): device nodes, fifos and sockets (no mknod in the JDK).
 * Extended attributes outside {@code user.*} (security, trusted, system ACLs) cannot be set through
 * the JDK either; they are left out and counted in the {@link Result}.
 *
 * <p>Times as JDK 17 can set them ({@link #settable}): to the nanosecond from 1970 to 2262, to the
 * microsecond for symbolic links, to the second before 1970 (the JDK turns a negative time with a
 * fraction into 1970 itself, so the fraction is dropped first), and times after 2262-04-11 of
 * anything but a link end there. Entries whose time could not be kept exactly are listed in the
 * {@link Result}.
 *
 * <p>The tree is written into a temporary directory beside the target and renamed into place when
 * complete: a failed run leaves nothing behind and never touches an existing target. The target
 * must not exist or be an empty directory. Nothing is followed on the host: every path is created
 * new inside the temporary directory, below directories this writer made.
 */
public final class HostTreeWriter {
  /** What to do with entries the host cannot hold through the JDK, and whether to set owners. */
  public record Options(boolean skipUnsupported, Owners owners) {
    /** Refuse unsupported entries; owners as {@link Owners#IF_ROOT}. */
    public static Options defaults() {
      return new Options(false, Owners.IF_ROOT);
    }
  }

  /** Whether files get the tree's owners. */
  public enum Owners {
    /** When the process runs as root (its new files belong to uid 0), as {@code tar -x} does. */
    IF_ROOT,
    /** Always; fails where the host refuses. */
    KEEP,
    /** Never: files belong to the caller. */
    SKIP
  }

  /**
   * What was written: entries made, and what was left out (unsupported entries when skipped,
   * extended attributes outside {@code user.*}), each list in path order.
   */
  public record Result(
      long entries,
      boolean ownersSet,
      List<ImagePath> skipped,
      List<String> droppedXattrs,
      List<ImagePath> inexactTimes) {}

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /** The phase of the progress events. */
  public static final String PHASE = "writing files";

  private final Options options;

  public HostTreeWriter(Options options) {
    this.options = options;
  }

  /**
   * Checks that {@code target} is a directory {@link #write} could create: a name (not the root,
   * {@code .} or {@code ..}), nothing there or an empty directory, and a parent directory. The
   * command line calls it before it reads its sources, so that a mistyped destination fails at
   * once; {@link #write} checks again.
   *
   * @throws JimgException naming the target and what is wrong with it
   */
  public static void checkTarget(Path target) throws IOException {
    // the path as the kernel resolves it, not normalised as text: "link/../x" is not "x"
    Path absolute = target.toAbsolutePath();
    Path name = absolute.getFileName();
    if (absolute.getParent() == null
        || name == null
        || name.toString().equals(".")
        || name.toString().equals("..")) {
      throw new JimgException(
          target + ": extract needs the name of a directory to create, not the root, . or ..");
    }
    if (Files.exists(absolute, NOFOLLOW) && !isEmptyDirectory(absolute)) {
      throw new JimgException(
          target + ": exists and is not an empty directory; extract writes a new directory");
    }
    Path parent = absolute.getParent();
    if (!Files.isDirectory(parent)) {
      throw new JimgException(
          target
              + ": cannot be made in "
              + parent
              + (Files.exists(parent) ? " (not a directory)" : " (no such file or directory)"));
    }
  }

  /**
   * Writes {@code tree} to the new directory {@code target}.
   *
   * @throws UnsupportedEntryException listing every device, fifo and socket when they are not
   *     skipped, before anything is written
   * @throws JimgException if {@code target} exists and is not an empty directory
   */
  public Result write(FileTree tree, Path target) throws IOException {
    return write(tree, target, ProgressListener.NONE);
  }

  /**
   * As {@link #write(FileTree, Path)}, reporting the bytes of file contents written ("writing
   * files") to {@code progress}, from the calling thread.
   */
  public Result write(FileTree tree, Path target, ProgressListener progress) throws IOException {
    List<ImagePath> unsupported = new ArrayList<>();
    List<ImagePath> unnamable = new ArrayList<>();
    for (Map.Entry<ImagePath, Entry> e : tree) {
      // a hard link to a device goes with the device
      if (!makeable(tree.resolve(e.getKey()).type())) {
        unsupported.add(e.getKey());
      }
      byte[] link = e.getValue().symlinkTarget();
      if (!isUtf8(e.getKey().name()) || (link != null && !isUtf8(link))) {
        unnamable.add(e.getKey());
      }
    }
    if (!unnamable.isEmpty()) {
      throw new UnsupportedEntryException(
          target
              + ": a JVM makes host names and link targets from UTF-8 text only, and these are not"
              + " UTF-8 ("
              + unnamable.size()
              + ": "
              + listed(unnamable)
              + "); rename them with a manifest or build an image instead");
    }
    if (!unsupported.isEmpty() && !options.skipUnsupported()) {
      throw new UnsupportedEntryException(
          target
              + ": a JVM cannot make device nodes, fifos or sockets on the host ("
              + unsupported.size()
              + ": "
              + listed(unsupported)
              + "); skip them (--unsupported skip) or build an image instead");
    }
    checkTarget(target);
    Path absolute = target.toAbsolutePath();
    Path name = absolute.getFileName();
    // a name of its own, so that two extractions beside each other never share it
    Path tmp;
    try {
      tmp = Files.createTempDirectory(absolute.getParent(), "." + name + ".jimg-");
    } catch (FileSystemException e) {
      throw new JimgException(
          target
              + ": cannot be made in "
              + absolute.getParent()
              + " ("
              + FileSystemErrors.reason(e)
              + ")",
          e);
    }
    // a shutdown (Ctrl-C) while the tree is written stops the writing threads and deletes it
    AtomicBoolean stop = new AtomicBoolean();
    ExitCleanup.register(tmp, () -> stop.set(true));
    try {
      boolean owners = ownersWanted(tmp);
      // what a new entry gets anyway: the temporary directory's owner and group (a group the
      // parent hands down with setgid reaches everything below too); only other owners need lchown
      Created created =
          owners
              ? new Created(
                  Integer.toUnsignedLong((Integer) Files.getAttribute(tmp, "unix:uid", NOFOLLOW)),
                  Integer.toUnsignedLong((Integer) Files.getAttribute(tmp, "unix:gid", NOFOLLOW)))
              : null;
      List<String> dropped = new ArrayList<>();
      List<ImagePath> inexact = new ArrayList<>();
      long entries = writeAll(tree, tmp, created, dropped, inexact, progress, stop);
      // rename(2) replaces an empty directory in one step
      Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
      inexact.sort(null);
      dropped.sort(null);
      return new Result(
          entries,
          owners,
          options.skipUnsupported() ? List.copyOf(unsupported) : List.of(),
          dropped,
          inexact);
    } catch (IOException | RuntimeException e) {
      try {
        deleteTree(tmp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      if (e instanceof FileSystemException fs) {
        throw atTarget(fs, tmp, absolute);
      }
      throw e;
    } finally {
      ExitCleanup.deregister(tmp);
    }
  }

  /** Throws once a shutdown has asked the writing to stop. */
  private static void checkStop(AtomicBoolean stop) throws InterruptedIOException {
    if (stop.get()) {
      throw new InterruptedIOException("stopped: the JVM is shutting down");
    }
  }

  /**
   * A host error about a path in the temporary directory, told about the same path in the target
   * (the temporary name means nothing to the user and is gone by then).
   */
  private static IOException atTarget(FileSystemException e, Path tmp, Path target) {
    String file = e.getFile();
    String prefix = tmp.toString();
    if (file == null || !file.startsWith(prefix)) {
      return e;
    }
    return new JimgException(
        target + file.substring(prefix.length()) + ": " + FileSystemErrors.reason(e), e);
  }

  /** The owner and group new entries get; null when owners are not set at all. */
  private record Created(long uid, long gid) {}

  private static boolean makeable(EntryType t) {
    return !(t.isDevice() || t == EntryType.FIFO || t == EntryType.SOCKET);
  }

  private boolean ownersWanted(Path tmp) throws IOException {
    return switch (options.owners()) {
      case KEEP -> true;
      case SKIP -> false;
      case IF_ROOT -> ((Integer) Files.getAttribute(tmp, "unix:uid", NOFOLLOW)) == 0;
    };
  }

  /**
   * Makes every entry: the directories in path order (a parent before its children), then files and
   * symbolic links on {@link #WRITE_THREADS} threads, hard links once every file exists, then the
   * directories' metadata deepest first, since writing into a directory moves its mtime and a
   * read-only mode would stop the writes.
   */
  private long writeAll(
      FileTree tree,
      Path root,
      Created owners,
      List<String> dropped,
      List<ImagePath> inexact,
      ProgressListener progress,
      AtomicBoolean stop)
      throws IOException {
    long total = 0;
    long made = 0;
    List<Map.Entry<ImagePath, Entry>> files = new ArrayList<>();
    List<ImagePath> links = new ArrayList<>();
    List<ImagePath> dirs = new ArrayList<>();
    for (Map.Entry<ImagePath, Entry> me : tree) {
      ImagePath p = me.getKey();
      Entry e = me.getValue();
      checkStop(stop);
      switch (e.type()) {
        case DIRECTORY -> {
          if (!p.isRoot()) {
            Files.createDirectory(host(root, p));
          }
          dirs.add(p);
          made++;
        }
        case REGULAR, SYMLINK -> {
          files.add(me);
          if (e.type() == EntryType.REGULAR) {
            total += e.size();
          }
        }
        case HARDLINK -> {
          if (makeable(tree.resolve(p).type())) {
            links.add(p);
          }
        }
        default -> {} // unsupported, checked before
      }
    }
    made += new FileWrites(files, root, owners, progress, total, stop).run(dropped, inexact);
    for (ImagePath p : links) {
      checkStop(stop);
      Files.createLink(host(root, p), host(root, tree.get(p).hardlinkTarget()));
      made++;
    }
    for (int i = dirs.size() - 1; i >= 0; i--) {
      checkStop(stop);
      ImagePath p = dirs.get(i);
      metadata(host(root, p), tree.get(p), p, owners, dropped, inexact);
    }
    return made;
  }

  /**
   * Threads that make files and symbolic links. Making a file is mostly the host kernel's work
   * (allocating its inode, copying its bytes): for the 96 packages of a Debian minbase one thread
   * spent ~1.2 s of CPU on it, 0.7 s of that creating the files. On a 2-CPU machine, extracting
   * them took 3.39 s with one thread and 3.18 s with two (medians of 5), the minbase tar 0.77 s and
   * 0.70 s, and four threads were no faster than one.
   */
  static final int WRITE_THREADS = 2;

  /**
   * The files and symbolic links of one {@link #write}, each made by whichever thread takes it
   * next. The threads take whole directories (every file and link with the same parent, in path
   * order), directories in the order of their first entry: a file is created under its directory's
   * lock, so two threads making files in one directory mostly wait for each other, and the kernel
   * spins while it waits (with files taken one at a time, a profile of the minbase packages showed
   * more CPU spinning on that lock than creating files).
   *
   * <p>The outcome is the same as one thread's: when an entry fails, the threads still make every
   * entry before it in path order but none after it, so the error thrown is the first in path order
   * whatever the timing. Progress is reported from the calling thread, which writes files too.
   */
  private final class FileWrites {
    private final List<Map.Entry<ImagePath, Entry>> work;
    private final Path root;
    private final Created owners;
    private final ProgressListener progress;
    private final long total;
    private final AtomicBoolean stop;

    /**
     * Indexes into {@link #work}, directory by directory; directory k is
     * order[start[k]..start[k+1]).
     */
    private final int[] order;

    private final int[] start;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger firstFailed = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicLong written = new AtomicLong();

    FileWrites(
        List<Map.Entry<ImagePath, Entry>> work,
        Path root,
        Created owners,
        ProgressListener progress,
        long total,
        AtomicBoolean stop) {
      this.work = work;
      this.root = root;
      this.owners = owners;
      this.progress = progress;
      this.total = total;
      this.stop = stop;
      // each directory's entries, directories in the order of their first entry
      Map<ImagePath, List<Integer>> byParent = new LinkedHashMap<>();
      for (int i = 0; i < work.size(); i++) {
        byParent.computeIfAbsent(work.get(i).getKey().parent(), k -> new ArrayList<>()).add(i);
      }
      order = new int[work.size()];
      start = new int[byParent.size() + 1];
      int at = 0;
      int k = 0;
      for (List<Integer> entries : byParent.values()) {
        start[k++] = at;
        for (int i : entries) {
          order[at++] = i;
        }
      }
      start[k] = at;
    }

    private int directories() {
      return start.length - 1;
    }

    /** Makes every entry; adds what was dropped or inexact to the lists; returns the count. */
    long run(List<String> dropped, List<ImagePath> inexact) throws IOException {
      progress.onProgress(ProgressEvent.bytes(PHASE, 0, total));
      int n = Math.max(1, Math.min(WRITE_THREADS, Math.min(directories(), work.size() / 64)));
      Worker[] workers = new Worker[n];
      Thread[] threads = new Thread[n];
      for (int k = 0; k < n; k++) {
        workers[k] = new Worker(k == 0);
        if (k > 0) {
          threads[k] = new Thread(workers[k], "jimg-extract-" + k);
          threads[k].setDaemon(true);
          threads[k].start();
        }
      }
      workers[0].run();
      boolean interrupted = false;
      for (int k = 1; k < n; k++) {
        while (true) {
          try {
            threads[k].join();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
            firstFailed.set(-1); // take no more entries
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while writing files");
      }
      Worker failed = null;
      long made = 0;
      for (Worker w : workers) {
        if (w.failure != null && (failed == null || w.failedAt < failed.failedAt)) {
          failed = w;
        }
        made += w.made;
        dropped.addAll(w.dropped);
        inexact.addAll(w.inexact);
      }
      if (failed != null) {
        throw Futures.rethrow(failed.failure, "writing files");
      }
      progress.onProgress(ProgressEvent.bytes(PHASE, written.get(), total));
      return made;
    }

    private final class Worker implements Runnable {
      private final boolean reports;
      private final byte[] buf = new byte[1 << 16];
      private final List<String> dropped = new ArrayList<>();
      private final List<ImagePath> inexact = new ArrayList<>();
      private long made;
      private int failedAt = Integer.MAX_VALUE;
      private Throwable failure;

      Worker(boolean reports) {
        this.reports = reports;
      }

      @Override
      public void run() {
        // a thread whose entry failed goes on with the directories before that entry, so that
        // every entry before the first failure is made whichever thread fails first
        while (true) {
          int d = next.getAndIncrement();
          if (d >= directories() || order[start[d]] > firstFailed.get()) {
            return;
          }
          for (int at = start[d]; at < start[d + 1]; at++) {
            int i = order[at];
            if (i > firstFailed.get()) {
              break;
            }
            try {
              checkStop(stop);
              make(work.get(i));
              made++;
            } catch (Throwable e) {
              if (i < failedAt) {
                failure = e;
                failedAt = i;
              }
              firstFailed.accumulateAndGet(i, Math::min);
              break;
            }
          }
        }
      }

      private void make(Map.Entry<ImagePath, Entry> me) throws IOException {
        ImagePath p = me.getKey();
        Entry e = me.getValue();
        Path host = host(root, p);
        if (e.type() == EntryType.REGULAR) {
          writeFile(e.content(), host, p, buf);
          long now = written.addAndGet(e.size());
          if (reports) {
            progress.onProgress(ProgressEvent.bytes(PHASE, now, total));
          }
        } else {
          Files.createSymbolicLink(host, host.getFileSystem().getPath(text(e.symlinkTarget(), p)));
        }
        metadata(host, e, p, owners, dropped, inexact);
      }
    }
  }

  /** Writes a file's data extents where they lie, leaving holes unwritten, then its full size. */
  private static void writeFile(Content content, Path host, ImagePath p, byte[] buf)
      throws IOException {
    // a new file, never an existing one or a link's target (a case-folding host directory could
    // otherwise take "a" for a link "A" made just before)
    try (FileChannel out =
            FileChannel.open(
                host,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        InputStream in = content.open()) {
      long pos = 0;
      for (Extent x : content.extents()) {
        in.skipNBytes(x.offset() - pos);
        pos = x.offset();
        while (pos < x.end()) {
          int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, x.end() - pos));
          if (n == 0) {
            throw new JimgException(
                p + ": content ended after " + pos + " of " + content.size() + " bytes");
          }
          ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
          while (b.hasRemaining()) {
            pos += out.write(b, pos);
          }
        }
      }
      if (pos < content.size()) {
        // a hole up to the end: a channel grows only by writing, so the last byte is written
        out.write(ByteBuffer.allocate(1), content.size() - 1);
      }
    }
  }

  private void metadata(
      Path host,
      Entry e,
      ImagePath p,
      Created owners,
      List<String> dropped,
      List<ImagePath> inexact)
      throws IOException {
    boolean link = e.type() == EntryType.SYMLINK;
    // Order matters: a change of owner clears setuid and setgid, and once a mode takes away the
    // owner's write or read permission, a caller that is not root can no longer write xattrs or
    // open the file to set its times (the JDK opens it for that). So owner, xattrs, times, mode.
    if (owners != null && (e.uid() != owners.uid() || e.gid() != owners.gid())) {
      try {
        Files.setAttribute(host, "unix:uid", (int) e.uid(), NOFOLLOW);
        Files.setAttribute(host, "unix:gid", (int) e.gid(), NOFOLLOW);
      } catch (FileSystemException x) {
        throw new JimgException(
            p
                + ": cannot give it owner "
                + e.uid()
                + ":"
                + e.gid()
                + " ("
                + FileSystemErrors.reason(x)
                + "); only root can: run as root or leave owners out (--owners skip)",
            x);
      }
    }
    UserDefinedFileAttributeView user = null;
    for (Xattr x : e.xattrs()) {
      // Linux takes user.* on files and directories only
      if (!link && x.name().startsWith("user.")) {
        if (user == null) {
          user = Files.getFileAttributeView(host, UserDefinedFileAttributeView.class, NOFOLLOW);
        }
        user.write(x.name().substring(5), ByteBuffer.wrap(x.value()));
      } else {
        dropped.add(p + " " + x.name());
      }
    }
    Timestamp m = settable(e.mtime(), link);
    if (!m.equals(e.mtime())) {
      inexact.add(p);
    }
    FileTime mtime = FileTime.from(m.toInstant());
    FileTime atime = e.atime().map(a -> FileTime.from(settable(a, link).toInstant())).orElse(mtime);
    Files.getFileAttributeView(host, BasicFileAttributeView.class, NOFOLLOW)
        .setTimes(mtime, atime, null);
    if (!link) {
      // a chmod moves only the change time
      Files.setAttribute(host, "unix:mode", e.mode());
    }
  }

  /** The latest time JDK 17 sets on a file through {@code futimens}: 2^63 - 1 ns after 1970. */
  static final Timestamp LATEST = new Timestamp(Long.MAX_VALUE / 1_000_000_000L, 854_775_807);

  /**
   * The time the host gets for {@code t}: JDK 17 passes a time to the kernel as one count of
   * nanoseconds (microseconds for a symbolic link, through {@code lutimes}) split by truncating
   * division, so a negative time with a fraction comes out with a negative fraction, which the
   * kernel refuses, and the JDK then sets 1970 instead; and nanoseconds past {@link #LATEST}
   * saturate. So: whole seconds before 1970, microseconds for links, files end at {@link #LATEST}.
   */
  static Timestamp settable(Timestamp t, boolean symlink) {
    if (t.seconds() < 0) {
      return Timestamp.ofSeconds(t.seconds());
    }
    if (symlink) {
      return new Timestamp(t.seconds(), t.nanos() - t.nanos() % 1000);
    }
    return t.compareTo(LATEST) > 0 ? LATEST : t;
  }

  private static Path host(Path root, ImagePath p) throws JimgException {
    return p.isRoot() ? root : root.resolve(text(p.bytes(), p));
  }

  /**
   * Bytes as the JVM's file-name text ({@link #write} checked first that every name and link target
   * is UTF-8).
   */
  private static String text(byte[] raw, ImagePath p) throws JimgException {
    if (!isUtf8(raw)) {
      throw new UnsupportedEntryException(p + ": not UTF-8, so a JVM cannot make it on the host");
    }
    return new String(raw, StandardCharsets.UTF_8);
  }

  private static boolean isUtf8(byte[] raw) {
    return Arrays.equals(
        new String(raw, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), raw);
  }

  private static String listed(List<ImagePath> paths) {
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < Math.min(5, paths.size()); i++) {
      shown.add(paths.get(i).toString());
    }
    return String.join(", ", shown) + (paths.size() > 5 ? ", ..." : "");
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir, NOFOLLOW)) {
      return false;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      return !s.iterator().hasNext();
    }
  }

  /** Deletes {@code dir} and everything below it, following no link; nothing if it is missing. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.isDirectory(dir, NOFOLLOW)) {
      Files.deleteIfExists(dir);
      return;
    }
    // each directory is made the owner's before it is read: one the tree made unreadable (0000)
    // could not be listed, and one made read-only could not be emptied
    ArrayDeque<Path> toEmpty = new ArrayDeque<>();
    List<Path> dirs = new ArrayList<>();
    toEmpty.push(dir);
    while (!toEmpty.isEmpty()) {
      Path d = toEmpty.pop();
      Files.setAttribute(d, "unix:mode", 0700); // by path: opening a 0000 directory fails
      dirs.add(d);
      try (DirectoryStream<Path> children = Files.newDirectoryStream(d)) {
        for (Path c : children) {
          if (Files.isDirectory(c, NOFOLLOW)) {
            toEmpty.push(c);
          } else {
            Files.delete(c);
          }
        }
      }
    }
    // children were listed after their parents: delete in the reverse order
    for (int k = dirs.size() - 1; k >= 0; k--) {
      Files.delete(dirs.get(k));
    }
  }
}
