package io.driftgate.core.lake;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Kafka offsets in Iceberg snapshot summaries, as Iceberg's own Kafka Connect sink keeps them.
 * Every driftgate commit records, per {@code topic-partition}, the offsets it accounts for ({@link
 * #COMMIT}) and the cumulative offsets the table holds after it ({@link #CUMULATIVE}), as {@code
 * [[from, to), …]} ranges. A restarted pipeline skips offsets the table already holds.
 */
public final class LakeOffsets {
  /** Cumulative offsets per {@code topic-partition} after this snapshot. */
  public static final String CUMULATIVE = "driftgate.offsets";

  /** Offsets this snapshot's commit accounts for. */
  public static final String COMMIT = "driftgate.commit-offsets";

  /** Cumulative dead letters per error kind (dead-letter table). */
  public static final String DEAD_LETTERS_BY_KIND = "driftgate.dead-letters-by-kind";

  /** Rows / dead letters this commit added (the batch, whichever table). */
  public static final String COMMIT_ROWS = "driftgate.commit-rows";

  public static final String COMMIT_DEAD_LETTERS = "driftgate.commit-dead-letters";

  /** Data-quality warnings seen by this commit (e.g. a null rate above the spec's limit). */
  public static final String WARNINGS = "driftgate.warnings";

  private static final ObjectMapper JSON = new ObjectMapper();

  private LakeOffsets() {}

  /** {@code flights} + 3 → {@code flights-3}. */
  public static String key(String topic, int partition) {
    return topic + "-" + partition;
  }

  public static String encode(Map<String, OffsetRanges> offsets) {
    Map<String, List<long[]>> out = new TreeMap<>();
    offsets.forEach(
        (k, r) -> {
          List<long[]> pairs = new ArrayList<>();
          r.ranges().forEach(x -> pairs.add(new long[] {x.from(), x.to()}));
          out.put(k, pairs);
        });
    try {
      return JSON.writeValueAsString(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, OffsetRanges> decode(String json) {
    Map<String, OffsetRanges> out = new TreeMap<>();
    if (json == null || json.isBlank()) {
      return out;
    }
    try {
      Map<String, List<long[]>> in = JSON.readValue(json, new TypeReference<>() {});
      in.forEach(
          (k, pairs) -> {
            OffsetRanges r = new OffsetRanges();
            pairs.forEach(p -> r.addRange(p[0], p[1]));
            out.put(k, r);
          });
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable offsets in a lake snapshot summary: " + json, e);
    }
  }

  public static Map<String, Long> decodeCounts(String json) {
    if (json == null || json.isBlank()) {
      return new TreeMap<>();
    }
    try {
      return new TreeMap<>(JSON.readValue(json, new TypeReference<Map<String, Long>>() {}));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String encodeCounts(Map<String, Long> counts) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(counts));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The newest snapshot at or before {@code snapshotId} (the table's current one when null) whose
   * summary has {@code key}: maintenance snapshots (compaction) carry it over, but older tables or
   * foreign writers may not.
   */
  public static Snapshot withKey(Table table, Long snapshotId, String key) {
    Snapshot s = snapshotId == null ? table.currentSnapshot() : table.snapshot(snapshotId);
    while (s != null) {
      if (s.summary().containsKey(key)) {
        return s;
      }
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    return null;
  }

  /** Cumulative offsets a table holds at a snapshot (its current one when null). */
  public static Map<String, OffsetRanges> cumulative(Table table, Long snapshotId) {
    Snapshot s = withKey(table, snapshotId, CUMULATIVE);
    return s == null ? new TreeMap<>() : decode(s.summary().get(CUMULATIVE));
  }

  /**
   * The consumer-group offsets that the lake's {@code held} offsets allow, per partition of {@code
   * topic}: from where the group stands ({@code positions}; a partition without a committed offset
   * starts at its earliest offset, {@code earliest}) over the offsets held contiguously from there.
   * Partitions whose group offset would not move are left out.
   */
  public static Map<Integer, Long> groupAdvance(
      String topic,
      Map<String, OffsetRanges> held,
      Map<Integer, Long> positions,
      Map<Integer, Long> earliest) {
    // Every offset counts as readable: the group moves only over what the lake holds.
    return groupAdvance(topic, held, positions, earliest, Map.of(), (p, from, to) -> from);
  }

  /**
   * Where a consumer of the topic (with the reader's isolation) finds records: offsets that hold
   * none (transaction markers, aborted records, compacted or expired ones) are never read, so the
   * lake never holds them, and the group's offset may move over them.
   */
  @FunctionalInterface
  public interface Readable {
    /**
     * The offset of the first record a consumer reads at or after {@code from} in {@code
     * partition}, or, when it reads none below {@code to}, how far it got (its position; at most
     * {@code to}). Never below {@code from}.
     */
    long firstReadable(int partition, long from, long to);
  }

  /**
   * {@link #groupAdvance(String, Map, Map, Map)}, and over offsets no consumer reads: where the
   * group would stop below offsets the lake holds (a gap), or below {@code ends} (the last stable
   * offset, i.e. the end a read_committed consumer reaches) with nothing held above, {@code
   * readable} says whether records are there; when none are, the group moves to the first that is.
   * Offsets with a record are never skipped: a gap that is a batch committed out of order stays.
   */
  public static Map<Integer, Long> groupAdvance(
      String topic,
      Map<String, OffsetRanges> held,
      Map<Integer, Long> positions,
      Map<Integer, Long> earliest,
      Map<Integer, Long> ends,
      Readable readable) {
    Map<Integer, Long> out = new TreeMap<>();
    String prefix = topic + "-";
    held.forEach(
        (key, ranges) -> {
          if (!key.startsWith(prefix)) {
            return;
          }
          int partition;
          try {
            partition = Integer.parseInt(key.substring(prefix.length()));
          } catch (NumberFormatException e) {
            return; // another topic whose name extends this one's, e.g. flights-eu-0
          }
          Long at = positions.get(partition);
          long start = at != null ? at : earliest.getOrDefault(partition, 0L);
          long s = start;
          while (true) {
            long next = ranges.resumeFrom(s);
            if (next > s) {
              s = next;
              continue;
            }
            java.util.OptionalLong above = ranges.nextHeldAbove(s);
            long to = above.isPresent() ? above.getAsLong() : ends.getOrDefault(partition, s);
            if (to <= s) {
              break;
            }
            long first = Math.min(to, readable.firstReadable(partition, s, to));
            if (first <= s) {
              break; // a record is there: the lake has yet to hold it
            }
            s = first;
          }
          if (s > start) {
            out.put(partition, s);
          }
        });
    return out;
  }

  /** Union of two offset maps (a new map). */
  public static Map<String, OffsetRanges> union(
      Map<String, OffsetRanges> a, Map<String, OffsetRanges> b) {
    Map<String, OffsetRanges> out = new TreeMap<>();
    a.forEach((k, r) -> out.computeIfAbsent(k, x -> new OffsetRanges()).addAll(r));
    b.forEach((k, r) -> out.computeIfAbsent(k, x -> new OffsetRanges()).addAll(r));
    return out;
  }

  /** True when every offset of {@code part} is in {@code whole}. */
  public static boolean contains(Map<String, OffsetRanges> whole, Map<String, OffsetRanges> part) {
    for (Map.Entry<String, OffsetRanges> e : part.entrySet()) {
      OffsetRanges have = whole.get(e.getKey());
      for (OffsetRanges.Range r : e.getValue().ranges()) {
        if (have == null || !have.containsRange(r.from(), r.to())) {
          return false;
        }
      }
    }
    return true;
  }
}
