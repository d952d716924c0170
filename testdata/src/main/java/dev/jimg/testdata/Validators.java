/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.testdata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * The validator harness: finds the real tools that judge our images and runs them with the rule
 * "warnings are failures" (see VALIDATION.md).
 *
 * <p>A test states what it needs with {@link #require(Tool)} or {@link #requireLoopMount()}. When
 * the host lacks it the test is skipped through a JUnit assumption whose message says what to
 * install; when the environment variable {@value #REQUIRE_ENV} is {@code 1} (or the system property
 * {@code jimg.requireValidators} is {@code true}), as in CI, it fails instead.
 *
 * <p>The judges ({@link #e2fsckClean}, {@link #fsckFatClean}, {@link #sgdiskClean}, ...) call
 * {@code require} themselves, run the tool and throw {@link AssertionError} with the tool's full
 * output on any exit code or output line that is not the tool's normal, clean output.
 *
 * <p>Thread-safe; tool lookups and the loop-mount probe are done once per JVM.
 */
public final class Validators {
  /** Environment variable that turns missing validators from skips into failures. */
  public static final String REQUIRE_ENV = "JIMG_REQUIRE_VALIDATORS";

  private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");
  private static final Map<Tool, Optional<Path>> FOUND = new EnumMap<>(Tool.class);
  private static String loopProblem;
  private static boolean loopProbed;
  private static Boolean root;

  private Validators() {}

  /** The tool's executable, if the host has it (searched on PATH, then in the sbin directories). */
  public static synchronized Optional<Path> find(Tool tool) {
    return FOUND.computeIfAbsent(tool, Validators::search);
  }

  private static Optional<Path> search(Tool tool) {
    List<String> dirs = new ArrayList<>(List.of(HostEnvironment.path().split(":")));
    dirs.addAll(EXTRA_DIRS);
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, tool.command());
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Whether the host has the tool. */
  public static boolean isAvailable(Tool tool) {
    return find(tool).isPresent();
  }

  /** Whether missing validators fail tests instead of skipping them ({@value #REQUIRE_ENV}=1). */
  public static boolean strict() {
    return HostEnvironment.requireValidators();
  }

  /**
   * The tool's executable; skips the calling test (or fails it in strict mode) when it is missing.
   */
  public static Path require(Tool tool) {
    Optional<Path> p = find(tool);
    if (p.isEmpty()) {
      unavailable(tool.missingMessage());
    }
    return p.orElseThrow();
  }

  /** {@link #require(Tool)} for each tool. */
  public static void require(Tool... tools) {
    for (Tool t : tools) {
      require(t);
    }
  }

  /**
   * The file an environment variable names (a test corpus, such as a Debian rootfs tar that {@code
   * .ci/run} builds); skips the calling test (fails it in strict mode) when the variable is unset
   * or the file is missing.
   *
   * @param howToMake what makes the file, for the message
   */
  public static Path requireEnvFile(String variable, String howToMake) {
    String value = HostEnvironment.variable(variable);
    if (value == null || value.isBlank() || !java.nio.file.Files.exists(Path.of(value))) {
      unavailable(
          variable
              + (value == null || value.isBlank() ? " is not set" : "=" + value + " does not exist")
              + "; "
              + howToMake);
    }
    return Path.of(value);
  }

  /**
   * Skips the calling test (fails it in strict mode) unless this host can loop-mount images
   * read-only: root, {@code mount}, loop devices and a kernel that mounts a small ext2 image.
   */
  public static void requireLoopMount() {
    String problem = loopMountProblem();
    if (problem != null) {
      unavailable("loop mounting does not work here: " + problem);
    }
  }

  /** Whether this JVM runs as root (asked once). */
  public static synchronized boolean isRoot() {
    if (root == null) {
      Exec.Result id = Exec.run("id", "-u");
      root = id.ok() && id.text().trim().equals("0");
    }
    return root;
  }

  /**
   * Skips the calling test (fails it in strict mode) unless it runs as root, which owners, device
   * nodes, trusted.* xattrs and mounts need.
   */
  public static void requireRoot() {
    if (!isRoot()) {
      unavailable("needs root (owners, device nodes, trusted.* xattrs)");
    }
  }

  /** Whether {@code mount -o loop,ro} works on this host (probed once). */
  public static boolean loopMountWorks() {
    return loopMountProblem() == null;
  }

  private static synchronized String loopMountProblem() {
    if (!loopProbed) {
      loopProblem = probeLoopMount();
      loopProbed = true;
    }
    return loopProblem;
  }

  private static String probeLoopMount() {
    for (Tool t : List.of(Tool.MOUNT, Tool.UMOUNT, Tool.LOSETUP)) {
      if (!isAvailable(t)) {
        return t.missingMessage();
      }
    }
    if (!isRoot()) {
      return "not running as root";
    }
    if (!isAvailable(Tool.MKE2FS)) {
      Exec.Result free = Exec.run(find(Tool.LOSETUP).orElseThrow().toString(), "--find");
      return free.ok() ? null : "no free loop device: " + free.text().trim();
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory("jimg-loop-probe");
      Path img = dir.resolve("probe.img");
      Path mnt = Files.createDirectory(dir.resolve("mnt"));
      Exec.Result mk =
          Exec.run(
              find(Tool.MKE2FS).orElseThrow().toString(),
              "-q",
              "-F",
              "-t",
              "ext2",
              img.toString(),
              "256");
      if (!mk.ok()) {
        return "mke2fs for the probe failed: " + mk.text().trim();
      }
      Exec.Result m = Exec.run("mount", "-o", "loop,ro", img.toString(), mnt.toString());
      if (!m.ok()) {
        return "mount -o loop,ro failed: " + m.text().trim();
      }
      Exec.run("umount", mnt.toString()).requireOk();
      return null;
    } catch (IOException e) {
      return "probe failed: " + e;
    } finally {
      if (dir != null) {
        deleteQuietly(dir);
      }
    }
  }

  static void deleteQuietly(Path dir) {
    Exec.run("rm", "-rf", "--one-file-system", "--", dir.toString());
  }

  static void unavailable(String message) {
    if (strict()) {
      throw new AssertionFailedError(message + " (" + REQUIRE_ENV + "=1 makes this a failure)");
    }
    Assumptions.abort(message);
  }

  // ---------------------------------------------------------------- judges

  private static final List<Pattern> E2FSCK_CLEAN =
      List.of(
          Pattern.compile("e2fsck \\d+\\.\\d+.*"),
          Pattern.compile("Pass 1: Checking inodes, blocks, and sizes"),
          Pattern.compile("Pass 2: Checking directory structure"),
          Pattern.compile("Pass 3: Checking directory connectivity"),
          Pattern.compile("Pass 4: Checking reference counts"),
          Pattern.compile("Pass 5: Checking group summary information"),
          Pattern.compile(".+: \\d+/\\d+ files \\([0-9.]+% non-contiguous\\), \\d+/\\d+ blocks"));

  /**
   * Asserts {@code e2fsck -fn IMG} finds nothing: exit 0 and no line other than the version, the
   * five pass headers and the summary.
   */
  public static Exec.Result e2fsckClean(Path image) {
    Path tool = require(Tool.E2FSCK);
    return judge(Exec.run(tool.toString(), "-fn", image.toString()), E2FSCK_CLEAN, List.of());
  }

  private static final List<Pattern> FSCK_FAT_CLEAN =
      List.of(
          Pattern.compile("fsck\\.fat \\d+\\.\\d+.*"),
          Pattern.compile("Checking we can access the last sector of the filesystem"),
          Pattern.compile("Boot sector contents:"),
          Pattern.compile("System ID \".*\""),
          Pattern.compile("Media byte 0x[0-9a-f]{2} \\(.*\\)"),
          Pattern.compile(" *\\d+ bytes per logical sector"),
          Pattern.compile(" *\\d+ bytes per cluster"),
          Pattern.compile(" *\\d+ reserved sectors?"),
          Pattern.compile("First FAT starts at byte \\d+ \\(sector \\d+\\)"),
          Pattern.compile(" *\\d+ FATs, \\d+ bit entries"),
          Pattern.compile(" *\\d+ bytes per FAT \\(= \\d+ sectors\\)"),
          Pattern.compile("Root directory starts at byte \\d+ \\(sector \\d+\\)"),
          Pattern.compile("Root directory start at cluster \\d+ \\(arbitrary size\\)"),
          Pattern.compile(" *\\d+ root directory entries"),
          Pattern.compile("Data area starts at byte \\d+ \\(sector \\d+\\)"),
          Pattern.compile(" *\\d+ data clusters \\(\\d+ bytes\\)"),
          Pattern.compile("\\d+ sectors/track, \\d+ heads"),
          Pattern.compile(" *\\d+ hidden sectors"),
          Pattern.compile(" *\\d+ sectors total"),
          Pattern.compile("Checking for unused clusters\\."),
          Pattern.compile("Checking free cluster summary\\."),
          Pattern.compile(".+: \\d+ files, \\d+/\\d+ clusters"));

  /**
   * Asserts {@code fsck.fat -n -v IMG} finds nothing: exit 0 and only the informational lines of a
   * clean verbose run (boot sector fields, the check phases, the summary); any warning fails.
   */
  public static Exec.Result fsckFatClean(Path image) {
    Path tool = require(Tool.FSCK_FAT);
    return judge(
        Exec.run(tool.toString(), "-n", "-v", image.toString()), FSCK_FAT_CLEAN, List.of());
  }

  private static final List<Pattern> SGDISK_CLEAN =
      List.of(
          Pattern.compile("No problems found\\. \\d+ free sectors \\(.*\\) available in \\d+"),
          Pattern.compile("segments, the largest of which is \\d+ \\(.*\\) in size\\."));

  /** Asserts {@code sgdisk -v IMG} says "No problems found" and nothing else. */
  public static Exec.Result sgdiskClean(Path image) {
    Path tool = require(Tool.SGDISK);
    return judge(
        Exec.run(tool.toString(), "-v", image.toString()),
        SGDISK_CLEAN,
        List.of(Pattern.compile("No problems found\\..*")));
  }

  /**
   * {@code unsquashfs -lln IMG}: the long listing, one line per entry (paths prefixed {@code
   * squashfs-root}; a name with a newline spans two lines), after asserting exit 0 and that
   * unsquashfs wrote nothing to stderr (no warnings).
   */
  public static List<String> unsquashfsList(Path image) {
    Path tool = require(Tool.UNSQUASHFS);
    Exec.Result stderrOnly =
        Exec.run(
            "sh", "-c", "exec \"$0\" -lln \"$1\" >/dev/null", tool.toString(), image.toString());
    judge(stderrOnly, List.of(), List.of());
    Exec.Result r = Exec.run(tool.toString(), "-lln", image.toString()).requireOk();
    return r.lines();
  }

  private static final List<Pattern> UNSQUASHFS_EXTRACT_CLEAN =
      List.of(
          Pattern.compile("Parallel unsquashfs: Using \\d+ processors?"),
          Pattern.compile("\\d+ inodes \\(\\d+ blocks?\\) to write"),
          Pattern.compile(
              "created \\d+ (files?|directory|directories|symlinks?|devices?|fifos?"
                  + "|sockets?|hardlinks?)"));

  /**
   * Extracts the image with {@code unsquashfs -no-progress -d DIR IMG} (as root: owners, devices
   * and xattrs too), asserting exit 0 and no warning. {@code dir} must not exist yet.
   */
  public static Exec.Result unsquashfsExtract(Path image, Path dir) {
    Path tool = require(Tool.UNSQUASHFS);
    return judge(
        Exec.run(tool.toString(), "-no-progress", "-d", dir.toString(), image.toString()),
        UNSQUASHFS_EXTRACT_CLEAN,
        List.of());
  }

  /** {@code unsquashfs -s IMG}: the superblock report, after asserting exit 0. */
  public static String unsquashfsSuperblock(Path image) {
    Path tool = require(Tool.UNSQUASHFS);
    return Exec.run(tool.toString(), "-s", image.toString()).requireOk().text();
  }

  private static final Pattern KEY_VALUE = Pattern.compile("([^:]+):\\s*(.*)");

  /**
   * {@code dumpe2fs -h IMG} as a map from field name ("Block size", "Filesystem features") to its
   * value, in output order; asserts exit 0.
   */
  public static Map<String, String> dumpe2fsHeader(Path image) {
    Path tool = require(Tool.DUMPE2FS);
    Exec.Result r = Exec.run(tool.toString(), "-h", image.toString()).requireOk();
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : r.lines()) {
      Matcher m = KEY_VALUE.matcher(line);
      if (m.matches() && !line.startsWith("dumpe2fs ")) {
        out.putIfAbsent(m.group(1).trim(), m.group(2).trim());
      }
    }
    return out;
  }

  /**
   * {@code debugfs -R REQUEST IMG} (read-only), for example {@code "stat /usr/bin/ping"}; returns
   * the output without debugfs' version banner. Asserts exit 0.
   */
  public static String debugfs(Path image, String request) {
    Path tool = require(Tool.DEBUGFS);
    Exec.Result r = Exec.run(tool.toString(), "-R", request, image.toString()).requireOk();
    StringBuilder sb = new StringBuilder();
    for (String line : r.lines()) {
      if (!line.startsWith("debugfs ")) {
        sb.append(line).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * {@code mdir -i IMG -/ -a ::}: the recursive listing with long names (hidden files too); asserts
   * exit 0.
   */
  public static List<String> mdirList(Path image) {
    Path tool = require(Tool.MDIR);
    return Exec.run(tool.toString(), "-i", image.toString(), "-/", "-a", "::").requireOk().lines();
  }

  /** Copies {@code ::/path} out of a FAT image with {@code mcopy -n -i IMG}; asserts exit 0. */
  public static void mcopyOut(Path image, String fatPath, Path target) {
    Path tool = require(Tool.MCOPY);
    Exec.run(tool.toString(), "-n", "-i", image.toString(), "::" + fatPath, target.toString())
        .requireOk();
  }

  /** {@code sfdisk --json IMG}; asserts exit 0. */
  public static String sfdiskJson(Path image) {
    Path tool = require(Tool.SFDISK);
    return Exec.run(tool.toString(), "--json", image.toString()).requireOk().text();
  }

  /** {@code fdisk -l IMG}; asserts exit 0. */
  public static String fdiskList(Path image) {
    Path tool = require(Tool.FDISK);
    return Exec.run(tool.toString(), "-l", image.toString()).requireOk().text();
  }

  /**
   * {@code fdisk -l -b SECTOR IMG}: a disk file read with {@code sectorSize}-byte sectors, as a
   * drive of that sector size would show it (an MBR does not record its sector size); asserts exit
   * 0.
   */
  public static String fdiskList(Path image, int sectorSize) {
    Path tool = require(Tool.FDISK);
    return Exec.run(tool.toString(), "-l", "-b", Integer.toString(sectorSize), image.toString())
        .requireOk()
        .text();
  }

  /**
   * One partition as {@code sfdisk --dump} reports it.
   *
   * @param number 1-based partition number
   * @param offset first byte
   * @param size length in bytes
   * @param type GPT type GUID or MBR type (as sfdisk prints it)
   * @param uuid the partition GUID (GPT), or empty
   * @param name the partition name (GPT), or empty
   */
  public record Partition(
      int number, long offset, long size, String type, String uuid, String name) {}

  private static final Pattern DUMP_PART =
      Pattern.compile(".*?(\\d+) : start=\\s*(\\d+), size=\\s*(\\d+)(.*)");
  private static final Pattern DUMP_FIELD =
      Pattern.compile(",\\s*(type|uuid|name)=(\"(?:[^\"\\\\]|\\\\.)*\"|[^,]*)");

  /** The partitions of a disk image, from {@code sfdisk --dump}; asserts exit 0. */
  public static List<Partition> partitions(Path image) {
    Path tool = require(Tool.SFDISK);
    Exec.Result r = Exec.run(tool.toString(), "--dump", image.toString()).requireOk();
    long sector = 512;
    List<Partition> out = new ArrayList<>();
    for (String line : r.lines()) {
      if (line.startsWith("sector-size:")) {
        sector = Long.parseLong(line.substring("sector-size:".length()).trim());
        continue;
      }
      Matcher m = DUMP_PART.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Map<String, String> f = new LinkedHashMap<>();
      Matcher fm = DUMP_FIELD.matcher(m.group(4));
      while (fm.find()) {
        String v = fm.group(2).trim();
        if (v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2) {
          v = v.substring(1, v.length() - 1);
        }
        f.put(fm.group(1), v);
      }
      out.add(
          new Partition(
              Integer.parseInt(m.group(1)),
              Math.multiplyExact(Long.parseLong(m.group(2)), sector),
              Math.multiplyExact(Long.parseLong(m.group(3)), sector),
              f.getOrDefault("type", ""),
              f.getOrDefault("uuid", ""),
              f.getOrDefault("name", "")));
    }
    return out;
  }

  /** {@code qemu-img info --output=json IMG}; asserts exit 0. */
  public static String qemuImgInfo(Path image) {
    Path tool = require(Tool.QEMU_IMG);
    return Exec.run(tool.toString(), "info", "--output=json", image.toString()).requireOk().text();
  }

  /** {@code qemu-img check IMG}: asserts exit 0 and "No errors were found on the image." */
  public static Exec.Result qemuImgCheck(Path image) {
    Path tool = require(Tool.QEMU_IMG);
    Exec.Result r = Exec.run(tool.toString(), "check", image.toString());
    if (!r.ok() || !r.text().contains("No errors were found on the image.")) {
      throw new AssertionError(r.describe("qemu-img check is not clean"));
    }
    return r;
  }

  /** Asserts {@code qemu-img compare A B} finds the same guest bytes (exit 0). */
  public static void qemuImgCompare(Path a, Path b) {
    Path tool = require(Tool.QEMU_IMG);
    Exec.Result r = Exec.run(tool.toString(), "compare", a.toString(), b.toString());
    if (!r.ok()) {
      throw new AssertionError(r.describe("images differ"));
    }
  }

  /**
   * Asserts a run was clean: exit 0, every non-blank line matches one of {@code allowed}, and each
   * of {@code mustAppear} matches some line.
   */
  static Exec.Result judge(Exec.Result r, List<Pattern> allowed, List<Pattern> mustAppear) {
    if (!r.ok()) {
      throw new AssertionError(r.describe("not clean"));
    }
    List<String> lines = r.lines();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      boolean known = allowed.stream().anyMatch(p -> p.matcher(line).matches());
      if (!known) {
        throw new AssertionError(
            r.describe("unexpected line \"" + line + "\" (warnings are failures)"));
      }
    }
    for (Pattern p : mustAppear) {
      if (lines.stream().noneMatch(l -> p.matcher(l).matches())) {
        throw new AssertionError(r.describe("no line matches " + p));
      }
    }
    return r;
  }
}
