package io.driftgate.streaming.it;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.ModelRegistry;
import io.driftgate.core.registry.ModelVersion;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.ingest.IngestOptions;
import io.driftgate.streaming.ingest.IngestPipeline;
import io.driftgate.streaming.ingest.IngestResult;
import io.driftgate.streaming.ingest.RunnerDefaults;
import io.driftgate.streaming.ingest.StopCondition;
import io.driftgate.testkit.generate.GeneratorConfig;
import io.driftgate.testkit.lake.CommittedLakes;
import io.driftgate.trainer.TrainRequest;
import io.driftgate.trainer.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Shared helpers for the end-to-end tests. */
final class IngestFixtures {
  static final Path EXAMPLE_SPEC = Path.of("../examples/flight-delay/driftgate.yaml");
  static final long START = 1767571200000L; // 2026-01-05T00:00Z

  private IngestFixtures() {}

  /**
   * Lake commit interval of the tests' specs (the example's is 5s); {@code
   * -Ddriftgate.it.commitInterval=5s} runs them on the example's.
   */
  static final String TEST_COMMIT_INTERVAL =
      System.getProperty("driftgate.it.commitInterval", "2s");

  static ModelSpec spec(String bootstrapServers, Path lake) {
    return SpecLoader.parse(exampleYaml(), EXAMPLE_SPEC.getParent())
        .withBootstrapServers(bootstrapServers)
        .withLakePath(lake);
  }

  /**
   * The example spec's text with a {@link #TEST_COMMIT_INTERVAL} lake commit interval (checkpoint
   * interval and bundle time follow it, see RunnerDefaults), so that a run makes several commits. A
   * caught-up run does not wait for it (the launcher requests a checkpoint once the writers go
   * quiet, see QuietCommitIT). No assertion depends on how often the lake commits; the crash and
   * restart tests count commits, not seconds.
   */
  static String exampleYaml() {
    try {
      String yaml = Files.readString(EXAMPLE_SPEC);
      String example = "commitInterval: 5s";
      if (!yaml.contains(example)) {
        throw new IllegalStateException(
            EXAMPLE_SPEC
                + " no longer has lake."
                + example
                + "; update IngestFixtures.exampleYaml");
      }
      return yaml.replace(example, "commitInterval: " + TEST_COMMIT_INTERVAL);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * {@link #exampleYaml()} written to {@code dir}/driftgate.yaml with the example's relative paths
   * (schemas, schema registry folder) made absolute, for tests that pass a spec file to a child
   * process or to {@code --spec}.
   */
  static Path exampleSpecFile(Path dir) throws IOException {
    Path example = EXAMPLE_SPEC.toAbsolutePath().getParent().normalize();
    Path root = example.resolve("../..").normalize();
    String yaml =
        exampleYaml()
            .replace("../../", root + "/")
            .replace(
                "schemaRegistryDir: registry", "schemaRegistryDir: " + example.resolve("registry"));
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve("driftgate.yaml"), yaml);
  }

  static GeneratorConfig generator(long seed, long count, double malformed) {
    return GeneratorConfig.builder()
        .seed(seed)
        .count(count)
        .startTimeMillis(START)
        .eventSpacingMillis(1000)
        .malformedFraction(malformed)
        .v1Fraction(0.05)
        .build();
  }

  /**
   * The example spec with shorter windows and reference (a short stream, CI time) and no
   * single-feature rule (whose noise grows as windows shrink), with {@code extraYaml} appended
   * (e.g. a {@code scoring} section), on this broker and lake.
   */
  static ModelSpec shortWindowSpec(String extraYaml, String bootstrapServers, Path lake)
      throws IOException {
    String yaml =
        exampleYaml()
                .replace("window: 30m", "window: 15m")
                .replace("referenceRecords: 20000", "referenceRecords: 4500")
                .replace("criticalFeatures: [dep_delay_min]", "criticalFeatures: []")
                // a performance request at the first window after the alarm: the streams are short
                .replace("minRecordsAfterChange: 5000", "minRecordsAfterChange: 0")
            + extraYaml;
    return SpecLoader.parse(yaml, EXAMPLE_SPEC.getParent())
        .withBootstrapServers(bootstrapServers)
        .withLakePath(lake);
  }

  /**
   * A small champion (seconds), trained on a labelled lake of the pre-drift concept under {@code
   * dir}; returns its model directory.
   */
  static Path trainChampion(Path dir) {
    CommittedLakes.Lake lake =
        CommittedLakes.of(EXAMPLE_SPEC).seed(5).count(8000).write(dir.resolve("train-lake"));
    return Trainer.run(
            TrainRequest.builder()
                .setSpec(EXAMPLE_SPEC)
                .setLake(lake.root())
                .setRange(lake.from(), lake.to())
                .setOutputDir(dir.resolve("champion"))
                .optSeed(3)
                .optParam("epochs", "3")
                .optParam("hidden", "16")
                .optParam("batchSize", "128")
                .build())
        .modelDir();
  }

  /** Registers {@code modelDir} and makes it the spec's champion; returns its version id. */
  static String registerChampion(ModelSpec spec, Path modelDir, String source) {
    ModelRegistry registry = JdbcModelRegistry.open(spec);
    ModelVersion v = registry.register(spec.model(), modelDir, Map.of("source", source));
    registry.moveAlias(
        spec.model(), ModelRegistry.CHAMPION, v.versionId(), "test", "seed", Map.of());
    return v.versionId();
  }

  /**
   * Runs the ingestion job (parallelism 2) on the spec's topic until the consumer group has
   * committed up to {@code endOffsets} and, with {@code untilWindowsClosed}, the drift monitor has
   * closed every window that holds rows.
   */
  static IngestResult ingestUntilCaughtUp(
      ModelSpec spec,
      String bootstrapServers,
      Supplier<Map<Integer, Long>> endOffsets,
      boolean untilWindowsClosed) {
    IngestOptions options =
        PipelineOptionsFactory.fromArgs(RunnerDefaults.withDefaults(spec.lake(), "--parallelism=2"))
            .as(IngestOptions.class);
    IngestConfig config = IngestConfig.of(spec);
    StopCondition stop =
        StopCondition.caughtUpWith(
            bootstrapServers,
            spec.source().kafka().topic(),
            spec.source().kafka().consumerGroup(),
            endOffsets);
    if (untilWindowsClosed) {
      stop = stop.and(StopCondition.monitorClosedAllWindows(config, spec.drift().window()));
    }
    return IngestPipeline.run(options, config, stop);
  }

  /** Valid rows the spec's lake holds. */
  static long lakeRowCount(ModelSpec spec) {
    try (Lake lake = IngestConfig.of(spec).openLake()) {
      return lake.rows();
    }
  }

  /** Every committed lake row, read back through an Iceberg scan of the current snapshot. */
  static List<Record> lakeRows(Lake lake) {
    List<Record> rows = new ArrayList<>();
    lake.scanAll(r -> rows.add(r.copy()));
    return rows;
  }

  static List<Record> deadLetters(Lake lake) {
    List<Record> rows = new ArrayList<>();
    lake.scanDeadLetters(r -> rows.add(r.copy()));
    return rows;
  }

  /** All values of a topic by "partition@offset", read with a plain consumer. */
  static Map<String, byte[]> topicValues(String bootstrapServers, String topic, long expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, byte[]> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      long deadline = System.currentTimeMillis() + 60_000;
      // Read at least `expected` records, then until the topic has nothing more.
      while (System.currentTimeMillis() < deadline) {
        var records = c.poll(Duration.ofMillis(500));
        if (records.isEmpty() && out.size() >= expected) {
          break;
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          out.put(r.partition() + "@" + r.offset(), r.value());
        }
      }
    }
    return out;
  }
}
