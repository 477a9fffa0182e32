package io.driftgate.bench;

import io.driftgate.core.generate.GeneratorConfig;
import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.lake.LakeIndex;
import io.driftgate.core.lake.ParquetFiles;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.wire.DecodeException;
import io.driftgate.core.wire.RecordDecoder;
import io.driftgate.core.wire.RecordDecoders;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.ingest.IngestOptions;
import io.driftgate.streaming.ingest.IngestPipeline;
import io.driftgate.streaming.ingest.RunnerDefaults;
import io.driftgate.streaming.ingest.StopCondition;
import io.driftgate.streaming.kafka.EmbeddedKafka;
import io.driftgate.streaming.kafka.ProduceResult;
import io.driftgate.streaming.kafka.StreamProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Ingest throughput: the Beam pipeline on the FlinkRunner (embedded local cluster) against a
 * baseline in the same process — a plain KafkaConsumer that decodes, validates and preprocesses
 * with the same core code and writes the same rows to Parquet. Prints records/s of both and the
 * ratio. Usage: {@code ./driftgate-bench [records] [partitions]} or run this main directly.
 */
public final class IngestBench {
  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    long records = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path spec = Path.of(args.length > 2 ? args[2] : "examples/flight-delay/driftgate.yaml");
    Path work = Files.createTempDirectory("driftgate-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ModelSpec base = SpecLoader.load(spec).withBootstrapServers(kafka.bootstrapServers());
      String topic = base.source().kafka().topic();
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
          StreamProducer.produce(kafka.bootstrapServers(), topic, gen, 0, null);
      System.out.printf("produced %,d records to %d partitions%n", produced.total(), partitions);

      // Warm-up of both paths on a small slice, so neither pays for class loading alone.
      baseline(
          base, kafka.bootstrapServers(), Math.min(20_000, records), work.resolve("warm-baseline"));

      double baseline = baseline(base, kafka.bootstrapServers(), records, work.resolve("baseline"));
      double ingestOnly =
          beamOnFlink(base, false, records, produced.endOffsets(), work.resolve("lake-ingest"));
      forgetGroup(kafka.bootstrapServers(), base.source().kafka().consumerGroup());
      double withMonitor =
          beamOnFlink(base, true, records, produced.endOffsets(), work.resolve("lake-monitor"));
      String beam = org.apache.beam.sdk.util.ReleaseInfo.getReleaseInfo().getVersion();
      System.out.printf(
          "baseline (plain KafkaConsumer -> Parquet):        %,8.0f records/s%n", baseline);
      System.out.printf(
          "driftgate ingest (Beam %s, FlinkRunner):       %,8.0f records/s  ratio %.2f%n",
          beam, ingestOnly, ingestOnly / baseline);
      System.out.printf(
          "driftgate ingest + drift monitor (one pipeline): %,8.0f records/s  ratio %.2f%n",
          withMonitor, withMonitor / baseline);
      System.out.println(
          "(Beam figures include job start-up on the embedded Flink cluster and the last commit.)");
    }
  }

  /** Records/s of the pipeline, bounded to the produced records, start to last commit. */
  static void forgetGroup(String bootstrap, String group) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(p)) {
      admin.deleteConsumerGroups(List.of(group)).all().get();
    }
  }

  static double beamOnFlink(
      ModelSpec base, boolean monitor, long records, Map<Integer, Long> ends, Path lake) {
    ModelSpec spec = base.withLakePath(lake);
    IngestOptions options =
        PipelineOptionsFactory.fromArgs(RunnerDefaults.withDefaults()).as(IngestOptions.class);
    long t0 = System.nanoTime();
    IngestPipeline.run(
        options,
        IngestConfig.of(spec).withMonitor(monitor),
        StopCondition.caughtUpWith(
            spec.source().kafka().bootstrapServers(),
            spec.source().kafka().topic(),
            spec.source().kafka().consumerGroup(),
            () -> ends));
    double secs = (System.nanoTime() - t0) / 1e9;
    LakeIndex index = LakeIndex.load(lake);
    if (index.rows() + index.deadLetters() != records) {
      throw new IllegalStateException(
          "pipeline accounted for " + (index.rows() + index.deadLetters()) + " of " + records);
    }
    return records / secs;
  }

  /** The same work without an engine: poll, decode, clean, write Parquet per partition batch. */
  static double baseline(ModelSpec spec, String bootstrap, long records, Path out)
      throws Exception {
    Files.createDirectories(out);
    Schema rowSchema = CleanSchema.of(spec);
    RecordDecoder decoder =
        switch (spec.source().format()) {
          case SINGLE_OBJECT ->
              RecordDecoders.singleObject(spec.readerSchema(), spec.historySchemas());
          case CONFLUENT -> RecordDecoders.confluent(spec.readerSchema(), spec.registrySchemas());
        };
    RecordCleaner cleaner = new RecordCleaner(spec);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
    long t0 = System.nanoTime();
    long seen = 0;
    int file = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      String topic = spec.source().kafka().topic();
      List<TopicPartition> tps =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<Integer, List<GenericRecord>> batch = new HashMap<>();
      while (seen < records) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (seen++ >= records) {
            break;
          }
          try {
            GenericRecord decoded = decoder.decode(r.value());
            CleanResult c =
                cleaner.clean(
                    decoded, new SourceRef(r.topic(), r.partition(), r.offset(), r.timestamp()));
            if (c instanceof CleanResult.Accepted accepted) {
              batch.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(accepted.row());
            }
          } catch (DecodeException e) {
            // counted as a dead letter; the baseline does not store them
          }
        }
        for (Map.Entry<Integer, List<GenericRecord>> e : batch.entrySet()) {
          if (e.getValue().size() >= 50_000 || seen >= records) {
            ParquetFiles.write(
                out.resolve("part-" + e.getKey() + "-" + (file++) + ".parquet"),
                rowSchema,
                e.getValue());
            e.getValue().clear();
          }
        }
      }
    }
    return records / ((System.nanoTime() - t0) / 1e9);
  }
}
