package io.driftgate.streaming.ingest;

import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.ScoringSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.DeadLetter;
import io.driftgate.streaming.flink.EmbeddedCheckpoints;
import io.driftgate.streaming.monitor.DetectDrift;
import io.driftgate.streaming.monitor.LabelBatches;
import io.driftgate.streaming.monitor.ProfileWindows;
import io.driftgate.streaming.monitor.WindowedProfile;
import io.driftgate.streaming.row.LakeEntry;
import io.driftgate.streaming.scoring.LateLabels;
import io.driftgate.streaming.scoring.Prediction;
import io.driftgate.streaming.scoring.ScoreRecords;
import io.driftgate.streaming.scoring.ScoredRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka -> decode -> validate -> preprocess -> lake, with dead letters to the lake and a topic.
 *
 * <pre>
 * driftgate ingest --spec=examples/flight-delay/driftgate.yaml --bootstrapServers=localhost:9092
 * </pre>
 */
public final class IngestPipeline {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(IngestPipeline.class);

  /** How often a run with a stop condition checks it and its writers' activity. */
  static final long POLL_MILLIS = 100;

  private IngestPipeline() {}

  public static void main(String[] args) {
    IngestResult result = run(args);
    System.out.println(result.summary());
  }

  /** Parses options, resolves the spec, runs the pipeline and waits for it (bounded runs end). */
  public static IngestResult run(String... args) {
    // The spec sizes bundles and checkpoints (RunnerDefaults), so read it before the options.
    ModelSpec spec =
        java.util.Arrays.stream(args)
            .filter(a -> a.startsWith("--spec="))
            .reduce((a, b) -> b)
            .map(a -> SpecLoader.load(Paths.get(a.substring("--spec=".length()))))
            .orElseThrow(() -> new IllegalArgumentException("--spec=<driftgate.yaml> is required"));
    IngestOptions options =
        PipelineOptionsFactory.fromArgs(RunnerDefaults.withDefaults(spec.lake(), args))
            .withValidation()
            .as(IngestOptions.class);
    IngestConfig config = configFrom(options);
    // Before anything reads the topics (the caught-up target below), and again in run().
    KafkaTopics.ensure(config);
    StopCondition stop = null;
    if (options.getUntilCaughtUp()) {
      KafkaOffsets.Positions now =
          KafkaOffsets.positions(config.clientProperties(), config.topic(), config.consumerGroup());
      if (now.pending() == 0) {
        return IngestResult.nothingToDo(config);
      }
      Map<Integer, Long> target = now.latest();
      stop =
          StopCondition.caughtUpWith(
              config.clientProperties(), config.topic(), config.consumerGroup(), () -> target);
      if (config.monitor()) {
        stop =
            stop.and(StopCondition.monitorClosedAllWindows(config, config.spec().drift().window()));
      }
    }
    return run(options, config, stop);
  }

  /**
   * Runs an already resolved configuration with the given engine options, until {@code stop} is
   * reached (then the job is cancelled) or, when {@code stop} is null, until the job ends.
   */
  public static IngestResult run(IngestOptions options, IngestConfig config, StopCondition stop) {
    options.setStreaming(true);
    // Every topic the job reads or writes exists (or is created when the spec allows it) before
    // the job starts; a missing one fails here, naming the topic and the fix.
    KafkaTopics.ensure(config);
    long started = System.nanoTime();
    IngestResult.LakeTotals before = IngestResult.LakeTotals.of(config);
    Pipeline pipeline = Pipeline.create(options);
    buildPipeline(pipeline, config);
    PipelineResult result = pipeline.run();
    if (stop == null) {
      PipelineResult.State state = result.waitUntilFinish();
      if (state == PipelineResult.State.FAILED) {
        throw JobFailure.of(result, "ingestion job failed");
      }
      return IngestResult.from(config, result, before, millisSince(started));
    }
    WriterActivity.Group activity = WriterActivity.of(config.consumerGroup());
    // Three quiet polls (0.3 s without an entry) and the job has read what there is: ask the
    // embedded cluster to checkpoint, which commits it, rather than wait for the next periodic
    // checkpoint (up to lake.commitInterval). A pause that only looked quiet costs one early
    // commit. (-Ddriftgate.ingest.quietCommit=false: periodic checkpoints only, e.g. to compare)
    boolean quietCommit =
        Boolean.parseBoolean(System.getProperty("driftgate.ingest.quietCommit", "true"));
    WriterActivity.QuietDetector quiet = new WriterActivity.QuietDetector(3);
    try (StopCondition until = stop) {
      while (!until.reached()) {
        PipelineResult.State state = stateOf(result);
        if (state.isTerminal()) {
          throw JobFailure.of(result, "ingestion job ended (" + state + ") before it caught up");
        }
        // The writers took every record below the offsets the run waits for: the checkpoint that
        // commits them now, without waiting for the quiet spell.
        Map<Integer, Long> targets = quietCommit ? until.offsetTargets() : null;
        if (targets != null && quiet.takenUpTo(activity.sum(), activity.reached(targets))) {
          if (EmbeddedCheckpoints.trigger(result)) {
            LOG.debug("the writers took every record up to {}: checkpoint requested", targets);
          }
        } else if (quietCommit
            && quiet.quietNow(activity.sum())
            && EmbeddedCheckpoints.trigger(result)) {
          LOG.debug("the writers went quiet: checkpoint requested");
        }
        // A check is one group-offsets request: often enough that a caught-up run ends within a
        // tenth of a second of its last commit (0.25 s polls were a tenth of a 1M-record run).
        Thread.sleep(POLL_MILLIS);
      }
      // Counters first: a cancelled job may no longer report them.
      IngestResult summary = IngestResult.from(config, result, before, millisSince(started));
      cancel(result);
      return summary;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while ingesting", e);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("could not cancel the ingestion job", e);
    } finally {
      WriterActivity.release(config.consumerGroup());
    }
  }

  /** A local per-job Flink cluster shuts down with its job; then the job is over. */
  private static PipelineResult.State stateOf(PipelineResult result) {
    try {
      return result.getState();
    } catch (IllegalStateException e) {
      return PipelineResult.State.DONE;
    }
  }

  private static void cancel(PipelineResult result) throws java.io.IOException {
    try {
      result.cancel();
      result.waitUntilFinish(org.joda.time.Duration.standardSeconds(60));
    } catch (IllegalStateException e) {
      // The per-job cluster is already gone: the job ended with the cancel.
    }
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  static IngestConfig configFrom(IngestOptions options) {
    ModelSpec spec = SpecLoader.load(Paths.get(options.getSpec()));
    IngestConfig config = IngestConfig.of(spec);
    if (options.getBootstrapServers() != null) {
      config = config.withBootstrapServers(options.getBootstrapServers());
    }
    if (options.getLakePath() != null) {
      config = config.withLakeRoot(Path.of(options.getLakePath()));
    }
    return config
        .withPublishDeadLetters(options.getPublishDeadLetters())
        .withMonitor(options.getMonitor());
  }

  /** Builds the ingestion graph on {@code pipeline}; tests call this with a TestPipeline. */
  public static Pipeline buildPipeline(Pipeline pipeline, IngestConfig config) {
    PCollection<SourceRecord> records =
        pipeline.apply(
            "ReadKafka",
            ReadSourceRecords.builder()
                .setBootstrapServers(config.bootstrapServers())
                .setTopic(config.topic())
                .setConsumerGroup(config.consumerGroup())
                .setModelSpec(config.spec())
                .optKafkaProperties(config.kafkaProperties())
                .build());
    PCollectionTuple outcomes =
        records.apply(
            "DecodeAndClean", DecodeAndClean.builder().setModelSpec(config.spec()).build());
    outcomes
        .get(DecodeAndClean.OUTCOMES)
        .apply(
            "WriteToLake",
            WriteToLake.builder()
                .setCatalog(config.lakeCatalog())
                .setModel(config.spec().model())
                .setTopic(config.topic())
                .setRowSchema(CleanSchema.of(config.spec()))
                .optOffsetCommit(
                    config.bootstrapServers(), config.kafkaProperties(), config.consumerGroup())
                .optNullRateLimits(config.spec())
                .build());
    PCollection<WindowedProfile> profiles = null;
    if (config.spec().scoring().enabled()) {
      // Valid rows -> champion -> predictions table; the monitor profiles the scored rows.
      PCollection<ScoredRow> scored =
          outcomes
              .get(DecodeAndClean.ROWS)
              .apply(
                  "ScoreRecords",
                  ScoreRecords.builder()
                      .setModelSpec(config.spec())
                      .optPredictionsTable(config.lakeCatalog())
                      .build());
      if (config.monitor()) {
        profiles = scored.apply("ProfileWindows", ProfileWindows.scored(config.spec()));
      }
      ScoringSpec scoring = config.spec().scoring();
      if (scoring.labelsTopic() != null) {
        PCollection<Prediction> joined =
            scored
                .apply(
                    "Predictions",
                    org.apache.beam.sdk.transforms.FlatMapElements.into(
                            org.apache.beam.sdk.values.TypeDescriptor.of(Prediction.class))
                        .via(
                            (ScoredRow r) ->
                                r.prediction() == null
                                    ? List.<Prediction>of()
                                    : List.of(r.prediction())))
                .setCoder(Prediction.PredictionCoder.of())
                .apply(
                    "LateLabels",
                    new LateLabels(
                        config.bootstrapServers(),
                        scoring.labelsTopic(),
                        config.consumerGroup() + "-labels",
                        config.kafkaProperties(),
                        scoring.labelsMaxDelay(),
                        config.lakeCatalog(),
                        config.spec().model()));
        if (profiles != null) {
          // Late labels feed the performance monitor too.
          profiles = LabelBatches.withProfiles(profiles, joined, config.spec());
        }
      }
    } else if (config.monitor()) {
      profiles =
          outcomes
              .get(DecodeAndClean.ROWS)
              .apply(
                  "ProfileWindows", ProfileWindows.builder().setModelSpec(config.spec()).build());
    }
    if (config.monitor()) {
      PCollectionTuple monitored =
          profiles.apply(
              "DetectDrift",
              DetectDrift.builder()
                  .setModelSpec(config.spec())
                  .setState(config.stateSpec())
                  .optReportTable(config.lakeCatalog())
                  .build());
      publish(
          monitored.get(DetectDrift.REPORTS),
          "PublishDriftReports",
          config,
          config.spec().drift().reportsTopicOr(config.topic()),
          "drift reports",
          "drift.reportsTopic");
      publish(
          monitored.get(DetectDrift.REQUESTS),
          "PublishRetrainRequests",
          config,
          config.spec().drift().requestsTopicOr(config.spec().model()),
          "retrain requests",
          "drift.requestsTopic");
    }
    String deadLetterTopic = config.spec().source().kafka().deadLetterTopic();
    if (config.publishDeadLetters() && deadLetterTopic != null) {
      outcomes
          .get(DecodeAndClean.DEAD_LETTERS)
          .apply("DeadLetterRecord", MapElements.via(new ToDeadLetterRecord()))
          .setCoder(KvCoder.of(NullableCoder.of(ByteArrayCoder.of()), ByteArrayCoder.of()))
          .apply(
              "PublishDeadLetters",
              PublishToKafka.<byte[], byte[]>builder()
                  .setBootstrapServers(config.bootstrapServers())
                  .setTopic(deadLetterTopic)
                  .setRole("dead letters", "source.kafka.deadLetterTopic")
                  .setSerializers(ByteArraySerializer.class, ByteArraySerializer.class)
                  .optKafkaProperties(config.kafkaProperties())
                  .build());
    }
    return pipeline;
  }

  private static void publish(
      PCollection<KV<String, byte[]>> records,
      String name,
      IngestConfig config,
      String topic,
      String role,
      String specKey) {
    records.apply(
        name,
        PublishToKafka.<String, byte[]>builder()
            .setBootstrapServers(config.bootstrapServers())
            .setTopic(topic)
            .setRole(role, specKey)
            .setSerializers(StringSerializer.class, ByteArraySerializer.class)
            .optKafkaProperties(config.kafkaProperties())
            .build());
  }

  /** Dead letters on the topic: original key, value in Avro single-object encoding. */
  static final class ToDeadLetterRecord extends SimpleFunction<LakeEntry, KV<byte[], byte[]>> {
    // Made once: building a reader resolves the schema (most of this step's time when it was
    // made per dead letter).
    private transient SpecificDatumReader<DeadLetter> reader;

    @Override
    public KV<byte[], byte[]> apply(LakeEntry e) {
      try {
        if (reader == null) {
          reader = new SpecificDatumReader<>(DeadLetter.class);
        }
        DeadLetter dl = reader.read(null, DecoderFactory.get().binaryDecoder(e.payload(), null));
        ByteBuffer key = dl.getOriginalKey();
        byte[] keyBytes = null;
        if (key != null) {
          keyBytes = new byte[key.remaining()];
          key.duplicate().get(keyBytes);
        }
        ByteBuffer value = dl.toByteBuffer();
        return KV.of(
            keyBytes,
            Arrays.copyOfRange(
                value.array(),
                value.arrayOffset() + value.position(),
                value.arrayOffset() + value.limit()));
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
  }
}
