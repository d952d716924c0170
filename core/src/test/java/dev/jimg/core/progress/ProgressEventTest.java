/* SPDX-License-Identifier: Apache-2.0 */
package dev.jimg.core.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressEventTest {
  @Test
  void bytes_withTotal_reportsCompletion() {
    ProgressEvent half = ProgressEvent.bytes("copying file data", 50, 100);
    assertThat(half.unit()).isEqualTo(ProgressEvent.Unit.BYTES);
    assertThat(half.totalIfKnown()).hasValue(100);
    assertThat(half.isComplete()).isFalse();
    assertThat(ProgressEvent.bytes("copying file data", 100, 100).isComplete()).isTrue();
  }

  @Test
  void items_unknownTotal_isNeverComplete() {
    ProgressEvent e = ProgressEvent.items("reading tar", 7, ProgressEvent.UNKNOWN);
    assertThat(e.totalIfKnown()).isEmpty();
    assertThat(e.isComplete()).isFalse();
  }

  @Test
  void constructor_negativeCounts_areRejected() {
    assertThatThrownBy(() -> ProgressEvent.bytes("x", -1, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProgressEvent.bytes("x", 1, -2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listener_isAFunctionalInterfaceAndNoneIgnores() {
    List<ProgressEvent> seen = new ArrayList<>();
    ProgressListener l = seen::add;
    l.onProgress(ProgressEvent.items("a", 1, 2));
    ProgressListener.NONE.onProgress(ProgressEvent.items("a", 1, 2));
    assertThat(seen).containsExactly(ProgressEvent.items("a", 1, 2));
  }
}
