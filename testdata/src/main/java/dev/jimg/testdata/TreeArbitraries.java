/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import dev.jimg.core.TreeConflictException;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.Extent;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of random {@link FileTree}s shaped by a {@link TreeSpec}: all entry types, odd
 * names (invalid UTF-8, spaces, newlines, characters beyond the BMP, 255-byte names, names that
 * sort next to {@code /}), file sizes around block boundaries, sparse files, hard links, xattrs,
 * extreme times and large owners.
 *
 * <p>A tree is assembled from a list of independent entry drafts by a total function (a draft that
 * does not fit, such as a duplicate name or a hard link with nothing to link to, is dropped), so
 * every generated and every shrunk value is a valid tree, and shrinking removes entries and
 * simplifies the rest. Contents are {@link SeededContent}: nothing is held in memory.
 *
 * <pre>{@code
 * @Property(tries = 50)
 * void roundTrip(@ForAll("trees") FileTree tree) { ... }
 *
 * @Provide
 * Arbitrary<FileTree> trees() {
 *   return TreeArbitraries.trees(TreeSpec.squashfs());
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class TreeArbitraries {
  /** File sizes generated often: around sector, block and page boundaries. */
  public static final List<Long> BOUNDARY_SIZES =
      List.of(
          0L,
          1L,
          2L,
          59L,
          60L,
          61L,
          511L,
          512L,
          513L,
          1023L,
          1024L,
          1025L,
          2047L,
          2048L,
          4095L,
          4096L,
          4097L,
          8191L,
          8192L,
          32767L,
          32768L,
          65535L,
          65536L,
          65537L,
          131072L,
          131073L,
          (1L << 20) - 1,
          1L << 20,
          (1L << 20) + 1);

  /** Interesting mtimes (seconds), used when inside the spec's range. */
  public static final List<Long> EXTREME_SECONDS =
      List.of(
          -(1L << 31),
          -86_400L * 365 * 30,
          -1L,
          0L,
          1L,
          315_532_800L,
          946_684_800L,
          1_700_000_000L,
          (1L << 31) - 1,
          1L << 31,
          0xFFFF_FFFFL,
          1L << 32,
          4_354_819_198L,
          (1L << 34) - (1L << 31) - 1);

  private static final List<Long> IDS =
      List.of(1L, 2L, 1000L, 65534L, 65535L, 65536L, 100_000L, 1L << 31, 0xFFFF_FFFEL);

  private static final byte[] CAP_NET_RAW_EFFECTIVE =
      hex("0100000200200000000000000000000000000000");
  private static final byte[] CAP_NET_BIND_SERVICE =
      hex("0000000200040000000000000000000000000000");

  private TreeArbitraries() {}

  /** Trees with {@link TreeSpec#builder() default} limits. */
  public static Arbitrary<FileTree> trees() {
    return trees(TreeSpec.builder().build());
  }

  /** Trees within {@code spec}. */
  public static Arbitrary<FileTree> trees(TreeSpec spec) {
    List<EntryType> types = new ArrayList<>();
    for (EntryType t : EntryType.values()) {
      if (spec.types().contains(t)) {
        types.add(t);
      }
    }
    Arbitrary<Meta> rootMeta = meta(spec);
    if (types.isEmpty() || spec.maxDepth() == 0 || spec.maxEntries() == 0) {
      return rootMeta.map(m -> assemble(spec, m, List.of()));
    }
    Arbitrary<Payload> payload =
        Combinators.combine(
                sizes(spec),
                spec.sparse() ? Arbitraries.of(Holes.class) : Arbitraries.just(Holes.NONE),
                Arbitraries.of(SeededContent.Fill.class),
                Arbitraries.longs(),
                symlinkTargets(spec),
                Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.of(0L, 1L, 8L, 259L, TreeSpec.MAX_MAJOR)),
                    Tuple.of(1, Arbitraries.longs().between(0, TreeSpec.MAX_MAJOR))),
                Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.of(0L, 3L, 255L, 256L, TreeSpec.MAX_MINOR)),
                    Tuple.of(1, Arbitraries.longs().between(0, TreeSpec.MAX_MINOR))),
                Arbitraries.integers().between(0, 1 << 16))
            .as(Payload::new);
    Arbitrary<Draft> draft =
        Combinators.combine(
                Arbitraries.integers().between(0, 1 << 16),
                names(spec),
                Arbitraries.of(types),
                meta(spec),
                payload)
            .as(Draft::new);
    return Combinators.combine(rootMeta, draft.list().ofMaxSize(spec.maxEntries()))
        .as((root, drafts) -> assemble(spec, root, drafts));
  }

  /** File names allowed by {@code spec}: never empty, {@code .}, {@code ..}, or with / or NUL. */
  public static Arbitrary<byte[]> names(TreeSpec spec) {
    List<byte[]> pool = new ArrayList<>();
    for (byte[] n : interestingNames()) {
      if (nameOk(spec, n)) {
        pool.add(n);
      }
    }
    Arbitrary<byte[]> random =
        Arbitraries.frequencyOf(
                Tuple.of(8, nameChars(spec, 1, 12)),
                Tuple.of(1, nameChars(spec, 1, Math.max(1, spec.maxNameBytes() / 4))))
            .filter(n -> nameOk(spec, n));
    if (pool.isEmpty()) {
      return random;
    }
    return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of(pool)), Tuple.of(3, random));
  }

  /** Modification times within the spec's range, extremes often. */
  public static Arbitrary<Timestamp> times(TreeSpec spec) {
    Timestamp min = spec.minTime();
    Timestamp max = spec.maxTime();
    if (!spec.times()) {
      return Arbitraries.just(min);
    }
    List<Long> extremes = new ArrayList<>();
    for (long s : EXTREME_SECONDS) {
      if (s >= min.seconds() && s <= max.seconds()) {
        extremes.add(s);
      }
    }
    extremes.add(min.seconds());
    extremes.add(max.seconds());
    Arbitrary<Long> seconds =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.of(extremes)),
            Tuple.of(2, Arbitraries.longs().between(min.seconds(), max.seconds())));
    Arbitrary<Integer> nanos =
        spec.nanos()
            ? Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(0, 1, 500_000_000, 999_999_999)),
                Tuple.of(3, Arbitraries.integers().between(0, 999_999_999)))
            : Arbitraries.just(0);
    return Combinators.combine(seconds, nanos)
        .as(
            (s, n) -> {
              boolean atEnd = s == min.seconds() || s == max.seconds();
              Timestamp t = new Timestamp(s, atEnd ? 0 : n);
              if (t.compareTo(min) < 0) {
                return min;
              }
              return t.compareTo(max) > 0 ? max : t;
            });
  }

  /** File contents within the spec's size limit: seeded, lazily generated, sometimes sparse. */
  public static Arbitrary<Content> contents(TreeSpec spec) {
    return Combinators.combine(
            sizes(spec),
            spec.sparse() ? Arbitraries.of(Holes.class) : Arbitraries.just(Holes.NONE),
            Arbitraries.of(SeededContent.Fill.class),
            Arbitraries.longs())
        .as((size, holes, fill, seed) -> content(size, holes, fill, seed));
  }

  /** File sizes up to the spec's maximum, block boundaries often. */
  public static Arbitrary<Long> sizes(TreeSpec spec) {
    long max = spec.maxFileSize();
    List<Long> boundaries = new ArrayList<>();
    for (long s : BOUNDARY_SIZES) {
      if (s <= max) {
        boundaries.add(s);
      }
    }
    boundaries.add(max);
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(boundaries)),
        Tuple.of(3, Arbitraries.longs().between(0, Math.min(max, 8192))),
        Tuple.of(1, Arbitraries.longs().between(0, max)));
  }

  // ---------------------------------------------------------------- internals

  private enum Holes {
    NONE,
    ALL,
    START,
    END,
    MIDDLE,
    MANY
  }

  private record Meta(int mode, long uid, long gid, Timestamp mtime, List<Xattr> xattrs) {}

  private record Payload(
      long size,
      Holes holes,
      SeededContent.Fill fill,
      long seed,
      byte[] target,
      long major,
      long minor,
      int linkPick) {}

  private record Draft(int parentPick, byte[] name, EntryType type, Meta meta, Payload payload) {}

  private static Arbitrary<Meta> meta(TreeSpec spec) {
    Arbitrary<Integer> mode =
        spec.modes()
            ? Arbitraries.frequencyOf(
                Tuple.of(
                    4,
                    Arbitraries.of(
                        0644, 0755, 0600, 0700, 04755, 02755, 01777, 0444, 0555, 07777, 0)),
                Tuple.of(1, Arbitraries.integers().between(0, 07777)))
            : Arbitraries.just(-1);
    Arbitrary<Long> id =
        spec.owners()
            ? Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(0L)),
                Tuple.of(3, Arbitraries.of(IDS).filter(i -> i <= spec.maxId())),
                Tuple.of(1, Arbitraries.longs().between(0, spec.maxId())))
            : Arbitraries.just(0L);
    Arbitrary<List<Xattr>> xattrs =
        spec.xattrs()
            ? Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(List.<Xattr>of())),
                Tuple.of(1, xattr().list().ofMinSize(1).ofMaxSize(3)))
            : Arbitraries.just(List.of());
    return Combinators.combine(mode, id, id, times(spec), xattrs).as(Meta::new);
  }

  private static Arbitrary<Xattr> xattr() {
    Arbitrary<String> name =
        Arbitraries.of(
            "user.a",
            "user.mime_type",
            "user." + "x".repeat(250),
            "trusted.a",
            "trusted.overlay.opaque",
            "security.capability");
    Arbitrary<byte[]> value =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(new byte[0])),
            Tuple.of(6, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(32)),
            Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(100).ofMaxSize(254)));
    Arbitrary<byte[]> cap = Arbitraries.of(CAP_NET_RAW_EFFECTIVE, CAP_NET_BIND_SERVICE);
    return name.flatMap(
        n -> (n.equals("security.capability") ? cap : value).map(v -> new Xattr(n, v)));
  }

  private static Arbitrary<byte[]> symlinkTargets(TreeSpec spec) {
    int max = spec.maxSymlinkBytes();
    List<byte[]> pool = new ArrayList<>();
    for (String s :
        List.of("a", "../a", "/etc/passwd", "dangling/nowhere", ".", "..", "./x/../y", "a b")) {
      pool.add(s.getBytes(StandardCharsets.UTF_8));
    }
    for (int len : new int[] {59, 60, 61, 255, 256, 1024, 4095}) {
      pool.add("t".repeat(len).getBytes(StandardCharsets.US_ASCII));
    }
    if (spec.names() == TreeSpec.Names.BYTES) {
      pool.add(new byte[] {(byte) 0xff, 'x', '\n', (byte) 0x80});
    }
    if (spec.names() != TreeSpec.Names.PORTABLE) {
      pool.add("日本/😀".getBytes(StandardCharsets.UTF_8));
    }
    pool.removeIf(t -> t.length > max);
    Arbitrary<byte[]> random =
        names(spec)
            .list()
            .ofMinSize(1)
            .ofMaxSize(4)
            .map(parts -> join(parts))
            .filter(t -> t.length > 0 && t.length <= max);
    return pool.isEmpty()
        ? random
        : Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(pool)), Tuple.of(1, random));
  }

  private static byte[] join(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        out.write('/');
      }
      out.writeBytes(parts.get(i));
    }
    return out.toByteArray();
  }

  private static final String PORTABLE =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

  private static Arbitrary<byte[]> nameChars(TreeSpec spec, int minChars, int maxChars) {
    Arbitrary<Integer> cp =
        switch (spec.names()) {
          case PORTABLE -> Arbitraries.of(codePoints(PORTABLE));
          case UTF8 ->
              Arbitraries.frequencyOf(
                  Tuple.of(4, Arbitraries.of(codePoints(PORTABLE + " "))),
                  Tuple.of(1, Arbitraries.of(codePoints("éßΩж日本€\u00a0😀𝄞"))));
          case BYTES ->
              Arbitraries.frequencyOf(
                  Tuple.of(4, Arbitraries.of(codePoints(PORTABLE + " "))),
                  Tuple.of(1, Arbitraries.integers().between(-254, -1)));
        };
    return cp.list()
        .ofMinSize(minChars)
        .ofMaxSize(maxChars)
        .map(
            cps -> {
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              for (int c : cps) {
                if (c < 0) {
                  int b = -c;
                  out.write(b >= '/' ? b + 1 : b);
                } else {
                  out.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
                }
              }
              return out.toByteArray();
            });
  }

  private static List<Integer> codePoints(String s) {
    return s.codePoints().boxed().toList();
  }

  private static List<byte[]> interestingNames() {
    List<byte[]> out = new ArrayList<>();
    for (String s :
        List.of(
            "a",
            "a-",
            "a.",
            "a0",
            "a.b",
            "a-b",
            "A",
            "-",
            "_",
            ".hidden",
            "..a",
            "...",
            " ",
            "with space",
            "trailing ",
            " leading",
            "é",
            "e\u0301",
            "日本語",
            "😀",
            "𝄞 clef",
            "\u00ff",
            "a\nb",
            "tab\there",
            "back\\slash",
            "quote'",
            "dq\"",
            "$HOME",
            "*",
            "?",
            "x".repeat(255),
            "€".repeat(85),
            "😀".repeat(63))) {
      out.add(s.getBytes(StandardCharsets.UTF_8));
    }
    out.add(new byte[] {(byte) 0xff});
    out.add(new byte[] {(byte) 0x80, 'A'});
    out.add(new byte[] {'a', (byte) 0xc3});
    out.add(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80});
    out.add(new byte[] {(byte) 0xfe, (byte) 0xff, 'z'});
    return out;
  }

  private static boolean nameOk(TreeSpec spec, byte[] n) {
    if (n.length == 0
        || Arrays.equals(n, new byte[] {'.'})
        || Arrays.equals(n, new byte[] {'.', '.'})) {
      return false;
    }
    for (byte b : n) {
      if (b == 0 || b == '/') {
        return false;
      }
    }
    switch (spec.names()) {
      case PORTABLE -> {
        for (byte b : n) {
          if (PORTABLE.indexOf(b & 0xFF) < 0 || b < 0) {
            return false;
          }
        }
      }
      case UTF8 -> {
        if (!validUtf8WithoutControls(n)) {
          return false;
        }
      }
      case BYTES -> {}
    }
    return spec.acceptsName(n);
  }

  private static boolean validUtf8WithoutControls(byte[] n) {
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(n)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
    return s.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
  }

  private static Content content(long size, Holes holes, SeededContent.Fill fill, long seed) {
    long unit = size >= 16384 ? 4096 : size >= 2048 ? 512 : 1;
    List<long[]> ranges = new ArrayList<>();
    switch (holes) {
      case NONE -> ranges.add(new long[] {0, size});
      case ALL -> {}
      case START -> ranges.add(new long[] {up(size / 2, unit), size});
      case END -> ranges.add(new long[] {0, down(size / 2, unit)});
      case MIDDLE -> {
        ranges.add(new long[] {0, down(size / 3, unit)});
        ranges.add(new long[] {up(2 * size / 3, unit), size});
      }
      case MANY -> {
        long stride = Math.max(2 * unit, up(Math.max(1, size / 8), unit));
        for (long off = 0; off < size; off += stride) {
          ranges.add(new long[] {off, Math.min(size, off + Math.max(1, down(stride / 2, unit)))});
        }
      }
    }
    List<Extent> extents = new ArrayList<>();
    long lastEnd = -1;
    for (long[] r : ranges) {
      long start = Math.max(r[0], 0);
      long end = Math.min(r[1], size);
      if (end <= start) {
        continue;
      }
      if (start <= lastEnd) {
        Extent prev = extents.remove(extents.size() - 1);
        start = prev.offset();
        end = Math.max(end, prev.end());
      }
      extents.add(new Extent(start, end - start));
      lastEnd = end;
    }
    return SeededContent.sparse(size, seed, fill, extents);
  }

  private static long up(long v, long unit) {
    return (v + unit - 1) / unit * unit;
  }

  private static long down(long v, long unit) {
    return v / unit * unit;
  }

  private static FileTree assemble(TreeSpec spec, Meta rootMeta, List<Draft> drafts) {
    FileTreeBuilder b = new FileTreeBuilder();
    try {
      b.put(ImagePath.ROOT, entry(spec, EntryType.DIRECTORY, rootMeta).build());
      List<ImagePath> dirs = new ArrayList<>(List.of(ImagePath.ROOT));
      List<ImagePath> linkable = new ArrayList<>();
      Map<ImagePath, Set<String>> taken = new HashMap<>();
      for (Draft d : drafts) {
        ImagePath parent = dirs.get(d.parentPick() % dirs.size());
        if (parent.depth() >= spec.maxDepth()) {
          parent = ImagePath.ROOT;
        }
        String key =
            spec.caseInsensitive()
                ? new String(d.name(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT)
                : new String(d.name(), StandardCharsets.ISO_8859_1);
        if (!taken.computeIfAbsent(parent, k -> new HashSet<>()).add(key)) {
          continue;
        }
        ImagePath path = parent.child(d.name());
        Payload p = d.payload();
        Entry e;
        switch (d.type()) {
          case HARDLINK -> {
            if (linkable.isEmpty()) {
              continue;
            }
            e = Entry.hardlink(linkable.get(p.linkPick() % linkable.size()));
          }
          case REGULAR ->
              e =
                  entry(spec, d.type(), d.meta())
                      .content(content(p.size(), p.holes(), p.fill(), p.seed()))
                      .build();
          case SYMLINK -> e = entry(spec, d.type(), d.meta()).symlinkTarget(p.target()).build();
          case CHAR_DEVICE, BLOCK_DEVICE ->
              e = entry(spec, d.type(), d.meta()).device(p.major(), p.minor()).build();
          default -> e = entry(spec, d.type(), d.meta()).build();
        }
        b.put(path, e);
        if (d.type() == EntryType.DIRECTORY) {
          dirs.add(path);
        } else if (d.type() != EntryType.HARDLINK) {
          linkable.add(path);
        }
      }
      return b.build();
    } catch (TreeConflictException e) {
      throw new IllegalStateException(
          "generator produced a conflicting tree: " + e.getMessage(), e);
    }
  }

  private static Entry.Builder entry(TreeSpec spec, EntryType type, Meta m) {
    int mode;
    if (type == EntryType.SYMLINK) {
      mode = 0777;
    } else if (m.mode() < 0) {
      mode = type == EntryType.DIRECTORY ? 0755 : 0644;
    } else {
      mode = m.mode();
    }
    Entry.Builder b = Entry.builder(type).mode(mode).uid(m.uid()).gid(m.gid()).mtime(m.mtime());
    for (Xattr x : m.xattrs()) {
      boolean user = x.name().startsWith("user.");
      boolean cap = x.name().equals("security.capability");
      boolean ok =
          cap
              ? type == EntryType.REGULAR
              : !user || type == EntryType.REGULAR || type == EntryType.DIRECTORY;
      if (ok) {
        b.xattr(x.name(), x.value());
      }
    }
    return b;
  }

  private static byte[] hex(String s) {
    return java.util.HexFormat.of().parseHex(s);
  }
}
