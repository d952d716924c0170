/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.repro;

import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.core.tree.Xattr;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives every identity an image needs (filesystem UUIDs, GPT disk and partition GUIDs, FAT volume
 * ids, hash seeds) from one seed, so the same seed always gives the same image and no identity
 * comes from randomness or the clock.
 *
 * <p>Each value is {@code HMAC-SHA256(key = seed bytes, message = label)}, the label encoded as
 * UTF-8. The labels name the use ({@code "file-system-uuid"}, {@code "ext4-hash-seed"}); two
 * different labels give independent values.
 *
 * <p><b>systemd-repart compatibility.</b> {@link #uuid(String)} is exactly systemd-repart's {@code
 * derive_uuid(seed, token)}, and {@link #repartPartitionUuid(UUID, long)} its {@code
 * partition_acquire_uuid}; both were checked against systemd-repart 252 (Debian 12), see the tests.
 * With the seed given to {@code systemd-repart --seed=} (or the machine-id it defaults to) as
 * {@link #fromSeed(UUID)}:
 *
 * <ul>
 *   <li>GPT disk GUID: {@code uuid("disk-uuid")} ({@link #repartDiskUuid()});
 *   <li>partition GUID of the {@code k}-th partition (from 0) of a given type, counted in
 *       definition order: {@link #repartPartitionUuid(UUID, long)};
 *   <li>a filesystem's UUID: {@code fromSeed(partitionUuid).uuid("file-system-uuid")} ({@link
 *       #repartFilesystemUuid(UUID)}), i.e. keyed by the partition GUID, not the disk seed.
 * </ul>
 *
 * <p>repart falls back to a random UUID when a derived one collides with an existing partition; we
 * never do (on a fresh disk a collision needs an HMAC collision).
 *
 * <p>Immutable and thread-safe.
 */
public final class Identities {
  /** The label repart derives a GPT disk GUID with. */
  public static final String DISK_UUID_LABEL = "disk-uuid";

  /** The label repart derives a filesystem UUID with, keyed by the partition GUID. */
  public static final String FILESYSTEM_UUID_LABEL = "file-system-uuid";

  private static final String HMAC_SHA256 = "HmacSHA256";
  private static final int MAC_LENGTH = 32;
  private static final byte[] SEED_FORMAT = "jimg-seed-v1\0".getBytes(StandardCharsets.US_ASCII);

  private final byte[] seed;

  private Identities(byte[] seed) {
    if (seed.length == 0) {
      throw new IllegalArgumentException("the seed must not be empty");
    }
    this.seed = seed.clone();
  }

  /** Identities from raw seed bytes (any length but 0; copied). */
  public static Identities fromSeed(byte[] seed) {
    return new Identities(seed);
  }

  /**
   * Identities from a 128-bit seed taken as its 16 bytes in string order (big-endian), as systemd
   * stores a machine-id or the {@code --seed=} of systemd-repart.
   */
  public static Identities fromSeed(UUID seed) {
    return new Identities(toBytes(seed));
  }

  /**
   * The default seed for a build of {@code tree} with the given options: a version-4 UUID made from
   * the first 16 bytes of a SHA-256 over the tree's metadata and the options. Same tree and options
   * give the same seed on any host; a change to any entry's metadata or to the options gives
   * another.
   *
   * <p>Hashed, entry by entry in path order: path bytes, type, mode, uid, gid, mtime, atime and
   * ctime (when kept), size, symlink target, hard-link target, device numbers, extended attributes
   * (names and values). File <em>contents</em> are not read, which keeps this cheap: two trees that
   * differ only in the bytes of a file of the same size get the same seed. Give an explicit seed
   * when that matters.
   *
   * <p>The exact encoding (version 1, pinned by a golden test): the ASCII bytes {@code
   * "jimg-seed-v1"} and a NUL; per entry the byte {@code 'E'}, the path (int32 length and bytes),
   * the type's {@code ls} letter ({@code h} for a hard link), mode as int32, uid and gid as int64,
   * mtime, atime and ctime each as a byte 0 (absent) or 1 followed by int64 seconds and int32
   * nanoseconds, size as int64, symlink target and hard-link target path (int32 length and bytes,
   * empty if none), device major and minor as int64, the xattr count as int32 and each xattr's
   * UTF-8 name and value (int32 length and bytes); then the byte {@code 'O'} and the options (int32
   * length and UTF-8 bytes). Integers big-endian. SHA-256 of all that, first 16 bytes, version and
   * variant bits set as in {@link #uuid(String)}.
   *
   * @param optionsFingerprint a canonical text of the options that shape the image (for example
   *     sorted {@code key=value} lines); empty if none
   */
  public static UUID seedFor(FileTree tree, String optionsFingerprint) {
    MessageDigest sha = sha256();
    // buffered: DataOutputStream writes a number a byte at a time, each a digest update; closing
    // flushes the rest into the digest before it is read below
    try (DataOutputStream out =
        new DataOutputStream(
            new BufferedOutputStream(
                new DigestOutputStream(OutputStream.nullOutputStream(), sha), 1 << 16))) {
      out.write(SEED_FORMAT);
      for (Map.Entry<ImagePath, Entry> e : tree) {
        hashEntry(out, e.getKey(), e.getValue());
      }
      out.writeByte('O');
      writeBytes(out, optionsFingerprint.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("hashing in memory failed", e);
    }
    return makeV4(sha.digest());
  }

  private static void hashEntry(DataOutputStream out, ImagePath path, Entry e) throws IOException {
    out.writeByte('E');
    writeBytes(out, path.bytes());
    out.writeByte(e.type().lsChar());
    out.writeInt(e.mode());
    out.writeLong(e.uid());
    out.writeLong(e.gid());
    writeTime(out, e.mtime());
    writeTime(out, e.atime().orElse(null));
    writeTime(out, e.ctime().orElse(null));
    out.writeLong(e.size());
    byte[] target = e.symlinkTarget();
    writeBytes(out, target == null ? new byte[0] : target);
    writeBytes(out, e.hardlinkTarget() == null ? new byte[0] : e.hardlinkTarget().bytes());
    out.writeLong(e.devMajor());
    out.writeLong(e.devMinor());
    out.writeInt(e.xattrs().size());
    for (Xattr x : e.xattrs()) {
      writeBytes(out, x.name().getBytes(StandardCharsets.UTF_8));
      writeBytes(out, x.value());
    }
  }

  private static void writeTime(DataOutputStream out, Timestamp t) throws IOException {
    if (t == null) {
      out.writeByte(0);
    } else {
      out.writeByte(1);
      out.writeLong(t.seconds());
      out.writeInt(t.nanos());
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  /** The seed bytes (a copy). */
  public byte[] seed() {
    return seed.clone();
  }

  /**
   * Identities for a part of the image (a partition, a nested filesystem): seeded with {@link
   * #uuid(String) uuid(label)}. Deriving per partition this way is what repart does for filesystems
   * inside partitions (see {@link #repartFilesystemUuid(UUID)}).
   */
  public Identities derive(String label) {
    return fromSeed(uuid(label));
  }

  /**
   * A version-4 UUID (RFC 9562 §5.4): the first 16 bytes of the MAC of {@code label}, with the
   * version nibble set to 4 and the variant bits to {@code 10}. Identical to systemd-repart's
   * {@code derive_uuid}.
   */
  public UUID uuid(String label) {
    return makeV4(mac(label.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A GPT GUID for {@code label}: the same value as {@link #uuid(String)}. On disk, GPT stores
   * GUIDs mixed-endian; convert with {@link #toGptBytes(UUID)}.
   */
  public UUID gptGuid(String label) {
    return uuid(label);
  }

  /**
   * A FAT volume id (the 32-bit serial {@code BS_VolID} / {@code BPB_VolID}): the first four bytes
   * of the MAC of {@code label} read little-endian, so that writing the value little-endian, as FAT
   * does, puts those MAC bytes on disk in order.
   */
  public int volumeId32(String label) {
    return ByteBuffer.wrap(mac(label.getBytes(StandardCharsets.UTF_8)))
        .order(ByteOrder.LITTLE_ENDIAN)
        .getInt(0);
  }

  /**
   * {@code n} bytes for {@code label} (an ext4 htree hash seed, a salt). Block 0 is the MAC of the
   * label, block {@code i > 0} the MAC of the label followed by {@code i} as 8 bytes little-endian;
   * the blocks are concatenated and cut to {@code n}. So the first 16 bytes are those {@link
   * #uuid(String)} starts from, before its version and variant bits.
   *
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public byte[] bytes(String label, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("negative length " + n);
    }
    byte[] labelBytes = label.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[n];
    for (int block = 0; block * MAC_LENGTH < n; block++) {
      byte[] message = labelBytes;
      if (block > 0) {
        message =
            ByteBuffer.allocate(labelBytes.length + Long.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(labelBytes)
                .putLong(block)
                .array();
      }
      byte[] m = mac(message);
      int off = block * MAC_LENGTH;
      System.arraycopy(m, 0, out, off, Math.min(MAC_LENGTH, n - off));
    }
    return out;
  }

  /** The GPT disk GUID systemd-repart gives a new partition table with this seed. */
  public UUID repartDiskUuid() {
    return uuid(DISK_UUID_LABEL);
  }

  /**
   * The partition GUID systemd-repart gives a new partition with this seed: {@code
   * HMAC-SHA256(seed, typeUuid)} for the first partition of {@code partitionType} ({@code instance}
   * 0), {@code HMAC-SHA256(seed, typeUuid || instance as 8 bytes little-endian)} for the following
   * ones; the type UUID as its 16 bytes in string order; then made version 4 as {@link
   * #uuid(String)}. {@code instance} counts the earlier partitions of the same type in repart's
   * definition order (sorted file names), from 0.
   *
   * @throws IllegalArgumentException if {@code instance} is negative
   */
  public UUID repartPartitionUuid(UUID partitionType, long instance) {
    if (instance < 0) {
      throw new IllegalArgumentException("negative instance " + instance);
    }
    ByteBuffer message =
        ByteBuffer.allocate(instance == 0 ? 16 : 24)
            .order(ByteOrder.BIG_ENDIAN)
            .putLong(partitionType.getMostSignificantBits())
            .putLong(partitionType.getLeastSignificantBits());
    if (instance > 0) {
      message.order(ByteOrder.LITTLE_ENDIAN).putLong(instance);
    }
    return makeV4(mac(message.array()));
  }

  /**
   * The filesystem UUID systemd-repart gives the filesystem it formats in the partition with GUID
   * {@code partitionUuid}: {@code fromSeed(partitionUuid).uuid("file-system-uuid")}.
   */
  public static UUID repartFilesystemUuid(UUID partitionUuid) {
    return fromSeed(partitionUuid).uuid(FILESYSTEM_UUID_LABEL);
  }

  /**
   * The 16 bytes GPT stores for {@code guid} (UEFI spec, Appendix A): the first three fields
   * little-endian (4, 2 and 2 bytes), the last 8 bytes in string order. {@code
   * C12A7328-F81F-11D2-BA4B-00A0C93EC93B} is stored as {@code 28 73 2A C1 1F F8 D2 11 BA 4B 00 A0
   * C9 3E C9 3B}.
   */
  public static byte[] toGptBytes(UUID guid) {
    byte[] b = toBytes(guid);
    swap(b, 0, 3);
    swap(b, 1, 2);
    swap(b, 4, 5);
    swap(b, 6, 7);
    return b;
  }

  /**
   * The GUID whose GPT encoding is {@code bytes[offset..offset+16)}; the inverse of {@link
   * #toGptBytes(UUID)}.
   */
  public static UUID fromGptBytes(byte[] bytes, int offset) {
    byte[] b = java.util.Arrays.copyOfRange(bytes, offset, offset + 16);
    swap(b, 0, 3);
    swap(b, 1, 2);
    swap(b, 4, 5);
    swap(b, 6, 7);
    return fromBytes(b);
  }

  /** The 16 bytes of {@code uuid} in string order (big-endian). */
  public static byte[] toBytes(UUID uuid) {
    return ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array();
  }

  /** The UUID whose string-order bytes are the first 16 of {@code b}. */
  public static UUID fromBytes(byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b);
    return new UUID(buf.getLong(0), buf.getLong(8));
  }

  private static void swap(byte[] b, int i, int j) {
    byte t = b[i];
    b[i] = b[j];
    b[j] = t;
  }

  private static UUID makeV4(byte[] digest) {
    byte[] b = java.util.Arrays.copyOf(digest, 16);
    b[6] = (byte) ((b[6] & 0x0F) | 0x40);
    b[8] = (byte) ((b[8] & 0x3F) | 0x80);
    return fromBytes(b);
  }

  /**
   * Loads the JDK's SHA-256 and HMAC-SHA256 (its security providers, their configuration files and
   * classes) and runs each once, so that a later {@link #seedFor} or {@link #uuid} does not pay for
   * that. A cold JVM spends about 40 ms of one thread here, so a command line can call this on a
   * thread of its own while its main thread reads the input. No effect on any value.
   */
  public static void preload() {
    sha256().digest(SEED_FORMAT);
    new Identities(SEED_FORMAT).mac(SEED_FORMAT);
  }

  private byte[] mac(byte[] message) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(new SecretKeySpec(seed, HMAC_SHA256));
      return mac.doFinal(message);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every Java platform provides " + HMAC_SHA256, e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }

  /** Shows a hash of the seed, never the seed (it may be a machine-id). */
  @Override
  public String toString() {
    byte[] h = sha256().digest(seed);
    return String.format(
        java.util.Locale.ROOT, "Identities[seed sha256 %02x%02x%02x%02x…]", h[0], h[1], h[2], h[3]);
  }
}
