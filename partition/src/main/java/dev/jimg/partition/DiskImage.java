/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.core.ImageTooSmallException;
import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.JimgException;
import dev.jimg.core.Sizes;
import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.io.AtomicOutput;
import dev.jimg.core.io.DeepStack;
import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.Sources;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.Filesystems;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.spi.WriteResult;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Builds a partitioned disk image from a {@link DiskSpec}: plans the layout, writes each
 * partition's filesystem through the {@link Filesystems} SPI (or copies its content file), then the
 * partition table, then the blobs.
 *
 * <pre>{@code
 * DiskLayout layout =
 *     DiskImage.of(DiskSpecParser.parse(Path.of("disk.yaml")))
 *         .seed("my-board")
 *         .write(Path.of("disk.img"));
 * }</pre>
 *
 * <p><b>Identities.</b> With seed {@code S} ({@link #identities(String)}): the GPT disk GUID is
 * {@code uuid("disk-uuid")} and a partition's GUID {@link Identities#repartPartitionUuid} of its
 * type and the number of earlier partitions of the same type, exactly as systemd-repart derives
 * them for {@code --seed=S}; the filesystem in a partition is written with {@code
 * Identities.fromSeed(partitionGuid)} (so its UUID matches repart's too). An MBR disk's signature
 * is the {@link Identities#volumeId32 volumeId32("mbr-disk-signature")}; its partitions have no
 * GUID on disk but get one the same way to seed their filesystems.
 *
 * <p>Same spec, seed and inputs give the same bytes. Configure, then call {@link #write(Path)}
 * once. Not thread-safe.
 */
public final class DiskImage {
  /** The label the MBR disk signature is derived with. */
  public static final String MBR_DISK_SIGNATURE_LABEL = "mbr-disk-signature";

  /** The label a VHD footer's unique id is derived with. */
  public static final String VHD_UNIQUE_ID_LABEL = "vhd-unique-id";

  private static final long MIB = 1L << 20;

  /**
   * Writer options the disk fills in when the filesystem offers them and the spec leaves them
   * unset: the sector size of a 4096-byte-sector disk, the volume id repart would give (FAT), and
   * the partition's start in the filesystem's sectors (FAT's hidden sectors).
   */
  static final String SECTOR_SIZE_OPTION = "sector-size";

  static final String VOLUME_ID_OPTION = "volume-id";
  static final String HIDDEN_SECTORS_OPTION = "hidden-sectors";

  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
  private static final int COPY_CHUNK = 1 << 20;

  private final DiskSpec spec;
  private Optional<String> seed;
  private Filesystems filesystems;
  private Optional<Timestamp> buildTime = Optional.empty();
  private Map<String, String> environment = Map.of();
  private boolean processEnvironment;
  private OutputFormat format = OutputFormat.RAW;
  private ProgressListener progress = ProgressListener.NONE;
  private SourceOptions sourceOptions = SourceOptions.defaults();
  private InputStream stdin = InputStream.nullInputStream();
  private Check beforeCommit = () -> {};

  /** A last check before the written disk is moved into place; throwing abandons the output. */
  @FunctionalInterface
  public interface Check {
    /** Checks; throws to abandon the output. */
    void run() throws IOException;
  }

  private DiskImage(DiskSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.seed = spec.seed();
  }

  /** A builder of the disk {@code spec} describes. */
  public static DiskImage of(DiskSpec spec) {
    return new DiskImage(spec);
  }

  /** Overrides the spec's seed. */
  public DiskImage seed(String value) {
    this.seed = Optional.of(value);
    return this;
  }

  /** The filesystem providers to use (default: {@link Filesystems#installed()}). */
  public DiskImage filesystems(Filesystems value) {
    this.filesystems = Objects.requireNonNull(value);
    return this;
  }

  /** An explicit build time for the filesystems (overrides SOURCE_DATE_EPOCH). */
  public DiskImage buildTime(Instant value) {
    this.buildTime = Optional.of(new Timestamp(value.getEpochSecond(), value.getNano()));
    return this;
  }

  /**
   * The environment the build clock reads {@code SOURCE_DATE_EPOCH} from (default: none; a CLI
   * passes the process environment).
   */
  public DiskImage environment(Map<String, String> value) {
    this.environment = Map.copyOf(value);
    return this;
  }

  /**
   * Reads {@code SOURCE_DATE_EPOCH} from this process's environment (through {@link
   * BuildClock#fromProcessEnvironment}), for command-line tools; a library caller passes {@link
   * #environment(Map)} instead.
   */
  public DiskImage sourceDateEpochFromProcess() {
    this.processEnvironment = true;
    return this;
  }

  /** The container to write (default {@link OutputFormat#RAW}). */
  public DiskImage format(OutputFormat value) {
    this.format = Objects.requireNonNull(value);
    return this;
  }

  /** Where writers report progress. */
  public DiskImage progress(ProgressListener value) {
    this.progress = Objects.requireNonNull(value);
    return this;
  }

  /** How sources are read (root owner, spool directory). */
  public DiskImage sourceOptions(SourceOptions value) {
    this.sourceOptions = Objects.requireNonNull(value);
    return this;
  }

  /**
   * A check that runs after the disk is written and before {@link #write(Path)} moves it into
   * place, for work done alongside the write (such as validating boot files); if it throws, no file
   * is left and an existing target is untouched.
   */
  public DiskImage beforeCommit(Check value) {
    this.beforeCommit = Objects.requireNonNull(value);
    return this;
  }

  /** What a source named {@code -} reads. */
  public DiskImage stdin(InputStream value) {
    this.stdin = Objects.requireNonNull(value);
    return this;
  }

  /**
   * The identities of seed text: a UUID (with or without dashes, as systemd-repart's {@code --seed}
   * takes it) is taken as its 16 bytes, anything else as its UTF-8 bytes.
   */
  public static Identities identities(String seed) {
    if (UUID_TEXT.matcher(seed).matches()) {
      String hex = seed.replace("-", "");
      return Identities.fromSeed(
          new UUID(
              Long.parseUnsignedLong(hex.substring(0, 16), 16),
              Long.parseUnsignedLong(hex.substring(16), 16)));
    }
    return Identities.fromSeed(seed.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes the disk to {@code target} atomically: on any error no file is left and an existing
   * target is untouched.
   *
   * @return the layout written
   */
  public DiskLayout write(Path target) throws IOException {
    if (format == OutputFormat.RAW) {
      try (AtomicOutput out = AtomicOutput.create(target)) {
        DiskLayout layout = writeTo(out.channel());
        beforeCommit.run();
        out.commit();
        return layout;
      }
    }
    Path absolute = target.toAbsolutePath();
    Path raw =
        absolute.resolveSibling("." + absolute.getFileName() + ".raw" + AtomicOutput.TEMP_SUFFIX);
    try (AtomicOutput out = AtomicOutput.create(target)) {
      Files.deleteIfExists(raw);
      try (FileImageChannel rawChannel = FileImageChannel.create(raw)) {
        DiskLayout layout = writeTo(rawChannel);
        switch (format) {
          case VHD -> {
            if (layout.sizeBytes() % MIB != 0) {
              throw new DiskLayoutException(
                  "a fixed VHD must be a whole number of MiB (Azure refuses others); the disk is "
                      + Sizes.thousands(layout.sizeBytes())
                      + " bytes: give size in M or omit it");
            }
            copy(rawChannel, out.channel());
            UUID id = seedIdentities().uuid(VHD_UNIQUE_ID_LABEL);
            out.channel()
                .write(
                    ByteBuffer.wrap(new VhdFooter(layout.sizeBytes(), id).toBytes()),
                    layout.sizeBytes());
          }
          case QCOW2 -> Qcow2.write(rawChannel, out.channel());
          case ANDROID_SPARSE -> AndroidSparse.write(rawChannel, out.channel());
          default -> throw new IllegalStateException(format.toString());
        }
        beforeCommit.run();
        out.commit();
        return layout;
      }
    } finally {
      Files.deleteIfExists(raw);
    }
  }

  private static void copy(ImageChannel from, ImageChannel to) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(COPY_CHUNK);
    long size = from.size();
    for (long pos = 0; pos < size; pos += COPY_CHUNK) {
      buf.clear();
      buf.limit((int) Math.min(COPY_CHUNK, size - pos));
      from.readFully(buf, pos);
      buf.flip();
      to.write(buf, pos);
    }
  }

  private Identities seedIdentities() {
    return identities(
        seed.orElse(
            "jimg-default-seed:"
                + Identities.fromSeed(spec.fingerprint().getBytes(StandardCharsets.UTF_8))
                    .uuid("seed")));
  }

  /**
   * Checks every partition's filesystem type and options, then that their sources exist, before any
   * source is read: a malformed value or a missing source in the last partition fails at once, not
   * after the sources of the others were read.
   */
  /**
   * A filesystem writer's error as the spec's author needs it: which partition, and how the
   * command-line options its advice names are given here. The kinds a caller may tell apart keep
   * their type.
   */
  static JimgException inPartition(String where, JimgException e) {
    String message = where + ": " + e.getMessage();
    if (e.getMessage() != null && e.getMessage().contains("--")) {
      message +=
          " (in a disk spec a writer option --NAME VALUE is the partition's options: {NAME:"
              + " VALUE}, and --size its size)";
    }
    if (e instanceof UnsupportedEntryException) {
      UnsupportedEntryException u = new UnsupportedEntryException(message);
      u.initCause(e);
      return u;
    }
    if (e instanceof ImageTooSmallException small) {
      ImageTooSmallException t =
          new ImageTooSmallException(message, small.neededBytes(), small.givenBytes());
      t.initCause(e);
      return t;
    }
    if (e instanceof InvalidOptionException) {
      InvalidOptionException o = new InvalidOptionException(message);
      o.initCause(e);
      return o;
    }
    return new JimgException(message, e);
  }

  private static void checkPartitions(Filesystems fs, List<PartitionSpec> parts)
      throws JimgException {
    for (int i = 0; i < parts.size(); i++) {
      PartitionSpec p = parts.get(i);
      if (p.filesystem().isEmpty()) {
        continue;
      }
      String where = LayoutPlanner.describe(i, p);
      Map<String, String> options = userOptions(where, p);
      try {
        fs.provider(p.filesystem().get()).checkOptions(options);
      } catch (InvalidOptionException e) {
        throw new InvalidOptionException(where + ": " + e.getMessage());
      }
    }
    String stdinReader = null;
    for (int i = 0; i < parts.size(); i++) {
      PartitionSpec p = parts.get(i);
      for (String source : p.sources()) {
        if (Sources.STDIN.equals(source)) {
          String where = LayoutPlanner.describe(i, p);
          if (stdinReader != null) {
            throw new InvalidOptionException(
                where
                    + (stdinReader.equals(where)
                        ? ": sources name '-' (standard input) twice; it can be read once"
                        : ": sources: '-' (standard input) is read by "
                            + stdinReader
                            + " already, and it can be read once; give one of them a file"));
          }
          stdinReader = where;
        }
      }
    }
    for (int i = 0; i < parts.size(); i++) {
      PartitionSpec p = parts.get(i);
      try {
        Sources.checkExist(p.sources());
      } catch (JimgException e) {
        throw new JimgException(LayoutPlanner.describe(i, p) + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * On a disk of 4096-byte sectors, refuses a filesystem whose blocks or sectors ({@code
   * block-size}, {@code sector-size}) the spec sets smaller: Linux cannot mount such a filesystem
   * from a 4Kn drive (ext4: "bad block size 1024"; FAT: "logical sector size too small for
   * device").
   */
  private void checkUnitsFitSectors(List<PartitionSpec> parts) throws InvalidOptionException {
    int ss = spec.sectorSize();
    for (int i = 0; i < parts.size(); i++) {
      PartitionSpec p = parts.get(i);
      if (p.filesystem().isEmpty()) {
        continue;
      }
      for (String key : List.of("block-size", SECTOR_SIZE_OPTION)) {
        String value = p.options().get(key);
        long bytes;
        try {
          bytes = value == null ? ss : Sizes.parse(value);
        } catch (InvalidOptionException e) {
          continue; // the writer says what is wrong with the value
        }
        if (bytes < ss) {
          throw new InvalidOptionException(
              LayoutPlanner.describe(i, p)
                  + ": options "
                  + key
                  + " "
                  + value
                  + " is smaller than the disk's "
                  + ss
                  + "-byte sectors, and Linux cannot mount such a filesystem from a disk of "
                  + ss
                  + "-byte sectors; use "
                  + ss
                  + " or leave it out");
        }
      }
    }
  }

  /** The partition's filesystem options as the spec gives them, its label among them. */
  private static Map<String, String> userOptions(String where, PartitionSpec p)
      throws InvalidOptionException {
    Map<String, String> options = new TreeMap<>(p.options());
    if (p.label().isPresent() && options.putIfAbsent("label", p.label().get()) != null) {
      throw new InvalidOptionException(
          where + ": label is given twice (label and options.label); keep one");
    }
    return options;
  }

  /** Writes the disk into {@code channel} (from offset 0, setting its size). */
  public DiskLayout writeTo(ImageChannel channel) throws IOException {
    // the filesystem writers may walk a tree one frame per directory level
    return DeepStack.call("jimg-disk", () -> writeHere(channel));
  }

  private DiskLayout writeHere(ImageChannel channel) throws IOException {
    Identities ids = seedIdentities();
    checkHybrid();
    Filesystems fs = filesystems != null ? filesystems : Filesystems.installed();
    List<PartitionSpec> parts = spec.partitions();
    checkPartitions(fs, parts);
    checkUnitsFitSectors(parts);
    List<AutoCloseable> open = new ArrayList<>();
    try {
      List<UUID> gptTypes = new ArrayList<>();
      List<UUID> uuids = new ArrayList<>();
      Map<UUID, Long> instances = new HashMap<>();
      for (int i = 0; i < parts.size(); i++) {
        PartitionSpec p = parts.get(i);
        UUID gptType = gptType(i, p);
        gptTypes.add(gptType);
        long instance = instances.merge(gptType, 1L, Long::sum) - 1;
        UUID uuid = p.uuid().orElseGet(() -> ids.repartPartitionUuid(gptType, instance));
        int same = uuids.indexOf(uuid);
        if (same >= 0) {
          throw new InvalidOptionException(
              LayoutPlanner.describe(i, p)
                  + ": uuid "
                  + uuid
                  + " is also that of "
                  + LayoutPlanner.describe(same, parts.get(same))
                  + "; partitions need different ones (a PARTUUID names one partition, and the"
                  + " filesystem UUIDs derive from them)");
        }
        uuids.add(uuid);
      }

      List<FilesystemWriter> writers = new ArrayList<>();
      List<FileTree> trees = new ArrayList<>();
      List<Long> needs = new ArrayList<>();
      List<WriteContext> contexts = new ArrayList<>();
      List<Map<String, String>> writerOptions = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        PartitionSpec p = parts.get(i);
        FilesystemWriter writer = null;
        FileTree tree = null;
        long need = 0;
        if (p.filesystem().isPresent()) {
          String where = LayoutPlanner.describe(i, p);
          Sources.LayeredSource source;
          try {
            source = Sources.openLayered(p.sources(), stdin, sourceOptions, false);
          } catch (JimgException e) {
            throw new JimgException(where + ": " + e.getMessage(), e);
          }
          open.add(source);
          tree = source.tree();
          if (p.tree().isPresent()) {
            tree =
                p.sources().isEmpty()
                    ? p.tree().get()
                    : new FileTreeBuilder().overlay(p.tree().get()).overlay(tree).build();
          }
          Map<String, String> options = userOptions(where, p);
          BuildClock clock =
              processEnvironment
                  ? BuildClock.fromProcessEnvironment(buildTime, tree)
                  : BuildClock.from(buildTime, environment, tree);
          WriteContext context = new WriteContext(clock, Identities.fromSeed(uuids.get(i)));
          try {
            SortedMap<String, String> known = fs.provider(p.filesystem().get()).writerOptions();
            if (known.containsKey(SECTOR_SIZE_OPTION) && spec.sectorSize() != 512) {
              options.putIfAbsent(SECTOR_SIZE_OPTION, Integer.toString(spec.sectorSize()));
            }
            if (known.containsKey(VOLUME_ID_OPTION)) {
              options.putIfAbsent(VOLUME_ID_OPTION, repartVolumeId(uuids.get(i)));
            }
            writer = fs.writer(p.filesystem().get(), options, context);
          } catch (InvalidOptionException e) {
            throw new InvalidOptionException(where + ": " + e.getMessage());
          }
          try {
            need = writer.plan(tree);
          } catch (JimgException e) {
            throw inPartition(where, e);
          }
          contexts.add(context);
          writerOptions.add(options);
        } else if (p.content().isPresent()) {
          Path content = p.content().get();
          if (!Files.isRegularFile(content)) {
            throw new JimgException(
                LayoutPlanner.describe(i, p) + ": content file " + content + " does not exist");
          }
          need = Files.size(content);
        }
        if (writer == null) {
          contexts.add(null);
          writerOptions.add(null);
        }
        writers.add(writer);
        trees.add(tree);
        needs.add(need);
      }

      long minDisk = 0;
      List<Long> blobSizes = new ArrayList<>();
      for (int b = 0; b < spec.blobs().size(); b++) {
        BlobSpec blob = spec.blobs().get(b);
        if (!Files.isRegularFile(blob.file())) {
          throw new JimgException("blobs[" + b + "]: file " + blob.file() + " does not exist");
        }
        long size = Files.size(blob.file());
        blobSizes.add(size);
        minDisk = Math.max(minDisk, blob.offset() + size);
      }

      LayoutPlanner.Plan plan = LayoutPlanner.plan(spec, needs, minDisk);
      int ss = spec.sectorSize();
      long sectors = plan.diskBytes() / ss;
      List<DiskLayout.Placed> placed = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        PartitionSpec p = parts.get(i);
        LayoutPlanner.Extent e = plan.extents().get(i);
        placed.add(
            new DiskLayout.Placed(
                i + 1,
                p.name(),
                spec.table() != TableType.MBR ? gptTypes.get(i) : null,
                0,
                uuids.get(i),
                e.offset(),
                e.size(),
                p.attributes()));
      }
      checkBlobs(plan, blobSizes, sectors);

      channel.setSize(plan.diskBytes());
      List<WriteResult> results = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        PartitionSpec p = parts.get(i);
        DiskLayout.Placed pl = placed.get(i);
        WriteResult result = null;
        String name = "partition " + (i + 1) + (p.name().isEmpty() ? "" : " (" + p.name() + ")");
        if (writers.get(i) != null) {
          FilesystemWriter writer = writers.get(i);
          Map<String, String> options = writerOptions.get(i);
          if (fs.provider(p.filesystem().get()).writerOptions().containsKey(HIDDEN_SECTORS_OPTION)
              && !options.containsKey(HIDDEN_SECTORS_OPTION)) {
            long fsSector = Long.parseLong(options.getOrDefault(SECTOR_SIZE_OPTION, "512"));
            options.put(HIDDEN_SECTORS_OPTION, Long.toString(pl.offset() / fsSector));
            writer = fs.writer(p.filesystem().get(), options, contexts.get(i));
          }
          try (ImageChannel slice = channel.slice(name, pl.offset(), pl.size())) {
            result = writer.write(trees.get(i), slice, progress);
          } catch (JimgException e) {
            throw inPartition(LayoutPlanner.describe(i, p), e);
          }
        } else if (p.content().isPresent()) {
          copy(p.content().get(), channel, pl.offset());
        }
        results.add(result);
      }

      DiskLayout layout;
      byte[] bootCode = bootCode();
      if (spec.table() != TableType.MBR) {
        boolean hybrid = spec.table() == TableType.HYBRID;
        List<DiskLayout.Placed> withTypes = new ArrayList<>();
        List<Boolean> mirrored = new ArrayList<>();
        List<Boolean> active = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
          DiskLayout.Placed pl = placed.get(i);
          boolean mirror = parts.get(i).hybrid();
          withTypes.add(
              new DiskLayout.Placed(
                  pl.number(),
                  pl.name(),
                  pl.gptType(),
                  mirror ? mbrType(i, parts.get(i), results.get(i)) : 0,
                  pl.uuid(),
                  pl.offset(),
                  pl.size(),
                  pl.attributes()));
          mirrored.add(mirror);
          active.add(parts.get(i).bootable());
        }
        layout =
            new DiskLayout(
                spec.table(),
                ss,
                sectors,
                LayoutPlanner.firstUsableLba(spec),
                sectors - LayoutPlanner.trailingSectors(spec.table(), ss) - 1,
                ids.repartDiskUuid(),
                hybrid ? ids.volumeId32(MBR_DISK_SIGNATURE_LABEL) : 0,
                withTypes);
        PartitionTables.writeGpt(channel, layout, spec.primaryArrayLba());
        if (hybrid) {
          PartitionTables.writeHybridMbr(channel, layout, mirrored, active, bootCode);
        }
      } else {
        List<DiskLayout.Placed> withTypes = new ArrayList<>();
        List<Boolean> active = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
          DiskLayout.Placed pl = placed.get(i);
          withTypes.add(
              new DiskLayout.Placed(
                  LayoutPlanner.isLogical(spec, i) ? i + 2 : i + 1,
                  pl.name(),
                  null,
                  mbrType(i, parts.get(i), results.get(i)),
                  pl.uuid(),
                  pl.offset(),
                  pl.size(),
                  0));
          active.add(parts.get(i).bootable());
        }
        layout =
            new DiskLayout(
                TableType.MBR,
                ss,
                sectors,
                1,
                sectors - 1,
                null,
                ids.volumeId32(MBR_DISK_SIGNATURE_LABEL),
                withTypes);
        PartitionTables.writeMbr(channel, layout, active, bootCode);
      }
      for (BlobSpec blob : spec.blobs()) {
        copy(blob.file(), channel, blob.offset());
      }
      return layout;
    } finally {
      closeAll(open);
    }
  }

  /**
   * The FAT volume id systemd-repart gives the filesystem in the partition {@code partitionUuid}:
   * the first 4 bytes of the filesystem UUID ({@link Identities#repartFilesystemUuid}) read
   * big-endian, as 8 hex digits (what {@code mkfs.vfat -i} takes).
   */
  static String repartVolumeId(UUID partitionUuid) {
    UUID fsUuid = Identities.repartFilesystemUuid(partitionUuid);
    return String.format(java.util.Locale.ROOT, "%08X", fsUuid.getMostSignificantBits() >>> 32);
  }

  private byte[] bootCode() throws IOException {
    if (spec.bootCode().isEmpty()) {
      return new byte[0];
    }
    Path file = spec.bootCode().get();
    if (!Files.isRegularFile(file)) {
      throw new JimgException("boot-code: " + file + " does not exist");
    }
    byte[] code = Files.readAllBytes(file);
    if (code.length > MasterBootRecord.BOOT_CODE_SIZE) {
      throw new InvalidOptionException(
          "boot-code: "
              + file
              + " is "
              + code.length
              + " bytes; the MBR holds "
              + MasterBootRecord.BOOT_CODE_SIZE
              + " bytes of boot code");
    }
    return code;
  }

  private void checkHybrid() throws InvalidOptionException {
    int mirrored = 0;
    for (int i = 0; i < spec.partitions().size(); i++) {
      PartitionSpec p = spec.partitions().get(i);
      if (p.hybrid()) {
        mirrored++;
        if (spec.table() != TableType.HYBRID) {
          throw new InvalidOptionException(
              LayoutPlanner.describe(i, p) + ": hybrid: true needs table: hybrid");
        }
      }
    }
    if (spec.table() == TableType.HYBRID && (mirrored == 0 || mirrored > 3)) {
      throw new InvalidOptionException(
          "table: hybrid mirrors 1 to 3 partitions in the MBR (mark them hybrid: true); "
              + mirrored
              + " are marked");
    }
  }

  private UUID gptType(int i, PartitionSpec p) throws InvalidOptionException {
    PartitionType t = p.type().orElse(PartitionType.LINUX_GENERIC);
    if (t.gptType().isPresent()) {
      return t.gptType().get();
    }
    if (spec.table() != TableType.MBR) {
      throw new InvalidOptionException(
          LayoutPlanner.describe(i, p)
              + ": type "
              + t.name()
              + " is an MBR type byte; a GPT partition needs a type name or GUID");
    }
    return PartitionType.LINUX_GENERIC.gptType().orElseThrow();
  }

  private static int mbrType(int i, PartitionSpec p, WriteResult result)
      throws InvalidOptionException {
    if (p.type().isPresent()) {
      OptionalInt b = p.type().get().mbrType();
      if (b.isEmpty()) {
        throw new InvalidOptionException(
            LayoutPlanner.describe(i, p)
                + ": type "
                + p.type().get().name()
                + " has no MBR type byte; give one such as 0x83");
      }
      return b.getAsInt();
    }
    if (result != null && result.mbrType().isPresent()) {
      return result.mbrType().getAsInt();
    }
    return PartitionType.LINUX_GENERIC.mbrType().getAsInt();
  }

  private void checkBlobs(LayoutPlanner.Plan plan, List<Long> sizes, long sectors)
      throws DiskLayoutException {
    int ss = spec.sectorSize();
    long tableEnd = LayoutPlanner.firstUsableLba(spec) * ss;
    long headerEnd = spec.table() != TableType.MBR ? 2L * ss : tableEnd;
    long arrayStart = spec.primaryArrayLba() * ss;
    long trailingStart = (sectors - LayoutPlanner.trailingSectors(spec.table(), ss)) * ss;
    for (int b = 0; b < spec.blobs().size(); b++) {
      BlobSpec blob = spec.blobs().get(b);
      long start = blob.offset();
      long end = start + sizes.get(b);
      String what =
          "blobs["
              + b
              + "] ("
              + blob.file().getFileName()
              + ", bytes "
              + Sizes.thousands(start)
              + ".."
              + Sizes.thousands(end)
              + ")";
      for (int o = 0; o < b; o++) {
        BlobSpec other = spec.blobs().get(o);
        if (start < other.offset() + sizes.get(o) && other.offset() < end) {
          throw new DiskLayoutException(
              what + " overlaps blobs[" + o + "] (" + other.file().getFileName() + ")");
        }
      }
      if (blob.allowOverlap() || sizes.get(b) == 0) {
        continue;
      }
      if (spec.table() != TableType.MBR && headerEnd < arrayStart) {
        if (start < headerEnd || (start < tableEnd && end > arrayStart)) {
          throw new DiskLayoutException(
              what
                  + " overlaps "
                  + (start < headerEnd
                      ? "the MBR and GPT header (bytes 0.." + Sizes.thousands(headerEnd) + ")"
                      : "the primary GPT entry array (bytes "
                          + Sizes.thousands(arrayStart)
                          + ".."
                          + Sizes.thousands(tableEnd)
                          + ")")
                  + "; move it or set allow-overlap: true");
        }
      } else if (start < tableEnd) {
        throw new DiskLayoutException(
            what
                + " overlaps the "
                + (spec.table() != TableType.MBR ? "MBR and primary GPT" : "MBR")
                + " (bytes 0.."
                + Sizes.thousands(tableEnd)
                + "); move it or set allow-overlap: true");
      }
      if (end > trailingStart && spec.table() != TableType.MBR) {
        throw new DiskLayoutException(
            what
                + " overlaps the backup GPT (from byte "
                + Sizes.thousands(trailingStart)
                + "); move it or set allow-overlap: true");
      }
      for (int i = 0; i < spec.partitions().size(); i++) {
        LayoutPlanner.Extent e = plan.extents().get(i);
        long ebr = e.offset() - ss;
        if (LayoutPlanner.isLogical(spec, i) && start < ebr + ss && ebr < end) {
          throw new DiskLayoutException(
              what
                  + " overlaps the extended boot record of "
                  + LayoutPlanner.describe(i, spec.partitions().get(i))
                  + " (bytes "
                  + Sizes.thousands(ebr)
                  + ".."
                  + Sizes.thousands(ebr + ss)
                  + "); move it or set allow-overlap: true");
        }
        if (start < e.end() && e.offset() < end) {
          throw new DiskLayoutException(
              what
                  + " overlaps "
                  + LayoutPlanner.describe(i, spec.partitions().get(i))
                  + " (bytes "
                  + Sizes.thousands(e.offset())
                  + ".."
                  + Sizes.thousands(e.end())
                  + "); move it or set allow-overlap: true");
        }
      }
    }
  }

  private static void copy(Path file, ImageChannel channel, long offset) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(COPY_CHUNK);
      long pos = 0;
      while (true) {
        buf.clear();
        int n = in.read(buf, pos);
        if (n < 0) {
          break;
        }
        buf.flip();
        channel.write(buf, offset + pos);
        pos += n;
      }
    }
  }

  private static void closeAll(List<AutoCloseable> open) throws IOException {
    IOException first = null;
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof IOException io ? io : new IOException(e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
