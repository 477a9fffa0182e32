package io.driftgate.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.generate.GeneratorConfig;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.testkit.kafka.StreamProducer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real broker + Beam on local Flink: an abrupt drift at record N yields exactly one retrain request
 * (later drifted windows are held back while that run is in flight); a stationary stream of the
 * same length yields none. Reports are emitted for every window either way.
 */
class DriftIT {
  static final long RECORDS = 60_000;
  static final long DRIFT_AT = 40_000;

  @TempDir Path work;

  record Run(List<DriftReport> reports, List<RetrainRequest> requests, Map<String, byte[]> topic) {}

  Run ingest(DriftConfig drift) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ModelSpec spec = IngestFixtures.spec(kafka.bootstrapServers(), work.resolve("lake"));
      kafka.createTopicsFor(spec, 4);
      GeneratorConfig gen =
          IngestFixtures.generator(21, RECORDS, 0.01).toBuilder().drift(drift).build();
      ProduceResult produced =
          StreamProducer.produce(
              kafka.bootstrapServers(), spec.source().kafka().topic(), gen, 0, null);
      IngestFixtures.ingestUntilCaughtUp(
          spec, kafka.bootstrapServers(), produced::endOffsets, true);
      MonitorStore store = MonitorStore.open(IngestConfig.of(spec).stateSpec(), spec.model());
      List<RetrainRequest> requests = store.requests();
      Map<String, byte[]> published =
          IngestFixtures.topicValues(
              kafka.bootstrapServers(),
              spec.drift().requestsTopicOr(spec.model()),
              requests.size());
      // Every report is also in the lake's drift_reports table, one row per feature.
      try (var catalog = (java.io.Closeable) IngestConfig.of(spec).lakeCatalog().open()) {
        var rows =
            io.driftgate.core.lake.DriftReportTable.read(
                (org.apache.iceberg.catalog.Catalog) catalog, spec.model());
        assertThat(rows).hasSize(store.reports().size() * spec.features().size());
        assertThat(rows.stream().map(r -> r.getField("report_id")).distinct().count())
            .isEqualTo(store.reports().size());
        // Beside them, window_profiles: every report's window and its reference, one row per
        // (profile, feature); the windows that only built the reference too.
        var profiles =
            io.driftgate.core.lake.WindowProfileTable.read(
                (org.apache.iceberg.catalog.Catalog) catalog, spec.model());
        for (var r : store.reports()) {
          assertThat(profiles).containsKeys(r.getReportId(), r.getReferenceId());
        }
        assertThat(
                io.driftgate.core.lake.WindowProfileTable.rows(
                    (org.apache.iceberg.catalog.Catalog) catalog, spec.model()))
            .hasSize(profiles.size() * spec.features().size());
      }
      return new Run(store.reports(), requests, published);
    }
  }

  @Test
  void abruptDriftTriggersExactlyOneRetrainRequest() throws Exception {
    Run run = ingest(DriftConfig.abrupt(DRIFT_AT, 1.0, 1.0));
    Instant onset = Instant.ofEpochMilli(IngestFixtures.START + DRIFT_AT * 1000);
    long window = 30 * 60_000L;

    // Reports for every window after the 20k-record reference, drifted or not.
    assertThat(run.reports()).hasSizeGreaterThan(15);
    assertThat(run.reports())
        .filteredOn(r -> r.getWindowEnd().isBefore(onset))
        .allMatch(r -> r.getDriftedShare() < 0.5);
    assertThat(run.reports())
        .filteredOn(r -> r.getWindowStart().isAfter(onset))
        .allMatch(r -> r.getDriftedShare() >= 0.5);

    assertThat(run.requests()).hasSize(1);
    RetrainRequest request = run.requests().get(0);
    assertThat(request.getTriggerWindowEnd()).isAfter(onset);
    assertThat(request.getTriggerWindowEnd()).isBeforeOrEqualTo(onset.plusMillis(3 * window));
    assertThat(request.getEvidenceReportIds()).hasSize(2);
    // Published on the request topic under its idempotency key.
    assertThat(run.topic()).hasSize(1);
    RetrainRequest onTopic =
        RetrainRequest.fromByteBuffer(ByteBuffer.wrap(run.topic().values().iterator().next()));
    assertThat(onTopic.getIdempotencyKey()).isEqualTo(request.getIdempotencyKey());
  }

  @Test
  void stationaryStreamTriggersNothing() throws Exception {
    Run run = ingest(null);
    assertThat(run.reports()).hasSizeGreaterThan(15);
    assertThat(run.requests()).isEmpty();
  }
}
