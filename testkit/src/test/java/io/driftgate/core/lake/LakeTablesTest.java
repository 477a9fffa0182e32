package io.driftgate.core.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.FeatureDrift;
import io.driftgate.testkit.lake.CommittedLakes;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeTablesTest {
  static final Path SPEC = Path.of("../examples/flight-delay/driftgate.yaml");

  @TempDir Path root;

  @Test
  void recordsTableDerivesFromTheSpecWithHiddenHourPartitioning() throws Exception {
    ModelSpec spec = SpecLoader.load(SPEC);
    Catalog catalog = LakeCatalog.embedded(root).open();
    try {
      Table t = LakeTables.ensureRecords(catalog, spec.model(), CleanSchema.of(spec));
      assertThat(t.name()).isEqualTo("driftgate.flight_delay.records");
      assertThat(t.schema().findField("event_time").type())
          .isEqualTo(Types.TimestampType.withZone());
      assertThat(t.schema().findField("event_time").isRequired()).isTrue();
      assertThat(t.schema().findField("id").isOptional()).isTrue();
      assertThat(t.schema().findField("_source_offset").type()).isEqualTo(Types.LongType.get());
      PartitionField hour = t.spec().fields().get(0);
      assertThat(hour.transform().toString()).isEqualTo("hour");
      assertThat(t.schema().findColumnName(hour.sourceId())).isEqualTo("event_time");
      assertThat(t.schema().findField("origin").doc()).contains("Categorical");
    } finally {
      ((Closeable) catalog).close();
    }
  }

  @Test
  void aNewSpecColumnEvolvesTheTableKeepingFieldIds() throws Exception {
    Schema v1 =
        SchemaBuilder.record("R").fields().requiredString("a").requiredLong("b").endRecord();
    Schema v2 =
        SchemaBuilder.record("R")
            .fields()
            .requiredString("a")
            .requiredLong("b")
            .optionalDouble("c")
            .endRecord();
    Catalog catalog = LakeCatalog.embedded(root).open();
    try {
      var id = LakeTables.records("m");
      org.apache.iceberg.Schema s1 = LakeTables.icebergSchema(v1);
      catalog.buildTable(id, s1).create();
      int idOfB = catalog.loadTable(id).schema().findField("b").fieldId();
      // ensureRecords needs event_time for its partitioning; evolve through the same path.
      Table t = catalog.loadTable(id);
      assertThat(LakeTables.needsEvolution(t.schema(), LakeTables.icebergSchema(v2))).isTrue();
      t.updateSchema().unionByNameWith(LakeTables.icebergSchema(v2)).commit();
      t.refresh();
      assertThat(t.schema().findField("b").fieldId()).isEqualTo(idOfB);
      assertThat(t.schema().findField("c").isOptional()).isTrue();
      assertThat(LakeTables.needsEvolution(t.schema(), LakeTables.icebergSchema(v2))).isFalse();
    } finally {
      ((Closeable) catalog).close();
    }
  }

  @Test
  void unsupportedAvroShapesAreRejectedWithTheColumnName() {
    Schema nested =
        SchemaBuilder.record("R")
            .fields()
            .name("xs")
            .type()
            .array()
            .items()
            .intType()
            .noDefault()
            .endRecord();
    assertThatThrownBy(() -> LakeTables.icebergSchema(nested))
        .hasMessageContaining("lake column xs");
  }

  @Test
  void aPodReadsTheTableFromItsMetadataFileWithoutTheCatalog() {
    CommittedLakes.Lake written =
        CommittedLakes.of(SPEC).count(120).partitions(2).rowsPerCommit(30).write(root);
    String metadata;
    long rows;
    try (Lake lake = Lake.open(root)) {
      metadata = lake.metadataLocation();
      rows = lake.rows();
    }
    try (Lake pod = Lake.fromMetadata(metadata, null)) {
      assertThat(pod.snapshotId()).isEqualTo(written.lastSnapshot());
      assertThat(pod.rows()).isEqualTo(rows).isEqualTo(120);
      long[] n = {0};
      pod.at(written.snapshots().get(0)).scanAll(r -> n[0]++);
      assertThat(n[0]).isEqualTo(30);
    }
  }

  @Test
  void pinnedReadsIgnoreLaterCommitsAndExpiredIdsFailClearly() {
    CommittedLakes.Lake written = CommittedLakes.of(SPEC).count(100).rowsPerCommit(40).write(root);
    try (Lake lake = Lake.open(root)) {
      Lake first = lake.at(written.snapshots().get(0));
      assertThat(first.rows()).isEqualTo(40);
      assertThat(first.offsets(CommittedLakes.TOPIC, 0).toString()).isEqualTo("[0-40]");
      assertThat(first.snapshots()).hasSize(1);
      assertThat(lake.snapshots()).hasSize(3);
      assertThat(lake.eventTimeRange()).isPresent();
      assertThat(lake.eventTimeRange().get()[0]).isEqualTo(written.minEventTime());
      assertThat(lake.eventTimeRange().get()[1]).isEqualTo(written.maxEventTime());
      assertThatThrownBy(() -> lake.at(42L))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("lake snapshot 42 does not exist");
    }
  }

  @Test
  void aReplayedBatchIsNotCommittedAgain() {
    CommittedLakes.of(SPEC).count(10).write(root);
    Catalog catalog = LakeCatalog.embedded(root).open();
    try (Lake lake = Lake.open(root)) {
      Table records = catalog.loadTable(LakeTables.records("flight-delay"));
      Table dead = catalog.loadTable(LakeTables.deadLetters("flight-delay"));
      LakeCommitter committer = new LakeCommitter(records, dead, "t");
      int before = lake.snapshots().size();
      LakeBatch replay = new LakeBatch();
      for (long o = 0; o < 10; o++) {
        replay.offset(CommittedLakes.TOPIC, 0, o);
      }
      LakeCommitter.Committed c = committer.commit(replay);
      assertThat(c.replay()).isTrue();
      records.refresh();
      assertThat(records.snapshots()).hasSize(before);
      assertThat(c.durableOffsets().get("flights-0").toString()).isEqualTo("[0-10]");
    } finally {
      try {
        ((Closeable) catalog).close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void driftReportsAreOneRowPerFeature() throws Exception {
    Catalog catalog = LakeCatalog.embedded(root).open();
    try {
      Table t = DriftReportTable.ensure(catalog, "m");
      DriftReport report =
          DriftReport.newBuilder()
              .setReportId("m-1")
              .setModel("m")
              .setWindowStart(Instant.ofEpochMilli(1767571200000L))
              .setWindowEnd(Instant.ofEpochMilli(1767571800000L))
              .setReferenceId("ref")
              .setRowCount(100)
              .setReferenceRowCount(1000)
              .setDriftedShare(0.5)
              .setFeatures(
                  List.of(
                      new FeatureDrift("a", "ks", 0.3, 0.05, 0.001, true, 0.0, 0.0),
                      new FeatureDrift("b", "psi", 0.01, 0.1, null, false, 0.1, 0.1)))
              .build();
      DriftReportTable.append(t, report);
      List<Record> rows = DriftReportTable.read(catalog, "m");
      assertThat(rows).hasSize(2);
      assertThat(rows)
          .extracting(r -> r.getField("feature"), r -> r.getField("drifted"))
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("a", true),
              org.assertj.core.groups.Tuple.tuple("b", false));
      assertThat(LakeRows.millis(rows.get(0).getField("window_start"))).isEqualTo(1767571200000L);
      assertThat(rows).allSatisfy(r -> assertThat(r.getField("report_id")).isEqualTo("m-1"));
      assertThat(DriftReportTable.read(catalog, "other")).isEmpty();
    } finally {
      ((Closeable) catalog).close();
    }
  }
}
