/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.JimgException;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * A host directory read into a tree; contents are read from the host files when written.
 *
 * <p>Every entry type is kept (regular files, directories, symbolic links, character and block
 * devices, fifos, sockets) with its permission bits including setuid, setgid and sticky, its owner,
 * and its modification time to the nanosecond. Symbolic links are never followed, except the
 * directory given when it is itself a link. Names that are hard links of one inode (same device and
 * inode number) become one hard-link group. With {@link SourceOptions#readXattrs()} the {@code
 * user.*} extended attributes of regular files and directories are read (the JDK offers no other
 * namespace); with {@link SourceOptions#rootOwner()} every owner becomes 0:0.
 *
 * <p><b>No access or status-change times.</b> The host's atime and ctime are not read: entries have
 * none, and writers use the mtime in their place (ext4 writes it as atime, ctime and crtime).
 * Neither is a property of the tree a user can reproduce: reading a file moves its atime (tar does,
 * and so does building an image from the directory, so a second build would differ from the first),
 * and no tool can set a ctime, so every copy of a tree ({@code cp -a}, {@code rsync -a}, {@code tar
 * -x}, a checkout) has its own. Without them the image depends only on what a copy keeps, and a
 * directory gives the same image as a tar of it that holds no atime/ctime (GNU tar's {@code
 * --format=posix} writes both unless told {@code --pax-option=delete=atime,delete=ctime}; {@link
 * TarSource} keeps what a tar holds). To set these times on purpose, use a {@link Manifest}.
 *
 * <p>The tree is the same whatever order the host lists directories in: each directory is read
 * sorted by the unsigned bytes of its names. File names are taken as the JVM decodes them ({@code
 * sun.jnu.encoding}); run with a UTF-8 locale so non-ASCII names survive. File contents are not
 * read here: each regular file's {@link Content} reads the host file when a writer needs it and
 * fails if the file has shrunk.
 *
 * <p>Limits of the JDK: host times after 2262-04-11 come with microseconds only (the JDK truncates
 * them), and holes in sparse host files are not seen (they are read as zeros).
 *
 * <p>Immutable once opened; the tree is thread-safe.
 */
public final class DirectorySource implements Source {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /**
   * Threads reading metadata: most of the time is spent in system calls (stat, open, listxattr), so
   * a few threads overlap them; the tree does not depend on the number.
   */
  private static final int SCAN_THREADS = 4;

  /**
   * The stat fields read, named: {@code "unix:*"} would also look up the owner's and group's names
   * (the password and group databases, several system calls per entry) that nothing here uses.
   */
  private static final String ATTRIBUTES =
      "unix:mode,nlink,dev,ino,rdev,uid,gid,size,lastModifiedTime";

  // st_mode type bits (S_IFMT and its values), as <sys/stat.h> defines them.
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  private final String name;
  private final FileTree tree;

  private DirectorySource(String name, FileTree tree) {
    this.name = name;
    this.tree = tree;
  }

  /**
   * Reads the directory tree below {@code dir} (which becomes the root, with the directory's own
   * metadata).
   *
   * @throws JimgException naming the path if {@code dir} is not a directory, an entry cannot be
   *     read, or an entry vanishes while the tree is read
   */
  public static DirectorySource open(Path dir, SourceOptions options) throws IOException {
    if (!Files.exists(dir)) {
      throw new JimgException(dir + ": no such directory");
    }
    // The directory named may itself be a link (a convenience); nothing inside it is followed.
    Path top = Files.isSymbolicLink(dir) ? dir.toRealPath() : dir;
    Reader reader = new Reader(top, options);
    Map<String, Object> rootAttrs = reader.attributes(top);
    if (((Integer) rootAttrs.get("mode") & S_IFMT) != S_IFDIR) {
      throw new JimgException(dir + ": not a directory");
    }
    reader.builder.put(ImagePath.ROOT, reader.entry(top, rootAttrs));
    ForkJoinPool pool = new ForkJoinPool(SCAN_THREADS);
    try {
      reader.apply(pool.invoke(ForkJoinTask.adapt(() -> reader.scan(top))), ImagePath.ROOT);
    } finally {
      pool.shutdownNow();
    }
    return new DirectorySource(dir.toString(), reader.builder.build());
  }

  @Override
  public FileTree tree() {
    return tree;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {}

  /**
   * Splits a Linux {@code dev_t} into its major number the way glibc's {@code gnu_dev_major} does:
   * bits 8-19 and 44-63.
   */
  static long major(long rdev) {
    return ((rdev >>> 8) & 0xFFFL) | ((rdev >>> 32) & ~0xFFFL);
  }

  /** The minor number of a {@code dev_t} as glibc's {@code gnu_dev_minor}: bits 0-7 and 20-43. */
  static long minor(long rdev) {
    return (rdev & 0xFFL) | ((rdev >>> 12) & ~0xFFL & 0xFFFF_FFFFL);
  }

  /**
   * Whether a name with U+FFFD in it is that character itself (valid UTF-8 bytes EF BF BD) rather
   * than bytes the JVM could not decode: the name encoded again names the same file. A file named
   * with a real U+FFFD was refused as undecodable.
   */
  private static boolean decodedExactly(Path dir, Path child, String name) {
    try {
      Path again = dir.resolve(name);
      return Files.exists(again, NOFOLLOW)
          && Files.readAttributes(child, "unix:ino,dev", NOFOLLOW)
              .equals(Files.readAttributes(again, "unix:ino,dev", NOFOLLOW));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static final class Reader {
    private final Path top;
    private final SourceOptions options;
    private final FileTreeBuilder builder = new FileTreeBuilder();
    private final Map<Inode, ImagePath> firstNames = new HashMap<>();

    Reader(Path top, SourceOptions options) {
      this.top = top;
      this.options = options;
    }

    /**
     * Lists {@code dir} sorted by name and reads each child's metadata; a child directory's own
     * listing is forked as a task of its own, so the pool reads several directories at once. A
     * failure is kept in the listing, to be thrown when {@link #apply} reaches it: the error is
     * then the first in tree order, whatever the timing.
     */
    Listing scan(Path dir) {
      List<Child> children = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
        for (Path child : stream) {
          String n = child.getFileName().toString();
          if (n.indexOf('\uFFFD') >= 0 && !decodedExactly(dir, child, n)) {
            String encoding = System.getProperty("sun.jnu.encoding");
            throw new JimgException(
                child
                    + ": the file name is not valid in the JVM's file name encoding ("
                    + encoding
                    + ")"
                    + ("UTF-8".equalsIgnoreCase(encoding)
                        ? "; the JDK cannot read names that are not UTF-8: rename the file, or give"
                            + " jimg a tar of the directory (tar keeps names as bytes)"
                        : "; run jimg with a UTF-8 locale (LANG=C.UTF-8)"));
          }
          children.add(new Child(n.getBytes(StandardCharsets.UTF_8), child));
        }
      } catch (NoSuchFileException e) {
        return Listing.failed(vanished(dir, e));
      } catch (JimgException e) {
        return Listing.failed(e);
      } catch (IOException e) {
        return Listing.failed(unreadable(dir, e));
      }
      children.sort((x, y) -> Arrays.compareUnsigned(x.name(), y.name()));
      List<Scanned> out = new ArrayList<>(children.size());
      for (Child c : children) {
        try {
          Map<String, Object> attrs = attributes(c.path());
          int mode = (Integer) attrs.get("mode");
          boolean directory = (mode & S_IFMT) == S_IFDIR;
          Entry entry = entry(c.path(), attrs);
          ForkJoinTask<Listing> sub = null;
          if (directory) {
            Path path = c.path();
            sub = ForkJoinTask.adapt(() -> scan(path)).fork();
          }
          out.add(
              new Scanned(
                  c.name(),
                  directory,
                  (Integer) attrs.get("nlink"),
                  new Inode((Long) attrs.get("dev"), (Long) attrs.get("ino")),
                  entry,
                  sub));
        } catch (IOException | RuntimeException e) {
          return new Listing(out, e);
        }
      }
      return new Listing(out, null);
    }

    /**
     * Puts a listing's entries into the tree in name order, depth first, as one thread would have
     * read them: the first name of a hard-linked inode in that order holds the file, later names
     * link to it.
     */
    void apply(Listing listing, ImagePath at) throws IOException {
      for (Scanned c : listing.children()) {
        ImagePath childPath = at.child(c.name());
        Entry entry = c.entry();
        if (!c.directory() && c.nlink() > 1) {
          ImagePath first = firstNames.putIfAbsent(c.inode(), childPath);
          if (first != null) {
            entry = Entry.hardlink(first);
          }
        }
        builder.put(childPath, entry);
        if (c.directory()) {
          apply(c.sub().join(), childPath);
        }
      }
      listing.rethrow();
    }

    Map<String, Object> attributes(Path p) throws IOException {
      try {
        return Files.readAttributes(p, ATTRIBUTES, NOFOLLOW);
      } catch (NoSuchFileException e) {
        throw vanished(p, e);
      } catch (IOException e) {
        throw unreadable(p, e);
      }
    }

    Entry entry(Path p, Map<String, Object> attrs) throws IOException {
      int mode = (Integer) attrs.get("mode");
      EntryType type =
          switch (mode & S_IFMT) {
            case S_IFREG -> EntryType.REGULAR;
            case S_IFDIR -> EntryType.DIRECTORY;
            case S_IFLNK -> EntryType.SYMLINK;
            case S_IFCHR -> EntryType.CHAR_DEVICE;
            case S_IFBLK -> EntryType.BLOCK_DEVICE;
            case S_IFIFO -> EntryType.FIFO;
            case S_IFSOCK -> EntryType.SOCKET;
            default ->
                throw new JimgException(
                    p + ": unknown file type in st_mode " + Integer.toOctalString(mode));
          };
      Entry.Builder b =
          Entry.builder(type)
              .mode(mode & Entry.MODE_MASK)
              .mtime(timestamp(attrs.get("lastModifiedTime")));
      if (!options.rootOwner()) {
        b.uid(Integer.toUnsignedLong((Integer) attrs.get("uid")))
            .gid(Integer.toUnsignedLong((Integer) attrs.get("gid")));
      }
      switch (type) {
        case REGULAR -> b.content(Content.ofFile(p, (Long) attrs.get("size")));
        case SYMLINK -> b.symlinkTarget(readLink(p));
        case CHAR_DEVICE, BLOCK_DEVICE -> {
          long rdev = (Long) attrs.get("rdev");
          b.device(major(rdev), minor(rdev));
        }
        default -> {}
      }
      if (options.readXattrs() && (type == EntryType.REGULAR || type == EntryType.DIRECTORY)) {
        readUserXattrs(p, b);
      }
      return b.build();
    }

    private byte[] readLink(Path p) throws IOException {
      try {
        String target = Files.readSymbolicLink(p).toString();
        if (target.isEmpty()) {
          throw new JimgException(p + ": symbolic link with an empty target");
        }
        return target.getBytes(StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw vanished(p, e);
      } catch (JimgException e) {
        throw e;
      } catch (IOException e) {
        throw unreadable(p, e);
      }
    }

    private void readUserXattrs(Path p, Entry.Builder b) throws IOException {
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW);
      if (view == null) {
        return;
      }
      try {
        List<String> names = new ArrayList<>(view.list());
        names.sort(null);
        for (String n : names) {
          ByteBuffer buf = ByteBuffer.allocate(view.size(n));
          view.read(n, buf);
          buf.flip();
          byte[] value = new byte[buf.remaining()];
          buf.get(value);
          b.xattr("user." + n, value);
        }
      } catch (NoSuchFileException e) {
        throw vanished(p, e);
      } catch (FileSystemException e) {
        if (isUnsupported(e)) {
          return;
        }
        throw unreadable(p, e);
      } catch (IOException e) {
        throw unreadable(p, e);
      }
    }

    private static boolean isUnsupported(FileSystemException e) {
      String reason = e.getReason();
      return reason != null && reason.contains("not supported");
    }

    private JimgException vanished(Path p, IOException cause) {
      return new JimgException(
          p + ": vanished while " + top + " was being read; read a directory nothing changes",
          cause);
    }

    private static JimgException unreadable(Path p, IOException cause) {
      String why =
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      return new JimgException(p + ": cannot be read (" + why + ")", cause);
    }

    private static Timestamp timestamp(Object fileTime) {
      return Timestamp.of(((FileTime) fileTime).toInstant());
    }
  }

  /**
   * A host inode, the key of the hard-link map. Not a record: a record's {@code equals} and {@code
   * hashCode} are bootstrapped through method handles on first use, which cost a directory build
   * about 40 ms of a cold JVM's time (seen with async-profiler on the minbase rootfs).
   */
  private static final class Inode {
    private final long dev;
    private final long ino;

    Inode(long dev, long ino) {
      this.dev = dev;
      this.ino = ino;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Inode other && other.dev == dev && other.ino == ino;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(ino * 31 + dev);
    }
  }

  /**
   * A directory's children in name order, up to the one whose reading failed, and that failure (or
   * null): the children read are put into the tree before it is thrown.
   */
  private record Listing(List<Scanned> children, Exception failure) {
    static Listing failed(Exception e) {
      return new Listing(List.of(), e);
    }

    void rethrow() throws IOException {
      if (failure instanceof IOException io) {
        throw io;
      }
      if (failure instanceof RuntimeException re) {
        throw re;
      }
    }
  }

  /**
   * One child as read: its entry (kept unless it is a later name of a hard-linked inode) and, for a
   * directory, the task reading its listing.
   */
  private record Scanned(
      byte[] name,
      boolean directory,
      int nlink,
      Inode inode,
      Entry entry,
      ForkJoinTask<Listing> sub) {}

  /** A directory entry: its name as UTF-8 bytes and the host path to read it by. */
  private record Child(byte[] name, Path path) {}
}
