package io.driftgate.streaming.scoring;

import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.streaming.row.LakeEntry;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Scores valid rows with the current champion and writes the predictions to the lake's {@code
 * predictions} table ({@link WritePredictions}); returns every row with its prediction ({@link
 * ScoredRow}, null prediction when there is no champion) for the performance monitor.
 *
 * <p>One {@link ChampionScorer} per DoFn instance: created in {@code @Setup}, the model loaded on
 * the first bundle and replaced when the registry's champion alias moves (polled every {@code
 * scoring.pollInterval}), closed in {@code @Teardown}. A bundle is scored by one version, in model
 * calls of at most {@code scoring.batchSize} rows, and every prediction records that version. No
 * champion: rows pass unscored. Any model the trainer saves scores: a binary model's prediction is
 * p of class 1 and the class at {@code scoring.threshold}; a multiclass model's (images, text, or
 * tabular) is its class probabilities, the most probable class and its probability.
 */
public final class ScoreRecords extends PTransform<PCollection<LakeEntry>, PCollection<ScoredRow>> {
  public static final TupleTag<ScoredRow> SCORED = new TupleTag<>("scored") {};
  public static final TupleTag<Prediction> PREDICTIONS = new TupleTag<>("predictions") {};

  /** Makes a worker's scorer; serializable so that it travels with the DoFn. */
  public interface ScorerFactory extends Serializable {
    ChampionScorer create(ModelSpec spec);
  }

  /** The registry's champion, loaded as the trainer saved it. */
  public static ScorerFactory registry() {
    return spec ->
        new ChampionScorer(
            RegistryChampions.lookup(spec),
            RegistryChampions::load,
            spec.scoring().pollInterval(),
            System::nanoTime);
  }

  private final ModelSpec spec;
  private final LakeCatalog catalog;
  private final ScorerFactory scorers;

  private ScoreRecords(Builder b) {
    this.spec = Objects.requireNonNull(b.spec, "setModelSpec is required");
    this.catalog = b.catalog;
    this.scorers = b.scorers == null ? registry() : b.scorers;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code set*} required, {@code opt*} optional. */
  public static final class Builder {
    private ModelSpec spec;
    private LakeCatalog catalog;
    private ScorerFactory scorers;

    /** The spec: features, label, the {@code scoring} section. */
    public Builder setModelSpec(ModelSpec spec) {
      this.spec = spec;
      return this;
    }

    /** Write predictions into this lake's {@code predictions} table (none when not set). */
    public Builder optPredictionsTable(LakeCatalog catalog) {
      this.catalog = catalog;
      return this;
    }

    /** Where the champion comes from (default: the spec's registry). */
    public Builder optScorers(ScorerFactory scorers) {
      this.scorers = scorers;
      return this;
    }

    public ScoreRecords build() {
      return new ScoreRecords(this);
    }
  }

  @Override
  public PCollection<ScoredRow> expand(PCollection<LakeEntry> rows) {
    PCollectionTuple out =
        rows.apply(
            "Score",
            ParDo.of(new ScoreFn(spec, scorers))
                .withOutputTags(SCORED, TupleTagList.of(PREDICTIONS)));
    out.get(SCORED).setCoder(ScoredRow.ScoredRowCoder.of());
    out.get(PREDICTIONS).setCoder(Prediction.PredictionCoder.of());
    if (catalog != null) {
      out.get(PREDICTIONS).apply("WritePredictions", new WritePredictions(catalog, spec.model()));
    }
    return out.get(SCORED);
  }

  static final class ScoreFn extends DoFn<LakeEntry, ScoredRow> {
    private final ModelSpec spec;
    private final ScorerFactory scorers;
    private final String rowSchemaJson;
    private final Counter scored = Metrics.counter(ScoringMetrics.NAMESPACE, ScoringMetrics.SCORED);
    private final Counter unscored =
        Metrics.counter(ScoringMetrics.NAMESPACE, ScoringMetrics.UNSCORED);
    private final Counter switches =
        Metrics.counter(ScoringMetrics.NAMESPACE, ScoringMetrics.MODEL_SWITCHES);
    private final Distribution batchMillis =
        Metrics.distribution(ScoringMetrics.NAMESPACE, "batch_millis");
    private transient ChampionScorer scorer;
    private transient GenericDatumReader<GenericRecord> reader;
    private transient BinaryDecoder decoder;
    private transient List<Pending> pending;

    /** A row held until the bundle is scored, with where it was in time. */
    private record Pending(LakeEntry entry, Instant timestamp, BoundedWindow window) {}

    ScoreFn(ModelSpec spec, ScorerFactory scorers) {
      this.spec = spec;
      this.scorers = scorers;
      this.rowSchemaJson = CleanSchema.of(spec).toString();
    }

    @Setup
    public void setup() {
      scorer = scorers.create(spec);
      reader = new GenericDatumReader<>(new Schema.Parser().parse(rowSchemaJson));
    }

    @StartBundle
    public void startBundle() {
      pending = new ArrayList<>();
      if (scorer.refresh()) {
        switches.inc();
      }
    }

    @ProcessElement
    public void process(
        @Element LakeEntry row,
        @org.apache.beam.sdk.transforms.DoFn.Timestamp Instant timestamp,
        BoundedWindow window) {
      pending.add(new Pending(row, timestamp, window));
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      if (pending.isEmpty()) {
        return;
      }
      String version = scorer.version().orElse(null);
      if (version == null) {
        for (Pending p : pending) {
          context.output(SCORED, new ScoredRow(p.entry(), null), p.timestamp(), p.window());
        }
        unscored.inc(pending.size());
        pending.clear();
        return;
      }
      int batch = spec.scoring().batchSize();
      for (int from = 0; from < pending.size(); from += batch) {
        List<Pending> part = pending.subList(from, Math.min(pending.size(), from + batch));
        List<GenericRecord> records = new ArrayList<>(part.size());
        List<Map<String, Object>> features = new ArrayList<>(part.size());
        for (Pending p : part) {
          GenericRecord r = rowOf(p.entry());
          records.add(r);
          features.add(features(r));
        }
        long started = System.nanoTime();
        int classes = scorer.classes();
        float[] probs = scorer.score(features);
        batchMillis.update((System.nanoTime() - started) / 1_000_000);
        int width = classes == 2 ? 1 : classes;
        if (probs.length != part.size() * width) {
          throw new IllegalStateException(
              "champion "
                  + version
                  + " returned "
                  + probs.length
                  + " probabilities for "
                  + part.size()
                  + " rows of "
                  + classes
                  + " classes");
        }
        for (int i = 0; i < part.size(); i++) {
          Pending p = part.get(i);
          GenericRecord r = records.get(i);
          Prediction prediction =
              classes == 2
                  ? prediction(p.entry(), r, version, probs[i])
                  : prediction(
                      p.entry(),
                      r,
                      version,
                      java.util.Arrays.copyOfRange(probs, i * classes, (i + 1) * classes));
          context.output(SCORED, new ScoredRow(p.entry(), prediction), p.timestamp(), p.window());
          context.output(PREDICTIONS, prediction, p.timestamp(), p.window());
        }
        scored.inc(part.size());
      }
      pending.clear();
    }

    @Teardown
    public void teardown() {
      if (scorer != null) {
        scorer.close();
      }
    }

    private Prediction prediction(LakeEntry e, GenericRecord r, String version, float p) {
      Object id = r.get(CleanSchema.ID);
      Object label = r.get(spec.label().field());
      return new Prediction(
          id == null ? null : id.toString(),
          e.timeMillis(),
          version,
          p,
          p >= spec.scoring().threshold() ? 1 : 0,
          label instanceof Number n ? n.intValue() : null,
          e.partition(),
          e.offset());
    }

    /** A multiclass model's prediction: its class probabilities. */
    private Prediction prediction(LakeEntry e, GenericRecord r, String version, float[] classes) {
      Object id = r.get(CleanSchema.ID);
      Object label = r.get(spec.label().field());
      return Prediction.multiclass(
          id == null ? null : id.toString(),
          e.timeMillis(),
          version,
          classes,
          label instanceof Number n ? n.intValue() : null,
          e.partition(),
          e.offset());
    }

    private Map<String, Object> features(GenericRecord r) {
      Map<String, Object> m = new HashMap<>();
      for (String f : spec.featureNames()) {
        Object v = r.get(f);
        m.put(f, v instanceof CharSequence cs ? cs.toString() : v);
      }
      return m;
    }

    /** The row as it came (chained to the cleaner), else decoded from its payload. */
    private GenericRecord rowOf(LakeEntry e) {
      if (e.row() != null) {
        return e.row();
      }
      try {
        decoder = DecoderFactory.get().binaryDecoder(e.payload(), decoder);
        return reader.read(null, decoder);
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
  }
}
