/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.cli.CliTest.Run;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.TarSource;
import dev.jimg.core.spi.FilesystemImage;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import dev.jimg.testdata.LoopMount;
import dev.jimg.testdata.Tool;
import dev.jimg.testdata.TreeManifest;
import dev.jimg.testdata.TreeManifestAssert;
import dev.jimg.testdata.Validators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code jimg mkfs} with the real format modules on the bundled example, judged by the real tools:
 * e2fsck and the kernel for ext2/3/4, unsquashfs and the kernel for squashfs, fsck.fat for FAT.
 */
class MkfsFormatsIntegrationTest {
  @TempDir Path tmp;

  private TreeManifest exampleManifest() throws IOException {
    try (TarSource s = TarSource.open(Path.of(MkfsCommandTest.EXAMPLE), SourceOptions.defaults())) {
      return TreeManifest.of(s.tree());
    }
  }

  private Path mkfs(String name, String... args) {
    Path image = tmp.resolve(name);
    String[] all = new String[args.length + 4];
    all[0] = "mkfs";
    all[1] = args[0];
    System.arraycopy(args, 1, all, 2, args.length - 1);
    all[args.length + 1] = image.toString();
    all[args.length + 2] = MkfsCommandTest.EXAMPLE;
    all[args.length + 3] = "-q";
    Run r = run(Map.of(), all);
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    return image;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext4", "ext3", "ext2"})
  void mkfs_ext_e2fsckCleanAndKernelSeesTheTar(String type) throws IOException {
    Path image = mkfs(type + ".img", type);
    Validators.e2fsckClean(image);
    Validators.requireLoopMount();
    try (LoopMount m = LoopMount.of(image).type(type).mount()) {
      TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(m.root()).without("lost+found"))
          .matches(exampleManifest());
    }
  }

  @Test
  void mkfs_squashfs_unsquashfsAndKernelSeeTheTar() throws IOException {
    Path image = mkfs("s.img", "squashfs", "--compression", "xz");
    Validators.require(Tool.UNSQUASHFS);
    assertThat(Validators.unsquashfsSuperblock(image)).contains("Compression xz");
    assertThat(Files.size(image) % 4096).isZero();
    Validators.requireLoopMount();
    try (LoopMount m = LoopMount.of(image).type("squashfs").mount()) {
      // squashfs keeps whole seconds only
      TreeManifestAssert.assertThat(TreeManifest.ofHostDirectory(m.root()))
          .withMtimeSeconds()
          .matches(exampleManifest());
    }
  }

  @Test
  void mkfs_fat_refusesLinksAndDevicesUnlessSkipped() throws IOException {
    Run refused = run("mkfs", "fat", tmp.resolve("f.img").toString(), MkfsCommandTest.EXAMPLE);
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("bin (symlink)").contains("dev/null");
    assertThat(tmp.resolve("f.img")).doesNotExist();

    Path image = mkfs("f.img", "fat", "--unsupported", "skip", "--label", "EXAMPLE");
    Validators.fsckFatClean(image);
    assertThat(String.join("\n", Validators.mdirList(image))).contains("EXAMPLE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext4", "squashfs", "fat"})
  void mkfs_twiceWithSourceDateEpoch_identicalBytes(String type) throws IOException {
    String[] extra = type.equals("fat") ? new String[] {"--unsupported", "skip"} : new String[0];
    Path[] images = new Path[2];
    for (int i = 0; i < 2; i++) {
      images[i] = tmp.resolve(type + i + ".img");
      String[] args = new String[4 + extra.length];
      args[0] = "mkfs";
      args[1] = type;
      System.arraycopy(extra, 0, args, 2, extra.length);
      args[2 + extra.length] = images[i].toString();
      args[3 + extra.length] = MkfsCommandTest.EXAMPLE;
      Run r = run(Map.of("SOURCE_DATE_EPOCH", "1704067200"), args);
      assertThat(r.code()).as(r.err()).isZero();
    }
    assertThat(Files.mismatch(images[0], images[1])).isEqualTo(-1);
  }

  /** A small boot tree; {@code variant} changes only what FAT cannot store. */
  private Path bootTree(String name, boolean variant, long extraSeconds) throws IOException {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir.resolve("EFI/BOOT"));
    Path efi = dir.resolve("EFI/BOOT/BOOTX64.EFI");
    Files.writeString(efi, "an EFI binary");
    Path conf = dir.resolve("loader.conf");
    Files.writeString(conf, "timeout 3\n");
    Instant t = Instant.parse("2024-05-06T07:08:09.120000000Z");
    Files.setPosixFilePermissions(
        efi, PosixFilePermissions.fromString(variant ? "r--------" : "rw-r--r--"));
    Files.setPosixFilePermissions(
        conf, PosixFilePermissions.fromString(variant ? "rwxrwxrwx" : "rw-------"));
    // the same hundredth of a second, other nanoseconds
    Instant fileTime = variant ? t.plusNanos(9_876_543) : t;
    for (Path p : new Path[] {efi, conf}) {
      Files.setLastModifiedTime(p, FileTime.from(fileTime.plusSeconds(extraSeconds)));
    }
    for (Path p : new Path[] {dir.resolve("EFI/BOOT"), dir.resolve("EFI"), dir}) {
      Files.setLastModifiedTime(p, FileTime.from(t));
    }
    return dir;
  }

  @Test
  void mkfs_fat_sameFilesOtherModesAndNanoseconds_sameImage() throws IOException {
    // no --seed: the volume id comes from the tree as FAT stores it, so modes, owners and time
    // below a hundredth of a second, which FAT does not keep, do not change the image
    Path[] images = new Path[3];
    Path[] trees = {
      bootTree("a", false, 0), bootTree("b", true, 0), bootTree("c", false, 2),
    };
    for (int i = 0; i < 3; i++) {
      images[i] = tmp.resolve("esp" + i + ".img");
      Run r = run("mkfs", "fat", "-q", images[i].toString(), trees[i].toString());
      assertThat(r.code()).as(r.err()).isZero();
    }
    assertThat(Files.mismatch(images[0], images[1])).isEqualTo(-1);
    // what FAT keeps still counts: two seconds later is another image
    assertThat(Files.mismatch(images[0], images[2])).isNotEqualTo(-1);
    Validators.fsckFatClean(images[0]);
  }

  static final String HELLO_DEB =
      Path.of("..", "deb", "src", "test", "resources", "dev", "jimg", "deb", "fixtures")
          .resolve("hello_2.10-3_amd64.deb")
          .toString();

  @Test
  void mkfs_tarThenDeb_unpacksLikeDpkgWithItsDatabase() throws IOException {
    Path image = tmp.resolve("deb.img");
    Run r = run("mkfs", "ext4", "-q", image.toString(), MkfsCommandTest.EXAMPLE, HELLO_DEB);
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    Validators.e2fsckClean(image);
    Validators.requireLoopMount();
    try (LoopMount m = LoopMount.of(image).type("ext4").mount()) {
      // the example's bin -> usr/bin symlink is followed, as dpkg does on merged-/usr
      assertThat(m.root().resolve("usr/bin/hello-again")).exists();
      assertThat(Files.isSymbolicLink(m.root().resolve("bin"))).isTrue();
      assertThat(m.root().resolve("usr/bin/hello")).isRegularFile();
      assertThat(Files.readString(m.root().resolve("var/lib/dpkg/status")))
          .contains("Package: hello\n")
          .contains("Status: install ok installed\n");
      assertThat(m.root().resolve("var/lib/dpkg/info/hello.list")).isRegularFile();
    }
  }

  @Test
  void ls_deb_showsDataAndDatabase() {
    Run r = run("ls", HELLO_DEB);
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains(" usr/bin/hello\n").contains(" var/lib/dpkg/status\n");
  }

  @Test
  void ls_ext4Image_listsTheSameTreeAsItsTar() {
    Path image = mkfs("ls.img", "ext4");
    Run fromImage = run("ls", image.toString());
    Run fromTar = run("ls", MkfsCommandTest.EXAMPLE);
    assertThat(fromImage.code()).isZero();
    assertThat(fromImage.out().replaceAll("(?m)^.* lost\\+found\n", "")).isEqualTo(fromTar.out());
  }

  @Test
  void mkfs_squashfsFromExt4Image_repacksTheTree() throws IOException {
    Path ext4 = mkfs("from.img", "ext4");
    Path squashfs = tmp.resolve("to.sqfs");
    Run r = run("mkfs", "squashfs", "-q", squashfs.toString(), ext4.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(String.join("\n", Validators.unsquashfsList(squashfs)))
        .contains("usr/bin/hello")
        .contains("lost+found");
  }

  /**
   * Sources can nest directories deeper than any host path (a tar, an image): the writers' and
   * readers' walks recurse per level, so the command runs on a deep stack (with the JVM's default 1
   * MiB, mkfs squashfs and fat of a tar of 3,000 nested directories overflowed). The source here is
   * an ext4 image of 5,000 nested directories, made with the writer's API (commons-compress takes
   * minutes to write a tar of such names).
   */
  @ParameterizedTest
  @ValueSource(strings = {"ext4", "squashfs", "fat"})
  void mkfs_5000NestedDirectories_buildsAndListsBack(String format) throws Exception {
    Timestamp t = Timestamp.ofSeconds(1_700_000_000L);
    FileTreeBuilder b = new FileTreeBuilder();
    b.put(ImagePath.ROOT, Entry.directory(0755, t));
    String deepest = "d/".repeat(5_000) + "f";
    for (int depth = 1; depth <= 5_000; depth++) {
      b.put(ImagePath.of("d/".repeat(depth - 1) + "d"), Entry.directory(0755, t));
    }
    b.put(ImagePath.of(deepest), Entry.file(0644, t, Content.ofBytes(new byte[] {'h', 'i'})));
    FileTree tree = b.build();
    // the library call runs its writer on a deep stack itself: from a thread of 256 KiB here
    Path source = tmp.resolve("deep.ext4");
    Path api = tmp.resolve("deep-api." + format);
    Throwable[] failed = new Throwable[1];
    Thread small =
        new Thread(
            null,
            () -> {
              try {
                FilesystemImage.of("ext4").seed("deep").buildTime(t).write(tree, source);
                FilesystemImage.of(format).seed("deep").buildTime(t).write(tree, api);
              } catch (Throwable e) {
                failed[0] = e;
              }
            },
            "small-stack",
            256 << 10);
    small.start();
    small.join();
    assertThat(failed[0]).isNull();
    Path image = tmp.resolve("deep." + format);
    Run made = run("mkfs", format, image.toString(), source.toString());
    assertThat(made.err()).isEmpty();
    assertThat(made.code()).isZero();
    Run listed = run("ls", image.toString());
    assertThat(listed.err()).isEmpty();
    assertThat(listed.code()).isZero();
    assertThat(listed.out()).contains(deepest);
    Run apiListed = run("ls", api.toString());
    assertThat(apiListed.code()).as(apiListed.err()).isZero();
    assertThat(apiListed.out()).contains(deepest);
  }
}
