package io.driftgate.core.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LakeOffsetsTest {

  private static OffsetRanges ranges(long... bounds) {
    OffsetRanges r = new OffsetRanges();
    for (int i = 0; i < bounds.length; i += 2) {
      r.addRange(bounds[i], bounds[i + 1]);
    }
    return r;
  }

  @Test
  void theGroupNeverSkipsAGapBelowOffsetsCommittedOutOfOrder() {
    // Partition 0: a later batch landed before the first one; the group stays at 0.
    // Partition 1: the group stands at 500 and the lake holds [0, 800): it moves to 800.
    // Partition 2: no committed offset yet; the log starts at 40 (retention): [40, 90) counts.
    // Partition 3: nothing held from where the group stands: left out.
    Map<String, OffsetRanges> held =
        Map.of(
            "flights-0", ranges(1000, 2000),
            "flights-1", ranges(0, 800),
            "flights-2", ranges(40, 90, 95, 99),
            "flights-3", ranges(0, 10),
            "flights-eu-0", ranges(0, 5));
    Map<Integer, Long> next =
        LakeOffsets.groupAdvance(
            "flights", held, Map.of(1, 500L, 3, 10L), Map.of(0, 0L, 1, 0L, 2, 40L, 3, 0L));
    assertThat(next).containsExactlyInAnyOrderEntriesOf(Map.of(1, 800L, 2, 90L));
  }

  @Test
  void aFirstBatchThatFillsTheGapMovesTheGroupOverBoth() {
    Map<String, OffsetRanges> held = Map.of("t-0", ranges(0, 1000, 1000, 2000));
    assertThat(LakeOffsets.groupAdvance("t", held, Map.of(), Map.of(0, 0L)))
        .containsExactlyEntriesOf(Map.of(0, 2000L));
  }
}
