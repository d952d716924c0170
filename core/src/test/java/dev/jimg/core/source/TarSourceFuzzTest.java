/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.core.JimgException;
import dev.jimg.core.tree.EntryType;
import dev.jimg.core.tree.FileTree;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Corrupts valid tars (flips, truncations, insertions, overwrites with 0xFF or NUL runs) and checks
 * that the reader either succeeds, with readable contents, or throws a {@link JimgException}: never
 * another exception, an error or a hang.
 */
class TarSourceFuzzTest {
  private static final List<String> BASES =
      List.of("tree-gnu.tar.gz", "tree-posix.tar.xz", "tree-bsdtar.tar.zst", "sparse-1.0.tar.gz");
  private static byte[][] bases;
  private static Path dir;

  @BeforeContainer
  static void load() throws IOException {
    bases = new byte[BASES.size()][];
    for (int i = 0; i < bases.length; i++) {
      bases[i] = TarTestSupport.decompressedFixture(BASES.get(i));
    }
    dir = Files.createTempDirectory("jimg-tar-fuzz");
  }

  @AfterContainer
  static void clean() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  /** One change to one base tar. */
  record Mutation(int base, int kind, double where, int value, int length) {
    byte[] apply(byte[] in) {
      // positions skew towards the start, where most headers are
      int pos = (int) (in.length * where * where);
      byte[] out;
      switch (kind) {
        case 0 -> {
          out = in.clone();
          out[pos] ^= (byte) (1 << (value & 7));
        }
        case 1 -> out = Arrays.copyOf(in, pos);
        case 2 -> {
          out = new byte[in.length + length];
          System.arraycopy(in, 0, out, 0, pos);
          Arrays.fill(out, pos, pos + length, (byte) value);
          System.arraycopy(in, pos, out, pos + length, in.length - pos);
        }
        default -> {
          out = in.clone();
          Arrays.fill(out, pos, Math.min(out.length, pos + length), (byte) value);
        }
      }
      return out;
    }
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return Combinators.combine(
            Arbitraries.integers().between(0, BASES.size() - 1),
            Arbitraries.integers().between(0, 3),
            Arbitraries.doubles().between(0, 0.9999).ofScale(4),
            Arbitraries.of(
                0,
                0xff,
                (int) '0',
                (int) '7',
                (int) ' ',
                (int) '\n',
                (int) 'x',
                (int) 'L',
                (int) 'S',
                0x80),
            Arbitraries.integers().between(1, 40))
        .as(Mutation::new);
  }

  @Property(tries = 250)
  void read_mutatedTar_succeedsOrThrowsJimgException(@ForAll("mutations") Mutation m)
      throws IOException {
    byte[] tar = m.apply(bases[m.base()]);
    checkStream(tar);
    Path f = dir.resolve("fuzz.tar");
    Files.write(f, tar);
    try (TarSource s = TarSource.open(f, SourceOptions.defaults())) {
      readContents(s.tree());
    } catch (JimgException expected) {
      assertThat(expected.getMessage()).startsWith(f.toString());
    }
  }

  private static final List<String> COMPRESSED =
      List.of("tree-gnu.tar.gz", "tree-posix.tar.xz", "tree-bsdtar.tar.zst", "tree-python.tar.bz2");

  @Provide
  Arbitrary<Mutation> compressedMutations() {
    return Combinators.combine(
            Arbitraries.integers().between(0, COMPRESSED.size() - 1),
            Arbitraries.integers().between(0, 3),
            Arbitraries.doubles().between(0, 0.9999).ofScale(4),
            Arbitraries.integers().between(0, 255),
            Arbitraries.integers().between(1, 16))
        .as(Mutation::new);
  }

  @Property(tries = 120)
  void read_mutatedCompressedTar_succeedsOrThrowsJimgException(
      @ForAll("compressedMutations") Mutation m) throws IOException {
    byte[] compressed = Files.readAllBytes(TarTestSupport.fixture(COMPRESSED.get(m.base())));
    checkStream(m.apply(compressed));
  }

  private static void checkStream(byte[] tar) throws IOException {
    try (TarSource s =
        TarSource.read(new ByteArrayInputStream(tar), "fuzz", SourceOptions.defaults())) {
      readContents(s.tree());
    } catch (JimgException expected) {
      assertThat(expected.getMessage()).startsWith("fuzz");
    }
  }

  /** Reads the first bytes of every file (a mutated size may make a file huge and sparse). */
  private static void readContents(FileTree tree) {
    tree.forEach(
        (p, e) -> {
          if (e.type() == EntryType.REGULAR) {
            try (InputStream in = e.content().open()) {
              in.readNBytes(1 << 16);
            } catch (IOException x) {
              throw new UncheckedIOException(x);
            }
          }
        });
  }
}
