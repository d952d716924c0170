/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.system;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.JimgException;
import dev.jimg.core.io.AtomicOutput;
import dev.jimg.core.io.Closeables;
import dev.jimg.core.io.Futures;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.Sources;
import dev.jimg.core.spi.FilesystemProvider;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.deb.LayeredSources;
import dev.jimg.partition.DiskImage;
import dev.jimg.partition.DiskLayout;
import dev.jimg.partition.DiskSpec;
import dev.jimg.partition.OutputFormat;
import dev.jimg.partition.PartitionSpec;
import dev.jimg.partition.PartitionType;
import dev.jimg.partition.TableType;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.FutureTask;

/**
 * Writes the disk a {@link SystemSpec} describes: the root tree layered from its sources, edited to
 * boot from this disk ({@code /etc/fstab} by PARTUUID, {@code /etc/hostname}, an empty {@code
 * /etc/machine-id}), an EFI system partition holding systemd-boot at the firmware's default path
 * with a loader entry for the kernel and initrd, and a GPT with the ESP, the root partition (typed
 * for the loader's architecture, e.g. {@code root-x86-64}) and the spec's own partitions.
 *
 * <p>Every identity derives from the seed as {@code jimg disk} derives it, so the partition GUIDs
 * written into {@code /etc/fstab} and the kernel command line are those of the table; the same
 * spec, seed and inputs give the same bytes. Configure, then call {@link #write(Path)} once. Not
 * thread-safe.
 */
public final class SystemImage {
  /** The GPT name of the EFI system partition. */
  public static final String ESP_NAME = "esp";

  /** The GPT name of the root partition. */
  public static final String ROOT_NAME = "root";

  /** Where the kernel and initrd go in the ESP, and the loader entry's name. */
  static final String ENTRY = "jimg";

  private static final ImagePath ESP_MOUNT = ImagePath.of("boot/efi");

  private final SystemSpec spec;
  private Optional<String> seed = Optional.empty();
  private Optional<Instant> buildTime = Optional.empty();
  private Map<String, String> environment = Map.of();
  private boolean processEnvironment;
  private OutputFormat format = OutputFormat.RAW;
  private ProgressListener progress = ProgressListener.NONE;
  private SourceOptions sourceOptions = SourceOptions.defaults();
  private InputStream stdin = InputStream.nullInputStream();
  private Filesystems filesystems;

  private SystemImage(SystemSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
  }

  /** A builder of the disk {@code spec} describes. */
  public static SystemImage of(SystemSpec spec) {
    return new SystemImage(spec);
  }

  /** The filesystem providers to use (default: {@link Filesystems#installed()}). */
  public SystemImage filesystems(Filesystems value) {
    this.filesystems = Objects.requireNonNull(value);
    return this;
  }

  /** Overrides the spec's seed. */
  public SystemImage seed(String value) {
    this.seed = Optional.of(value);
    return this;
  }

  /** An explicit build time (overrides SOURCE_DATE_EPOCH). */
  public SystemImage buildTime(Instant value) {
    this.buildTime = Optional.of(value);
    return this;
  }

  /** The environment the build clock reads {@code SOURCE_DATE_EPOCH} from (default: none). */
  public SystemImage environment(Map<String, String> value) {
    this.environment = Map.copyOf(value);
    return this;
  }

  /** Reads {@code SOURCE_DATE_EPOCH} from this process's environment, for command-line tools. */
  public SystemImage sourceDateEpochFromProcess() {
    this.processEnvironment = true;
    return this;
  }

  /** The container to write (default {@link OutputFormat#RAW}). */
  public SystemImage format(OutputFormat value) {
    this.format = Objects.requireNonNull(value);
    return this;
  }

  /** Where writers report progress. */
  public SystemImage progress(ProgressListener value) {
    this.progress = Objects.requireNonNull(value);
    return this;
  }

  /** How sources are read (root owner, spool directory). */
  public SystemImage sourceOptions(SourceOptions value) {
    this.sourceOptions = Objects.requireNonNull(value);
    return this;
  }

  /** What a source named {@code -} reads. */
  public SystemImage stdin(InputStream value) {
    this.stdin = Objects.requireNonNull(value);
    return this;
  }

  /**
   * What was built: the disk layout and, for a bootable disk, what boots.
   *
   * @param layout the partitions as written
   * @param boot the boot plan, if the spec has a {@code boot} section
   */
  public record Result(DiskLayout layout, Optional<BootPlan> boot) {}

  /**
   * How the disk boots.
   *
   * @param architecture the loader's architecture
   * @param loader where the boot loader came from
   * @param kernel where the kernel came from
   * @param initrd where the initrd came from, if there is one
   * @param cmdline the kernel command line of the loader entry
   */
  public record BootPlan(
      EfiArchitecture architecture,
      String loader,
      String kernel,
      Optional<String> initrd,
      String cmdline) {}

  /**
   * Writes the disk to {@code target} atomically: on any error no file is left and an existing
   * target is untouched.
   */
  public Result write(Path target) throws IOException {
    // before the root's sources are read (a set of .debs takes seconds), not when the disk is made
    AtomicOutput.checkTarget(target);
    String seedText = seed.or(() -> spec.disk().seed()).orElse("jimg-build:" + spec.fingerprint());
    if (spec.root().isEmpty()) {
      return new Result(
          configure(DiskImage.of(spec.disk()), seedText).write(target), Optional.empty());
    }
    if (spec.disk().table() == TableType.MBR) {
      throw new JimgException(
          "table: jimg build writes a GPT (UEFI boots its ESP, the root partition is typed by"
              + " architecture); use table: gpt or hybrid");
    }
    SystemSpec.Root root = spec.root().get();
    checkRootOptions(root);
    List<Closeable> open = new ArrayList<>();
    FutureTask<Void> moduleCheck = null;
    try {
      LayeredSources layers;
      try {
        layers = LayeredSources.open(root.sources(), stdin, sourceOptions, false);
      } catch (JimgException e) {
        throw new JimgException("root.sources: " + e.getMessage(), e);
      }
      open.add(layers);
      FileTree tree = layers.tree();
      BuildClock clock =
          processEnvironment
              ? BuildClock.fromProcessEnvironment(buildTime.map(Timestamp::of), tree)
              : BuildClock.from(buildTime.map(Timestamp::of), environment, tree);
      Timestamp now = clock.buildTime();
      Identities ids = DiskImage.identities(seedText);

      Optional<BootFileSet> bootFiles = Optional.empty();
      if (spec.boot().isPresent()) {
        bootFiles = Optional.of(resolveBootFiles(spec.boot().get(), tree, open));
      }
      PartitionType rootType =
          PartitionType.parse(
              "root", bootFiles.map(b -> b.arch().rootPartitionType()).orElse("linux-generic"));
      UUID rootUuid = ids.repartPartitionUuid(rootType.gptType().orElseThrow(), 0);
      Optional<BootPlan> plan = Optional.empty();
      PartitionSpec esp = null;
      UUID espUuid = null;
      if (bootFiles.isPresent()) {
        BootFileSet b = bootFiles.get();
        SystemSpec.Boot boot = spec.boot().get();
        // reading the initrd takes about a second: do it beside the write, before the commit
        String version = BootFiles.version(b.kernel().origin());
        FileTree layered = tree;
        moduleCheck =
            new FutureTask<>(
                () -> {
                  RootModuleCheck.check(root.filesystem(), version, layered, b.initrd());
                  return null;
                });
        Thread checker = new Thread(moduleCheck, "jimg-root-module-check");
        checker.setDaemon(true);
        checker.start();
        PartitionType espType = PartitionType.parse("esp", "esp");
        espUuid = ids.repartPartitionUuid(espType.gptType().orElseThrow(), 0);
        String cmdline = cmdline(root.filesystem(), rootUuid, boot.cmdline());
        FileTree espTree =
            espTree(
                b.arch(),
                b.loader(),
                b.kernel(),
                b.initrd(),
                cmdline,
                BootFiles.prettyName(tree),
                now);
        esp =
            PartitionSpec.builder()
                .name(ESP_NAME)
                .type(espType)
                .uuid(espUuid)
                .size(boot.espSize())
                .filesystem("fat")
                .tree(espTree)
                .build();
        plan =
            Optional.of(
                new BootPlan(
                    b.arch(),
                    b.loader().origin(),
                    b.kernel().origin(),
                    b.initrd().map(BootFiles.BootFile::origin),
                    cmdline));
      }
      FileTree rootTree =
          rootTree(tree, root.filesystem(), rootUuid, espUuid, spec.hostname(), now);
      PartitionSpec.Builder rb =
          PartitionSpec.builder()
              .name(ROOT_NAME)
              .type(rootType)
              .uuid(rootUuid)
              .filesystem(root.filesystem())
              .options(root.options())
              .tree(rootTree)
              .grow(root.grow());
      root.size().ifPresent(rb::size);
      root.minSize().ifPresent(rb::minSize);

      List<PartitionSpec> parts = new ArrayList<>();
      if (esp != null) {
        parts.add(esp);
      }
      parts.add(rb.build());
      parts.addAll(spec.disk().partitions());
      DiskSpec d = spec.disk();
      DiskSpec full =
          new DiskSpec(
              d.table(),
              d.sectorSize(),
              d.size(),
              Optional.of(seedText),
              d.alignment(),
              d.bootCode(),
              parts,
              d.blobs(),
              d.gptLocation());
      DiskImage disk = configure(DiskImage.of(full), seedText);
      if (moduleCheck != null) {
        FutureTask<Void> check = moduleCheck;
        disk.beforeCommit(() -> Futures.await(check, "checking the initrd"));
      }
      return new Result(disk.write(target), plan);
    } finally {
      if (moduleCheck != null) {
        moduleCheck.cancel(true);
      }
      Closeables.closeAll(open);
    }
  }

  /** The boot loader (and its architecture), kernel and initrd a {@code boot} section names. */
  private record BootFileSet(
      BootFiles.BootFile loader,
      EfiArchitecture arch,
      BootFiles.BootFile kernel,
      Optional<BootFiles.BootFile> initrd) {}

  private BootFileSet resolveBootFiles(SystemSpec.Boot boot, FileTree tree, List<Closeable> open)
      throws IOException {
    FileTree debTree = null;
    if (!boot.loader().equals(SystemSpecParser.SYSTEMD_BOOT)
        && LayeredSources.isDeb(boot.loader())) {
      Source deb = Sources.open(boot.loader(), stdin, sourceOptions);
      open.add(deb);
      debTree = deb.tree();
    }
    BootFiles.BootFile loader = BootFiles.loader(boot.loader(), tree, debTree);
    EfiArchitecture arch = BootFiles.architecture(loader);
    BootFiles.BootFile kernel = BootFiles.kernel(boot.kernel(), tree);
    Optional<EfiArchitecture> kernelArch = BootFiles.kernelArchitecture(kernel);
    if (kernelArch.isPresent() && kernelArch.get() != arch) {
      throw new JimgException(
          "boot.loader: "
              + loader.origin()
              + " is for "
              + arch.suffix()
              + " but the kernel "
              + kernel.origin()
              + " for "
              + kernelArch.get().suffix()
              + "; give a loader and a kernel of one architecture");
    }
    return new BootFileSet(loader, arch, kernel, BootFiles.initrd(boot.initrd(), kernel, tree));
  }

  /** Names root.options problems (unknown keys, malformed values) before any source is read. */
  private void checkRootOptions(SystemSpec.Root root) throws InvalidOptionException {
    FilesystemProvider provider;
    try {
      provider = filesystems().provider(root.filesystem());
    } catch (InvalidOptionException e) {
      throw new InvalidOptionException("root.filesystem: " + e.getMessage());
    }
    SortedMap<String, String> known = provider.writerOptions();
    for (String key : root.options().keySet()) {
      if (!known.containsKey(key)) {
        throw new InvalidOptionException(
            "root.options."
                + key
                + ": "
                + root.filesystem()
                + " has no such option; its options: "
                + String.join(", ", known.keySet()));
      }
    }
    try {
      provider.checkOptions(root.options());
    } catch (InvalidOptionException e) {
      throw new InvalidOptionException("root.options: " + e.getMessage());
    }
  }

  private Filesystems filesystems() {
    return filesystems != null ? filesystems : Filesystems.installed();
  }

  private DiskImage configure(DiskImage disk, String seedText) {
    disk.seed(seedText)
        .filesystems(filesystems())
        .format(format)
        .progress(progress)
        .sourceOptions(sourceOptions)
        .stdin(stdin);
    buildTime.ifPresent(disk::buildTime);
    if (processEnvironment) {
      disk.sourceDateEpochFromProcess();
    } else {
      disk.environment(environment);
    }
    return disk;
  }

  /**
   * The kernel command line: the root by PARTUUID (lower case, as udev's links), then the spec's.
   */
  static String cmdline(String filesystem, UUID rootUuid, String extra) {
    String mode = filesystem.equals("squashfs") ? "ro" : "rw";
    String base = "root=PARTUUID=" + rootUuid + " rootfstype=" + filesystem + " " + mode;
    return extra.isEmpty() ? base : base + " " + extra;
  }

  /** The root tree with the files that make it boot from this disk. */
  static FileTree rootTree(
      FileTree tree,
      String filesystem,
      UUID rootUuid,
      UUID espUuid,
      Optional<String> hostname,
      Timestamp now)
      throws IOException {
    FileTreeBuilder b = tree.toBuilder();
    StringBuilder fstab = new StringBuilder();
    fstab.append("# /etc/fstab written by jimg build: partitions by PARTUUID\n");
    fstab.append("# <file system>\t<mount point>\t<type>\t<options>\t<dump>\t<pass>\n");
    boolean readOnly = filesystem.equals("squashfs");
    fstab.append(
        String.join(
            "\t",
            "PARTUUID=" + rootUuid,
            "/",
            filesystem,
            readOnly ? "ro" : "defaults",
            "0",
            readOnly ? "0" : "1"));
    fstab.append('\n');
    if (espUuid != null) {
      fstab.append(
          String.join("\t", "PARTUUID=" + espUuid, "/boot/efi", "vfat", "umask=0077", "0", "2"));
      fstab.append('\n');
      if (!tree.contains(ESP_MOUNT) || tree.resolve(ESP_MOUNT).type() != EntryType.DIRECTORY) {
        b.put(ESP_MOUNT, Entry.directory(0755, now));
      }
    }
    b.put(ImagePath.of("etc/fstab"), file(0644, now, fstab.toString()));
    b.put(ImagePath.of("etc/machine-id"), file(0444, now, ""));
    if (hostname.isPresent()) {
      b.put(ImagePath.of("etc/hostname"), file(0644, now, hostname.get() + "\n"));
    }
    return b.build();
  }

  private static Entry file(int mode, Timestamp now, String text) {
    return Entry.file(mode, now, Content.ofBytes(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** The EFI system partition's tree: the loader at the firmware's default path, its entry. */
  static FileTree espTree(
      EfiArchitecture arch,
      BootFiles.BootFile loader,
      BootFiles.BootFile kernel,
      Optional<BootFiles.BootFile> initrd,
      String cmdline,
      Optional<String> title,
      Timestamp now)
      throws IOException {
    FileTreeBuilder b = new FileTreeBuilder().implicitDirectory(Entry.directory(0755, now));
    b.put(ImagePath.of(arch.defaultBootPath()), Entry.file(0644, now, loader.content()));
    b.put(
        ImagePath.of("EFI/systemd/systemd-boot" + arch.suffix() + ".efi"),
        Entry.file(0644, now, loader.content()));
    String version = BootFiles.version(kernel.origin());
    String suffix = version.isEmpty() ? "" : "-" + version;
    String kernelPath = ENTRY + "/vmlinuz" + suffix;
    b.put(ImagePath.of(kernelPath), Entry.file(0644, now, kernel.content()));
    StringBuilder entry = new StringBuilder();
    entry.append("title ").append(title.orElse("Linux")).append('\n');
    if (!version.isEmpty()) {
      entry.append("version ").append(version).append('\n');
    }
    entry.append("linux /").append(kernelPath).append('\n');
    if (initrd.isPresent()) {
      String initrdPath = ENTRY + "/initrd.img" + suffix;
      b.put(ImagePath.of(initrdPath), Entry.file(0644, now, initrd.get().content()));
      entry.append("initrd /").append(initrdPath).append('\n');
    }
    entry.append("options ").append(cmdline).append('\n');
    b.put(ImagePath.of("loader/entries/" + ENTRY + ".conf"), file(0644, now, entry.toString()));
    b.put(
        ImagePath.of("loader/loader.conf"),
        file(0644, now, "timeout 0\ndefault " + ENTRY + ".conf\neditor no\n"));
    return b.build();
  }
}
