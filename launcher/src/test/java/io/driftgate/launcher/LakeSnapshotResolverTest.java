package io.driftgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeMaintenance;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.lake.CommittedLakes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.iceberg.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lake-backed snapshot resolver on committed Iceberg lakes. */
class LakeSnapshotResolverTest {
  static final Path SPEC = Path.of("../examples/flight-delay/driftgate.yaml");

  @TempDir Path root;

  /** 600 records over 3 commits of 200 (one partition). */
  CommittedLakes.Lake lake() {
    return CommittedLakes.of(SPEC).seed(3).count(600).rowsPerCommit(200).write(root);
  }

  LakeSnapshotResolver resolver(boolean metadata, LakeSnapshotResolver.SourceProgress source) {
    ModelSpec spec = SpecLoader.load(SPEC).withLakePath(root);
    return LakeSnapshotResolver.forSpec(spec, root, metadata, source);
  }

  static Instant at(long millis) {
    return Instant.ofEpochMilli(millis);
  }

  @Test
  void pinsTheNewestSnapshotOnceTheLakeHoldsRowsAtTheRangeEnd() {
    CommittedLakes.Lake lake = lake();
    assertThat(lake.snapshots()).hasSize(3);
    try (LakeSnapshotResolver r = resolver(false, null)) {
      // a range inside the lake: the current (newest) snapshot, not the first that covers it
      SnapshotResolver.Resolution inside = r.resolve("k1", at(lake.from()), at(lake.timeOf(100)));
      assertThat(inside.covered()).isTrue();
      assertThat(inside.snapshotId()).isEqualTo(lake.lastSnapshot());
      assertThat(inside.metadataLocation()).isNull();
      assertThat(inside.detail())
          .isEqualTo(
              "every source partition [0] holds rows at its range end "
                  + at(lake.timeOf(100))
                  + " (newest event time "
                  + at(lake.maxEventTime())
                  + ")");
      // the range ends with the newest row: covered exactly
      assertThat(r.resolve("k2", at(lake.from()), at(lake.to())).snapshotId())
          .isEqualTo(lake.lastSnapshot());
    }
  }

  final List<Lake> opened = new ArrayList<>();

  @AfterEach
  void closeViews() {
    opened.forEach(Lake::close);
  }

  /** The lake as it was at one of its snapshots, as if that were the current one. */
  Supplier<Lake> asOf(long snapshotId) {
    return () -> {
      Lake base = Lake.open(root);
      opened.add(base);
      return base.at(snapshotId);
    };
  }

  @Test
  void aPartitionThatHasNotReachedTheRangeEndHoldsThePinBack() {
    // Two partitions committing in turn, 100 rows at a time: p0 records 0..198, p1 1..199,
    // p0 200..398, p1 201..399, p0 400..598, p1 401..599.
    CommittedLakes.Lake lake =
        CommittedLakes.of(SPEC).seed(3).count(600).partitions(2).rowsPerCommit(100).write(root);
    assertThat(lake.snapshots()).hasSize(6);
    Instant to = at(lake.timeOf(500));
    // After p0's third commit the lake's newest row is past the range end, p1's is not.
    try (LakeSnapshotResolver r =
        new LakeSnapshotResolver(asOf(lake.snapshots().get(4)), false, null)) {
      SnapshotResolver.Resolution skewed = r.resolve("k", at(lake.from()), to);
      assertThat(skewed.covered()).isFalse();
      assertThat(skewed.detail())
          .startsWith(
              "source partitions [1] hold no committed row at "
                  + at(lake.timeOf(500) - 1)
                  + " or later yet; the lake's newest event time is ");
    }
    try (LakeSnapshotResolver r =
        new LakeSnapshotResolver(asOf(lake.snapshots().get(5)), false, null)) {
      SnapshotResolver.Resolution both = r.resolve("k", at(lake.from()), to);
      assertThat(both.snapshotId()).isEqualTo(lake.snapshots().get(5));
      assertThat(both.detail()).startsWith("every source partition [0, 1] holds rows");
    }
  }

  @Test
  void theSourceNamesPartitionsTheLakeHasNotSeenYet() {
    CommittedLakes.Lake lake =
        CommittedLakes.of(SPEC).seed(3).count(600).partitions(2).rowsPerCommit(100).write(root);
    long onlyP0 = lake.snapshots().get(0); // p0's first 100 rows, nothing of p1
    Instant to = at(lake.timeOf(100));
    try (LakeSnapshotResolver lakeOnly = new LakeSnapshotResolver(asOf(onlyP0), false, null)) {
      // the lake alone cannot know of partition 1
      assertThat(lakeOnly.resolve("k", at(lake.from()), to).snapshotId()).isEqualTo(onlyP0);
    }
    FakeSource source = new FakeSource();
    source.end.put(0, 300L);
    source.end.put(1, 300L);
    try (LakeSnapshotResolver withSource = new LakeSnapshotResolver(asOf(onlyP0), false, source)) {
      SnapshotResolver.Resolution r = withSource.resolve("k", at(lake.from()), to);
      assertThat(r.covered()).isFalse();
      assertThat(r.detail()).startsWith("source partitions [1] hold no committed row");
    }
  }

  @Test
  void waitsWhileTheRangeEndsAfterTheNewestRow() {
    CommittedLakes.Lake lake = lake();
    try (LakeSnapshotResolver r = resolver(false, null)) {
      SnapshotResolver.Resolution later =
          r.resolve("k", at(lake.from()), at(lake.to() + 1)); // one ms past the newest row
      assertThat(later.covered()).isFalse();
      assertThat(later.snapshotId()).isNull();
      assertThat(later.detail())
          .isEqualTo(
              "the lake's newest event time is "
                  + at(lake.maxEventTime())
                  + " (snapshot "
                  + lake.lastSnapshot()
                  + ")");
    }
  }

  @Test
  void anEmptyLakeCoversNothingAndIsNotCreated() {
    try (LakeSnapshotResolver r = resolver(false, null)) {
      SnapshotResolver.Resolution none = r.resolve("k", at(0), at(1000));
      assertThat(none.covered()).isFalse();
      assertThat(none.detail()).isEqualTo("the lake has no commit yet");
    }
    assertThat(root.resolve("catalog.db")).doesNotExist();
  }

  /** A source whose end offsets and committed offsets the test moves. */
  static final class FakeSource implements LakeSnapshotResolver.SourceProgress {
    final Map<Integer, Long> end = new HashMap<>();
    final Map<Integer, Long> committed = new HashMap<>();
    final AtomicInteger endReads = new AtomicInteger();

    @Override
    public Map<Integer, Long> endOffsets() {
      endReads.incrementAndGet();
      return Map.copyOf(end);
    }

    @Override
    public Map<Integer, Long> committed() {
      return Map.copyOf(committed);
    }
  }

  @Test
  void pinsARangeBeyondTheLastRowOnceIngestionCommittedWhatTheSourceHeld() {
    CommittedLakes.Lake lake = lake();
    FakeSource source = new FakeSource();
    source.end.put(0, 600L);
    source.end.put(1, 0L); // an empty partition holds nothing back
    source.committed.put(0, 400L);
    Instant beyond =
        at(lake.to() + Duration.ofHours(1).toMillis()); // e.g. the last, partial window
    try (LakeSnapshotResolver r = resolver(false, source)) {
      SnapshotResolver.Resolution behind = r.resolve("k", at(lake.from()), beyond);
      assertThat(behind.covered()).isFalse();
      assertThat(behind.detail()).contains("newest event time is " + at(lake.maxEventTime()));

      // The source grows after the first check; the target stays what it held then.
      source.end.put(0, 900L);
      source.committed.put(0, 600L);
      SnapshotResolver.Resolution caughtUp = r.resolve("k", at(lake.from()), beyond);
      assertThat(caughtUp.covered()).isTrue();
      assertThat(caughtUp.snapshotId()).isEqualTo(lake.lastSnapshot());
      assertThat(caughtUp.detail())
          .contains("ingestion has committed every source record up to end offsets");
      assertThat(source.endReads).hasValue(1);

      // Another request reads the end offsets anew: 900 are not committed.
      assertThat(r.resolve("k2", at(lake.from()), beyond).covered()).isFalse();
      assertThat(source.endReads).hasValue(2);
    }
  }

  @Test
  void anUnreachableSourceLeavesTheLakeTestWorking() {
    CommittedLakes.Lake lake = lake();
    LakeSnapshotResolver.SourceProgress down =
        new LakeSnapshotResolver.SourceProgress() {
          @Override
          public Map<Integer, Long> endOffsets() {
            throw new IllegalStateException("broker down");
          }

          @Override
          public Map<Integer, Long> committed() {
            throw new IllegalStateException("broker down");
          }
        };
    try (LakeSnapshotResolver r = resolver(false, down)) {
      assertThat(r.resolve("k", at(lake.from()), at(lake.to())).snapshotId())
          .isEqualTo(lake.lastSnapshot());
      SnapshotResolver.Resolution later = r.resolve("k2", at(lake.from()), at(lake.to() + 1));
      assertThat(later.covered()).isFalse();
      assertThat(later.detail())
          .contains("newest event time is", "the source's offsets cannot be read: broker down");
    }
  }

  @Test
  void theMetadataLocationHoldsThePinnedSnapshotForCatalogFreeReaders() {
    CommittedLakes.Lake lake = lake();
    try (LakeSnapshotResolver r = resolver(true, null)) {
      SnapshotResolver.Resolution p = r.resolve("k", at(lake.from()), at(lake.to()));
      assertThat(p.metadataLocation()).isNotNull().endsWith(".metadata.json");
      try (Lake fromFile = Lake.fromMetadata(p.metadataLocation(), null)) {
        Lake pinned = fromFile.at(p.snapshotId());
        assertThat(pinned.rows()).isEqualTo(lake.rows());
      }
    }
  }

  @Test
  void keepTagsTheSnapshotSoThatMaintenanceNeverExpiresIt() {
    CommittedLakes.Lake lake = lake();
    long first = lake.snapshots().get(0);
    long second = lake.snapshots().get(1);
    try (LakeSnapshotResolver r = resolver(false, null)) {
      r.keep(first);
      r.keep(first); // idempotent
    }
    try (Lake l = Lake.open(root)) {
      assertThat(l.recordsTable().refs().get(LakeMaintenance.keepTag(first)))
          .satisfies(ref -> assertThat(ref.isTag()).isTrue())
          .satisfies(ref -> assertThat(ref.snapshotId()).isEqualTo(first))
          .satisfies(ref -> assertThat(ref.maxRefAgeMs()).isNull());
      // Expire everything but the newest snapshot; no registry gives maintenance a keep list.
      LakeMaintenance.maintain(
          l,
          Set.of(),
          LakeMaintenance.Options.defaults()
              .withSnapshotRetention(Duration.ZERO)
              .withRetainLast(1)
              .withOrphanGrace(Duration.ofDays(1)));
      l.recordsTable().refresh();
      assertThat(l.recordsTable().snapshot(first)).as("tagged").isNotNull();
      assertThat(l.recordsTable().snapshot(second)).as("not tagged").isNull();
      Snapshot current = l.recordsTable().currentSnapshot();
      assertThat(current).isNotNull();
      assertThat(l.at(first).rows()).isEqualTo(200);
    }
  }
}
