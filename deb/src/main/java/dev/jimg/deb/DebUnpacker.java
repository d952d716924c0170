/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.TreeConflictException;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Unpacks .deb packages into a tree as {@code dpkg --unpack} does, without running anything, and
 * writes the dpkg database ({@code var/lib/dpkg}) for them.
 *
 * <p>What it does, package by package in the given order:
 *
 * <ul>
 *   <li>Entries follow directory symlinks already in the tree (merged /usr: {@code bin -> usr/bin}
 *       puts {@code ./bin/ls} at {@code usr/bin/ls}), as {@link FileTreeBuilder#put} does.
 *   <li>A directory that already exists (or a symlink to one) keeps its own metadata, as dpkg
 *       leaves existing directories alone.
 *   <li>A non-directory that an earlier package (or a package of the base tree's database) owns may
 *       be shipped again only if the later package's {@code Replaces} names the owner; else a
 *       {@link FileConflictException} names both. With Replaces the path moves to the new owner's
 *       {@code .list}. A file of the base tree no package owns is simply replaced.
 *   <li>Conffiles of a package with maintainer scripts land as {@code NAME.dpkg-new}, exactly as
 *       {@code dpkg --unpack} leaves them, for {@code dpkg --configure} to install.
 *   <li>The database: {@code status} (the base tree's stanzas kept, one new stanza per package;
 *       {@value DpkgStatus#INSTALLED} for packages without maintainer scripts with conffile md5s,
 *       {@value DpkgStatus#UNPACKED} and {@value DpkgStatus#NEW_CONFFILE} for the others), {@code
 *       info/NAME.list} (archive order, {@code /.} first), {@code info/NAME.md5sums} (the
 *       package's, or computed from the data), every other control file as {@code info/NAME.MEMBER}
 *       (scripts, conffiles, triggers, shlibs, ...), {@code info/format}, {@code arch}, and empty
 *       {@code available}, {@code diversions} and {@code statoverride} when the base tree has none.
 *       NAME is {@code PKG:ARCH} for {@code Multi-Arch: same} packages.
 * </ul>
 *
 * <p>Maintainer scripts are never run; packages that have them are left "unpacked" so that {@code
 * dpkg --configure -a} on the target finishes them. Package data is decompressed in parallel and
 * applied in order, so the result does not depend on the thread count. Database files get owner 0:0
 * and the {@linkplain #databaseTime(Timestamp) database time} (by default the newest mtime of all
 * the packages' data), control files keep their own mode and mtime.
 *
 * <p>Not thread-safe; one unpacker per build.
 */
public final class DebUnpacker {
  /** Where dpkg keeps its database. */
  public static final ImagePath ADMIN_DIR = ImagePath.of("var/lib/dpkg");

  private static final ImagePath INFO_DIR = ADMIN_DIR.child("info");
  private static final String DB_FORMAT = "1\n";
  private static final String DPKG_NEW = ".dpkg-new";

  private final FileTree base;
  private SourceOptions options = SourceOptions.defaults();
  private Timestamp databaseTime;
  private String nativeArchitecture;
  private int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private DebUnpacker(FileTree base) {
    this.base = Objects.requireNonNull(base, "base");
  }

  /**
   * Whether {@code file} is a Debian package (by its first bytes, as {@link DebSourceProvider}
   * recognises it), so that callers can send packages here and other sources elsewhere.
   */
  public static boolean isDeb(Path file) throws IOException {
    if (!java.nio.file.Files.isRegularFile(file)) {
      return false;
    }
    try (InputStream in = java.nio.file.Files.newInputStream(file)) {
      return DebPackage.looksLikeDeb(in.readNBytes(dev.jimg.core.spi.SourceProvider.PROBE_BYTES));
    }
  }

  /**
   * An unpacker that starts from {@code base} (an empty tree, a merged-/usr skeleton, a rootfs).
   */
  public static DebUnpacker over(FileTree base) {
    return new DebUnpacker(base);
  }

  /** How package data is read (spool directory, owners forced to root). */
  public DebUnpacker options(SourceOptions value) {
    this.options = Objects.requireNonNull(value);
    return this;
  }

  /** The mtime of database files jimg generates (default: the newest mtime of the packages). */
  public DebUnpacker databaseTime(Timestamp value) {
    this.databaseTime = Objects.requireNonNull(value);
    return this;
  }

  /**
   * The dpkg native architecture written to {@code var/lib/dpkg/arch} (default: the first package
   * architecture that is not {@code all}, else the base tree's {@code arch} file).
   */
  public DebUnpacker nativeArchitecture(String value) {
    this.nativeArchitecture = Objects.requireNonNull(value);
    return this;
  }

  /** How many packages are decompressed at once (at least 1; the result is the same). */
  public DebUnpacker threads(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    this.threads = value;
    return this;
  }

  /** Unpacks the packages in order; close the result to release their spooled data. */
  public UnpackedTree unpack(List<Path> debs) throws IOException {
    List<DebData> data = readAll(List.copyOf(debs));
    try {
      return apply(data);
    } catch (IOException | RuntimeException e) {
      closeAll(data, e);
      throw e;
    }
  }

  /**
   * Opens and decompresses every package, {@link #threads} at a time, and returns them in the given
   * order. The largest packages start first, so that one big package does not run alone at the end;
   * the order only changes when each one is ready, never the result. When several fail, the first
   * in the given order is thrown, the others are suppressed into it.
   */
  private List<DebData> readAll(List<Path> debs) throws IOException {
    if (threads == 1 || debs.size() < 2) {
      List<DebData> out = new ArrayList<>();
      try {
        for (Path p : debs) {
          out.add(read(p));
        }
        return out;
      } catch (IOException | RuntimeException e) {
        closeAll(out, e);
        throw e;
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, debs.size()));
    try {
      List<Future<DebData>> futures = new ArrayList<>();
      for (int i = 0; i < debs.size(); i++) {
        futures.add(null);
      }
      for (int i : largestFirst(debs)) {
        Path p = debs.get(i);
        futures.set(i, pool.submit(() -> read(p)));
      }
      return collect(futures);
    } finally {
      pool.shutdownNow();
    }
  }

  private DebData read(Path deb) throws IOException {
    return DebData.read(DebPackage.open(deb), options);
  }

  /** Indexes of {@code debs} by decreasing file size (ties in the given order). */
  private static List<Integer> largestFirst(List<Path> debs) {
    long[] sizes = new long[debs.size()];
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < debs.size(); i++) {
      try {
        sizes[i] = java.nio.file.Files.size(debs.get(i));
      } catch (IOException e) {
        sizes[i] = 0; // DebPackage.open will report it
      }
      order.add(i);
    }
    order.sort((a, b) -> Long.compare(sizes[b], sizes[a])); // stable: ties keep their order
    return order;
  }

  /** Waits for every read, in order; on failure closes what was read and throws the first error. */
  private static List<DebData> collect(List<Future<DebData>> futures) throws IOException {
    List<DebData> out = new ArrayList<>();
    IOException failure = null;
    for (Future<DebData> f : futures) {
      try {
        out.add(f.get());
      } catch (ExecutionException e) {
        IOException x =
            e.getCause() instanceof IOException io
                ? io
                : new JimgException("reading a package failed: " + e.getCause(), e.getCause());
        if (failure == null) {
          failure = x;
        } else {
          failure.addSuppressed(x);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = new java.io.InterruptedIOException("interrupted while reading packages");
        break;
      }
    }
    if (failure != null) {
      closeAll(out, failure);
      throw failure;
    }
    return out;
  }

  private static void closeAll(List<DebData> data, Exception primary) {
    for (DebData d : data) {
      try {
        d.close();
      } catch (IOException suppressed) {
        primary.addSuppressed(suppressed);
      }
    }
  }

  /** One package of the database: its list lines (mutable while unpacking). */
  private static final class Installed {
    final String infoName;
    final String name;
    final DebPackage pkg;
    final ControlParagraph stanza;
    final List<byte[]> list = new ArrayList<>();

    /** Whether {@link #list} differs from what the base tree holds (always, for new packages). */
    boolean listChanged;

    Installed(String infoName, String name, DebPackage pkg, ControlParagraph stanza) {
      this.infoName = infoName;
      this.name = name;
      this.pkg = pkg;
      this.stanza = stanza;
    }
  }

  private UnpackedTree apply(List<DebData> data) throws IOException {
    FileTreeBuilder builder = base.toBuilder();
    Map<String, Installed> db = new TreeMap<>();
    Map<ImagePath, Installed> owners = new HashMap<>();
    Map<ImagePath, byte[]> ownerLine = new HashMap<>();
    seedFromBase(builder, db, owners, ownerLine);
    Timestamp dbTime = databaseTime;
    if (dbTime == null) {
      dbTime = Timestamp.EPOCH;
      for (DebData d : data) {
        dbTime = Timestamp.max(dbTime, d.tree().newestMtime());
      }
    }
    Map<String, ControlParagraph> stanzas = new LinkedHashMap<>();
    Set<String> seenInfo = new HashSet<>();
    for (DebData d : data) {
      DebPackage pkg = d.debPackage();
      String info = pkg.infoName();
      if (!seenInfo.add(info) || db.containsKey(info)) {
        throw new TreeConflictException(
            pkg.resource()
                + ": package "
                + info
                + (db.containsKey(info) && db.get(info).pkg == null
                    ? " is already in the base tree's dpkg database; upgrading is not supported"
                    : " is given twice"));
      }
      Installed me = new Installed(info, pkg.packageName(), pkg, null);
      me.listChanged = true;
      unpackOne(builder, d, me, owners, ownerLine, db);
      db.put(info, me);
      stanzas.put(info, stanzaFor(d, pkg));
    }
    writeDatabase(builder, db, stanzas, data, dbTime);
    FileTree tree;
    try {
      tree = builder.build();
    } catch (TreeConflictException e) {
      throw new TreeConflictException("unpacking packages: " + e.getMessage());
    }
    List<UnpackedTree.Package> summary = new ArrayList<>();
    for (DebData d : data) {
      DebPackage p = d.debPackage();
      summary.add(
          new UnpackedTree.Package(
              p.packageName(),
              p.version(),
              p.architecture(),
              p.maintainerScripts().isEmpty() ? DpkgStatus.INSTALLED : DpkgStatus.UNPACKED,
              p.maintainerScripts()));
    }
    return new UnpackedTree(tree, summary, data);
  }

  private void unpackOne(
      FileTreeBuilder builder,
      DebData d,
      Installed me,
      Map<ImagePath, Installed> owners,
      Map<ImagePath, byte[]> ownerLine,
      Map<String, Installed> db)
      throws IOException {
    DebPackage pkg = d.debPackage();
    Set<String> replaces = replacedNames(pkg);
    FileTree tree = d.tree();
    Set<ImagePath> pendingConffiles = new HashSet<>();
    if (!pkg.maintainerScripts().isEmpty()) {
      for (String c : pkg.conffiles()) {
        try {
          pendingConffiles.add(ImagePath.of(c.startsWith("/") ? c.substring(1) : c));
        } catch (IllegalArgumentException x) {
          throw new CorruptInputException(
              pkg.resource(),
              CorruptInputException.UNKNOWN_OFFSET,
              "conffiles names an unsafe path: " + c);
        }
      }
    }
    me.list.add("/.".getBytes(StandardCharsets.US_ASCII));
    Map<ImagePath, byte[]> lineOf = new HashMap<>();
    for (DataMember m : d.members()) {
      if (m.path().isRoot()) {
        continue;
      }
      byte[] line = listLine(m.path());
      me.list.add(line);
      lineOf.put(m.path(), line);
    }
    for (Map.Entry<ImagePath, Entry> e : tree.entries().entrySet()) {
      ImagePath path = e.getKey();
      Entry entry = e.getValue();
      if (path.isRoot()) {
        continue;
      }
      try {
        ImagePath real = builder.realPath(path);
        Entry existing = builder.get(real);
        if (entry.type() == EntryType.DIRECTORY) {
          if (existing != null && existing.type() == EntryType.DIRECTORY) {
            continue;
          }
          builder.put(path, entry);
          continue;
        }
        Installed owner = owners.get(real);
        if (owner != null && owner != me) {
          if (!replaces.contains(owner.name)) {
            throw new FileConflictException(
                ImagePath.display(real.bytes()), owner.infoName, me.infoName, pkg.resource());
          }
          byte[] old = ownerLine.get(real);
          owner.list.removeIf(l -> java.util.Arrays.equals(l, old));
          owner.listChanged = true;
        }
        if (pendingConffiles.contains(path)) {
          // dpkg --unpack leaves a new conffile as NAME.dpkg-new; --configure installs it
          builder.put(withSuffix(path, DPKG_NEW), entry);
        } else {
          builder.put(path, entry);
        }
        owners.put(real, me);
        byte[] line = lineOf.get(path);
        ownerLine.put(real, line != null ? line : listLine(path));
      } catch (FileConflictException x) {
        throw x;
      } catch (TreeConflictException x) {
        throw new TreeConflictException(
            pkg.resource() + ": package " + me.infoName + ": " + x.getMessage());
      }
    }
  }

  private static ImagePath withSuffix(ImagePath path, String suffix) {
    byte[] name = path.name();
    byte[] s = suffix.getBytes(StandardCharsets.US_ASCII);
    byte[] out = java.util.Arrays.copyOf(name, name.length + s.length);
    System.arraycopy(s, 0, out, name.length, s.length);
    return path.parent().child(out);
  }

  private static byte[] listLine(ImagePath path) {
    byte[] p = path.bytes();
    byte[] out = new byte[p.length + 1];
    out[0] = '/';
    System.arraycopy(p, 0, out, 1, p.length);
    return out;
  }

  /** Package names in {@code Replaces} (versions and architecture qualifiers dropped). */
  static Set<String> replacedNames(DebPackage pkg) {
    Set<String> out = new HashSet<>();
    Optional<String> v = pkg.control().get("Replaces");
    if (v.isEmpty()) {
      return out;
    }
    for (String clause : v.get().replace('\n', ' ').split(",")) {
      for (String alt : clause.split("\\|")) {
        String name = alt.strip();
        int cut = name.length();
        for (char c : new char[] {' ', '(', ':', '\t'}) {
          int i = name.indexOf(c);
          if (i >= 0) {
            cut = Math.min(cut, i);
          }
        }
        name = name.substring(0, cut);
        if (!name.isEmpty()) {
          out.add(name);
        }
      }
    }
    return out;
  }

  private ControlParagraph stanzaFor(DebData d, DebPackage pkg) throws IOException {
    boolean configured = pkg.maintainerScripts().isEmpty();
    Map<String, String> conffiles = new LinkedHashMap<>();
    for (String c : pkg.conffiles()) {
      String rel = c.startsWith("/") ? c.substring(1) : c;
      Entry e;
      try {
        e = d.tree().resolve(ImagePath.of(rel));
      } catch (IllegalArgumentException x) {
        e = null;
      }
      if (e == null || e.type() != EntryType.REGULAR) {
        throw new CorruptInputException(
            pkg.resource(),
            CorruptInputException.UNKNOWN_OFFSET,
            "conffile " + c + " is not a regular file of the package");
      }
      conffiles.put(c, configured ? md5(e.content()) : DpkgStatus.NEW_CONFFILE);
    }
    return DpkgStatus.stanza(
        pkg.control(), configured ? DpkgStatus.INSTALLED : DpkgStatus.UNPACKED, conffiles);
  }

  private void seedFromBase(
      FileTreeBuilder builder,
      Map<String, Installed> db,
      Map<ImagePath, Installed> owners,
      Map<ImagePath, byte[]> ownerLine)
      throws IOException {
    Entry status = base.get(ADMIN_DIR.child("status"));
    if (status == null || status.type() != EntryType.REGULAR) {
      return;
    }
    String where = "the base tree's /var/lib/dpkg/status";
    List<ControlParagraph> stanzas =
        Deb822.parse(Deb822.decode(readAll(status.content()), where), where, false);
    for (ControlParagraph s : stanzas) {
      String name = s.require("Package", where);
      String arch = s.get("Architecture").orElse("");
      String info = "same".equals(s.get("Multi-Arch").orElse("")) ? name + ":" + arch : name;
      Installed old = new Installed(info, name, null, s);
      db.put(info, old);
      Entry list = base.get(INFO_DIR.child(info + ".list"));
      if (list == null || list.type() != EntryType.REGULAR) {
        continue;
      }
      for (String line :
          new String(readAll(list.content()), StandardCharsets.ISO_8859_1).split("\n")) {
        byte[] raw = line.getBytes(StandardCharsets.ISO_8859_1);
        old.list.add(raw);
        if (line.isEmpty() || line.equals("/.") || line.charAt(0) != '/') {
          continue;
        }
        ImagePath p;
        try {
          p = ImagePath.parse(java.util.Arrays.copyOfRange(raw, 1, raw.length));
          ImagePath real = builder.realPath(p);
          Entry e = builder.get(real);
          if (e != null && e.type() != EntryType.DIRECTORY) {
            owners.put(real, old);
            ownerLine.put(real, raw);
          }
        } catch (IllegalArgumentException | TreeConflictException x) {
          // a path the base tree no longer has in a usable form: nothing to protect
        }
      }
    }
  }

  private void writeDatabase(
      FileTreeBuilder builder,
      Map<String, Installed> db,
      Map<String, ControlParagraph> stanzas,
      List<DebData> data,
      Timestamp dbTime)
      throws IOException {
    Entry dir = Entry.directory(0755, dbTime);
    for (ImagePath p :
        List.of(
            ImagePath.of("var"),
            ImagePath.of("var/lib"),
            ADMIN_DIR,
            INFO_DIR,
            ADMIN_DIR.child("updates"),
            ADMIN_DIR.child("triggers"),
            ADMIN_DIR.child("alternatives"))) {
      ImagePath real = builder.realPath(p);
      Entry e = builder.get(real);
      if (e == null) {
        builder.put(p, dir);
      }
    }
    List<ControlParagraph> all = new ArrayList<>();
    for (Map.Entry<String, Installed> e : db.entrySet()) {
      Installed i = e.getValue();
      all.add(i.pkg == null ? i.stanza : stanzas.get(e.getKey()));
    }
    all.sort(
        (a, b) -> {
          int c = a.get("Package").orElse("").compareTo(b.get("Package").orElse(""));
          return c != 0
              ? c
              : a.get("Architecture").orElse("").compareTo(b.get("Architecture").orElse(""));
        });
    putFile(
        builder,
        ADMIN_DIR.child("status"),
        Deb822.write(all).getBytes(StandardCharsets.UTF_8),
        0644,
        dbTime);
    for (String empty : List.of("available", "diversions", "statoverride")) {
      ImagePath p = ADMIN_DIR.child(empty);
      if (builder.get(builder.realPath(p)) == null) {
        putFile(builder, p, new byte[0], 0644, dbTime);
      }
    }
    putFile(
        builder,
        INFO_DIR.child("format"),
        DB_FORMAT.getBytes(StandardCharsets.US_ASCII),
        0644,
        dbTime);
    String arch = nativeArchitecture;
    if (arch == null) {
      for (DebData d : data) {
        String a = d.debPackage().architecture();
        if (!a.equals("all")) {
          arch = a;
          break;
        }
      }
    }
    ImagePath archFile = ADMIN_DIR.child("arch");
    if (arch != null) {
      putFile(builder, archFile, (arch + "\n").getBytes(StandardCharsets.US_ASCII), 0644, dbTime);
    }
    for (Installed i : db.values()) {
      if (!i.listChanged) {
        continue;
      }
      ByteArrayOutputStream list = new ByteArrayOutputStream();
      for (byte[] line : i.list) {
        list.write(line);
        list.write('\n');
      }
      putFile(builder, INFO_DIR.child(i.infoName + ".list"), list.toByteArray(), 0644, dbTime);
    }
    for (DebData d : data) {
      DebPackage pkg = d.debPackage();
      String info = pkg.infoName();
      for (ControlMember m : pkg.controlMembers().values()) {
        if (m.name().equals("control")) {
          continue;
        }
        putFile(builder, INFO_DIR.child(info + "." + m.name()), m.data(), m.mode(), m.mtime());
      }
      if (pkg.controlMember("md5sums").isEmpty()) {
        putFile(builder, INFO_DIR.child(info + ".md5sums"), computedMd5sums(d), 0644, dbTime);
      }
    }
  }

  private static byte[] computedMd5sums(DebData d) throws IOException {
    StringBuilder out = new StringBuilder();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (DataMember m : d.members()) {
      if (m.type() != EntryType.REGULAR && m.type() != EntryType.HARDLINK) {
        continue;
      }
      Entry e = d.tree().resolve(m.path());
      if (e == null || e.type() != EntryType.REGULAR) {
        continue;
      }
      out.setLength(0);
      out.append(md5(e.content())).append("  ");
      bytes.write(out.toString().getBytes(StandardCharsets.US_ASCII));
      bytes.write(m.path().bytes());
      bytes.write('\n');
    }
    return bytes.toByteArray();
  }

  private static void putFile(
      FileTreeBuilder builder, ImagePath path, byte[] bytes, int mode, Timestamp mtime)
      throws TreeConflictException {
    Entry e =
        Entry.builder(EntryType.REGULAR).mode(mode).mtime(mtime).content(bytes(bytes)).build();
    builder.put(path, e);
  }

  private static Content bytes(byte[] data) {
    return Content.ofBytes(data);
  }

  static String md5(Content content) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has MD5", e);
    }
    try (InputStream in = content.open()) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static byte[] readAll(Content content) throws IOException {
    try (InputStream in = content.open()) {
      return in.readAllBytes();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
