package io.driftgate.core.lake;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a lake's accounting from its data, not its summaries: the Kafka positions of every row
 * ({@code _source_partition}, {@code _source_offset}) and every dead letter ({@code
 * source_partition}, {@code source_offset}), how many appear twice (always zero for a healthy
 * lake), and whether they are exactly the offsets the snapshot summaries claim. Reads every row:
 * meant for tests, the demo's accounting line and {@code driftgate lake --audit}.
 *
 * @param rows rows read
 * @param deadLetters dead letters read
 * @param duplicatePositions positions seen more than once (rows and dead letters together)
 * @param positions positions seen, per {@code topic-partition}
 * @param claimed offsets the records table's summary says the lake accounts for
 */
public record LakeAudit(
    long rows,
    long deadLetters,
    long duplicatePositions,
    Map<String, OffsetRanges> positions,
    Map<String, OffsetRanges> claimed) {

  /** True when no position is doubled and the data holds exactly the claimed offsets. */
  public boolean consistent() {
    return duplicatePositions == 0 && positions.equals(claimed);
  }

  /** Audits the current snapshot of both tables; {@code topic} names the source topic. */
  public static LakeAudit of(Lake lake, String topic) {
    Map<String, java.util.BitSet> low = new HashMap<>();
    Map<String, OffsetRanges> seen = new TreeMap<>();
    long[] dup = {0};
    long rows =
        lake.scanAll(
            r ->
                dup[0] +=
                    see(
                        low,
                        seen,
                        topic,
                        (Integer) r.getField("_source_partition"),
                        (Long) r.getField("_source_offset")));
    long dead =
        lake.scanDeadLetters(
            r ->
                dup[0] +=
                    see(
                        low,
                        seen,
                        r.getField("source_topic").toString(),
                        (Integer) r.getField("source_partition"),
                        (Long) r.getField("source_offset")));
    return new LakeAudit(rows, dead, dup[0], seen, lake.offsets());
  }

  private static int see(
      Map<String, java.util.BitSet> bits,
      Map<String, OffsetRanges> seen,
      String topic,
      int partition,
      long offset) {
    String key = LakeOffsets.key(topic, partition);
    OffsetRanges r = seen.computeIfAbsent(key, k -> new OffsetRanges());
    if (offset < Integer.MAX_VALUE) {
      java.util.BitSet b = bits.computeIfAbsent(key, k -> new java.util.BitSet());
      if (b.get((int) offset)) {
        return 1;
      }
      b.set((int) offset);
    } else if (r.contains(offset)) {
      return 1;
    }
    r.add(offset);
    return 0;
  }
}
