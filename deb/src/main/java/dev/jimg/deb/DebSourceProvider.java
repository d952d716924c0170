/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.deb;

import dev.jimg.core.source.Source;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.spi.SourceProvider;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Teaches {@link dev.jimg.core.source.Sources} to open {@code .deb} files: a file that starts with
 * the ar magic followed by a {@code debian-binary} member opens as the tree of its data archive.
 * Stateless and thread-safe.
 */
public final class DebSourceProvider implements SourceProvider {
  /** The provider's name. */
  public static final String NAME = "deb";

  public DebSourceProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean recognises(byte[] head) {
    return DebPackage.looksLikeDeb(head);
  }

  @Override
  public Source open(Path file, SourceOptions options) throws IOException {
    return DebData.read(DebPackage.open(file), options);
  }
}
