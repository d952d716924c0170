/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.cli;

import static dev.jimg.cli.CliTest.run;
import static dev.jimg.cli.MkfsCommandTest.EXAMPLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.cli.CliTest.Run;
import dev.jimg.core.UnsupportedEntryException;
import dev.jimg.core.source.SourceOptions;
import dev.jimg.core.source.Sources;
import dev.jimg.core.spi.FilesystemImage;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FilesystemImage}, the library's one call for what {@code jimg mkfs} does: the same bytes
 * as the command, and the README's example as written there.
 */
class FilesystemImageApiTest {
  @TempDir Path tmp;

  @Test
  void readmeExample_writesTheImageTheCommandWrites() throws Exception {
    Path image = tmp.resolve("root.img");
    // as in the README's "Use it as a library"
    try (Sources.LayeredSource root =
        Sources.openLayered(
            List.of(EXAMPLE), InputStream.nullInputStream(), SourceOptions.defaults(), false)) {
      FilesystemImage.Written w =
          FilesystemImage.of("ext4")
              .option("label", "root")
              .seed("my-build")
              .write(root.tree(), image);
      assertThat(w.sizeBytes()).isEqualTo(Files.size(image));
      assertThat(w.filesystem().label()).contains("root");
    }

    Path byCli = tmp.resolve("cli.img");
    Run r =
        run(
            "mkfs",
            "ext4",
            "--label",
            "root",
            "--seed",
            "my-build",
            "-q",
            byCli.toString(),
            EXAMPLE);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.mismatch(image, byCli)).isEqualTo(-1);
  }

  @Test
  void sameBytesAsTheCommand_forEachTypeWithTimeOrSourceDateEpoch() throws Exception {
    try (Sources.LayeredSource root =
        Sources.openLayered(
            List.of(EXAMPLE), InputStream.nullInputStream(), SourceOptions.defaults(), false)) {
      for (String type : List.of("ext4", "ext2", "squashfs", "fat")) {
        Path api = tmp.resolve(type + "-api.img");
        FilesystemImage mkfs =
            FilesystemImage.of(type).environment(Map.of("SOURCE_DATE_EPOCH", "1700000000"));
        if (type.equals("fat")) {
          mkfs.option("unsupported", "skip");
        }
        mkfs.write(root.tree(), api);
        Path cli = tmp.resolve(type + "-cli.img");
        Run r =
            type.equals("fat")
                ? run(
                    Map.of("SOURCE_DATE_EPOCH", "1700000000"),
                    "mkfs",
                    "fat",
                    "--unsupported",
                    "skip",
                    "-q",
                    cli.toString(),
                    EXAMPLE)
                : run(
                    Map.of("SOURCE_DATE_EPOCH", "1700000000"),
                    "mkfs",
                    type,
                    "-q",
                    cli.toString(),
                    EXAMPLE);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.mismatch(api, cli)).as(type).isEqualTo(-1);

        Path timed = tmp.resolve(type + "-timed.img");
        FilesystemImage.of(type)
            .options(type.equals("fat") ? Map.of("unsupported", "skip") : Map.of())
            .buildTime(Timestamp.ofSeconds(1_600_000_000L))
            .write(root.tree(), timed);
        assertThat(Files.mismatch(timed, api)).as(type + ": another time").isNotEqualTo(-1);
      }
    }
  }

  @Test
  void failure_leavesNoFileAndAnExistingOneUntouched() throws Exception {
    Path image = tmp.resolve("esp.img");
    Files.writeString(image, "before", StandardCharsets.UTF_8);
    try (Sources.LayeredSource root =
        Sources.openLayered(
            List.of(EXAMPLE), InputStream.nullInputStream(), SourceOptions.defaults(), false)) {
      assertThatThrownBy(() -> FilesystemImage.of("fat").write(root.tree(), image))
          .isInstanceOf(UnsupportedEntryException.class)
          .hasMessageContaining("bin (symlink)");
      assertThat(root.tree().contains(ImagePath.of("bin"))).isTrue();
    }
    assertThat(Files.readString(image, StandardCharsets.UTF_8)).isEqualTo("before");
    try (var listing = Files.list(tmp)) {
      assertThat(listing.map(p -> p.getFileName().toString()).toList()).containsExactly("esp.img");
    }
  }
}
