/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.partition;

import dev.jimg.testdata.SpecMutations;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Damaged disk specs (values of other types, edge numbers, odd text, keys removed or added): the
 * parser answers each with a spec or an {@link dev.jimg.core.InvalidOptionException} naming the
 * key, never with another exception.
 */
class DiskSpecParserFuzzProperties {
  @Property(tries = 400)
  void parse_damagedSpec_specOrTypedError(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int edits) throws Exception {
    Object example = SpecNodes.load(DiskSpecParserTest.ISSUE_EXAMPLE, "example.yaml");
    SpecMutations.requireResultOrTypedError(
        SpecMutations.mutate(example, seed, edits),
        text -> DiskSpecParser.parse(text, Path.of("/specs"), "fuzz.yaml"));
  }
}
