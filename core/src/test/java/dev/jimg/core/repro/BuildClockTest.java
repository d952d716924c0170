/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.repro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jimg.core.InvalidOptionException;
import dev.jimg.core.tree.Content;
import dev.jimg.core.tree.Entry;
import dev.jimg.core.tree.FileTree;
import dev.jimg.core.tree.FileTreeBuilder;
import dev.jimg.core.tree.ImagePath;
import dev.jimg.core.tree.Timestamp;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BuildClockTest {
  private static final ImagePath OLD = ImagePath.of("old");
  private static final ImagePath NEW = ImagePath.of("dir/new");
  private static final ImagePath LINK = ImagePath.of("link-to-new");

  private static FileTree tree() throws Exception {
    return new FileTreeBuilder()
        .put(OLD, Entry.file(0644, Timestamp.ofSeconds(1000), Content.ofBytes(new byte[1])))
        .put(
            ImagePath.of("dir"),
            Entry.directory(0755, new Timestamp(5000, 0)).toBuilder()
                .atime(Timestamp.ofSeconds(9000))
                .build())
        .put(
            NEW,
            Entry.file(0644, new Timestamp(3000, 500), Content.ofBytes(new byte[2])).toBuilder()
                .atime(Timestamp.ofSeconds(4000))
                .ctime(Timestamp.ofSeconds(2500))
                .build())
        .put(LINK, Entry.hardlink(NEW))
        .build();
  }

  @Test
  void from_explicitTime_winsOverEnvironmentAndTree() throws Exception {
    BuildClock clock =
        BuildClock.from(
            Optional.of(Timestamp.ofSeconds(42)),
            Map.of("SOURCE_DATE_EPOCH", "not-even-valid"),
            tree());
    assertThat(clock.buildTime()).isEqualTo(Timestamp.ofSeconds(42));
    assertThat(clock.source()).isEqualTo(BuildClock.Source.EXPLICIT);
    assertThat(clock.clamps()).isTrue();
  }

  @Test
  void from_sourceDateEpoch_winsOverTree() throws Exception {
    BuildClock clock =
        BuildClock.from(Optional.empty(), Map.of("SOURCE_DATE_EPOCH", "1700000000"), tree());
    assertThat(clock.buildTime()).isEqualTo(Timestamp.ofSeconds(1_700_000_000L));
    assertThat(clock.source()).isEqualTo(BuildClock.Source.SOURCE_DATE_EPOCH);
    assertThat(clock.clamps()).isTrue();
  }

  @Test
  void from_nothingGiven_usesNewestMtimeOfTree() throws Exception {
    BuildClock clock = BuildClock.from(Optional.empty(), Map.of("OTHER", "1"), tree());
    assertThat(clock.buildTime()).isEqualTo(new Timestamp(5000, 0));
    assertThat(clock.source()).isEqualTo(BuildClock.Source.INPUT_TREE);
    assertThat(clock.clamps()).isFalse();
  }

  @Test
  void from_emptyTreeNothingGiven_usesEpoch() throws Exception {
    assertThat(BuildClock.from(Optional.empty(), Map.of(), FileTree.empty()).buildTime())
        .isEqualTo(Timestamp.EPOCH);
  }

  @Test
  void parseSourceDateEpoch_zeroAndLargest_areAccepted() throws Exception {
    assertThat(BuildClock.parseSourceDateEpoch("0")).isEqualTo(Timestamp.EPOCH);
    assertThat(BuildClock.parseSourceDateEpoch("9223372036854775807"))
        .isEqualTo(Timestamp.ofSeconds(Long.MAX_VALUE));
    assertThat(BuildClock.parseSourceDateEpoch("0001")).isEqualTo(Timestamp.ofSeconds(1));
  }

  @Test
  void from_malformedSourceDateEpoch_namesVariableAndForm() {
    for (String bad : new String[] {"", " 1", "1 ", "-1", "+1", "1.5", "12abc", "0x10", "١٢"}) {
      assertThatThrownBy(
              () -> BuildClock.from(Optional.empty(), Map.of("SOURCE_DATE_EPOCH", bad), tree()))
          .as("'%s'", bad)
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("SOURCE_DATE_EPOCH='" + bad + "'")
          .hasMessageContaining("decimal digits");
    }
  }

  @Test
  void from_overflowingSourceDateEpoch_isOutOfRange() {
    assertThatThrownBy(
            () ->
                BuildClock.from(
                    Optional.empty(), Map.of("SOURCE_DATE_EPOCH", "9223372036854775808"), tree()))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("SOURCE_DATE_EPOCH")
        .hasMessageContaining("out of range");
  }

  @Test
  void clamp_givenTime_returnsMinimum() {
    BuildClock clock = BuildClock.fixed(Timestamp.ofSeconds(100));
    assertThat(clock.clamp(Timestamp.ofSeconds(50))).isEqualTo(Timestamp.ofSeconds(50));
    assertThat(clock.clamp(new Timestamp(100, 0))).isEqualTo(Timestamp.ofSeconds(100));
    assertThat(clock.clamp(new Timestamp(100, 1))).isEqualTo(Timestamp.ofSeconds(100));
    assertThat(clock.clamp(Timestamp.ofSeconds(-5))).isEqualTo(Timestamp.ofSeconds(-5));
  }

  @Test
  void clamp_timeFromTree_changesNothing() throws Exception {
    FileTree t = tree();
    BuildClock clock = BuildClock.from(Optional.empty(), Map.of(), t);
    assertThat(clock.clamp(Timestamp.ofSeconds(999_999))).isEqualTo(Timestamp.ofSeconds(999_999));
    assertThat(clock.clampTimes(t)).isSameAs(t);
  }

  @Test
  void clampTimes_clampsMtimeAtimeCtimeAndLeavesHardLinks() throws Exception {
    FileTree t = tree();
    FileTree clamped = BuildClock.fixed(Timestamp.ofSeconds(3000)).clampTimes(t);

    assertThat(clamped.get(OLD)).isEqualTo(t.get(OLD));
    Entry dir = clamped.get(ImagePath.of("dir"));
    assertThat(dir.mtime()).isEqualTo(Timestamp.ofSeconds(3000));
    assertThat(dir.atime()).contains(Timestamp.ofSeconds(3000));
    assertThat(dir.ctime()).isEmpty();
    Entry file = clamped.get(NEW);
    assertThat(file.mtime()).isEqualTo(Timestamp.ofSeconds(3000));
    assertThat(file.atime()).contains(Timestamp.ofSeconds(3000));
    assertThat(file.ctime()).contains(Timestamp.ofSeconds(2500));
    assertThat(file.size()).isEqualTo(2);
    assertThat(clamped.get(LINK)).isEqualTo(Entry.hardlink(NEW));
    assertThat(clamped.newestMtime()).isEqualTo(Timestamp.ofSeconds(3000));
    assertThat(clamped.size()).isEqualTo(t.size());
  }

  @Test
  void clampTimes_nothingNewer_returnsSameTree() throws Exception {
    FileTree t = tree();
    assertThat(BuildClock.fixed(Timestamp.ofSeconds(10_000)).clampTimes(t)).isSameAs(t);
  }

  @Test
  void fromProcessEnvironment_followsThisProcessEnvironment() throws Exception {
    FileTree t = tree();
    assertThat(
            BuildClock.fromProcessEnvironment(Optional.of(Timestamp.ofSeconds(7)), t).buildTime())
        .isEqualTo(Timestamp.ofSeconds(7));
    String epoch = System.getenv("SOURCE_DATE_EPOCH");
    BuildClock clock = BuildClock.fromProcessEnvironment(Optional.empty(), t);
    if (epoch == null) {
      assertThat(clock.source()).isEqualTo(BuildClock.Source.INPUT_TREE);
    } else {
      assertThat(clock.buildTime()).isEqualTo(BuildClock.parseSourceDateEpoch(epoch));
    }
  }

  @Property(tries = 300)
  void clamp_givenTime_isMinimumOfBoth(
      @ForAll long build, @ForAll long t, @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
    BuildClock clock = BuildClock.fixed(Timestamp.ofSeconds(build));
    Timestamp time = new Timestamp(t, nanos);
    Timestamp clamped = clock.clamp(time);
    assertThat(clamped).isLessThanOrEqualTo(clock.buildTime()).isLessThanOrEqualTo(time);
    assertThat(clamped).isIn(time, clock.buildTime());
  }
}
