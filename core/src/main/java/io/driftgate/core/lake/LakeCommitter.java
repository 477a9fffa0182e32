package io.driftgate.core.lake;

import io.driftgate.core.fault.Faults;
import java.util.Map;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Commits batches to the lake: one Iceberg append per table, whose snapshot summary records the
 * Kafka offsets. The dead-letter table commits first, the records table last: the records table's
 * cumulative offsets are the commit point (what the consumer group may move to). Each table skips
 * on its own what it already holds, so a crash between the two appends, or a replayed batch, never
 * makes a row or a dead letter visible twice.
 */
public final class LakeCommitter {
  private final Table records;
  private final Table deadLetters;
  private final String writerId;

  /** One commit's outcome: the records snapshot and the offsets the lake now holds. */
  public record Committed(
      long recordsSnapshotId, Map<String, OffsetRanges> durableOffsets, boolean replay) {}

  public LakeCommitter(Table records, Table deadLetters, String writerId) {
    this.records = records;
    this.deadLetters = deadLetters;
    this.writerId = writerId;
  }

  /** Offsets the records table holds now (the durable, committed ones). */
  public Map<String, OffsetRanges> durableOffsets() {
    records.refresh();
    return LakeOffsets.cumulative(records, null);
  }

  public Committed commit(LakeBatch batch) {
    records.refresh();
    Map<String, OffsetRanges> held = LakeOffsets.cumulative(records, null);
    if (batch.isEmpty() || LakeOffsets.contains(held, batch.offsets())) {
      // A batch replayed after it was committed (e.g. restored from a checkpoint).
      Snapshot s = records.currentSnapshot();
      return new Committed(s == null ? -1 : s.snapshotId(), held, true);
    }
    Faults.hit(Faults.LAKE_BEFORE_COMMIT);
    String commitOffsets = LakeOffsets.encode(batch.offsets());
    if (!batch.deadLetterFiles().isEmpty()) {
      deadLetters.refresh();
      Map<String, OffsetRanges> dlHeld = LakeOffsets.cumulative(deadLetters, null);
      if (!LakeOffsets.contains(dlHeld, batch.offsets())) {
        Snapshot dlBefore =
            LakeOffsets.withKey(deadLetters, null, LakeOffsets.DEAD_LETTERS_BY_KIND);
        Map<String, Long> byKind =
            LakeOffsets.decodeCounts(
                dlBefore == null ? null : dlBefore.summary().get(LakeOffsets.DEAD_LETTERS_BY_KIND));
        batch.deadLettersByKind().forEach((k, v) -> byKind.merge(k, v, Long::sum));
        AppendFiles dl = deadLetters.newFastAppend();
        batch.deadLetterFiles().forEach(dl::appendFile);
        dl.set(
                LakeOffsets.CUMULATIVE,
                LakeOffsets.encode(LakeOffsets.union(dlHeld, batch.offsets())))
            .set(LakeOffsets.COMMIT, commitOffsets)
            .set(LakeOffsets.COMMIT_DEAD_LETTERS, Long.toString(batch.deadLetters()))
            .set(LakeOffsets.DEAD_LETTERS_BY_KIND, LakeOffsets.encodeCounts(byKind))
            .set("driftgate.writer", writerId)
            .commit();
      }
    }
    Faults.hit(Faults.LAKE_BETWEEN_TABLE_COMMITS);
    Map<String, OffsetRanges> durable = LakeOffsets.union(held, batch.offsets());
    AppendFiles rows = records.newFastAppend();
    batch.recordFiles().forEach(rows::appendFile);
    rows.set(LakeOffsets.CUMULATIVE, LakeOffsets.encode(durable))
        .set(LakeOffsets.COMMIT, commitOffsets)
        .set(LakeOffsets.COMMIT_ROWS, Long.toString(batch.rows()))
        .set(LakeOffsets.COMMIT_DEAD_LETTERS, Long.toString(batch.deadLetters()))
        .set("driftgate.writer", writerId);
    if (!batch.warnings().isEmpty()) {
      rows.set(LakeOffsets.WARNINGS, String.join("\n", batch.warnings()));
    }
    rows.commit();
    return new Committed(records.currentSnapshot().snapshotId(), durable, false);
  }
}
