/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.fat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FatProviderTest {
  private static final Timestamp T = new Timestamp(1_700_000_001L, 123_456_789);

  private static FileTree tree(int fileMode, long uid, Timestamp mtime, boolean extras)
      throws IOException {
    return tree(fileMode, uid, mtime, extras, T);
  }

  private static FileTree tree(
      int fileMode, long uid, Timestamp mtime, boolean extras, Timestamp linkTime)
      throws IOException {
    FileTreeBuilder b = new FileTreeBuilder();
    Entry.Builder root = Entry.builder(EntryType.DIRECTORY).mode(0755).mtime(T);
    Entry.Builder file =
        Entry.builder(EntryType.REGULAR)
            .mode(fileMode)
            .uid(uid)
            .gid(uid)
            .mtime(mtime)
            .content(Content.ofBytes("data".getBytes(StandardCharsets.UTF_8)));
    if (extras) {
      file.atime(T).ctime(T).xattr("user.note", new byte[] {1});
    }
    b.put(ImagePath.ROOT, root.build());
    b.put(ImagePath.of("EFI"), Entry.directory(0700, T));
    b.put(ImagePath.of("EFI/boot.efi"), file.build());
    b.put(ImagePath.of("EFI/copy.efi"), Entry.hardlink(ImagePath.of("EFI/boot.efi")));
    b.put(ImagePath.of("link"), Entry.symlink("EFI/boot.efi", linkTime));
    return b.build();
  }

  @Test
  void storedView_whatFatCannotHold_leftOut() throws IOException {
    FatProvider fat = new FatProvider();
    FileTree plain = fat.storedView(tree(0644, 0, T, false));
    // owners, modes, xattrs, atime, ctime and time below a hundredth: the same view
    FileTree other =
        fat.storedView(tree(0400, 1000, new Timestamp(T.seconds(), 129_999_999), true));
    assertThat(other).isEqualTo(plain);
    Entry file = plain.get(ImagePath.of("EFI/boot.efi"));
    assertThat(file.mode()).isEqualTo(0644);
    assertThat(file.uid()).isZero();
    assertThat(file.xattrs()).isEmpty();
    assertThat(file.atime()).isEmpty();
    assertThat(file.mtime()).isEqualTo(new Timestamp(T.seconds(), 120_000_000));
    assertThat(file.size()).isEqualTo(4);
    assertThat(plain.get(ImagePath.of("EFI/copy.efi")).type()).isEqualTo(EntryType.HARDLINK);
    assertThat(new String(plain.get(ImagePath.of("link")).symlinkTarget(), StandardCharsets.UTF_8))
        .isEqualTo("EFI/boot.efi");
    // a link's own time: FAT never keeps it (the link is skipped, refused or copied as its target)
    assertThat(fat.storedView(tree(0644, 0, T, false, Timestamp.ofSeconds(5)))).isEqualTo(plain);
    // what FAT keeps still tells trees apart: a second more is another view
    assertThat(fat.storedView(tree(0644, 0, new Timestamp(T.seconds() + 1, 0), false)))
        .isNotEqualTo(plain);
    // and the view of a view is itself
    assertThat(fat.storedView(plain)).isEqualTo(plain);
  }

  @Test
  void stored_clampedToFatsYears() {
    assertThat(FatProvider.stored(Timestamp.ofSeconds(0))).isEqualTo(FatTimestamp.MIN);
    assertThat(FatProvider.stored(Timestamp.ofSeconds(1L << 40))).isEqualTo(FatTimestamp.MAX);
  }
}
