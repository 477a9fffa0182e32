package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeFileWriter;
import io.driftgate.core.lake.LakeTables;
import io.driftgate.core.lake.OffsetRanges;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.testkit.lake.CommittedLakes;
import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeDatasetTest {
  @TempDir Path lake;

  @Test
  void readsEveryCommittedRowWithItsOffsets() {
    CommittedLakes.Lake written = TestLakes.write(lake, 7, 600, 2, 100);
    ModelSpec spec = TestLakes.spec();
    LakeDataset ds = LakeDataset.load(spec, lake, written.from(), written.to());

    assertThat(ds.rows()).hasSize(600);
    assertThat(ds.unlabeledRows()).isZero();
    assertThat(ds.offsetRanges()).containsOnlyKeys("flights-0", "flights-1");
    assertThat(ds.offsetRanges().get("flights-0"))
        .isEqualTo(OffsetRanges.of(List.of(new OffsetRanges.Range(0, 300))));
    assertThat(ds.offsetRanges().get("flights-1"))
        .isEqualTo(OffsetRanges.of(List.of(new OffsetRanges.Range(0, 300))));
    // 300 records per partition, a commit per 100: six snapshots; the current one was read.
    assertThat(written.snapshots()).hasSize(6);
    assertThat(ds.snapshotId()).isEqualTo(written.lastSnapshot());
    assertThat(ds.metadataLocation()).endsWith(".metadata.json");
    for (int i = 1; i < ds.rows().size(); i++) {
      LakeDataset.Row a = ds.rows().get(i - 1);
      LakeDataset.Row b = ds.rows().get(i);
      assertThat(b.eventTime()).isGreaterThanOrEqualTo(a.eventTime());
      if (b.eventTime() == a.eventTime()) {
        assertThat(b.partition() * 1_000_000L + b.offset())
            .isGreaterThan(a.partition() * 1_000_000L + a.offset());
      }
    }
    LakeDataset.Row first = ds.rows().get(0);
    assertThat(first.topic()).isEqualTo(CommittedLakes.TOPIC);
    assertThat(first.id()).isNotBlank();
    assertThat(first.eventTime()).isEqualTo(written.from());
    assertThat(first.features()).containsOnlyKeys(spec.featureNames().toArray(new String[0]));
    assertThat(first.features().get("distance_km")).isInstanceOf(Double.class);
    assertThat(first.features().get("carrier")).isInstanceOf(String.class);
  }

  @Test
  void readingTwiceGivesTheSameRowsInTheSameOrder() {
    CommittedLakes.Lake written = TestLakes.write(lake, 9, 500, 3, 70);
    ModelSpec spec = TestLakes.spec();
    LakeDataset a = LakeDataset.load(spec, lake, written.from(), written.to());
    LakeDataset b =
        LakeDataset.load(spec, lake, written.lastSnapshot(), written.from(), written.to());
    assertThat(b.rows()).hasSize(500).isEqualTo(a.rows());
    assertThat(b.offsetRanges()).isEqualTo(a.offsetRanges());
  }

  @Test
  void rangeIsHalfOpenAndFiltersRows() {
    CommittedLakes.Lake written = TestLakes.write(lake, 7, 600, 2, 100);
    ModelSpec spec = TestLakes.spec();
    LakeDataset all = LakeDataset.load(spec, lake, written.from(), written.to());
    long cut = all.rows().get(300).eventTime();
    LakeDataset first = LakeDataset.load(spec, lake, written.from(), cut);
    LakeDataset second = LakeDataset.load(spec, lake, cut, written.to());
    assertThat(first.rows().size() + second.rows().size()).isEqualTo(600);
    assertThat(first.rows()).isNotEmpty().allMatch(r -> r.eventTime() < cut);
    assertThat(second.rows()).isNotEmpty().allMatch(r -> r.eventTime() >= cut);
    assertThat(LakeDataset.load(spec, lake, written.to(), written.to() + 10_000).rows()).isEmpty();
    assertThatThrownBy(() -> LakeDataset.load(spec, lake, cut, cut))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty range");
  }

  @Test
  void uncommittedDataFilesAreInvisible() throws Exception {
    CommittedLakes.Lake written = TestLakes.write(lake, 7, 400, 1, 400);
    ModelSpec spec = TestLakes.spec();
    // A crashed writer's files: valid Parquet data files of the records table, with rows in
    // range, written but never committed (no snapshot references them).
    List<Record> rows = new ArrayList<>();
    try (Lake read = Lake.open(lake)) {
      read.scanAll(r -> rows.add(r.copy()));
    }
    List<DataFile> orphans;
    Catalog catalog = LakeCatalog.embedded(lake).open();
    try {
      Table records = catalog.loadTable(LakeTables.records(spec.model()));
      orphans = LakeFileWriter.writeAll(records, 99, rows);
    } finally {
      ((Closeable) catalog).close();
    }
    assertThat(orphans).isNotEmpty();
    assertThat(orphans.stream().mapToLong(DataFile::recordCount).sum()).isEqualTo(400);
    for (DataFile f : orphans) {
      assertThat(Files.exists(Path.of(f.location()))).isTrue();
    }

    LakeDataset ds = LakeDataset.load(spec, lake, written.from(), written.to());
    assertThat(ds.rows()).hasSize(400);
    assertThat(ds.snapshotId()).isEqualTo(written.lastSnapshot());
    assertThat(ds.offsetRanges().get("flights-0").count()).isEqualTo(400);
    try (Lake read = Lake.open(lake)) {
      List<String> visible = read.files().stream().map(DataFile::location).toList();
      assertThat(visible).isNotEmpty();
      assertThat(orphans).noneMatch(f -> visible.contains(f.location()));
    }
  }

  @Test
  void aSnapshotIsReadAsItWasCommitted() {
    // One partition, a commit per 100 records: snapshot k holds the first 100 * (k + 1) records.
    CommittedLakes.Lake written = TestLakes.write(lake, 5, 300, 1, 100);
    ModelSpec spec = TestLakes.spec();
    assertThat(written.snapshots()).hasSize(3);
    long firstSnapshot = written.snapshots().get(0);
    LakeDataset old = LakeDataset.load(spec, lake, firstSnapshot, written.from(), written.to());
    assertThat(old.rows()).hasSize(100);
    assertThat(old.snapshotId()).isEqualTo(firstSnapshot);
    assertThat(old.offsetRanges().get("flights-0").toString()).isEqualTo("[0-100]");
    assertThat(LakeDataset.load(spec, lake, null, written.from(), written.to()).rows())
        .hasSize(300);

    // A later commit changes the current snapshot, not the pinned one. (The appended rows'
    // jittered event times may fall just outside the first range: read a wider one.)
    long appended = TestLakes.append(lake, 77, 50, 5);
    long lo = written.from() - 86_400_000L;
    long hi = written.to() + 86_400_000L;
    LakeDataset pinned = LakeDataset.load(spec, lake, written.lastSnapshot(), lo, hi);
    LakeDataset current = LakeDataset.load(spec, lake, lo, hi);
    assertThat(pinned.rows()).hasSize(300);
    assertThat(pinned.offsetRanges()).containsOnlyKeys("flights-0");
    assertThat(current.snapshotId()).isEqualTo(appended);
    assertThat(current.rows()).hasSize(350);
    assertThat(current.offsetRanges().get("flights-5").toString()).isEqualTo("[0-50]");

    assertThatThrownBy(() -> LakeDataset.load(spec, lake, 12345L, written.from(), written.to()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snapshot 12345 does not exist");
  }

  @Test
  void readsWithoutTheCatalogFromTheTablesMetadataFile() {
    CommittedLakes.Lake written = TestLakes.write(lake, 5, 300, 1, 100);
    ModelSpec spec = TestLakes.spec();
    String metadata = TestLakes.metadataLocation(lake);
    long middle = written.snapshots().get(1);
    LakeDataset viaCatalog = LakeDataset.load(spec, lake, middle, written.from(), written.to());
    LakeDataset viaMetadata;
    try (Lake table = Lake.fromMetadata(metadata, null)) {
      viaMetadata = LakeDataset.load(spec, table.at(middle), written.from(), written.to());
    }
    assertThat(viaMetadata.rows()).hasSize(200).isEqualTo(viaCatalog.rows());
    assertThat(viaMetadata.snapshotId()).isEqualTo(middle);
    assertThat(viaMetadata.metadataLocation()).isEqualTo(metadata);
    // withLake pins the given snapshot of a catalog-free lake too.
    List<LakeDataset.Row> viaWithLake =
        LakeDataset.withLake(
            spec,
            null,
            metadata,
            middle,
            l -> LakeDataset.load(spec, l, written.from(), written.to()).rows());
    assertThat(viaWithLake).isEqualTo(viaCatalog.rows());
  }

  @Test
  void wholeLakeRangeFollowsTheSnapshot() {
    CommittedLakes.Lake written = TestLakes.write(lake, 5, 300, 1, 100);
    assertThat(LakeRange.wholeLake(lake)).isEqualTo(new LakeRange(written.from(), written.to()));
    LakeRange first = LakeRange.wholeLake(lake, written.snapshots().get(0));
    List<LakeDataset.Row> firstRows =
        LakeDataset.load(
                TestLakes.spec(), lake, written.snapshots().get(0), written.from(), written.to())
            .rows();
    assertThat(firstRows).hasSize(100);
    assertThat(first)
        .isEqualTo(
            new LakeRange(
                firstRows.get(0).eventTime(), firstRows.get(firstRows.size() - 1).eventTime() + 1));
    assertThat(first.toMillis()).isLessThan(written.to());
    assertThat(LakeRange.resolve(lake, written.snapshots().get(0), null, "2100-01-01"))
        .isEqualTo(new LakeRange(written.from(), LakeRange.parseInstant("to", "2100-01-01")));
    assertThat(LakeRange.resolve(TestLakes.spec(), lake, written.snapshots().get(0), null, null))
        .isEqualTo(first);
    assertThat(LakeRange.resolve(TestLakes.spec(), lake, null, null, null))
        .isEqualTo(new LakeRange(written.from(), written.to()));
    assertThatThrownBy(() -> LakeRange.wholeLake(lake.resolve("empty")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no committed data");
  }

  @Test
  void temporalSplitPutsNewestRowsInValidation() {
    CommittedLakes.Lake written = TestLakes.write(lake, 7, 500, 2, 100);
    LakeDataset ds = LakeDataset.load(TestLakes.spec(), lake, written.from(), written.to());
    LakeDataset.Split split = ds.split(0.2);
    assertThat(split.validation()).hasSize(100);
    assertThat(split.train()).hasSize(400);
    long lastTrain = split.train().get(split.train().size() - 1).eventTime();
    assertThat(split.validation()).allMatch(r -> r.eventTime() >= lastTrain);
  }
}
