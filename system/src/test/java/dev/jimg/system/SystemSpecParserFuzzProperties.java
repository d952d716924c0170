/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jimg.partition.SpecNodes;
import dev.jimg.testdata.SpecMutations;
import java.nio.file.Path;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Damaged system specs (values of other types, edge numbers, odd text, keys removed or added): the
 * parser answers each with a spec or an {@link dev.jimg.core.InvalidOptionException} naming the
 * key, never with another exception.
 */
class SystemSpecParserFuzzProperties {
  /** The full spec with a disk size and a partition of its own. */
  static final String EXAMPLE =
      SystemSpecParserTest.FULL_SPEC
          + "size: 2G\npartitions:\n  - {name: data, type: linux-generic, size: 1M}\n";

  @Example
  void example_isValid() throws Exception {
    SystemSpec s = SystemSpecParser.parse(EXAMPLE, Path.of("/specs"), "example.yaml");
    assertThat(s.disk().partitions()).hasSize(1);
    assertThat(s.boot()).isPresent();
  }

  @Property(tries = 400)
  void parse_damagedSpec_specOrTypedError(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int edits) throws Exception {
    Object example = SpecNodes.load(EXAMPLE, "example.yaml");
    SpecMutations.requireResultOrTypedError(
        SpecMutations.mutate(example, seed, edits),
        text -> SystemSpecParser.parse(text, Path.of("/specs"), "fuzz.yaml"));
  }
}
