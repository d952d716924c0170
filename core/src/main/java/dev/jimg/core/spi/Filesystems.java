/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.spi;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.io.ImageChannel;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The filesystem types available: a registry of {@link FilesystemProvider}s by type name, usually
 * those found on the class path by {@link ServiceLoader} ({@link #installed()}).
 *
 * <p>Immutable and thread-safe.
 */
public final class Filesystems {
  private final SortedMap<String, FilesystemProvider> byType;

  private Filesystems(SortedMap<String, FilesystemProvider> byType) {
    this.byType = byType;
  }

  /** The providers {@link ServiceLoader} finds through this class's class loader. */
  public static Filesystems installed() {
    return installed(Filesystems.class.getClassLoader());
  }

  /** The providers {@link ServiceLoader} finds through {@code loader}. */
  public static Filesystems installed(ClassLoader loader) {
    return of(
        ServiceLoader.load(FilesystemProvider.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList());
  }

  /**
   * A registry of the given providers.
   *
   * @throws IllegalStateException if two providers claim the same type (naming both classes)
   */
  public static Filesystems of(Collection<? extends FilesystemProvider> providers) {
    SortedMap<String, FilesystemProvider> map = new TreeMap<>();
    for (FilesystemProvider p : providers) {
      FilesystemProvider old = map.putIfAbsent(p.type(), p);
      if (old != null) {
        throw new IllegalStateException(
            "filesystem type '"
                + p.type()
                + "' is provided by both "
                + old.getClass().getName()
                + " and "
                + p.getClass().getName()
                + "; remove one from the class path");
      }
    }
    return new Filesystems(map);
  }

  /** The type names, sorted. */
  public List<String> types() {
    return List.copyOf(byType.keySet());
  }

  /**
   * The provider of {@code type}.
   *
   * @throws InvalidOptionException if there is none, listing the types there are
   */
  public FilesystemProvider provider(String type) throws InvalidOptionException {
    FilesystemProvider p = byType.get(type);
    if (p == null) {
      throw new InvalidOptionException(
          "unknown filesystem type '"
              + type
              + "'; available: "
              + (byType.isEmpty()
                  ? "none (no format module on the class path)"
                  : String.join(", ", byType.keySet())));
    }
    return p;
  }

  /**
   * A writer of {@code type} configured by {@code options}.
   *
   * @throws InvalidOptionException if the type is unknown or an option is unknown or malformed
   */
  public FilesystemWriter writer(String type, Map<String, String> options, WriteContext context)
      throws InvalidOptionException {
    return provider(type).newWriter(options, context);
  }

  /**
   * The first type, in name order, whose reader {@linkplain FilesystemReader#probe recognises}
   * {@code channel}.
   */
  public Optional<FilesystemProvider> probe(ImageChannel channel) throws IOException {
    for (FilesystemProvider p : byType.values()) {
      Optional<FilesystemReader> reader = p.newReader();
      if (reader.isPresent() && reader.get().probe(channel)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "Filesystems" + byType.keySet();
  }
}
