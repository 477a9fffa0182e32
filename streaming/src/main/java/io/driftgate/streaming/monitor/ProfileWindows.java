package io.driftgate.streaming.monitor;

import io.driftgate.core.dataset.DatasetFiles;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.ProfileBuilder;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.streaming.row.LakeEntry;
import io.driftgate.streaming.row.ProfiledRow;
import io.driftgate.streaming.scoring.Prediction;
import io.driftgate.streaming.scoring.ScoredRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Per event-time window, a mergeable profile of the valid rows (KLL sketches and histograms for
 * numeric features, value counts for categorical ones). The on-time pane fires when the watermark
 * passes the window; records up to the allowed lateness produce late panes (accumulated, so each is
 * the whole window again); later ones are dropped from the profile (they are still in the lake).
 *
 * <p>Rows never cross the shuffle. The step that receives them, fused with the ingestion, profiles
 * each bundle's rows per window ({@link BundleProfiles}) and emits one partial profile per window
 * when the bundle ends; the windowed combine ({@link MergePartials}) merges only those partials,
 * with the same windows, triggers, allowed lateness and accumulating panes as a combine of the rows
 * would. Late data behave the same because a runner holds a step's output watermark while its
 * bundle is open (Beam's FlinkRunner: {@code DoFnOperator} emits no watermark while a bundle is
 * started and re-evaluates it once the bundle finishes; the direct runner commits a bundle's
 * outputs before its watermark moves): a partial reaches the combine before the watermark that
 * would make its rows late, and whether a row counts, on time or late, depends on its window and
 * the watermark, not on its timestamp (the panes are stamped at the window's end).
 */
public final class ProfileWindows
    extends PTransform<PCollection<? extends ProfiledRow>, PCollection<WindowedProfile>> {
  private final ModelSpec spec;
  private final Duration window;
  private final Duration allowedLateness;

  private ProfileWindows(Builder b) {
    this.spec = Objects.requireNonNull(b.spec, "setModelSpec is required");
    this.window = Duration.millis(spec.drift().window().toMillis());
    this.allowedLateness = Duration.millis(spec.drift().allowedLateness().toMillis());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code set*} required. */
  public static final class Builder {
    private ModelSpec spec;

    public Builder setModelSpec(ModelSpec spec) {
      this.spec = spec;
      return this;
    }

    public ProfileWindows build() {
      return new ProfileWindows(this);
    }
  }

  @Override
  public PCollection<WindowedProfile> expand(PCollection<? extends ProfiledRow> rows) {
    return profile(rows, spec, window, allowedLateness, false);
  }

  /**
   * The same windows over scored rows: each window's profile of the rows and, beside it, the
   * champion's labelled predictions ({@link WindowedProfile#labelled()}), in one combine.
   */
  public static PTransform<PCollection<ScoredRow>, PCollection<WindowedProfile>> scored(
      ModelSpec spec) {
    Duration window = Duration.millis(spec.drift().window().toMillis());
    Duration lateness = Duration.millis(spec.drift().allowedLateness().toMillis());
    return new PTransform<>() {
      @Override
      public PCollection<WindowedProfile> expand(PCollection<ScoredRow> rows) {
        return profile(rows, spec, window, lateness, true);
      }
    };
  }

  private static <T> PCollection<WindowedProfile> profile(
      PCollection<T> rows,
      ModelSpec spec,
      Duration window,
      Duration allowedLateness,
      boolean scored) {
    // The rows keep their window (global): BundleProfiles finds each row's fixed window itself
    // and the partials are windowed, one per window and bundle instead of every row (assigning a
    // window to every row was a twentieth of the source thread).
    return rows.apply("BundleProfiles", ParDo.of(new BundleProfiles<T>(spec, scored, window)))
        .setCoder(PartialCoder.of())
        .apply("EventTimeWindows", ProfileWindows.<Partial>windows(window, allowedLateness))
        .apply(
            scored ? "ProfileAndLabels" : "Profile",
            Combine.globally(new MergePartials()).withoutDefaults())
        .setCoder(PartialCoder.of())
        .apply("WithWindow", ParDo.of(new AttachWindow()))
        .setCoder(WindowedProfile.WindowedProfileCoder.of());
  }

  static <T> Window<T> windows(Duration window, Duration allowedLateness) {
    return Window.<T>into(FixedWindows.of(window))
        .triggering(
            AfterWatermark.pastEndOfWindow()
                .withLateFirings(
                    AfterProcessingTime.pastFirstElementInPane()
                        .plusDelayOf(Duration.standardSeconds(5))))
        .withAllowedLateness(allowedLateness)
        .accumulatingFiredPanes();
  }

  /**
   * Some rows of one window, profiled: a bundle's (from {@link BundleProfiles}) or, merged, a
   * pane's. {@code labelled}: their labelled predictions when the rows are scored, else null.
   */
  record Partial(DatasetProfile profile, LabelledPredictions labelled) {}

  /** Coder of {@link Partial}: the profile's bytes, then the labelled predictions' (nullable). */
  static final class PartialCoder extends CustomCoder<Partial> {
    private static final Coder<byte[]> LABELLED = NullableCoder.of(ByteArrayCoder.of());

    static PartialCoder of() {
      return new PartialCoder();
    }

    @Override
    public void encode(Partial p, OutputStream out) throws IOException {
      ByteArrayCoder.of().encode(p.profile().toBytes(), out);
      LABELLED.encode(p.labelled() == null ? null : p.labelled().toBytes(), out);
    }

    @Override
    public Partial decode(InputStream in) throws IOException {
      DatasetProfile profile = DatasetProfile.fromBytes(ByteArrayCoder.of().decode(in));
      byte[] labelled = LABELLED.decode(in);
      return new Partial(
          profile, labelled == null ? null : LabelledPredictions.fromBytes(labelled));
    }
  }

  /**
   * Profiles a bundle's rows per fixed window of their timestamps (the windows {@link #windows}
   * assigns); at the end of the bundle, one {@link Partial} per window, stamped with the earliest
   * timestamp of its rows (inside the window, so the windowing after this step puts it in the same
   * window). Rows come as {@link ProfiledRow}, or as {@link ScoredRow} when {@code scored} (then
   * labelled predictions too).
   */
  static final class BundleProfiles<T> extends DoFn<T, Partial> {
    private final String rowSchemaJson;
    private final List<ProfiledFeature> features;
    private final boolean scored;
    private final FixedWindows windows;
    private transient RowValues values;
    private transient Map<Long, Pending> pending;
    // The last row's window: a replay's rows come in runs of one window.
    private transient Pending last;

    private static final class Pending {
      final long start;
      final ProfileBuilder builder;
      final LabelledPredictions labelled;
      Instant first;

      Pending(long start, ProfileBuilder builder, LabelledPredictions labelled, Instant first) {
        this.start = start;
        this.builder = builder;
        this.labelled = labelled;
        this.first = first;
      }
    }

    BundleProfiles(ModelSpec spec, boolean scored, Duration window) {
      this.rowSchemaJson = CleanSchema.of(spec).toString();
      this.features = List.copyOf(DatasetFiles.features(spec));
      this.scored = scored;
      this.windows = FixedWindows.of(window);
    }

    @Setup
    public void setup() {
      values = new RowValues(new Schema.Parser().parse(rowSchemaJson), features);
      pending = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element T element, @Timestamp Instant at) {
      ProfiledRow row;
      Prediction prediction = null;
      if (scored) {
        ScoredRow s = (ScoredRow) element;
        row = s.row();
        prediction = s.prediction();
      } else {
        row = (ProfiledRow) element;
      }
      long ts = at.getMillis();
      Pending p = last;
      if (p == null || ts < p.start || ts - p.start >= windows.getSize().getMillis()) {
        // the window the windowing after this step gives the partial (stamped inside it)
        long start = windows.assignWindow(at).start().getMillis();
        p = pending.get(start);
        if (p == null) {
          p =
              new Pending(
                  start,
                  new ProfileBuilder(features),
                  scored ? new LabelledPredictions() : null,
                  at);
          pending.put(start, p);
        }
        last = p;
      }
      if (at.isBefore(p.first)) {
        p.first = at;
      }
      p.builder.acceptValues(values.of(row));
      if (prediction != null && prediction.labelled()) {
        p.labelled.add(prediction);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      pending.forEach(
          (start, p) ->
              context.output(
                  new Partial(p.builder.finish(), p.labelled), p.first, GlobalWindow.INSTANCE));
      pending.clear();
      last = null;
    }
  }

  /**
   * The features' values of a row, in the order of the features, in one array reused for every row.
   * A row that a step fused with this one decoded ({@link LakeEntry#row()}, passed on by reference
   * with object reuse) is read as is; otherwise its payload is decoded with one reader, decoder and
   * record reused. Text values become {@code String}s, as they do in the lake.
   */
  static final class RowValues {
    private final List<ProfiledFeature> features;
    private final GenericDatumReader<GenericRecord> reader;
    private final int[] payloadPositions;
    private final Object[] values;
    private BinaryDecoder decoder;
    private GenericRecord reused;
    private Schema lastSchema;
    private int[] lastPositions;

    RowValues(Schema rowSchema, List<ProfiledFeature> features) {
      this.features = List.copyOf(features);
      this.reader = new GenericDatumReader<>(rowSchema);
      this.payloadPositions = positions(rowSchema);
      this.values = new Object[features.size()];
    }

    Object[] of(ProfiledRow row) {
      GenericRecord r;
      int[] at;
      if (row instanceof LakeEntry e && e.row() != null) {
        r = e.row();
        if (r.getSchema() != lastSchema) {
          lastSchema = r.getSchema();
          lastPositions = positions(lastSchema);
        }
        at = lastPositions;
      } else {
        try {
          decoder = DecoderFactory.get().binaryDecoder(row.payload(), decoder);
          reused = reader.read(reused, decoder);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        r = reused;
        at = payloadPositions;
      }
      for (int i = 0; i < at.length; i++) {
        Object v = at[i] < 0 ? null : r.get(at[i]);
        values[i] = v instanceof CharSequence cs ? cs.toString() : v;
      }
      return values;
    }

    /**
     * Each feature's field position in {@code schema}, -1 where absent (its values count as null).
     */
    private int[] positions(Schema schema) {
      int[] out = new int[features.size()];
      for (int i = 0; i < out.length; i++) {
        Schema.Field f = schema.getField(features.get(i).name());
        out[i] = f == null ? -1 : f.pos();
      }
      return out;
    }
  }

  /** Merges a window's partials: profiles by their merge, labelled predictions appended. */
  static final class MergePartials extends Combine.CombineFn<Partial, MergePartials.Acc, Partial> {
    static final class Acc {
      DatasetProfile profile = DatasetProfile.empty();
      boolean adopted;
      LabelledPredictions labelled;

      void add(DatasetProfile p, LabelledPredictions l) {
        // A window's first partial is taken as it is (profiles are immutable values once built;
        // merge copies), the next ones merged: most windows get one partial per bundle.
        profile = adopted ? profile.merge(p) : p;
        adopted = true;
        if (l != null) {
          if (labelled == null) {
            labelled = new LabelledPredictions();
          }
          labelled.merge(l);
        }
      }
    }

    @Override
    public Acc createAccumulator() {
      return new Acc();
    }

    @Override
    public Acc addInput(Acc acc, Partial partial) {
      acc.add(partial.profile(), partial.labelled());
      return acc;
    }

    @Override
    public Acc mergeAccumulators(Iterable<Acc> accs) {
      Acc out = new Acc();
      for (Acc a : accs) {
        out.add(a.profile, a.labelled);
      }
      return out;
    }

    @Override
    public Partial extractOutput(Acc acc) {
      return new Partial(acc.profile, acc.labelled);
    }

    @Override
    public Coder<Acc> getAccumulatorCoder(CoderRegistry registry, Coder<Partial> input) {
      return new CustomCoder<Acc>() {
        @Override
        public void encode(Acc acc, OutputStream out) throws IOException {
          PartialCoder.of().encode(new Partial(acc.profile, acc.labelled), out);
        }

        @Override
        public Acc decode(InputStream in) throws IOException {
          Partial p = PartialCoder.of().decode(in);
          Acc acc = new Acc();
          acc.profile = p.profile();
          acc.adopted = true;
          acc.labelled = p.labelled();
          return acc;
        }
      };
    }
  }

  static final class AttachWindow extends DoFn<Partial, WindowedProfile> {
    @ProcessElement
    public void process(
        @Element Partial merged,
        BoundedWindow window,
        PaneInfo pane,
        OutputReceiver<WindowedProfile> out) {
      IntervalWindow w = (IntervalWindow) window;
      out.output(
          new WindowedProfile(
              w.start().getMillis(),
              w.end().getMillis(),
              pane.getIndex(),
              merged.profile().toBytes(),
              merged.labelled() == null ? null : merged.labelled().toBytes()));
    }
  }
}
