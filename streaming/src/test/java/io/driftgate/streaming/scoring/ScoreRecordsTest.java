package io.driftgate.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.PredictionsTable;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.ScoringSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.streaming.row.LakeEntry;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring stage on the DirectRunner: no champion passes rows; a champion's predictions land.
 */
class ScoreRecordsTest {
  static final ModelSpec SPEC =
      SpecLoader.load(Path.of("../examples/flight-delay/driftgate.yaml"))
          .withScoring(ScoringSpec.defaults().withPollInterval(Duration.ofMillis(1)));

  /** Per test: the alias the fake registry answers (the DoFn is a copy; state lives here). */
  static final Map<String, String> ALIAS = new ConcurrentHashMap<>();

  /** What the pipeline emitted, by test (the assertion function is a copy too). */
  static final Map<String, List<ScoredRow>> SEEN = new ConcurrentHashMap<>();

  @TempDir Path lake;

  /** Valid cleaned rows as the ingestion emits them, with their labels. */
  static List<LakeEntry> rows(int n) throws Exception {
    FlightStreamGenerator gen =
        new FlightStreamGenerator(
            GeneratorConfig.builder().seed(11).count(n * 2L).malformedFraction(0).build());
    RecordCleaner cleaner = new RecordCleaner(SPEC);
    GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(CleanSchema.of(SPEC));
    List<LakeEntry> out = new ArrayList<>();
    long offset = 0;
    while (out.size() < n && gen.hasNext()) {
      GeneratedRecord g = gen.next();
      if (cleaner.clean(
              gen.decoder().decode(g.value()),
              new SourceRef("flights", 0, offset, g.eventTimeMillis()))
          instanceof CleanResult.Accepted a) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
        writer.write(a.row(), enc);
        enc.flush();
        out.add(new LakeEntry(false, 0, offset, g.eventTimeMillis(), "", bytes.toByteArray()));
      }
      offset++;
    }
    return out;
  }

  /** A fake registry: the alias named {@code test}; a model scores p = its distance / 5000 km. */
  static ScoreRecords.ScorerFactory fake(String test) {
    return spec ->
        new ChampionScorer(
            new ChampionScorer.Lookup() {
              @Override
              public Optional<String> champion() {
                return Optional.ofNullable(ALIAS.get(test));
              }

              @Override
              public Path load(String versionId) {
                return Path.of(versionId);
              }
            },
            dir ->
                new ChampionScorer.Model() {
                  @Override
                  public float[] predict(List<? extends Map<String, ?>> rows) {
                    float[] p = new float[rows.size()];
                    for (int i = 0; i < p.length; i++) {
                      Object d = rows.get(i).get("distance_km");
                      p[i] = d == null ? 0.5f : (float) Math.min(1, ((Double) d) / 5000);
                    }
                    return p;
                  }

                  @Override
                  public Map<String, Double> validation() {
                    return Map.of();
                  }

                  @Override
                  public void close() {}
                },
            spec.scoring().pollInterval(),
            System::nanoTime);
  }

  List<ScoredRow> run(List<LakeEntry> input, String test) {
    SEEN.put(test, java.util.Collections.synchronizedList(new ArrayList<>()));
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollection<ScoredRow> scored =
        p.apply(Create.of(input).withCoder(LakeEntry.LakeEntryCoder.of()))
            .apply(
                ScoreRecords.builder()
                    .setModelSpec(SPEC)
                    .optPredictionsTable(LakeCatalog.embedded(lake))
                    .optScorers(fake(test))
                    .build());
    PAssert.that(scored)
        .satisfies(
            rows -> {
              rows.forEach(SEEN.get(test)::add);
              return null;
            });
    p.run().waitUntilFinish();
    return List.copyOf(SEEN.get(test));
  }

  @Test
  void withoutAChampionRowsPassUnscored() throws Exception {
    List<LakeEntry> input = rows(50);
    List<ScoredRow> out = run(input, "none");
    assertThat(out).hasSize(50);
    assertThat(out).allMatch(r -> r.prediction() == null);
    assertThat(PredictionsTable.read(LakeCatalog.embedded(lake).open(), SPEC.model())).isEmpty();
  }

  @Test
  void theChampionScoresEveryRowAndThePredictionsLandInTheTable() throws Exception {
    ALIAS.put("champion", "sha256:00000000000000aa");
    List<LakeEntry> input = rows(120);
    List<ScoredRow> out = run(input, "champion");
    assertThat(out).hasSize(120);
    assertThat(out).allMatch(r -> r.prediction() != null);
    for (ScoredRow r : out) {
      Prediction p = r.prediction();
      assertThat(p.modelVersion()).isEqualTo("sha256:00000000000000aa");
      assertThat(p.offset()).isEqualTo(r.row().offset());
      assertThat(p.eventTimeMillis()).isEqualTo(r.row().timeMillis());
      assertThat(p.predictedClass()).isEqualTo(p.score() >= 0.5 ? 1 : 0);
      assertThat(p.eventId()).isNotNull();
    }
    // the generator labels its records: predictions carry them for the performance monitor
    assertThat(out.stream().filter(r -> r.prediction().labelled()).count()).isPositive();
    List<Record> stored = PredictionsTable.read(LakeCatalog.embedded(lake).open(), SPEC.model());
    assertThat(stored).hasSize(120);
    assertThat(stored)
        .extracting(r -> r.getField("model_version"))
        .containsOnly("sha256:00000000000000aa");
    assertThat(stored.stream().map(r -> (Long) r.getField("source_offset")).distinct().count())
        .isEqualTo(120);
  }
}
