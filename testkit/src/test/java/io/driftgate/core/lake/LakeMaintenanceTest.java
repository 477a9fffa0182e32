package io.driftgate.core.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.schemas.DeadLetter;
import io.driftgate.testkit.lake.CommittedLakes;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericData;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeMaintenanceTest {
  static final Path SPEC = Path.of("../examples/flight-delay/driftgate.yaml");
  static final String MODEL = "flight-delay";

  @TempDir Path root;

  /** Compaction only: nothing is old enough to expire or be an orphan. */
  static final LakeMaintenance.Options COMPACT_ONLY =
      LakeMaintenance.Options.defaults()
          .withSnapshotRetention(Duration.ofDays(1))
          .withOrphanGrace(Duration.ofHours(1));

  private static List<String> rows(Lake lake) {
    List<String> out = new ArrayList<>();
    lake.scanAll(r -> out.add(r.toString()));
    out.sort(null);
    return out;
  }

  private static List<String> windowRows(Lake lake) {
    return lake.windows().stream()
        .map(w -> w.eventDate() + " " + w.eventHour() + " " + w.rows())
        .toList();
  }

  @Test
  void compactionRewritesSmallFilesPerPartitionWithTheSameRowsAndOffsets() {
    CommittedLakes.Lake written =
        CommittedLakes.of(SPEC).seed(5).count(600).partitions(2).rowsPerCommit(50).write(root);
    List<String> rowsBefore;
    List<String> windowsBefore;
    Map<String, OffsetRanges> offsetsBefore;
    long filesBefore;
    int partitions;
    try (Lake lake = Lake.open(root)) {
      rowsBefore = rows(lake);
      windowsBefore = windowRows(lake);
      offsetsBefore = lake.offsets();
      filesBefore = lake.dataFiles();
      partitions = lake.windows().size();
      // Every hour holds several commits' files.
      assertThat(lake.windows()).allMatch(w -> w.files() >= 2);

      LakeMaintenance.Result result = LakeMaintenance.maintain(lake, Set.of(), COMPACT_ONLY);

      LakeMaintenance.TableResult r = result.records();
      assertThat(result.dryRun()).isFalse();
      assertThat(r.filesRewritten()).isEqualTo(filesBefore);
      assertThat(r.filesAdded()).isEqualTo(partitions);
      assertThat(r.bytesRewritten()).isPositive();
      assertThat(r.bytesAdded()).isPositive();
      assertThat(r.rewriteSnapshotId()).isNotNull();
      assertThat(r.snapshotsExpired()).isZero();
      assertThat(r.orphans()).isEmpty();
      assertThat(result.deadLetters().filesRewritten()).isZero();
    }
    try (Lake lake = Lake.open(root)) {
      assertThat(lake.dataFiles()).isEqualTo(partitions);
      assertThat(lake.rows()).isEqualTo(600);
      assertThat(rows(lake)).isEqualTo(rowsBefore);
      assertThat(windowRows(lake)).isEqualTo(windowsBefore);
      assertThat(lake.offsets()).isEqualTo(offsetsBefore);
      Snapshot current = lake.recordsTable().currentSnapshot();
      assertThat(current.operation()).isEqualTo("replace");
      assertThat(current.parentId()).isEqualTo(written.lastSnapshot());
      // Carried over, so no reader has to walk back to the appends.
      assertThat(current.summary().get(LakeOffsets.CUMULATIVE))
          .isEqualTo(
              lake.recordsTable()
                  .snapshot(written.lastSnapshot())
                  .summary()
                  .get(LakeOffsets.CUMULATIVE));
      assertThat(current.summary()).containsEntry("driftgate.writer", LakeMaintenance.WRITER);
      // Time travel to before the compaction still reads the old files.
      assertThat(lake.at(written.snapshots().get(0)).rows()).isEqualTo(50);
      assertThat(lake.snapshots())
          .last()
          .extracting(Lake.SnapshotInfo::operation)
          .isEqualTo("replace");

      // Nothing left to compact.
      LakeMaintenance.Result again = LakeMaintenance.maintain(lake, Set.of(), COMPACT_ONLY);
      assertThat(again.records().filesRewritten()).isZero();
      assertThat(again.records().rewriteSnapshotId()).isNull();
    }
  }

  @Test
  void filesAtOrAboveTheTargetSizeAreLeftAlone() {
    CommittedLakes.of(SPEC).seed(5).count(200).rowsPerCommit(50).write(root);
    long files;
    try (Lake lake = Lake.open(root)) {
      files = lake.dataFiles();
      LakeMaintenance.Result result =
          LakeMaintenance.maintain(lake, Set.of(), COMPACT_ONLY.withTargetFileSizeBytes(1));
      assertThat(result.records().filesRewritten()).isZero();
      assertThat(result.records().rewriteSnapshotId()).isNull();
    }
    try (Lake lake = Lake.open(root)) {
      assertThat(lake.dataFiles()).isEqualTo(files).isGreaterThan(1);
      assertThat(lake.recordsTable().currentSnapshot().operation()).isEqualTo("append");
    }
  }

  @Test
  void compactionCarriesTheOffsetsOfAnAppendThatLandsBeforeItsCommit() throws IOException {
    CommittedLakes.of(SPEC).seed(2).count(200).rowsPerCommit(50).write(root);
    Catalog other = LakeCatalog.embedded(root).open();
    try (Lake lake = Lake.open(root)) {
      Table records = lake.recordsTable();
      List<Record> some = new ArrayList<>();
      lake.scanAll(some::add);
      List<Record> ten = some.subList(0, 10);
      long[] concurrent = {0};
      Runnable appendElsewhere =
          () -> {
            // Another writer (its own catalog connection) commits 10 rows of partition 5.
            Table theirs = other.loadTable(LakeTables.records(MODEL));
            Table theirDeadLetters = other.loadTable(LakeTables.deadLetters(MODEL));
            LakeBatch batch = new LakeBatch();
            for (long o = 0; o < 10; o++) {
              batch.offset(CommittedLakes.TOPIC, 5, o);
            }
            batch.recordFiles(LakeFileWriter.writeAll(theirs, 5, ten), 10);
            concurrent[0] =
                new LakeCommitter(theirs, theirDeadLetters, "other")
                    .commit(batch)
                    .recordsSnapshotId();
          };

      LakeMaintenance.Compaction c =
          LakeMaintenance.compact(records, COMPACT_ONLY, appendElsewhere);

      assertThat(c.snapshotId).isNotNull();
      records.refresh();
      Snapshot replace = records.currentSnapshot();
      assertThat(replace.snapshotId()).isEqualTo(c.snapshotId);
      assertThat(replace.parentId()).isEqualTo(concurrent[0]);
      assertThat(LakeOffsets.decode(replace.summary().get(LakeOffsets.CUMULATIVE)))
          .containsKey(LakeOffsets.key(CommittedLakes.TOPIC, 5))
          .containsKey(LakeOffsets.key(CommittedLakes.TOPIC, 0));
    }
    ((Closeable) other).close();
    try (Lake lake = Lake.open(root)) {
      assertThat(lake.rows()).isEqualTo(210);
      assertThat(lake.offsets(CommittedLakes.TOPIC, 5).toString()).isEqualTo("[0-10]");
      assertThat(lake.offsets(CommittedLakes.TOPIC, 0).toString()).isEqualTo("[0-200]");
      long[] n = {0};
      lake.scanAll(r -> n[0]++);
      assertThat(n[0]).isEqualTo(210);
    }
  }

  @Test
  void expiryKeepsTheLastSnapshotsAndTheModelOnesWithTheirFiles() {
    CommittedLakes.Lake written =
        CommittedLakes.of(SPEC).seed(9).count(300).rowsPerCommit(50).write(root);
    List<Long> s = written.snapshots();
    assertThat(s).hasSize(6);
    long model = s.get(1);
    List<String> allFilesBefore;
    List<String> modelFiles;
    try (Lake lake = Lake.open(root)) {
      allFilesBefore = lake.files().stream().map(DataFile::location).toList();
      modelFiles = lake.at(model).files().stream().map(DataFile::location).toList();
      LakeMaintenance.Options expireAll =
          COMPACT_ONLY.withSnapshotRetention(Duration.ZERO).withRetainLast(2);

      LakeMaintenance.Result result = LakeMaintenance.maintain(lake, Set.of(model, 42L), expireAll);

      assertThat(result.keepMissing()).containsExactly(42L);
      LakeMaintenance.TableResult r = result.records();
      // Compaction added a snapshot; the last two (the last append and the compaction) stay, the
      // model's is tagged, the other four go.
      assertThat(r.rewriteSnapshotId()).isNotNull();
      assertThat(r.tagsCreated()).containsExactly(LakeMaintenance.keepTag(model));
      assertThat(r.snapshotsExpired()).isEqualTo(4);
      assertThat(r.expiredFilesDeleted()).isPositive();
      Table records = lake.recordsTable();
      assertThat(records.refs().get(LakeMaintenance.keepTag(model)).snapshotId()).isEqualTo(model);
      assertThat(records.snapshot(s.get(0))).isNull();
      assertThat(records.snapshot(s.get(5))).isNotNull();
    }
    try (Lake lake = Lake.open(root)) {
      assertThat(lake.rows()).isEqualTo(300);
      assertThat(lake.offsets(CommittedLakes.TOPIC, 0).toString()).isEqualTo("[0-300]");
      assertThat(lake.snapshots())
          .extracting(Lake.SnapshotInfo::snapshotId)
          .containsExactly(s.get(5), lake.snapshotId());
      Lake pinned = lake.at(model);
      long[] n = {0};
      pinned.scanAll(r -> n[0]++);
      assertThat(n[0]).isEqualTo(100);
      assertThat(pinned.offsets(CommittedLakes.TOPIC, 0).toString()).isEqualTo("[0-100]");
      assertThatThrownBy(() -> lake.at(s.get(0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expired");

      // Keep only the compaction: the appends' offsets are still found, on the compaction itself.
      LakeMaintenance.Result last =
          LakeMaintenance.maintain(
              lake,
              Set.of(model),
              COMPACT_ONLY.withSnapshotRetention(Duration.ZERO).withRetainLast(1));
      assertThat(last.records().snapshotsExpired()).isEqualTo(1);
      assertThat(last.records().tagsCreated()).isEmpty();
    }
    try (Lake lake = Lake.open(root)) {
      assertThat(lake.snapshots()).hasSize(1);
      assertThat(lake.offsets(CommittedLakes.TOPIC, 0).toString()).isEqualTo("[0-300]");
      assertThat(lake.rows()).isEqualTo(300);
      assertThat(lake.at(model).rows()).isEqualTo(100);
      // The small files of the model's snapshot stay; the other small files are gone.
      assertThat(modelFiles).isNotEmpty().allMatch(f -> Files.exists(Path.of(f)));
      assertThat(allFilesBefore.stream().filter(f -> !modelFiles.contains(f)))
          .isNotEmpty()
          .noneMatch(f -> Files.exists(Path.of(f)));
    }
  }

  @Test
  void orphanFilesOlderThanTheGraceAreRemovedAndCommittedOnesStay() throws IOException {
    CommittedLakes.Lake written = CommittedLakes.of(SPEC).seed(4).count(200).write(root);
    List<String> orphans = new ArrayList<>();
    List<String> committed;
    Path leftover;
    try (Lake lake = Lake.open(root)) {
      committed = lake.files().stream().map(DataFile::location).toList();
      List<Record> rows = new ArrayList<>();
      lake.scanAll(rows::add);
      // A writer that crashed before its commit: its files are written, never committed.
      LakeFileWriter.writeAll(lake.recordsTable(), 3, rows.subList(0, 50))
          .forEach(f -> orphans.add(f.location()));
      leftover =
          Path.of(LakeMaintenance.normalize(lake.recordsTable().location()))
              .resolve("metadata")
              .resolve("snap-from-a-failed-commit.avro");
      Files.writeString(leftover, "not a manifest list");
      assertThat(orphans).isNotEmpty().allMatch(f -> Files.exists(Path.of(f)));

      // Too young: a live writer may still commit them.
      LakeMaintenance.Result young = LakeMaintenance.maintain(lake, Set.of(), COMPACT_ONLY);
      assertThat(young.records().orphans()).isEmpty();
      assertThat(orphans).allMatch(f -> Files.exists(Path.of(f)));

      LakeMaintenance.Result result =
          LakeMaintenance.maintain(lake, Set.of(), COMPACT_ONLY.withOrphanGrace(Duration.ZERO));

      List<String> removed =
          result.records().orphans().stream().map(LakeMaintenance::normalize).toList();
      List<String> expected = new ArrayList<>(orphans);
      expected.add(leftover.toString());
      assertThat(removed).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(result.records().orphanBytes()).isPositive();
      assertThat(result.deadLetters().orphans()).isEmpty();
    }
    assertThat(orphans).noneMatch(f -> Files.exists(Path.of(f)));
    assertThat(leftover).doesNotExist();
    assertThat(committed).isNotEmpty().allMatch(f -> Files.exists(Path.of(f)));
    try (Lake lake = Lake.open(root)) {
      assertThat(lake.snapshotId()).isEqualTo(written.lastSnapshot());
      long[] n = {0};
      lake.scanAll(r -> n[0]++);
      assertThat(n[0]).isEqualTo(200);
      assertThat(lake.rows()).isEqualTo(200);
    }
  }

  @Test
  void aDryRunReportsAndChangesNothing() throws IOException {
    CommittedLakes.Lake written =
        CommittedLakes.of(SPEC).seed(6).count(200).rowsPerCommit(50).write(root);
    String orphan;
    List<String> metadataBefore;
    Path metadataDir;
    try (Lake lake = Lake.open(root)) {
      // Hours with one file have nothing to compact.
      List<Lake.Window> several = lake.windows().stream().filter(w -> w.files() >= 2).toList();
      List<Record> rows = new ArrayList<>();
      lake.scanAll(rows::add);
      orphan =
          LakeFileWriter.writeAll(lake.recordsTable(), 3, rows.subList(0, 5)).get(0).location();
      metadataDir =
          Path.of(LakeMaintenance.normalize(lake.recordsTable().location())).resolve("metadata");
      metadataBefore = list(metadataDir);

      LakeMaintenance.Result result =
          LakeMaintenance.maintain(
              lake,
              Set.of(written.snapshots().get(0)),
              LakeMaintenance.Options.defaults()
                  .withSnapshotRetention(Duration.ZERO)
                  .withRetainLast(1)
                  .withOrphanGrace(Duration.ZERO)
                  .withDryRun(true));

      assertThat(result.dryRun()).isTrue();
      LakeMaintenance.TableResult r = result.records();
      assertThat(several).isNotEmpty();
      assertThat(r.filesRewritten()).isEqualTo(several.stream().mapToInt(Lake.Window::files).sum());
      assertThat(r.filesAdded()).isEqualTo(several.size());
      assertThat(r.rewriteSnapshotId()).isNull();
      // Four snapshots, the last stays, the first is a model's.
      assertThat(r.snapshotsExpired()).isEqualTo(2);
      assertThat(r.tagsCreated()).isEmpty();
      assertThat(r.orphans()).extracting(LakeMaintenance::normalize).containsExactly(orphan);
    }
    assertThat(Path.of(orphan)).exists();
    assertThat(list(metadataDir)).isEqualTo(metadataBefore);
    try (Lake lake = Lake.open(root)) {
      assertThat(lake.snapshotId()).isEqualTo(written.lastSnapshot());
      assertThat(lake.snapshots()).hasSize(4);
      assertThat(lake.recordsTable().refs()).containsOnlyKeys("main");
    }
  }

  @Test
  void deadLettersAreCompactedWithTheirCountsAndOffsets() throws IOException {
    CommittedLakes.of(SPEC).count(0).write(root);
    Catalog catalog = LakeCatalog.embedded(root).open();
    try {
      Table records = catalog.loadTable(LakeTables.records(MODEL));
      Table deadLetters = catalog.loadTable(LakeTables.deadLetters(MODEL));
      LakeCommitter committer = new LakeCommitter(records, deadLetters, "test");
      LakeRows convert = new LakeRows(deadLetters.schema(), DeadLetter.getClassSchema());
      for (int commit = 0; commit < 4; commit++) {
        LakeBatch batch = new LakeBatch();
        List<Record> letters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          long offset = commit * 5L + i;
          batch.offset(CommittedLakes.TOPIC, 0, offset);
          letters.add(convert.convert(deadLetter(offset, i % 2 == 0 ? "TRUNCATED" : "BAD_HEADER")));
        }
        batch.deadLetterFiles(
            LakeFileWriter.writeAll(deadLetters, 0, letters),
            Map.of("TRUNCATED", 3L, "BAD_HEADER", 2L));
        committer.commit(batch);
      }
    } finally {
      ((Closeable) catalog).close();
    }
    Map<String, Long> byKind;
    Map<String, OffsetRanges> offsets;
    try (Lake lake = Lake.open(root)) {
      assertThat(lake.deadLetters()).isEqualTo(20);
      byKind = lake.deadLettersByKind();
      offsets = lake.deadLetterOffsets();
      assertThat(byKind).containsEntry("TRUNCATED", 12L).containsEntry("BAD_HEADER", 8L);

      LakeMaintenance.Result result =
          LakeMaintenance.maintain(
              lake, Set.of(), COMPACT_ONLY.withSnapshotRetention(Duration.ZERO).withRetainLast(1));

      assertThat(result.deadLetters().table()).endsWith("dead_letters");
      assertThat(result.deadLetters().filesRewritten()).isEqualTo(4);
      assertThat(result.deadLetters().filesAdded()).isEqualTo(1);
      assertThat(result.deadLetters().snapshotsExpired()).isEqualTo(4);
    }
    try (Lake lake = Lake.open(root)) {
      Snapshot current = lake.deadLetterTable().currentSnapshot();
      assertThat(current.operation()).isEqualTo("replace");
      assertThat(lake.deadLetterTable().snapshots()).hasSize(1);
      assertThat(current.summary()).containsEntry("total-data-files", "1");
      assertThat(lake.deadLetters()).isEqualTo(20);
      assertThat(lake.deadLettersByKind()).isEqualTo(byKind);
      assertThat(lake.deadLetterOffsets()).isEqualTo(offsets);
      List<Long> seen = new ArrayList<>();
      lake.scanDeadLetters(r -> seen.add((Long) r.getField("source_offset")));
      seen.sort(null);
      assertThat(seen).hasSize(20).first().isEqualTo(0L);
      assertThat(seen).last().isEqualTo(19L);
    }
  }

  @Test
  void tagsPointAtSnapshotsAndMove() {
    CommittedLakes.Lake written =
        CommittedLakes.of(SPEC).seed(1).count(100).rowsPerCommit(50).write(root);
    try (Lake lake = Lake.open(root)) {
      long first = written.snapshots().get(0);
      long second = written.snapshots().get(1);
      LakeMaintenance.tagSnapshot(lake, "model-a", first);
      assertThat(lake.recordsTable().refs().get("model-a").snapshotId()).isEqualTo(first);
      LakeMaintenance.tagSnapshot(lake, "model-a", second);
      assertThat(lake.recordsTable().refs().get("model-a").snapshotId()).isEqualTo(second);
      assertThat(lake.recordsTable().refs().get("model-a").isTag()).isTrue();

      assertThatThrownBy(() -> LakeMaintenance.tagSnapshot(lake, "main", first))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("branch");
      assertThatThrownBy(() -> LakeMaintenance.tagSnapshot(lake, "model-b", 12345L))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not exist");

      // A snapshot a tag already protects gets no second tag.
      LakeMaintenance.Result r =
          LakeMaintenance.maintain(
              lake,
              Set.of(second),
              COMPACT_ONLY.withSnapshotRetention(Duration.ZERO).withRetainLast(1));
      assertThat(r.records().tagsCreated()).isEmpty();
      assertThat(lake.at(second).rows()).isEqualTo(100);
      assertThat(lake.recordsTable().snapshot(first)).isNull();
    }
  }

  @Test
  void optionsRejectNonsense() {
    LakeMaintenance.Options d = LakeMaintenance.Options.defaults();
    assertThat(d.retainLast()).isEqualTo(10);
    assertThat(d.orphanGrace()).isEqualTo(Duration.ofHours(1));
    assertThat(d.dryRun()).isFalse();
    assertThatThrownBy(() -> d.withRetainLast(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withTargetFileSizeBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withOrphanGrace(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void normalizeGivesOneSpellingPerLocalFile() {
    assertThat(LakeMaintenance.normalize("file:/a/b//c.parquet")).isEqualTo("/a/b/c.parquet");
    assertThat(LakeMaintenance.normalize("file:///a/b/c.parquet")).isEqualTo("/a/b/c.parquet");
    assertThat(LakeMaintenance.normalize("/a/b/c.parquet")).isEqualTo("/a/b/c.parquet");
    assertThat(LakeMaintenance.normalize("gs://bucket/a//b")).isEqualTo("gs://bucket/a//b");
  }

  @Test
  void anEmptyLakeHasNothingToDo() {
    try (Lake lake = Lake.open(root)) {
      LakeMaintenance.Result r = LakeMaintenance.maintain(lake, Set.of(7L), COMPACT_ONLY);
      assertThat(r.records().table()).isNull();
      assertThat(r.deadLetters().table()).isNull();
      assertThat(r.keepMissing()).containsExactly(7L);
    }
  }

  private static GenericData.Record deadLetter(long offset, String kind) {
    org.apache.avro.Schema schema = DeadLetter.getClassSchema();
    GenericData.Record r = new GenericData.Record(schema);
    r.put("original_bytes", ByteBuffer.wrap(new byte[] {1, 2, (byte) offset}));
    r.put("error_kind", new GenericData.EnumSymbol(schema.getField("error_kind").schema(), kind));
    r.put("message", "bad record " + offset);
    r.put("stage", new GenericData.EnumSymbol(schema.getField("stage").schema(), "DECODE"));
    r.put("source_topic", CommittedLakes.TOPIC);
    r.put("source_partition", 0);
    r.put("source_offset", offset);
    r.put("source_timestamp", 1_700_000_000_000L + offset * 1000);
    r.put("rejected_at", 1_700_000_100_000L);
    r.put("model", MODEL);
    return r;
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(Path::toString).sorted().toList();
    }
  }
}
