package io.driftgate.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordClassifier;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.PredictionsTable;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.ModelRegistry;
import io.driftgate.core.registry.ModelVersion;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.monitor.DetectDrift;
import io.driftgate.streaming.monitor.ProfileWindows;
import io.driftgate.streaming.row.LakeEntry;
import io.driftgate.testkit.datasets.CorpusStream;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.lake.CorpusLakes;
import io.driftgate.trainer.TrainRequest;
import io.driftgate.trainer.TrainedModel;
import io.driftgate.trainer.Trainer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.GaugeResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.iceberg.data.Record;
import org.joda.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multiclass champion (the text example's {@code bert}, 4 WordNet topics, trained tiny once)
 * scores the stream: the scorer loads it from its directory and returns class probabilities; on the
 * DirectRunner the job writes predictions with the predicted class, its probability and every
 * class's, joins late labels (p of the true class), and the performance monitor reports the
 * window's accuracy.
 */
class MulticlassScoringTest {
  static final Path EXAMPLES = Path.of("../examples");
  static final int ROWS = 240; // one a second: within one 10-minute window

  @TempDir static Path shared;
  static Path modelDir;

  @TempDir Path work;

  /** What the pipeline emitted, by test (the assertion function is a copy). */
  static final Map<String, List<ScoredRow>> SEEN = new ConcurrentHashMap<>();

  @BeforeAll
  static void trainTinyTextModel() {
    CorpusLakes.Written lake = CorpusLakes.glosses(EXAMPLES, shared.resolve("lake"), 5, 400);
    modelDir =
        Trainer.run(
                TrainRequest.builder()
                    .setSpec(lake.spec())
                    .setLake(lake.root())
                    .setRange(lake.from(), lake.to())
                    .setOutputDir(shared.resolve("model"))
                    .optSeed(3)
                    .optParam("epochs", "2")
                    .optParam("batchSize", "32")
                    .optParam("optimizer", "adam")
                    .optParam("lr", "0.003")
                    .optParam("embedding", "16")
                    .optParam("layers", "1")
                    .optParam("heads", "2")
                    .optParam("sequenceLength", "16")
                    .optParam("vocabSize", "500")
                    .build())
            .modelDir();
  }

  ModelSpec spec() throws Exception {
    Path dir = EXAMPLES.resolve("text");
    String yaml =
        Files.readString(dir.resolve("driftgate.yaml")) + "\nscoring:\n  pollInterval: 1s\n";
    return SpecLoader.parse(yaml, dir).withLakePath(work.resolve("lake"));
  }

  /** Gloss records as the cleaner emits them, and their labels 30 s (event time) later. */
  record Stream(
      List<TimestampedValue<LakeEntry>> rows, List<TimestampedValue<KV<String, Integer>>> labels) {}

  /** A second stream seed: not the training rows. */
  static Stream stream(ModelSpec spec, int n) throws Exception {
    CorpusStream stream = CorpusLakes.glossStream(EXAMPLES, 11, n);
    RecordClassifier classifier =
        RecordClassifier.of(
            spec, Clock.fixed(java.time.Instant.parse("2027-01-01T00:00:00Z"), ZoneOffset.UTC));
    GenericDatumWriter<GenericRecord> writer =
        new GenericDatumWriter<>(classifier.cleaner().cleanSchema());
    List<TimestampedValue<LakeEntry>> rows = new ArrayList<>();
    List<TimestampedValue<KV<String, Integer>>> labels = new ArrayList<>();
    long offset = 0;
    while (stream.hasNext()) {
      GeneratedRecord g = stream.next();
      CleanResult r =
          classifier.classify(g.value(), new SourceRef("glosses", 0, offset, g.eventTimeMillis()));
      assertThat(r).isInstanceOf(CleanResult.Accepted.class);
      GenericRecord row = ((CleanResult.Accepted) r).row();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
      writer.write(row, enc);
      enc.flush();
      rows.add(
          TimestampedValue.of(
              new LakeEntry(false, 0, offset, g.eventTimeMillis(), "", bytes.toByteArray()),
              new Instant(g.eventTimeMillis())));
      labels.add(
          TimestampedValue.of(
              KV.of(
                  row.get(CleanSchema.ID).toString(),
                  ((Number) row.get(spec.label().field())).intValue()),
              new Instant(g.eventTimeMillis() + 30_000)));
      offset++;
    }
    return new Stream(rows, labels);
  }

  @SuppressWarnings("unchecked")
  static <T> TestStream<T> all(
      org.apache.beam.sdk.coders.Coder<T> coder, List<TimestampedValue<T>> v) {
    return TestStream.create(coder)
        .addElements(v.get(0), v.subList(1, v.size()).toArray(new TimestampedValue[0]))
        .advanceWatermarkToInfinity();
  }

  @Test
  void theScorerLoadsTheMulticlassModelAndReturnsClassProbabilities() {
    ChampionScorer scorer =
        new ChampionScorer(
            new ChampionScorer.Lookup() {
              @Override
              public Optional<String> champion() {
                return Optional.of("sha256:00000000000000d1");
              }

              @Override
              public Path load(String versionId) {
                return modelDir;
              }
            },
            RegistryChampions::load,
            Duration.ofSeconds(30),
            System::nanoTime);
    List<Map<String, Object>> rows =
        List.of(
            Map.of("gloss", "a domesticated animal kept as a pet"),
            Map.of("gloss", "a tall perennial woody plant"),
            Map.of("gloss", "a sweet baked food made of flour"));
    try (scorer;
        TrainedModel direct = TrainedModel.load(modelDir)) {
      assertThat(scorer.refresh()).isTrue();
      assertThat(scorer.classes()).isEqualTo(4);
      float[] p = scorer.score(rows);
      assertThat(p).hasSize(3 * 4);
      for (int i = 0; i < 3; i++) {
        double sum = 0;
        for (int c = 0; c < 4; c++) {
          sum += p[i * 4 + c];
        }
        assertThat(sum).isCloseTo(1.0, within(1e-4));
      }
      // the same numbers as the trainer's own loading path
      assertThat(p).containsExactly(direct.probabilities(rows));
      // the multiclass validation metrics under the windowed check's names
      assertThat(scorer.validation()).containsKeys("accuracy", "logloss", "top1");
      assertThat(scorer.validation()).doesNotContainKey("auc");
    }
  }

  @Test
  void predictionsAreWrittenLabelsJoinedAndTheWindowsAccuracyReported() throws Exception {
    ModelSpec spec = spec();
    ModelRegistry registry = JdbcModelRegistry.open(spec);
    ModelVersion v = registry.register(spec.model(), modelDir, Map.of("source", "test"));
    registry.moveAlias(
        spec.model(), ModelRegistry.CHAMPION, v.versionId(), "test", "seed", Map.of());
    Stream input = stream(spec, ROWS);
    Pipeline p =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--targetParallelism=1")
                .create());
    LakeCatalog lake = LakeCatalog.embedded(spec.lake().path());
    PCollection<ScoredRow> scored =
        p.apply("Records", all(LakeEntry.LakeEntryCoder.of(), input.rows()))
            .apply(ScoreRecords.builder().setModelSpec(spec).optPredictionsTable(lake).build());
    String test = "multiclass";
    SEEN.put(test, Collections.synchronizedList(new ArrayList<>()));
    PAssert.that(scored)
        .satisfies(
            all -> {
              all.forEach(SEEN.get(test)::add);
              return null;
            });
    // labels in the records feed the monitor's windows (no labels topic in this spec)
    scored
        .apply(ProfileWindows.scored(spec))
        .apply(
            DetectDrift.builder()
                .setModelSpec(spec)
                .setState(IngestConfig.of(spec).stateSpec())
                .build());

    // and the same predictions, without their labels, meet the labels topic in the join
    PCollection<Prediction> unlabelled =
        scored
            .apply(
                "Unlabelled",
                MapElements.into(TypeDescriptor.of(Prediction.class))
                    .via(
                        (ScoredRow r) -> {
                          Prediction x = r.prediction();
                          return new Prediction(
                              x.eventId(),
                              x.eventTimeMillis(),
                              x.modelVersion(),
                              x.score(),
                              x.predictedClass(),
                              null,
                              x.partition(),
                              x.offset(),
                              x.classProbabilities());
                        }))
            .setCoder(Prediction.PredictionCoder.of());
    PCollectionTuple joined =
        PCollectionTuple.of(JoinLabels.PREDICTIONS, unlabelled)
            .and(
                JoinLabels.LABELS,
                p.apply(
                    "Labels",
                    all(KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()), input.labels())))
            .apply(new JoinLabels(Duration.ofHours(1)));
    joined
        .get(JoinLabels.JOINED)
        .apply(new WritePredictions(lake, spec.model(), PredictionsTable.LABELLED));

    PipelineResult result = p.run();
    result.waitUntilFinish();

    // every record scored by the champion: class probabilities, the most probable class
    List<ScoredRow> out = List.copyOf(SEEN.get(test));
    assertThat(out).hasSize(ROWS);
    int correct = 0;
    for (ScoredRow r : out) {
      Prediction x = r.prediction();
      assertThat(x.modelVersion()).isEqualTo(v.versionId());
      assertThat(x.multiclass()).isTrue();
      assertThat(x.classes()).isEqualTo(4);
      float[] probs = x.classProbabilities();
      double sum = 0;
      for (float q : probs) {
        sum += q;
        assertThat((double) q).isLessThanOrEqualTo(x.score());
      }
      assertThat(sum).isCloseTo(1.0, within(1e-4));
      assertThat(x.score()).isEqualTo((double) probs[x.predictedClass()]);
      assertThat(x.labelled()).isTrue();
      assertThat(x.labelProbability()).isEqualTo((double) probs[x.label()]);
      correct += x.predictedClass() == x.label() ? 1 : 0;
    }

    // the predictions table: its new columns
    org.apache.iceberg.catalog.Catalog catalog = lake.open();
    List<Record> stored = PredictionsTable.read(catalog, spec.model());
    assertThat(stored).hasSize(ROWS);
    for (Record r : stored) {
      @SuppressWarnings("unchecked")
      List<Double> probs = (List<Double>) r.getField("class_probabilities");
      assertThat(probs).hasSize(4);
      int predicted = (Integer) r.getField("predicted_class");
      assertThat((Double) r.getField("predicted_probability")).isEqualTo(probs.get(predicted));
      assertThat((Double) r.getField("score")).isEqualTo(probs.get(predicted));
      int label = (Integer) r.getField("label");
      assertThat((Double) r.getField("label_probability")).isEqualTo(probs.get(label));
    }

    // the late labels joined: every prediction, with p of its true class
    List<Record> labelled = PredictionsTable.read(catalog, spec.model(), PredictionsTable.LABELLED);
    assertThat(labelled).hasSize(ROWS);
    for (Record r : labelled) {
      @SuppressWarnings("unchecked")
      List<Double> probs = (List<Double>) r.getField("class_probabilities");
      int label = (Integer) r.getField("label");
      assertThat((Double) r.getField("label_probability")).isEqualTo(probs.get(label));
    }
    assertThat(JoinLabelsTest.counter(result, JoinLabels.JOINED_COUNT)).isEqualTo(ROWS);

    // the monitor judged the window and reported its accuracy (top-1, in thousandths)
    assertThat(monitorCounter(result, DetectDrift.JUDGED_WINDOWS)).isEqualTo(1);
    assertThat(gauge(result, DetectDrift.WINDOW_ACCURACY))
        .isEqualTo(Math.round(1000.0 * correct / ROWS));
    double logLoss = 0;
    for (ScoredRow r : out) {
      logLoss -= Math.log(Math.max(1e-15, r.prediction().labelProbability()));
    }
    assertThat((double) gauge(result, DetectDrift.WINDOW_LOG_LOSS))
        .isCloseTo(1000 * logLoss / ROWS, within(1.0));
    System.out.printf(
        "multiclass scoring: %d rows, top-1 %.3f (chance 0.25), log-loss %.3f%n",
        ROWS, (double) correct / ROWS, logLoss / ROWS);
  }

  static long monitorCounter(PipelineResult result, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("driftgate.monitor", name))
                    .build())
            .getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  static long gauge(PipelineResult result, String name) {
    Iterable<MetricResult<GaugeResult>> gauges =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("driftgate.monitor", name))
                    .build())
            .getGauges();
    List<Long> values = new ArrayList<>();
    gauges.forEach(g -> values.add(g.getAttempted().getValue()));
    assertThat(values).as(name).hasSize(1);
    return values.get(0);
  }
}
