package io.driftgate.streaming.monitor;

import io.driftgate.core.dataset.DatasetFiles;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.ProfileBuilder;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.spec.ModelSpec;
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
import org.apache.avro.io.DecoderFactory;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Per event-time window, a mergeable profile of the valid rows (KLL sketches and histograms for
 * numeric features, value counts for categorical ones), built as a {@code CombineFn}. The on-time
 * pane fires when the watermark passes the window; records up to the allowed lateness produce late
 * panes (accumulated, so each is the whole window again); later ones are dropped from the profile
 * (they are still in the lake).
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
    return profile(rows);
  }

  private <T extends ProfiledRow> PCollection<WindowedProfile> profile(PCollection<T> rows) {
    return rows.apply("EventTimeWindows", ProfileWindows.<T>windows(window, allowedLateness))
        .apply("Profile", Combine.globally(new ProfileFn<T>(spec)).withoutDefaults())
        .apply("WithWindow", ParDo.of(new AttachWindow()))
        .setCoder(WindowedProfile.WindowedProfileCoder.of());
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
        return rows.apply("EventTimeWindows", ProfileWindows.<ScoredRow>windows(window, lateness))
            .apply(
                "ProfileAndLabels", Combine.globally(new ScoredProfileFn(spec)).withoutDefaults())
            .setCoder(KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()))
            .apply("WithWindow", ParDo.of(new AttachWindowScored()))
            .setCoder(WindowedProfile.WindowedProfileCoder.of());
      }
    };
  }

  private static <T> Window<T> windows(Duration window, Duration allowedLateness) {
    return Window.<T>into(FixedWindows.of(window))
        .triggering(
            AfterWatermark.pastEndOfWindow()
                .withLateFirings(
                    AfterProcessingTime.pastFirstElementInPane()
                        .plusDelayOf(Duration.standardSeconds(5))))
        .withAllowedLateness(allowedLateness)
        .accumulatingFiredPanes();
  }

  /** {@link ProfileFn} over the rows, plus the labelled predictions. */
  static final class ScoredProfileFn
      extends Combine.CombineFn<ScoredRow, ScoredProfileFn.Acc, KV<byte[], byte[]>> {
    private final ProfileFn<ProfiledRow> profiles;

    ScoredProfileFn(ModelSpec spec) {
      this.profiles = new ProfileFn<>(spec);
    }

    static final class Acc {
      ProfileFn.Acc profile = new ProfileFn.Acc();
      LabelledPredictions labelled = new LabelledPredictions();
    }

    @Override
    public Acc createAccumulator() {
      return new Acc();
    }

    @Override
    public Acc addInput(Acc acc, ScoredRow row) {
      profiles.addInput(acc.profile, row.row());
      Prediction p = row.prediction();
      if (p != null && p.labelled()) {
        acc.labelled.add(p);
      }
      return acc;
    }

    @Override
    public Acc mergeAccumulators(Iterable<Acc> accs) {
      Acc out = new Acc();
      List<ProfileFn.Acc> ps = new java.util.ArrayList<>();
      for (Acc a : accs) {
        ps.add(a.profile);
        out.labelled.merge(a.labelled);
      }
      out.profile = profiles.mergeAccumulators(ps);
      return out;
    }

    @Override
    public KV<byte[], byte[]> extractOutput(Acc acc) {
      return KV.of(profiles.extractOutput(acc.profile), acc.labelled.toBytes());
    }

    @Override
    public Coder<Acc> getAccumulatorCoder(CoderRegistry registry, Coder<ScoredRow> input) {
      return new CustomCoder<Acc>() {
        @Override
        public void encode(Acc acc, OutputStream out) throws IOException {
          new ProfileFn.AccCoder().encode(acc.profile, out);
          ByteArrayCoder.of().encode(acc.labelled.toBytes(), out);
        }

        @Override
        public Acc decode(InputStream in) throws IOException {
          Acc acc = new Acc();
          acc.profile = new ProfileFn.AccCoder().decode(in);
          acc.labelled = LabelledPredictions.fromBytes(ByteArrayCoder.of().decode(in));
          return acc;
        }
      };
    }
  }

  static final class AttachWindowScored extends DoFn<KV<byte[], byte[]>, WindowedProfile> {
    @ProcessElement
    public void process(
        @Element KV<byte[], byte[]> profileAndLabels,
        BoundedWindow window,
        PaneInfo pane,
        OutputReceiver<WindowedProfile> out) {
      IntervalWindow w = (IntervalWindow) window;
      out.output(
          new WindowedProfile(
              w.start().getMillis(),
              w.end().getMillis(),
              pane.getIndex(),
              profileAndLabels.getKey(),
              profileAndLabels.getValue()));
    }
  }

  /** Accumulates rows into a profile; merge is the profiles' merge. */
  static final class ProfileFn<T extends ProfiledRow>
      extends Combine.CombineFn<T, ProfileFn.Acc, byte[]> {
    private final String rowSchemaJson;
    private final List<ProfiledFeature> features;
    private transient GenericDatumReader<GenericRecord> reader;

    ProfileFn(ModelSpec spec) {
      this.rowSchemaJson = CleanSchema.of(spec).toString();
      this.features = List.copyOf(DatasetFiles.features(spec));
    }

    /** Rows added since the last merge, plus what earlier merges produced. */
    static final class Acc {
      ProfileBuilder builder;
      DatasetProfile merged = DatasetProfile.empty();

      DatasetProfile result() {
        return builder == null ? merged : merged.merge(builder.build());
      }
    }

    @Override
    public Acc createAccumulator() {
      return new Acc();
    }

    @Override
    public Acc addInput(Acc acc, T row) {
      if (acc.builder == null) {
        acc.builder = new ProfileBuilder(features);
      }
      acc.builder.accept(decode(row.payload()));
      return acc;
    }

    @Override
    public Acc mergeAccumulators(Iterable<Acc> accs) {
      Acc out = new Acc();
      for (Acc a : accs) {
        out.merged = out.merged.merge(a.result());
      }
      return out;
    }

    @Override
    public byte[] extractOutput(Acc acc) {
      return acc.result().toBytes();
    }

    @Override
    public Coder<Acc> getAccumulatorCoder(CoderRegistry registry, Coder<T> input) {
      return new AccCoder();
    }

    private Map<String, Object> decode(byte[] payload) {
      if (reader == null) {
        reader = new GenericDatumReader<>(new Schema.Parser().parse(rowSchemaJson));
      }
      try {
        GenericRecord r = reader.read(null, DecoderFactory.get().binaryDecoder(payload, null));
        Map<String, Object> row = new HashMap<>();
        for (ProfiledFeature f : features) {
          Object v = r.get(f.name());
          row.put(f.name(), v instanceof CharSequence cs ? cs.toString() : v);
        }
        return row;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Accumulators travel as serialized profiles. */
    static final class AccCoder extends CustomCoder<Acc> {
      @Override
      public void encode(Acc acc, OutputStream out) throws IOException {
        ByteArrayCoder.of().encode(acc.result().toBytes(), out);
      }

      @Override
      public Acc decode(InputStream in) throws IOException {
        Acc acc = new Acc();
        acc.merged = DatasetProfile.fromBytes(ByteArrayCoder.of().decode(in));
        return acc;
      }
    }
  }

  static final class AttachWindow extends DoFn<byte[], WindowedProfile> {
    @ProcessElement
    public void process(
        @Element byte[] profile,
        BoundedWindow window,
        PaneInfo pane,
        OutputReceiver<WindowedProfile> out) {
      IntervalWindow w = (IntervalWindow) window;
      out.output(
          new WindowedProfile(
              w.start().getMillis(), w.end().getMillis(), pane.getIndex(), profile));
    }
  }
}
