package io.driftgate.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeOffsets;
import io.driftgate.core.lake.OffsetRanges;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The lake that {@link #write} commits, and what driftgate's {@link Lake} must read back from it,
 * wherever the catalog and the warehouse are: two commits (rows, files, Kafka offsets in the
 * snapshot summaries), event-hour partitions, and time travel to the first snapshot.
 */
final class RoundTrip {
  /** Records per commit: offsets [0, 100) first, then [100, 250). */
  static final long FIRST = 100;

  static final long TOTAL = 250;

  /** 60 s apart: 250 records span 4+ event hours, so both commits write several partitions. */
  static final long SPACING_MILLIS = 60_000;

  private RoundTrip() {}

  /** The two commits of the round trip. */
  record Written(LakeWrites.Commit first, LakeWrites.Commit second) {}

  static Written write(LakeWrites writes) {
    return new Written(writes.commit(0, FIRST), writes.commit(FIRST, TOTAL));
  }

  /**
   * Asserts that {@code open} reads what {@code written} committed.
   *
   * @param open opens a read view of the lake (a fresh catalog connection each time)
   * @param dataPrefix where every data file must be (the warehouse)
   */
  static void assertReadsBack(Supplier<Lake> open, Written written, String dataPrefix) {
    LakeWrites.Commit first = written.first();
    LakeWrites.Commit second = written.second();
    String partition0 = LakeOffsets.key(LakeWrites.TOPIC, 0);
    try (Lake lake = open.get()) {
      assertThat(lake.isEmpty()).isFalse();
      assertThat(lake.snapshotId()).isEqualTo(second.snapshotId());
      assertThat(lake.rows()).isEqualTo(TOTAL);
      assertThat(lake.dataFiles()).isEqualTo(first.files().size() + second.files().size());
      assertThat(first.files()).hasSizeGreaterThan(1);
      assertThat(second.files()).hasSizeGreaterThan(1);

      // Snapshots carry what each commit added and its Kafka offsets.
      assertThat(lake.snapshots())
          .extracting(Lake.SnapshotInfo::snapshotId)
          .containsExactly(first.snapshotId(), second.snapshotId());
      assertThat(lake.snapshots())
          .extracting(Lake.SnapshotInfo::addedRows)
          .containsExactly(FIRST, TOTAL - FIRST);
      assertThat(lake.snapshots())
          .extracting(Lake.SnapshotInfo::totalRows)
          .containsExactly(FIRST, TOTAL);
      assertThat(lake.snapshots())
          .extracting(s -> s.commitOffsets().get(partition0))
          .containsExactly(range(0, FIRST), range(FIRST, TOTAL));
      assertThat(lake.offsets(LakeWrites.TOPIC, 0)).isEqualTo(range(0, TOTAL));
      assertThat(lake.offsets(LakeWrites.TOPIC, 1).isEmpty()).isTrue();

      // Rows, their ids and their event-hour partitions.
      assertThat(ids(lake)).isEqualTo(LakeWrites.ids(first, second)).hasSize((int) TOTAL);
      Map<String, Long> hours = rowsPerHour(lake);
      assertThat(hours).isEqualTo(LakeWrites.rowsPerHour(first, second)).hasSizeGreaterThan(2);
      assertThat(lake.files())
          .extracting(f -> f.location())
          .isNotEmpty()
          .allSatisfy(path -> assertThat(path).startsWith(dataPrefix).endsWith(".parquet"));
      long[] range = lake.eventTimeRange().orElseThrow();
      assertThat(range[0]).isLessThan(range[1]);

      // Time travel: the first snapshot sees only the first commit.
      Lake old = lake.at(first.snapshotId());
      assertThat(old.rows()).isEqualTo(FIRST);
      assertThat(old.dataFiles()).isEqualTo(first.files().size());
      assertThat(old.offsets(LakeWrites.TOPIC, 0)).isEqualTo(range(0, FIRST));
      assertThat(old.snapshots()).hasSize(1);
      assertThat(ids(old)).isEqualTo(first.ids());
      assertThat(rowsPerHour(old)).isEqualTo(first.rowsPerHour());
    }
  }

  static OffsetRanges range(long from, long to) {
    return OffsetRanges.of(List.of(new OffsetRanges.Range(from, to)));
  }

  static Set<String> ids(Lake lake) {
    Set<String> ids = new TreeSet<>();
    long n = lake.scanAll(r -> ids.add((String) r.getField("id")));
    assertThat(n).isEqualTo(ids.size());
    return ids;
  }

  /** Rows per event hour as {@link Lake#windows} counts them, keyed as {@link LakeWrites}. */
  static Map<String, Long> rowsPerHour(Lake lake) {
    Map<String, Long> out = new TreeMap<>();
    for (Lake.Window w : lake.windows()) {
      out.put(w.eventDate() + "T" + String.format("%02d", w.eventHour()), w.rows());
    }
    return out;
  }
}
