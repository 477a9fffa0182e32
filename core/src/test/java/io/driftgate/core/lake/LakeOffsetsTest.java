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

  /** A partition's records, by offset: what a read_committed consumer finds there. */
  private static LakeOffsets.Readable records(long end, long... offsets) {
    return (partition, from, to) -> {
      for (long o : offsets) {
        if (o >= from && o < to) {
          return o;
        }
      }
      return Math.min(to, end);
    };
  }

  @Test
  void theGroupMovesOverOffsetsThatHoldNoRecordButNeverOverOnesThatDo() {
    // Three transactions of 3 records; each commit marker takes an offset (3, 7, 11); end 12.
    long[] recs = {0, 1, 2, 4, 5, 6, 8, 9, 10};
    LakeOffsets.Readable readable = records(12, recs);
    Map<String, OffsetRanges> all = Map.of("t-0", ranges(0, 3, 4, 7, 8, 11));
    assertThat(LakeOffsets.groupAdvance("t", all, Map.of(), Map.of(0, 0L)))
        .as("without a reader's view: stuck at the first marker")
        .containsExactlyEntriesOf(Map.of(0, 3L));
    assertThat(
            LakeOffsets.groupAdvance("t", all, Map.of(), Map.of(0, 0L), Map.of(0, 12L), readable))
        .as("over every marker, the last one included: the log end")
        .containsExactlyEntriesOf(Map.of(0, 12L));
    // The second transaction is not in the lake yet (a batch committed out of order): its
    // records are there to read, so the group waits below them.
    Map<String, OffsetRanges> gap = Map.of("t-0", ranges(0, 3, 8, 11));
    assertThat(
            LakeOffsets.groupAdvance("t", gap, Map.of(), Map.of(0, 0L), Map.of(0, 12L), readable))
        .containsExactlyEntriesOf(Map.of(0, 4L));
    // Records beyond what the lake holds: the group stops at the first of them.
    Map<String, OffsetRanges> first = Map.of("t-0", ranges(0, 3));
    assertThat(
            LakeOffsets.groupAdvance(
                "t", first, Map.of(0, 3L), Map.of(0, 0L), Map.of(0, 12L), readable))
        .containsExactlyEntriesOf(Map.of(0, 4L));
    // Retention: the group's offset below the log start, nothing readable before 8.
    Map<String, OffsetRanges> late = Map.of("t-0", ranges(8, 11));
    assertThat(
            LakeOffsets.groupAdvance(
                "t", late, Map.of(0, 2L), Map.of(0, 8L), Map.of(0, 12L), records(12, 8, 9, 10)))
        .containsExactlyEntriesOf(Map.of(0, 12L));
  }
}
