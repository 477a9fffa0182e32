package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.lake.LakeLayout;
import io.driftgate.core.lake.OffsetRanges;
import io.driftgate.core.lake.ParquetFiles;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.testing.CommittedLakes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
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
    assertThat(ds.commitIds()).hasSize(written.commits().size());
    for (int i = 1; i < ds.rows().size(); i++) {
      assertThat(ds.rows().get(i).eventTime())
          .isGreaterThanOrEqualTo(ds.rows().get(i - 1).eventTime());
    }
    assertThat(ds.rows().get(0).features())
        .containsOnlyKeys(spec.featureNames().toArray(new String[0]));
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
    assertThat(first.rows()).allMatch(r -> r.eventTime() < cut);
    assertThat(second.rows()).allMatch(r -> r.eventTime() >= cut);
    assertThat(LakeDataset.load(spec, lake, written.to(), written.to() + 10_000).rows()).isEmpty();
  }

  @Test
  void orphanFilesWithoutMarkerAreIgnored() throws Exception {
    CommittedLakes.Lake written = TestLakes.write(lake, 7, 400, 1, 400);
    ModelSpec spec = TestLakes.spec();
    // A crashed writer's file: valid Parquet with rows in range, listed by no marker.
    Path committedFile = lake.resolve(written.commits().get(0).files().get(0).path());
    List<GenericRecord> rows = ParquetFiles.readAll(committedFile);
    Path orphan =
        lake.resolve(
            LakeLayout.dataFile(
                written.commits().get(0).files().get(0).eventDate(),
                written.commits().get(0).files().get(0).eventHour(),
                "9999999999999-p0-orphan"));
    ParquetFiles.write(orphan, new RecordCleaner(spec).cleanSchema(), rows);
    assertThat(Files.exists(orphan)).isTrue();

    LakeDataset ds = LakeDataset.load(spec, lake, written.from(), written.to());
    assertThat(ds.rows()).hasSize(400);
    assertThat(ds.files()).noneMatch(f -> f.contains("orphan"));
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
