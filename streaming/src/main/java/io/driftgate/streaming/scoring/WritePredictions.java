package io.driftgate.streaming.scoring;

import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeFileWriter;
import io.driftgate.core.lake.PredictionsTable;
import io.driftgate.streaming.commit.CommitLatency;
import io.driftgate.streaming.commit.SingleCommitter;
import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.joda.time.Instant;

/**
 * Predictions into the lake's {@code predictions} table, the way {@code WriteToLake} writes rows:
 * each bundle's predictions go into Parquet data files on the worker ({@link LakeFileWriter}; only
 * file metadata crosses the shuffle), and one committer ({@code @RequiresStableInput}: on Flink,
 * what a completed checkpoint holds) appends a pane's batches in one Iceberg commit. A batch id in
 * the snapshot summary keeps a replayed batch from being appended twice. Emits the files appended.
 */
public final class WritePredictions
    extends PTransform<PCollection<Prediction>, PCollection<Integer>> {
  private final LakeCatalog catalog;
  private final String model;
  private final String table;

  /** Into the {@code predictions} table. */
  public WritePredictions(LakeCatalog catalog, String model) {
    this(catalog, model, PredictionsTable.NAME);
  }

  /** Into a table of prediction rows ({@link PredictionsTable#NAME} or {@code LABELLED}). */
  public WritePredictions(LakeCatalog catalog, String model, String table) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.model = Objects.requireNonNull(model, "model");
    this.table = Objects.requireNonNull(table, "table");
  }

  /** A bundle's data files under a fresh id. */
  record Batch(String id, List<DataFile> files) implements Serializable {}

  @Override
  public PCollection<Integer> expand(PCollection<Prediction> predictions) {
    try (Opened t = Opened.open(catalog, model, table)) {
      // create the table once, before any worker writes
    }
    PCollection<Batch> batches =
        predictions
            .apply("WritePredictionFiles", ParDo.of(new WriteFilesFn(catalog, model, table)))
            .setCoder(SerializableCoder.of(Batch.class));
    return SingleCommitter.gather(batches)
        .apply("CommitPredictions", ParDo.of(new CommitFn(catalog, model, table)))
        .setCoder(VarIntCoder.of());
  }

  /** The table and its catalog connection. */
  static final class Opened implements Closeable {
    final Catalog catalog;
    final Table table;

    private Opened(Catalog catalog, Table table) {
      this.catalog = catalog;
      this.table = table;
    }

    static Opened open(LakeCatalog lake, String model, String table) {
      Catalog c = lake.open();
      return new Opened(c, PredictionsTable.ensure(c, model, table));
    }

    @Override
    public void close() {
      if (catalog instanceof Closeable c) {
        try {
          c.close();
        } catch (IOException e) {
          // nothing held open matters once the step is done
        }
      }
    }
  }

  static final class WriteFilesFn extends DoFn<Prediction, Batch> {
    private final LakeCatalog catalog;
    private final String model;
    private final String table;
    private final Counter written =
        Metrics.counter(ScoringMetrics.NAMESPACE, "predictions_written");
    private transient Opened opened;
    private transient int taskId;
    private transient LakeFileWriter writer;
    private transient long minTimestamp;

    WriteFilesFn(LakeCatalog catalog, String model, String table) {
      this.catalog = catalog;
      this.model = model;
      this.table = table;
    }

    @Setup
    public void setup() {
      opened = Opened.open(catalog, model, table);
      taskId = Math.abs(UUID.randomUUID().hashCode() % 100_000);
    }

    @StartBundle
    public void startBundle() {
      writer = null;
      minTimestamp = Long.MAX_VALUE;
    }

    @ProcessElement
    public void process(@Element Prediction p, @Timestamp Instant timestamp) {
      if (writer == null) {
        writer = new LakeFileWriter(opened.table, taskId);
      }
      writer.write(
          PredictionsTable.row(
              opened.table,
              p.eventId(),
              p.eventTimeMillis(),
              p.modelVersion(),
              p.score(),
              p.predictedClass(),
              p.label(),
              p.partition(),
              p.offset(),
              p.predictedProbability(),
              p.labelProbability(),
              p.classProbabilityList()));
      written.inc();
      minTimestamp = Math.min(minTimestamp, timestamp.getMillis());
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      if (writer == null) {
        return;
      }
      List<DataFile> files = writer.finish();
      writer = null;
      context.output(
          new Batch(UUID.randomUUID().toString(), files),
          new Instant(minTimestamp),
          GlobalWindow.INSTANCE);
    }

    @Teardown
    public void teardown() {
      if (opened != null) {
        opened.close();
      }
    }
  }

  static final class CommitFn extends DoFn<KV<Integer, Iterable<Batch>>, Integer> {
    private final LakeCatalog catalog;
    private final String model;
    private final String table;
    private final Counter commits = Metrics.counter(ScoringMetrics.NAMESPACE, "prediction_commits");
    private final CommitLatency commitLatency = CommitLatency.of(ScoringMetrics.NAMESPACE);
    private transient Opened opened;

    CommitFn(LakeCatalog catalog, String model, String table) {
      this.catalog = catalog;
      this.model = model;
      this.table = table;
    }

    @Setup
    public void setup() {
      opened = Opened.open(catalog, model, table);
    }

    @RequiresStableInput
    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Batch>> pane, OutputReceiver<Integer> out) {
      Map<String, List<DataFile>> batches = new LinkedHashMap<>();
      for (Batch b : pane.getValue()) {
        batches.put(b.id(), b.files());
      }
      long started = System.nanoTime();
      int files = PredictionsTable.append(opened.table, batches);
      commitLatency.since(started);
      if (files > 0) {
        commits.inc();
        out.output(files);
      }
    }

    @Teardown
    public void teardown() {
      if (opened != null) {
        opened.close();
      }
    }
  }
}
