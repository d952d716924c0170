/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import dev.jimg.core.CorruptInputException;
import dev.jimg.core.JimgException;
import dev.jimg.core.TreeConflictException;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A list of rules that add entries to a tree and override metadata, in the spirit of genext2fs's
 * device table and mksquashfs's pseudo files: device nodes, fifos and directories without root,
 * owners and modes fixed for whole subtrees, times and extended attributes set. The syntax is
 * described in {@code docs/manifest.md}; in short, one rule per line:
 *
 * <pre>
 * PATH TYPE FIELDS... [mtime=T] [atime=T] [ctime=T] [NAMESPACE.NAME=VALUE]...
 *
 * /dev             d  0755 0 0
 * /dev/console     c  0600 0 5  5 1
 * /usr/**          m  -    0 0
 * /bin             l  -    0 0  usr/bin
 * /usr/bin/ping    m  -    - -  security.capability=0x0100000200200000000000000000000000000000
 * </pre>
 *
 * <p>Parsing is strict: every problem is a {@link ManifestException} naming the manifest, line and
 * column. Rules apply in order, each to the tree the previous ones left.
 *
 * <p>Immutable and thread-safe.
 */
public final class Manifest {
  /** Mode of directories a rule creates when its mode is {@code -}. */
  public static final int DEFAULT_DIRECTORY_MODE = 0755;

  /** Mode of other entries a rule creates when its mode is {@code -}. */
  public static final int DEFAULT_FILE_MODE = 0644;

  private final String name;
  private final List<ManifestRule> rules;

  private Manifest(String name, List<ManifestRule> rules) {
    this.name = name;
    this.rules = List.copyOf(rules);
  }

  /**
   * Reads a manifest file (UTF-8).
   *
   * @throws ManifestException for a malformed rule
   * @throws CorruptInputException if the file is not UTF-8
   */
  public static Manifest parse(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new CorruptInputException(
          file.toString(),
          CorruptInputException.UNKNOWN_OFFSET,
          "a manifest must be UTF-8 text; write other bytes in paths as \\xHH",
          e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses manifest text; {@code name} is used in messages.
   *
   * @throws ManifestException for a malformed rule
   */
  public static Manifest parse(String text, String name) throws ManifestException {
    return new Manifest(name, ManifestParser.parse(text, name));
  }

  /** The manifest's name, as given to {@link #parse}. */
  public String name() {
    return name;
  }

  /** Number of rules. */
  public int size() {
    return rules.size();
  }

  /**
   * Applies the rules to a copy of {@code tree}; entries the rules create get the epoch as their
   * times unless a rule sets them.
   *
   * @throws ManifestException if a rule cannot be applied (a path to modify is missing, a type
   *     differs, a conflict in the tree)
   * @throws TreeConflictException if the resulting tree is inconsistent (a hard link to nothing)
   */
  public FileTree applyTo(FileTree tree) throws JimgException {
    return applyTo(tree, Timestamp.EPOCH);
  }

  /**
   * Applies the rules to a copy of {@code tree}; entries the rules create get {@code newEntryTime}
   * as their mtime unless a rule sets it.
   *
   * @throws ManifestException if a rule cannot be applied
   * @throws TreeConflictException if the resulting tree is inconsistent
   */
  public FileTree applyTo(FileTree tree, Timestamp newEntryTime) throws JimgException {
    FileTreeBuilder b = tree.toBuilder();
    applyTo(b, newEntryTime);
    return b.build();
  }

  /**
   * Applies the rules to a builder, in order.
   *
   * @throws ManifestException if a rule cannot be applied; the builder may then hold the changes of
   *     the rules before it
   */
  public void applyTo(FileTreeBuilder builder, Timestamp newEntryTime) throws ManifestException {
    for (ManifestRule rule : rules) {
      new Application(builder, rule, newEntryTime).run();
    }
  }

  @Override
  public String toString() {
    return name + " (" + rules.size() + " rules)";
  }

  /** One rule applied to one builder. */
  private final class Application {
    private final FileTreeBuilder b;
    private final ManifestRule r;
    private final Timestamp newTime;

    Application(FileTreeBuilder b, ManifestRule r, Timestamp newTime) {
      this.b = b;
      this.r = r;
      this.newTime = newTime;
    }

    void run() throws ManifestException {
      try {
        switch (r.type()) {
          case ManifestRule.MODIFY -> modify();
          case ManifestRule.REMOVE -> remove();
          case ManifestRule.HARDLINK -> hardlink();
          default -> create();
        }
      } catch (TreeConflictException e) {
        throw fail(e.getMessage());
      }
    }

    private void modify() throws ManifestException, TreeConflictException {
      if (!r.path().isGlob()) {
        ImagePath p = b.realPath(r.path().literal());
        if (b.get(p) == null) {
          throw fail(r.path() + " is not in the tree; use a type other than m to add it");
        }
        update(p);
        return;
      }
      List<ImagePath> matches = matches();
      for (ImagePath p : matches) {
        update(p);
      }
    }

    private void remove() throws ManifestException, TreeConflictException {
      if (!r.path().isGlob()) {
        ImagePath p = b.realPath(r.path().literal());
        if (p.isRoot()) {
          throw fail("the root cannot be removed");
        }
        if (b.get(p) == null) {
          throw fail(r.path() + " is not in the tree");
        }
        b.remove(p);
        return;
      }
      for (ImagePath p : matches()) {
        if (!p.isRoot()) {
          b.remove(p);
        }
      }
    }

    private List<ImagePath> matches() throws ManifestException {
      List<ImagePath> out = new ArrayList<>();
      for (ImagePath p : b.entries().keySet()) {
        if (r.path().matches(p)) {
          out.add(p);
        }
      }
      if (out.isEmpty()) {
        throw fail(r.path() + " matches nothing in the tree");
      }
      return out;
    }

    private void hardlink() throws ManifestException, TreeConflictException {
      ImagePath p = b.realPath(r.path().literal());
      if (b.get(p) != null) {
        throw fail(r.path() + " already exists; a hard link must be a new name");
      }
      ImagePath target = b.realPath(r.linkTarget());
      Entry t = b.get(target);
      if (t == null) {
        throw fail("hard link target " + r.linkTarget() + " is not in the tree");
      }
      if (t.type() == EntryType.DIRECTORY) {
        throw fail("hard link target " + r.linkTarget() + " is a directory");
      }
      b.put(p, Entry.hardlink(target));
    }

    private void create() throws ManifestException, TreeConflictException {
      ImagePath p = b.realPath(r.path().literal());
      EntryType type = r.entryType();
      if (b.get(p) != null) {
        ImagePath holder = holder(p);
        Entry old = b.get(holder);
        if (old.type() != type) {
          throw fail(
              r.path()
                  + " is a "
                  + describe(old.type())
                  + " in the tree, not a "
                  + describe(type)
                  + "; remove it first with an r rule");
        }
        if (type == EntryType.DIRECTORY) {
          b.put(holder, change(old.toBuilder(), old.xattrs()));
        } else {
          b.update(holder, e -> change(e.toBuilder(), e.xattrs()));
        }
        return;
      }
      Entry.Builder e =
          Entry.builder(type)
              .mode(type == EntryType.DIRECTORY ? DEFAULT_DIRECTORY_MODE : DEFAULT_FILE_MODE)
              .mtime(newTime);
      if (type == EntryType.REGULAR) {
        e.content(Content.zeros(0));
      }
      if (type == EntryType.SYMLINK) {
        e.mode(0777);
      }
      b.put(p, change(e, List.of()));
    }

    /** The rule's type-specific fields and metadata applied to {@code e}. */
    private Entry change(Entry.Builder e, List<Xattr> currentXattrs) {
      EntryType type = r.entryType();
      if (type.isDevice()) {
        e.device(r.major(), r.minor());
      }
      if (type == EntryType.SYMLINK) {
        e.symlinkTarget(r.symlinkTarget());
      }
      r.applyMetadata(e, currentXattrs);
      return e.build();
    }

    /** The path holding the metadata of the entry at {@code p}: itself unless a hard link. */
    private ImagePath holder(ImagePath p) throws ManifestException {
      ImagePath holder = p;
      for (int hops = 0; b.get(holder).type() == EntryType.HARDLINK; hops++) {
        holder = b.get(holder).hardlinkTarget();
        if (b.get(holder) == null || hops > b.entries().size()) {
          throw fail(p + " is a hard link to " + holder + ", which is not in the tree");
        }
      }
      return holder;
    }

    /** Changes metadata of the entry at {@code p} (of the inode, for a hard link). */
    private void update(ImagePath p) throws ManifestException {
      ImagePath holder = holder(p);
      b.update(
          holder,
          old -> {
            Entry.Builder e = old.toBuilder();
            r.applyMetadata(e, old.xattrs());
            return e.build();
          });
    }

    private ManifestException fail(String problem) {
      return new ManifestException(name, r.line(), r.column(), problem);
    }
  }

  private static String describe(EntryType t) {
    return t.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** Parses manifest text into rules. */
  private static final class ManifestParser {
    private final String name;
    private int lineNo;

    private ManifestParser(String name) {
      this.name = name;
    }

    static List<ManifestRule> parse(String text, String name) throws ManifestException {
      ManifestParser p = new ManifestParser(name);
      List<ManifestRule> out = new ArrayList<>();
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        p.lineNo = i + 1;
        String line = lines[i];
        if (line.endsWith("\r")) {
          line = line.substring(0, line.length() - 1);
        }
        List<Token> tokens = p.tokenize(line);
        if (!tokens.isEmpty()) {
          out.add(p.rule(tokens));
        }
      }
      return out;
    }

    private record Token(String text, int column) {}

    private List<Token> tokenize(String line) throws ManifestException {
      List<Token> out = new ArrayList<>();
      int i = 0;
      while (i < line.length()) {
        char c = line.charAt(i);
        if (c == ' ' || c == '\t') {
          i++;
          continue;
        }
        if (c == '#') {
          break;
        }
        int start = i;
        while (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
          if (Character.isISOControl(line.charAt(i))) {
            throw error(
                i + 1, "control character U+" + hex4(line.charAt(i)) + "; write it as \\xHH");
          }
          i++;
        }
        out.add(new Token(line.substring(start, i), start + 1));
      }
      return out;
    }

    private static String hex4(char c) {
      return String.format(Locale.ROOT, "%04X", (int) c);
    }

    private ManifestRule rule(List<Token> tokens) throws ManifestException {
      Token pathTok = tokens.get(0);
      if (tokens.size() < 2) {
        throw error(
            pathTok.column() + pathTok.text().length(),
            "missing type after the path; one of d f c b p s l h m r");
      }
      Token typeTok = tokens.get(1);
      if (typeTok.text().length() != 1 || "dfcbpslhmr".indexOf(typeTok.text().charAt(0)) < 0) {
        throw error(
            typeTok.column(),
            "unknown type '" + typeTok.text() + "'; expected one of d f c b p s l h m r");
      }
      char type = typeTok.text().charAt(0);
      ManifestPattern path = path(pathTok, type == 'm' || type == 'r');
      List<Token> positional = new ArrayList<>();
      List<Token> options = new ArrayList<>();
      for (Token t : tokens.subList(2, tokens.size())) {
        if (optionEquals(t.text()) > 0) {
          options.add(t);
        } else {
          if (!options.isEmpty()) {
            throw error(t.column(), "field '" + t.text() + "' after key=value options");
          }
          positional.add(t);
        }
      }
      int expected =
          switch (type) {
            case 'c', 'b' -> 5;
            case 'l' -> 4;
            case 'h' -> 1;
            case 'r' -> 0;
            default -> 3;
          };
      if (positional.size() != expected) {
        Token at = positional.size() > expected ? positional.get(expected) : null;
        int col =
            at != null
                ? at.column()
                : tokens.get(tokens.size() - 1).column()
                    + tokens.get(tokens.size() - 1).text().length();
        throw error(col, "type " + type + " takes " + usage(type) + "; got " + positional.size());
      }
      ManifestRule.Builder r = new ManifestRule.Builder(pathTok.column(), lineNo, type, path);
      if (path.literal() != null && path.literal().isRoot() && type != 'd' && type != 'm') {
        throw error(pathTok.column(), "the root is a directory; only d and m rules apply to it");
      }
      if (expected >= 3) {
        r.mode = mode(positional.get(0), type);
        r.uid = id(positional.get(1), "uid");
        r.gid = id(positional.get(2), "gid");
      }
      switch (type) {
        case 'c', 'b' -> {
          r.major = number(positional.get(3), "major");
          r.minor = number(positional.get(4), "minor");
        }
        case 'l' -> {
          byte[] target = unescape(positional.get(3));
          if (target.length == 0) {
            throw error(positional.get(3).column(), "empty symlink target");
          }
          r.symlinkTarget = target;
        }
        case 'h' -> {
          ManifestPattern target = path(positional.get(0), false);
          r.linkTarget = target.literal();
        }
        default -> {}
      }
      if (!options.isEmpty() && (type == 'h' || type == 'r')) {
        throw error(options.get(0).column(), "type " + type + " takes no options");
      }
      for (Token o : options) {
        option(o, r);
      }
      if (type == 'm' && r.changesNothing()) {
        throw error(typeTok.column(), "this m rule changes nothing");
      }
      return r.build();
    }

    private static String usage(char type) {
      return switch (type) {
        case 'c', 'b' -> "MODE UID GID MAJOR MINOR";
        case 'l' -> "MODE UID GID TARGET";
        case 'h' -> "one field, the TARGET path";
        case 'r' -> "no fields";
        default -> "MODE UID GID";
      };
    }

    private ManifestPattern path(Token t, boolean globAllowed) throws ManifestException {
      String s = t.text();
      List<int[]> comps = new ArrayList<>();
      List<Integer> cur = new ArrayList<>();
      boolean curHasEscape = false;
      int i = 0;
      while (i <= s.length()) {
        char c = i < s.length() ? s.charAt(i) : '/';
        if (c == '/') {
          if (!cur.isEmpty()) {
            boolean anyDepth =
                !curHasEscape
                    && cur.size() == 2
                    && cur.get(0) == ManifestPattern.STAR
                    && cur.get(1) == ManifestPattern.STAR;
            boolean dot = cur.size() == 1 && cur.get(0) == '.';
            boolean dotdot = cur.size() == 2 && cur.get(0) == '.' && cur.get(1) == '.';
            if (dotdot) {
              throw error(t.column() + i - 2, "'..' is not allowed in manifest paths");
            }
            if (anyDepth) {
              comps.add(null);
            } else if (!dot) {
              comps.add(cur.stream().mapToInt(Integer::intValue).toArray());
            }
          }
          cur.clear();
          curHasEscape = false;
          i++;
          continue;
        }
        if (c == '\\') {
          int[] consumed = new int[1];
          int b = escape(s, i, t.column(), consumed);
          if (b == 0 || b == '/') {
            throw error(t.column() + i, "a path cannot contain NUL or an escaped '/'");
          }
          cur.add(b);
          curHasEscape = true;
          i += consumed[0];
          continue;
        }
        if (c == '*' || c == '?') {
          if (!globAllowed) {
            throw error(
                t.column() + i,
                "wildcard '" + c + "' is allowed only in m and r rules; escape it as \\" + c);
          }
          cur.add(c == '*' ? ManifestPattern.STAR : ManifestPattern.ONE);
          i++;
          continue;
        }
        for (byte b :
            String.valueOf(Character.toChars(s.codePointAt(i))).getBytes(StandardCharsets.UTF_8)) {
          cur.add(b & 0xFF);
        }
        i += Character.charCount(s.codePointAt(i));
      }
      return ManifestPattern.of(comps, s);
    }

    /** Decodes one escape at {@code s[i]=='\\'}; returns the byte, sets consumed chars. */
    private int escape(String s, int i, int column, int[] consumed) throws ManifestException {
      if (i + 1 >= s.length()) {
        throw error(column + i, "lone backslash at the end of a field");
      }
      char n = s.charAt(i + 1);
      switch (n) {
        case '\\', '*', '?', '#', '=' -> {
          consumed[0] = 2;
          return n;
        }
        case 'x' -> {
          int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
          int lo = i + 3 < s.length() ? Character.digit(s.charAt(i + 3), 16) : -1;
          if (hi < 0 || lo < 0) {
            throw error(column + i, "\\x needs two hex digits");
          }
          consumed[0] = 4;
          return hi * 16 + lo;
        }
        default ->
            throw error(
                column + i, "unknown escape '\\" + n + "'; use \\\\, \\*, \\?, \\#, \\= or \\xHH");
      }
    }

    private byte[] unescape(Token t) throws ManifestException {
      String s = t.text();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      int i = 0;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '\\') {
          int[] consumed = new int[1];
          int b = escape(s, i, t.column(), consumed);
          if (b == 0) {
            throw error(t.column() + i, "NUL byte not allowed");
          }
          out.write(b);
          i += consumed[0];
        } else {
          int cp = s.codePointAt(i);
          byte[] enc = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
          out.write(enc, 0, enc.length);
          i += Character.charCount(cp);
        }
      }
      return out.toByteArray();
    }

    private Integer mode(Token t, char type) throws ManifestException {
      String s = t.text();
      if (s.equals("-")) {
        return null;
      }
      if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '7')) {
        throw error(t.column(), "mode '" + s + "' is not octal like 0755 or 4755, or '-'");
      }
      int m = Integer.parseInt(s, 8);
      if (m > 07777) {
        throw error(t.column(), "mode " + s + " is above 7777 (type bits come from the type)");
      }
      if (type == 'l' && m != 0777) {
        throw error(t.column(), "a symlink's mode is always 0777; write '-'");
      }
      return m;
    }

    private Long id(Token t, String what) throws ManifestException {
      if (t.text().equals("-")) {
        return null;
      }
      return number(t, what);
    }

    private long number(Token t, String what) throws ManifestException {
      String s = t.text();
      if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw error(t.column(), what + " '" + s + "' is not a decimal number 0..4294967295");
      }
      long v = Long.parseLong(s);
      if (v > Entry.MAX_ID) {
        throw error(t.column(), what + " " + s + " is above 4294967295");
      }
      return v;
    }

    /** Index of the first unescaped '=', or -1. */
    private static int optionEquals(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '\\') {
          i++;
        } else if (c == '=') {
          return i;
        }
      }
      return -1;
    }

    private void option(Token t, ManifestRule.Builder r) throws ManifestException {
      String s = t.text();
      int eq = optionEquals(s);
      String key = s.substring(0, eq);
      String value = s.substring(eq + 1);
      int valueColumn = t.column() + eq + 1;
      switch (key) {
        case "mtime", "atime", "ctime" -> {
          Timestamp ts = time(value, valueColumn, key);
          Timestamp prev =
              switch (key) {
                case "mtime" -> r.mtime;
                case "atime" -> r.atime;
                default -> r.ctime;
              };
          if (prev != null) {
            throw error(t.column(), key + " given twice");
          }
          switch (key) {
            case "mtime" -> r.mtime = ts;
            case "atime" -> r.atime = ts;
            default -> r.ctime = ts;
          }
        }
        default -> {
          if (!(key.startsWith("user.")
                  || key.startsWith("security.")
                  || key.startsWith("trusted.")
                  || key.startsWith("system."))
              || key.indexOf('.') == key.length() - 1) {
            throw error(
                t.column(),
                "unknown option '"
                    + key
                    + "'; expected mtime, atime, ctime or an xattr name such as user.NAME or"
                    + " security.NAME");
          }
          if (r.xattrs.containsKey(key)) {
            throw error(t.column(), "xattr " + key + " given twice");
          }
          r.xattrs.put(key, xattrValue(value, valueColumn, key));
        }
      }
    }

    private byte[] xattrValue(String v, int column, String key) throws ManifestException {
      if (v.equals("-")) {
        return null;
      }
      if (v.startsWith("0x")) {
        String hex = v.substring(2);
        if (hex.length() % 2 != 0) {
          throw error(column, key + ": hex value has an odd number of digits");
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
          int hi = Character.digit(hex.charAt(2 * i), 16);
          int lo = Character.digit(hex.charAt(2 * i + 1), 16);
          if (hi < 0 || lo < 0) {
            throw error(column + 2 + 2 * i, key + ": not a hex digit in the value");
          }
          out[i] = (byte) (hi * 16 + lo);
        }
        return out;
      }
      if (v.startsWith("base64:")) {
        try {
          return Base64.getDecoder().decode(v.substring(7));
        } catch (IllegalArgumentException e) {
          throw error(column + 7, key + ": not valid base64 (" + e.getMessage() + ")");
        }
      }
      throw error(column, key + ": value must be 0xHEX, base64:DATA, or - to remove");
    }

    private Timestamp time(String v, int column, String key) throws ManifestException {
      if (v.indexOf('T') > 0) {
        try {
          return Timestamp.of(Instant.parse(v));
        } catch (DateTimeException e) {
          throw error(
              column, key + ": '" + v + "' is not an ISO-8601 time like 2024-01-31T12:00:00Z");
        }
      }
      int dot = v.indexOf('.');
      String secs = dot < 0 ? v : v.substring(0, dot);
      String frac = dot < 0 ? "" : v.substring(dot + 1);
      boolean neg = secs.startsWith("-");
      String digits = neg ? secs.substring(1) : secs;
      if (digits.isEmpty()
          || digits.length() > 18
          || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
          || frac.length() > 9
          || (dot >= 0 && frac.isEmpty())
          || !frac.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw error(
            column,
            key
                + ": '"
                + v
                + "' is not seconds since the epoch (up to 9 decimals) or an ISO-8601 time");
      }
      long s = Long.parseLong(digits);
      int nanos = frac.isEmpty() ? 0 : Integer.parseInt((frac + "000000000").substring(0, 9));
      if (neg) {
        // -1.25 means a quarter second before -1 + ... : -1.25 s = -2 s + 0.75 s
        s = -s;
        if (nanos != 0) {
          s -= 1;
          nanos = 1_000_000_000 - nanos;
        }
      }
      return new Timestamp(s, nanos);
    }

    private ManifestException error(int column, String problem) {
      return new ManifestException(name, lineNo, column, problem);
    }
  }
}
