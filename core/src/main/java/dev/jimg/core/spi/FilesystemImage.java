/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.spi;

import dev.jimg.core.io.AtomicOutput;
import dev.jimg.core.io.DeepStack;
import dev.jimg.core.io.FileImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.repro.BuildClock;
import dev.jimg.core.repro.Identities;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes one filesystem image file from a tree, as {@code jimg mkfs} does: the format is found
 * through {@link Filesystems}, times come from the {@link BuildClock} (an explicit time, else
 * SOURCE_DATE_EPOCH of the environment given, else the times as they are), identities (UUID, hash
 * seed, volume id) from the seed (else from the tree and the options, so the same input gives the
 * same image), and the image goes to a temporary file that is renamed into place only when it is
 * complete.
 *
 * <pre>{@code
 * try (Sources.LayeredSource root =
 *     Sources.openLayered(List.of("rootfs.tar"), InputStream.nullInputStream(),
 *         SourceOptions.defaults(), false)) {
 *   FilesystemImage.Written w =
 *       FilesystemImage.of("ext4").option("label", "root").seed("my-build")
 *           .write(root.tree(), Path.of("root.img"));
 * }
 * }</pre>
 *
 * <p>The same tree, type, options, seed and time give the same bytes. Configure, then call {@link
 * #write} (more than once if wanted). Not thread-safe.
 */
public final class FilesystemImage {
  private final String type;
  private final Map<String, String> options = new TreeMap<>();
  private Filesystems filesystems;
  private String seed;
  private Optional<Timestamp> buildTime = Optional.empty();
  private Map<String, String> environment = Map.of();
  private boolean processEnvironment;
  private ProgressListener progress = ProgressListener.NONE;

  private FilesystemImage(String type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  /** An image of {@code type} ({@code ext4}, {@code ext3}, {@code ext2}, {@code squashfs}, ...). */
  public static FilesystemImage of(String type) {
    return new FilesystemImage(type);
  }

  /** One writer option, as {@code jimg mkfs TYPE --NAME VALUE} gives it ({@code label}). */
  public FilesystemImage option(String name, String value) {
    options.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** Writer options, name to value, added to those given before. */
  public FilesystemImage options(Map<String, String> values) {
    values.forEach(this::option);
    return this;
  }

  /** Where the format's writer is looked up; by default the providers this class's loader sees. */
  public FilesystemImage filesystems(Filesystems value) {
    this.filesystems = Objects.requireNonNull(value, "filesystems");
    return this;
  }

  /**
   * The seed the identities are derived from: a UUID as text is taken as that UUID, any other text
   * as its UTF-8 bytes ({@code jimg mkfs --seed}). Without one, the seed is a digest of the tree as
   * the format stores it and of the options.
   */
  public FilesystemImage seed(String value) {
    this.seed = Objects.requireNonNull(value, "seed");
    return this;
  }

  /** The build time: newer times in the tree are clamped to it; overrides SOURCE_DATE_EPOCH. */
  public FilesystemImage buildTime(Timestamp value) {
    this.buildTime = Optional.of(value);
    return this;
  }

  /** As {@link #buildTime(Timestamp)}; empty for none. */
  public FilesystemImage buildTime(Optional<Timestamp> value) {
    this.buildTime = Objects.requireNonNull(value, "buildTime");
    return this;
  }

  /**
   * The environment SOURCE_DATE_EPOCH is read from (nothing else is read from it); by default an
   * empty one, so that a library call does not depend on the process it runs in.
   */
  public FilesystemImage environment(Map<String, String> value) {
    this.environment = Map.copyOf(value);
    this.processEnvironment = false;
    return this;
  }

  /** Reads SOURCE_DATE_EPOCH from this process's environment. */
  public FilesystemImage sourceDateEpochFromProcess() {
    this.processEnvironment = true;
    return this;
  }

  /** Where progress events go (by default nowhere). */
  public FilesystemImage progress(ProgressListener value) {
    this.progress = Objects.requireNonNull(value, "progress");
    return this;
  }

  /** What {@link #write} made: the image's size in bytes and what the writer reports. */
  public record Written(long sizeBytes, WriteResult filesystem) {}

  /**
   * Writes {@code tree} to {@code image}, replacing it if it exists; on failure nothing is left
   * behind and an existing file is untouched. Runs on a thread with a deep stack ({@link
   * DeepStack}), so trees nested thousands of directories deep need nothing from the caller.
   *
   * @throws dev.jimg.core.InvalidOptionException for an unknown type or a bad option
   * @throws dev.jimg.core.ImageTooSmallException if a given size cannot hold the tree
   * @throws dev.jimg.core.UnsupportedEntryException for entries the format cannot hold
   */
  public Written write(FileTree tree, Path image) throws IOException {
    // writers may walk the tree one frame per directory level
    return DeepStack.call("jimg-mkfs", () -> writeHere(tree, image));
  }

  private Written writeHere(FileTree tree, Path image) throws IOException {
    Filesystems fs =
        filesystems != null
            ? filesystems
            : Filesystems.installed(FilesystemImage.class.getClassLoader());
    FilesystemProvider provider = fs.provider(type);
    provider.checkOptions(options);
    AtomicOutput.checkTarget(image);
    BuildClock clock =
        processEnvironment
            ? BuildClock.fromProcessEnvironment(buildTime, tree)
            : BuildClock.from(buildTime, environment, tree);
    FileTree clamped = clock.clampTimes(tree);
    FilesystemWriter writer =
        provider.newWriter(options, new WriteContext(clock, identities(provider, clamped)));
    long size = writer.plan(clamped);
    try (AtomicOutput output = AtomicOutput.create(image)) {
      FileImageChannel channel = output.channel();
      channel.setSize(size);
      WriteResult result = writer.write(clamped, channel, progress);
      // formats whose size is known only after writing (squashfs) plan an upper bound
      if (result.bytesUsed() > 0 && result.bytesUsed() < channel.size()) {
        channel.setSize(result.bytesUsed());
      }
      size = channel.size();
      output.commit();
      return new Written(size, result);
    }
  }

  /** From the seed, else from the tree as the format stores it and the options. */
  private Identities identities(FilesystemProvider provider, FileTree tree) {
    if (seed != null) {
      try {
        return Identities.fromSeed(UUID.fromString(seed));
      } catch (IllegalArgumentException notAUuid) {
        return Identities.fromSeed(seed.getBytes(StandardCharsets.UTF_8));
      }
    }
    return Identities.fromSeed(
        Identities.seedFor(
            provider.storedView(tree), FilesystemOptions.fingerprint(type, options)));
  }
}
