/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.squashfs;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.io.ImageChannel;
import dev.jimg.core.progress.ProgressListener;
import dev.jimg.core.spi.FilesystemProvider;
import dev.jimg.core.spi.FilesystemReader;
import dev.jimg.core.spi.FilesystemWriter;
import dev.jimg.core.spi.WriteContext;
import dev.jimg.core.spi.WriteResult;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Xattr;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/** The {@code squashfs} filesystem type for {@link dev.jimg.core.spi.Filesystems}. Stateless. */
public final class SquashfsProvider implements FilesystemProvider {
  /** The xattr name prefix of POSIX ACLs. */
  static final String ACL_PREFIX = "system.posix_acl_";

  private static final Set<String> FLAGS =
      Set.of(
          SquashfsOptions.NO_FRAGMENTS,
          SquashfsOptions.NO_DEDUP,
          SquashfsOptions.EXPORTABLE,
          SquashfsOptions.DROP_ACLS);

  @Override
  public String type() {
    return "squashfs";
  }

  @Override
  public String description() {
    return "squashfs (compressed read-only filesystem, version 4.0)";
  }

  @Override
  public SortedMap<String, String> writerOptions() {
    return SquashfsOptions.descriptions();
  }

  @Override
  public Set<String> writerFlags() {
    return FLAGS;
  }

  @Override
  public void checkOptions(Map<String, String> options) throws InvalidOptionException {
    SquashfsOptions.parse(options);
    dropAcls(options);
  }

  @Override
  public FilesystemWriter newWriter(Map<String, String> options, WriteContext context)
      throws InvalidOptionException {
    SquashfsWriter writer = new SquashfsWriter(SquashfsOptions.parse(options), context);
    return dropAcls(options) ? new AclDropping(writer) : writer;
  }

  private static boolean dropAcls(Map<String, String> options) throws InvalidOptionException {
    String drop = options.getOrDefault(SquashfsOptions.DROP_ACLS, "false");
    if (!drop.equals("true") && !drop.equals("false")) {
      throw new InvalidOptionException(
          "squashfs option drop-acls: '" + drop + "' is not true or false");
    }
    return drop.equals("true");
  }

  /** A writer that first removes POSIX ACL xattrs from the tree. */
  private static final class AclDropping implements FilesystemWriter {
    private final FilesystemWriter writer;
    private FileTree from;
    private FileTree to;

    AclDropping(FilesystemWriter writer) {
      this.writer = writer;
    }

    @Override
    public long plan(FileTree tree) throws IOException {
      return writer.plan(withoutAcls(tree));
    }

    @Override
    public WriteResult write(FileTree tree, ImageChannel channel, ProgressListener progress)
        throws IOException {
      return writer.write(withoutAcls(tree), channel, progress);
    }

    private FileTree withoutAcls(FileTree tree) throws IOException {
      if (tree != from) {
        FileTreeBuilder b = null;
        for (Map.Entry<ImagePath, Entry> e : tree.entries().entrySet()) {
          List<Xattr> xattrs = e.getValue().xattrs();
          if (xattrs.stream().anyMatch(x -> x.name().startsWith(ACL_PREFIX))) {
            if (b == null) {
              b = tree.toBuilder();
            }
            List<Xattr> kept =
                xattrs.stream().filter(x -> !x.name().startsWith(ACL_PREFIX)).toList();
            b.update(e.getKey(), entry -> entry.toBuilder().xattrs(kept).build());
          }
        }
        from = tree;
        to = b == null ? tree : b.build();
      }
      return to;
    }
  }

  @Override
  public Optional<FilesystemReader> newReader() {
    return Optional.of(new SquashfsReader());
  }
}
