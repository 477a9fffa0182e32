package io.driftgate.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.PredictionsTable;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.ModelRegistry;
import io.driftgate.core.registry.ModelVersion;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.ingest.IngestOptions;
import io.driftgate.streaming.ingest.IngestPipeline;
import io.driftgate.streaming.ingest.IngestResult;
import io.driftgate.streaming.ingest.RunnerDefaults;
import io.driftgate.streaming.ingest.StopCondition;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.generate.GeneratorConfig;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.testkit.kafka.StreamProducer;
import io.driftgate.testkit.lake.CommittedLakes;
import io.driftgate.trainer.TrainRequest;
import io.driftgate.trainer.TrainResult;
import io.driftgate.trainer.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real broker + Beam on local Flink with a champion in the registry: the job scores every valid
 * record with it. When only the label relation changes (concept drift: the features keep their
 * distributions), the input-drift monitor stays quiet and the champion's errors end in exactly one
 * {@code performance_drift} request; a stationary stream of the same length requests nothing.
 */
class ScoringIT {
  static final long RECORDS = 24_000;
  static final long DRIFT_AT = 15_000;
  static final long WINDOW_SECONDS = 15 * 60; // one record per second: 900 per window

  static Path champion;

  @TempDir static Path shared;
  @TempDir Path work;

  /** A small champion, trained once on a labelled lake of the pre-drift concept (seconds). */
  @BeforeAll
  static void trainChampion() {
    CommittedLakes.Lake lake =
        CommittedLakes.of(IngestFixtures.EXAMPLE_SPEC)
            .seed(5)
            .count(8000)
            .write(shared.resolve("train-lake"));
    TrainResult result =
        Trainer.run(
            TrainRequest.builder()
                .setSpec(IngestFixtures.EXAMPLE_SPEC)
                .setLake(lake.root())
                .setRange(lake.from(), lake.to())
                .setOutputDir(shared.resolve("champion"))
                .optSeed(3)
                .optParam("epochs", "3")
                .optParam("hidden", "16")
                .optParam("batchSize", "128")
                .build());
    champion = result.modelDir();
  }

  record Run(
      List<RetrainRequest> requests,
      List<Record> predictions,
      IngestResult ingest,
      String version,
      long valid) {}

  Run ingest(DriftConfig drift) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      // Shorter windows and reference than the example's, so that the stream is short (CI time);
      // no single-feature rule, whose noise grows as windows shrink.
      String yaml =
          Files.readString(IngestFixtures.EXAMPLE_SPEC)
                  .replace("window: 30m", "window: 15m")
                  .replace("referenceRecords: 20000", "referenceRecords: 4500")
                  .replace("criticalFeatures: [dep_delay_min]", "criticalFeatures: []")
                  // the request at the first window after the alarm, as these streams are short
                  .replace("minRecordsAfterChange: 5000", "minRecordsAfterChange: 0")
              + "\nscoring:\n  pollInterval: 1s\n  detector: adwin\n";
      ModelSpec spec =
          SpecLoader.parse(yaml, IngestFixtures.EXAMPLE_SPEC.getParent())
              .withBootstrapServers(kafka.bootstrapServers())
              .withLakePath(work.resolve("lake"));
      ModelRegistry registry = JdbcModelRegistry.open(spec);
      ModelVersion v = registry.register(spec.model(), champion, Map.of("source", "ScoringIT"));
      registry.moveAlias(
          spec.model(), ModelRegistry.CHAMPION, v.versionId(), "test", "seed", Map.of());

      kafka.createTopicsFor(spec, 4);
      GeneratorConfig gen =
          IngestFixtures.generator(21, RECORDS, 0.0).toBuilder().drift(drift).build();
      ProduceResult produced =
          StreamProducer.produce(
              kafka.bootstrapServers(), spec.source().kafka().topic(), gen, 0, null);
      IngestOptions options =
          PipelineOptionsFactory.fromArgs(
                  RunnerDefaults.withDefaults(spec.lake(), "--parallelism=2"))
              .as(IngestOptions.class);
      IngestResult result =
          IngestPipeline.run(
              options,
              IngestConfig.of(spec),
              StopCondition.caughtUpWith(
                      kafka.bootstrapServers(),
                      spec.source().kafka().topic(),
                      spec.source().kafka().consumerGroup(),
                      produced::endOffsets)
                  .and(
                      StopCondition.monitorClosedAllWindows(
                          IngestConfig.of(spec), spec.drift().window())));
      MonitorStore store = MonitorStore.open(IngestConfig.of(spec).stateSpec(), spec.model());
      try (var catalog = (java.io.Closeable) IngestConfig.of(spec).lakeCatalog().open()) {
        List<Record> predictions =
            PredictionsTable.read((org.apache.iceberg.catalog.Catalog) catalog, spec.model());
        long valid;
        try (io.driftgate.core.lake.Lake lake = IngestConfig.of(spec).openLake()) {
          valid = lake.rows();
        }
        return new Run(store.requests(), predictions, result, v.versionId(), valid);
      }
    }
  }

  @Test
  void conceptDriftEndsInOnePerformanceDriftRequest() throws Exception {
    // labels only: the features keep their distributions, the label depends on them differently
    Run run = ingest(DriftConfig.abrupt(DRIFT_AT, 0.0, 3.0));
    Instant onset = Instant.ofEpochMilli(IngestFixtures.START + DRIFT_AT * 1000);

    assertThat(run.requests()).hasSize(1);
    RetrainRequest request = run.requests().get(0);
    assertThat(request.getReasons()).containsExactly("performance_drift");
    assertThat(request.getEvidenceReportIds())
        .anyMatch(id -> id.startsWith("performance:adwin:error@"));
    assertThat(request.getTriggerWindowEnd()).isAfter(onset);
    assertThat(request.getTriggerWindowEnd())
        .isBeforeOrEqualTo(onset.plusSeconds(2 * WINDOW_SECONDS));
    assertScoredByTheChampion(run);
  }

  @Test
  void stationaryStreamRequestsNothing() throws Exception {
    Run run = ingest(null);
    assertThat(run.requests()).isEmpty();
    assertScoredByTheChampion(run);
  }

  /**
   * Valid records have at most one prediction each, all by the registered champion; the job is
   * cancelled once the lake and the monitor caught up, so the last checkpoint's predictions may not
   * be committed yet.
   */
  private static void assertScoredByTheChampion(Run run) {
    assertThat(run.valid()).isGreaterThan(RECORDS * 9 / 10);
    assertThat(run.predictions().size()).isBetween((int) (run.valid() * 8 / 10), (int) run.valid());
    assertThat(
            run.predictions().stream()
                .map(r -> r.getField("source_partition") + "@" + r.getField("source_offset"))
                .distinct()
                .count())
        .isEqualTo(run.predictions().size());
    assertThat(run.predictions())
        .extracting(r -> r.getField("model_version"))
        .containsOnly(run.version());
  }
}
