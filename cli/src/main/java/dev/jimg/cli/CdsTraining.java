/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import dev.jimg.core.repro.AllowNondeterminism;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run behind the launcher's class-data-sharing archive: runs the common commands once,
 * in one JVM, so that the class list it leaves (and the archive made from it) holds the classes
 * each of them loads. A run of {@code jimg mkfs ext4} then starts with its writer's classes already
 * parsed and verified.
 *
 * <p>Not part of the command line; the launcher runs it as {@code java -XX:DumpLoadedClassList=LIST
 * -cp jimg.jar dev.jimg.cli.CdsTraining TAR}, then dumps the listed classes into a static archive.
 * Output is discarded, the images go to a temporary directory that is deleted, and a failing
 * command only means fewer classes in the archive.
 */
public final class CdsTraining {
  private CdsTraining() {}

  /**
   * @param args one argument: a small tar to list and to build each image type from
   */
  @AllowNondeterminism("a training run for start-up speed; it writes nothing that is kept")
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: CdsTraining TAR");
      System.exit(Cli.EXIT_USAGE);
    }
    String tar = args[0];
    Path dir = Files.createTempDirectory("jimg-cds-");
    try {
      for (List<String> command : commands(tar, dir)) {
        run(command, new StringWriter());
      }
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    System.exit(Cli.EXIT_OK);
  }

  /** Runs one command with no input and an empty environment, its output into {@code sink}. */
  static int run(List<String> command, StringWriter sink) {
    PrintWriter out = new PrintWriter(sink);
    return Cli.run(
        command.toArray(String[]::new),
        new ByteArrayInputStream(new byte[0]),
        out,
        out,
        Map.of(),
        false);
  }

  /**
   * The commands trained, most used first: each verb and image type from the tar, then from a
   * directory (made by {@link #makeTree} under {@code dir}), whose walk loads classes of its own.
   */
  static List<List<String>> commands(String tar, Path dir) throws IOException {
    String seed = "--seed=cds-training";
    String tree = makeTree(dir.resolve("tree")).toString();
    return List.of(
        List.of("ls", "--json", "--xattrs", tar),
        List.of("ls", tar),
        List.of("mkfs", "ext4", seed, dir.resolve("a.ext4").toString(), tar),
        List.of("mkfs", "squashfs", seed, dir.resolve("b.sqfs").toString(), tar),
        List.of("mkfs", "fat", seed, "--unsupported=skip", dir.resolve("c.fat").toString(), tar),
        List.of("ls", tree),
        // without --seed, as most runs are: the seed is then hashed from the tree
        List.of("mkfs", "ext4", dir.resolve("d.ext4").toString(), tree),
        List.of("mkfs", "squashfs", seed, dir.resolve("e.sqfs").toString(), tree),
        List.of("mkfs", "fat", seed, "--unsupported=skip", dir.resolve("f.fat").toString(), tree),
        // the verbs that read images: the ext4 reader, the comparison, the host writer
        List.of("diff", dir.resolve("a.ext4").toString(), dir.resolve("a.ext4").toString()),
        List.of("cat", dir.resolve("a.ext4").toString(), "etc/hostname"),
        List.of(
            "extract", "--unsupported=skip", "--owners=skip", tar, dir.resolve("g").toString()));
  }

  /**
   * A small directory tree with what a real root filesystem has and the writers treat apart: files
   * below and above the size that is copied in batches, nested directories, a directory too wide
   * for one block (an ext4 htree), a hard link, a short and a long symbolic link, and a user xattr
   * where the host filesystem takes one.
   */
  static Path makeTree(Path root) throws IOException {
    Path deeper = Files.createDirectories(root.resolve("etc/deeper"));
    Files.writeString(root.resolve("etc/hostname"), "training\n", StandardCharsets.UTF_8);
    byte[] data = new byte[300_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + i / 977);
    }
    Files.write(root.resolve("etc/data.bin"), Arrays.copyOf(data, 70_000));
    Files.write(root.resolve("etc/large.bin"), data);
    Files.write(deeper.resolve("Long File Name.txt"), new byte[5000]);
    Files.createLink(root.resolve("etc/hostname.link"), root.resolve("etc/hostname"));
    Files.createSymbolicLink(root.resolve("hostname"), Path.of("etc/hostname"));
    Files.createSymbolicLink(
        root.resolve("etc/long-link"),
        Path.of("deeper/../deeper/../deeper/../deeper/../deeper/../deeper/Long File Name.txt"));
    Path wide = Files.createDirectories(root.resolve("usr/share/wide"));
    for (int i = 0; i < 300; i++) {
      Files.writeString(wide.resolve("training-file-" + i + ".conf"), "n=" + i + "\n");
    }
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(
            root.resolve("etc/hostname"), UserDefinedFileAttributeView.class);
    try {
      if (view != null) {
        view.write("jimg.training", ByteBuffer.wrap(new byte[] {'1'}));
      }
    } catch (IOException e) {
      // the host filesystem takes no user xattrs: the tree is trained without one
    }
    return root;
  }
}
