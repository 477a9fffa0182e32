package io.driftgate.bench;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.PredictionsTable;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.ModelRegistry;
import io.driftgate.core.registry.ModelVersion;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.ScoringSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.ingest.IngestOptions;
import io.driftgate.streaming.ingest.IngestPipeline;
import io.driftgate.streaming.ingest.RunnerDefaults;
import io.driftgate.streaming.ingest.StopCondition;
import io.driftgate.testkit.generate.GeneratorConfig;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.testkit.kafka.StreamProducer;
import io.driftgate.trainer.TrainRequest;
import io.driftgate.trainer.TrainResult;
import io.driftgate.trainer.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Scoring throughput: the ingestion job without and with the scoring stage (champion = the
 * trainer's small MLP, the tabular model), in the same process, on the same topic, alternating,
 * {@code runs} times each; prints the medians and their ratio (the target: scoring costs at
 * most 30% of ingest throughput, ratio ≥ 0.70).
 *
 * <p>{@code bench/run ScoringBench [records=100000] [partitions=4] [spec] [runs=3]}. The champion
 * is trained first on the lake of a warm-up ingest of the same stream (3 epochs, seeded), and
 * registered in each scoring run's lake. A run is timed as {@link IngestBench} times it: from job
 * submission until the consumer group's committed offsets reach the end of the topic (at this size
 * each run lasts well over 5 s). Both sides run without the drift monitor, so the difference is the
 * scoring stage: loading the champion, DJL forward passes per bundle and the predictions table's
 * files and commits.
 */
public final class ScoringBench {
  private ScoringBench() {}

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  public static void main(String[] args) throws Exception {
    long records = args.length > 0 ? Long.parseLong(args[0]) : 100_000;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path specFile = Path.of(args.length > 2 ? args[2] : "examples/flight-delay/driftgate.yaml");
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Path work = Files.createTempDirectory("driftgate-scoring-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ModelSpec base = SpecLoader.load(specFile).withBootstrapServers(kafka.bootstrapServers());
      kafka.createTopicsFor(base, partitions);
      GeneratorConfig gen =
          GeneratorConfig.builder()
              .seed(1)
              .count(records)
              .startTimeMillis(1767571200000L)
              .eventSpacingMillis(1000)
              .format(base.source().format())
              .malformedFraction(0.01)
              .v1Fraction(0.05)
              .build();
      ProduceResult produced =
          StreamProducer.produce(
              kafka.bootstrapServers(), base.source().kafka().topic(), gen, 0, null);
      System.out.printf("produced %,d records to %d partitions%n", produced.total(), partitions);

      // Warm-up ingest (also loads Flink and Beam), whose lake trains the champion.
      Path warmLake = work.resolve("lake-warmup");
      run(base, warmLake, records, produced, null);
      Path champion;
      try (Lake lake = Lake.open(base.withLakePath(warmLake))) {
        long[] range = lake.eventTimeRange().orElseThrow();
        TrainResult trained =
            Trainer.run(
                TrainRequest.builder()
                    .setSpec(specFile)
                    .setLake(warmLake)
                    .setRange(range[0], range[1] + 1)
                    .setOutputDir(work.resolve("champion"))
                    .optSeed(3)
                    .optParam("epochs", "3")
                    .build());
        champion = trained.modelDir();
        System.out.printf(
            "champion trained on %,d rows: %s%n", trained.trainRows(), trained.metrics());
      }

      List<Double> plain = new ArrayList<>();
      List<Double> scored = new ArrayList<>();
      List<Double> plainCpu = new ArrayList<>();
      List<Double> scoredCpu = new ArrayList<>();
      for (int r = 0; r < runs; r++) {
        double[] p = run(base, work.resolve("lake-" + r), records, produced, null);
        plain.add(p[0]);
        plainCpu.add(p[1]);
        double[] s = run(base, work.resolve("lake-s-" + r), records, produced, champion);
        scored.add(s[0]);
        scoredCpu.add(s[1]);
        System.out.printf(
            "run %d: ingest %,.0f  ingest+scoring %,.0f records/s (per CPU-s %,.0f / %,.0f)%n",
            r + 1, p[0], s[0], p[1], s[1]);
      }
      double mp = IngestBench.median(plain);
      double ms = IngestBench.median(scored);
      System.out.printf(
          "medians of %d runs, %,d records, %d partitions:%n"
              + "  driftgate ingest:            %,8.0f records/s%n"
              + "  driftgate ingest + scoring:  %,8.0f records/s  ratio %.2f (target >= 0.70)%n"
              + "  per CPU-second: %,.0f and %,.0f (ratio %.2f)%n",
          runs,
          records,
          partitions,
          mp,
          ms,
          ms / mp,
          IngestBench.median(plainCpu),
          IngestBench.median(scoredCpu),
          IngestBench.median(scoredCpu) / IngestBench.median(plainCpu));
    }
  }

  /**
   * One ingest of the whole topic into a fresh lake, scoring with {@code champion} when not null.
   *
   * @return records/s (wall clock) and records per CPU-second of the process
   */
  static double[] run(
      ModelSpec base, Path lake, long records, ProduceResult produced, Path champion)
      throws Exception {
    ModelSpec spec = base.withLakePath(lake);
    if (champion != null) {
      spec = spec.withScoring(ScoringSpec.defaults());
      ModelRegistry registry = JdbcModelRegistry.open(spec);
      ModelVersion v = registry.register(spec.model(), champion, Map.of("source", "bench"));
      registry.moveAlias(
          spec.model(), ModelRegistry.CHAMPION, v.versionId(), "bench", "bench", Map.of());
    }
    IngestBench.forgetGroup(
        spec.source().kafka().bootstrapServers(), spec.source().kafka().consumerGroup());
    IngestOptions options =
        PipelineOptionsFactory.fromArgs(RunnerDefaults.withDefaults(spec.lake()))
            .as(IngestOptions.class);
    long t0 = System.nanoTime();
    long cpu0 = cpuNanos();
    IngestPipeline.run(
        options,
        IngestConfig.of(spec).withMonitor(false),
        StopCondition.caughtUpWith(
            spec.source().kafka().bootstrapServers(),
            spec.source().kafka().topic(),
            spec.source().kafka().consumerGroup(),
            produced::endOffsets));
    double secs = (System.nanoTime() - t0) / 1e9;
    double perCpu = records / ((cpuNanos() - cpu0) / 1e9);
    try (Lake read = Lake.open(spec)) {
      if (read.rows() + read.deadLetters() != records) {
        throw new IllegalStateException(
            "pipeline accounted for " + (read.rows() + read.deadLetters()) + " of " + records);
      }
      if (champion != null) {
        try (var c = (java.io.Closeable) IngestConfig.of(spec).lakeCatalog().open()) {
          long predictions =
              PredictionsTable.read((org.apache.iceberg.catalog.Catalog) c, spec.model()).size();
          System.out.printf(
              "    ingest+scoring: %.1f s, %,d predictions committed of %,d rows%n",
              secs, predictions, read.rows());
        }
      } else {
        System.out.printf("    ingest: %.1f s%n", secs);
      }
    }
    return new double[] {records / secs, perCpu};
  }
}
