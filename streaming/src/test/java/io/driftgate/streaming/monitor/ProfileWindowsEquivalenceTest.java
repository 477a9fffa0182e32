package io.driftgate.streaming.monitor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.driftgate.core.dataset.DatasetFiles;
import io.driftgate.core.drift.profile.CategoricalProfile;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.FeatureProfile;
import io.driftgate.core.drift.profile.NumericProfile;
import io.driftgate.core.drift.profile.ProfileBuilder;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.monitor.DriftMonitor;
import io.driftgate.core.monitor.MonitorState;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DriftReport;
import io.driftgate.streaming.row.LakeEntry;
import io.driftgate.streaming.row.ProfiledRow;
import io.driftgate.streaming.scoring.Prediction;
import io.driftgate.streaming.scoring.ScoredRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The bundle-wise pre-aggregation ({@link ProfileWindows}) against the combine of the rows it
 * replaced (kept here, as it was, as the reference): on one TestStream with several rows per bundle
 * and several windows per bundle, on-time panes, a late pane within the allowed lateness and rows
 * dropped past it, both give the same panes with the same profiles (counts, exact values, value
 * counts, moments), the same labelled predictions, and the same drift reports from the monitor.
 */
@RunWith(JUnit4.class)
public class ProfileWindowsEquivalenceTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final ModelSpec SPEC = ProfileWindowsTest.SPEC;
  private static final long W = ProfileWindowsTest.WINDOW;
  private static final long LATENESS = ProfileWindowsTest.LATENESS;

  /** Outputs per pipeline branch, by branch name (the DirectRunner runs in this JVM). */
  private static final Map<String, Queue<WindowedProfile>> OUT =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Test
  public void preAggregatedPanesEqualTheRowCombine() throws Exception {
    List<LakeEntry> r = ProfileWindowsTest.rows(260);
    TestStream<LakeEntry> stream = stream(r, LakeEntry.LakeEntryCoder.of(), (e, i) -> e);
    PCollection<LakeEntry> rows = pipeline.apply(stream);
    collect(rows.apply("Old", new RowCombine<LakeEntry>(SPEC, false)), "rows-old");
    collect(rows.apply("New", ProfileWindows.builder().setModelSpec(SPEC).build()), "rows-new");
    pipeline.run().waitUntilFinish();

    List<WindowedProfile> old = sorted(OUT.get("rows-old"));
    List<WindowedProfile> neu = sorted(OUT.get("rows-new"));
    // w0: on time (100 rows), late (110); the 10 rows past the lateness are dropped; w1 (90), w2
    assertEquals(List.of("0/0/100", "0/1/110", W + "/0/90", 2 * W + "/0/20"), shape(old));
    assertEquals(shape(old), shape(neu));
    for (int i = 0; i < old.size(); i++) {
      assertEquals(canonical(old.get(i).profile()), canonical(neu.get(i).profile()));
      assertEquals(null, neu.get(i).labelled());
    }
    List<String> oldReports = reports(old, r);
    assertEquals(4, oldReports.size());
    assertEquals(oldReports, reports(neu, r));
  }

  @Test
  public void scoredPanesCarryTheSameLabelledPredictions() throws Exception {
    List<LakeEntry> r = ProfileWindowsTest.rows(260);
    TestStream<ScoredRow> stream =
        stream(r, ScoredRow.ScoredRowCoder.of(), ProfileWindowsEquivalenceTest::scored);
    PCollection<ScoredRow> rows = pipeline.apply(stream);
    collect(rows.apply("Old", new RowCombine<ScoredRow>(SPEC, true)), "scored-old");
    collect(rows.apply("New", ProfileWindows.scored(SPEC)), "scored-new");
    pipeline.run().waitUntilFinish();

    List<WindowedProfile> old = sorted(OUT.get("scored-old"));
    List<WindowedProfile> neu = sorted(OUT.get("scored-new"));
    assertEquals(shape(old), shape(neu));
    assertEquals(4, old.size());
    int labelled = 0;
    for (int i = 0; i < old.size(); i++) {
      assertEquals(canonical(old.get(i).profile()), canonical(neu.get(i).profile()));
      List<String> a = labelled(old.get(i).labelled());
      assertEquals(a, labelled(neu.get(i).labelled()));
      labelled += a.size();
    }
    assertTrue("labelled predictions compared: " + labelled, labelled > 100);
  }

  // --- the stream ---------------------------------------------------------------------------

  interface Make<T> {
    T of(LakeEntry row, int index);
  }

  /**
   * Bundles of rows over three windows: w0 and w1 mixed in two bundles; the watermark past w0 (its
   * on-time pane); late rows of w0 within the lateness with rows of w1 (a late pane of w0); the
   * watermark past w0's lateness; rows of w0 (dropped), w1 and w2; then the end.
   */
  private static <T> TestStream<T> stream(List<LakeEntry> r, Coder<T> coder, Make<T> make) {
    int[] next = {0};
    java.util.function.LongFunction<TimestampedValue<T>> at =
        t -> {
          int i = next[0]++;
          return TimestampedValue.of(make.of(r.get(i), i), new org.joda.time.Instant(t));
        };
    List<TimestampedValue<T>> a = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      a.add(at.apply(i * 17_000L));
    }
    for (int i = 0; i < 40; i++) {
      a.add(at.apply(W + i * 19_000L));
    }
    List<TimestampedValue<T>> b = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      b.add(at.apply(W - 1 - i * 23_000L));
      b.add(at.apply(W + 5_000 + i * 11_000L));
    }
    List<TimestampedValue<T>> late = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      late.add(at.apply(2_000 + i * 60_000L));
      late.add(at.apply(W + 3_000 + i * 29_000L));
    }
    List<TimestampedValue<T>> tooLate = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tooLate.add(at.apply(4_000 + i * 70_000L));
      tooLate.add(at.apply(2 * W + 7_000 + i * 31_000L));
      tooLate.add(at.apply(2 * W + 9_000 + i * 37_000L));
    }
    return TestStream.create(coder)
        .addElements(a.get(0), a.subList(1, a.size()).toArray(TimestampedValue[]::new))
        .addElements(b.get(0), b.subList(1, b.size()).toArray(TimestampedValue[]::new))
        .advanceWatermarkTo(new org.joda.time.Instant(W + 10_000))
        .addElements(late.get(0), late.subList(1, late.size()).toArray(TimestampedValue[]::new))
        .advanceProcessingTime(Duration.standardSeconds(10))
        .advanceWatermarkTo(new org.joda.time.Instant(W + LATENESS + 60_000))
        .addElements(
            tooLate.get(0), tooLate.subList(1, tooLate.size()).toArray(TimestampedValue[]::new))
        .advanceWatermarkTo(new org.joda.time.Instant(2 * W + 10_000))
        .advanceWatermarkToInfinity();
  }

  /** Two rows in three labelled, by two versions; every fifth row unscored. */
  private static ScoredRow scored(LakeEntry row, int i) {
    if (i % 5 == 4) {
      return new ScoredRow(row, null);
    }
    Integer label = i % 3 == 2 ? null : i % 2;
    return new ScoredRow(
        row,
        new Prediction(
            "e" + i, row.timeMillis(), i < 130 ? "v1" : "v2", (i % 10) / 10.0, i % 2, label, 0, i));
  }

  // --- comparing ----------------------------------------------------------------------------

  private static void collect(PCollection<WindowedProfile> out, String name) {
    OUT.put(name, new ConcurrentLinkedQueue<>());
    out.apply(name + "Collect", ParDo.of(new Collect(name)));
  }

  static final class Collect extends DoFn<WindowedProfile, Void> {
    private final String name;

    Collect(String name) {
      this.name = name;
    }

    @ProcessElement
    public void process(@Element WindowedProfile w) {
      OUT.get(name).add(w);
    }
  }

  private static List<WindowedProfile> sorted(Queue<WindowedProfile> out) {
    List<WindowedProfile> l = new ArrayList<>(out);
    l.sort(
        Comparator.comparingLong(WindowedProfile::startMillis)
            .thenComparingLong(WindowedProfile::paneIndex));
    return l;
  }

  private static List<String> shape(List<WindowedProfile> panes) {
    return panes.stream()
        .map(
            w ->
                w.startMillis()
                    + "/"
                    + w.paneIndex()
                    + "/"
                    + DatasetProfile.fromBytes(w.profile()).rowCount())
        .toList();
  }

  /**
   * What a profile says, independent of the order rows and partials were merged in: counts, the
   * exact finite values as a sorted multiset, min/max, moments to 1e-12 relative, value counts.
   */
  static String canonical(byte[] bytes) {
    DatasetProfile p = DatasetProfile.fromBytes(bytes);
    StringBuilder s = new StringBuilder("rows=" + p.rowCount());
    for (Map.Entry<String, FeatureProfile> e : p.features().entrySet()) {
      s.append('\n').append(e.getKey()).append(": ");
      if (e.getValue() instanceof NumericProfile n) {
        assertTrue(e.getKey() + " keeps its exact values", n.hasExactValues());
        assertFalse(e.getKey() + " sketch is exact", n.isEstimationMode());
        double[] v = n.exactValues();
        Arrays.sort(v);
        s.append(
            String.format(
                "count=%d nulls=%d nan=%d inf=%d min=%s max=%s mean=%.12e sd=%.12e values=%s",
                n.count(),
                n.nullCount(),
                n.nanCount(),
                n.infiniteCount(),
                n.min(),
                n.max(),
                n.validCount() == 0 ? 0.0 : n.mean(),
                n.validCount() == 0 ? 0.0 : n.standardDeviation(),
                Arrays.toString(v)));
      } else if (e.getValue() instanceof CategoricalProfile c) {
        assertTrue(e.getKey() + " counts exactly", c.isExact());
        s.append("count=" + c.count() + " nulls=" + c.nullCount() + " " + c.valueCounts());
      } else {
        throw new AssertionError("no canonical form for " + e.getValue().kind());
      }
    }
    return s.toString();
  }

  private static List<String> labelled(byte[] bytes) {
    return LabelledPredictions.fromBytes(bytes).toList().stream()
        .map(l -> l.toString())
        .sorted()
        .toList();
  }

  /**
   * The monitor's reports over the panes in order (window end, then pane), against a reference
   * profile of the first 100 rows.
   */
  private static List<String> reports(List<WindowedProfile> panes, List<LakeEntry> rows) {
    RowCombine.ProfileFn<ProfiledRow> fn = new RowCombine.ProfileFn<>(SPEC);
    RowCombine.ProfileFn.Acc acc = fn.createAccumulator();
    for (LakeEntry e : rows.subList(0, 100)) {
      fn.addInput(acc, e);
    }
    DriftMonitor monitor =
        new DriftMonitor(
            SPEC, new MonitorState(fn.extractOutput(acc), true, "reference", null, 0, 0));
    List<String> out = new ArrayList<>();
    for (WindowedProfile w : panes) {
      DriftMonitor.Outcome o =
          monitor.onWindow(
              Instant.ofEpochMilli(w.startMillis()),
              Instant.ofEpochMilli(w.endMillis()),
              DatasetProfile.fromBytes(w.profile()));
      o.report().ifPresent(rep -> out.add(describe(rep)));
    }
    return out;
  }

  private static String describe(DriftReport r) {
    StringBuilder s =
        new StringBuilder(
            r.getReportId() + " rows=" + r.getRowCount() + " share=" + r.getDriftedShare());
    r.getFeatures().stream()
        .sorted(Comparator.comparing(f -> f.getName().toString()))
        .forEach(
            f ->
                s.append(
                    String.format(
                        "%n%s %s score=%.12e p=%s drifted=%s nulls=%s",
                        f.getName(),
                        f.getMetric(),
                        f.getScore(),
                        f.getPValue() == null ? "-" : String.format("%.12e", f.getPValue()),
                        f.getDrifted(),
                        f.getNullRate())));
    return s.toString();
  }

  // --- the reference: the combine of the rows, as ProfileWindows did it before ----------------

  /** Window.into, then Combine.globally over the rows (every row crosses the shuffle). */
  static final class RowCombine<T>
      extends PTransform<PCollection<T>, PCollection<WindowedProfile>> {
    private final ModelSpec spec;
    private final boolean scored;

    RowCombine(ModelSpec spec, boolean scored) {
      this.spec = spec;
      this.scored = scored;
    }

    @Override
    @SuppressWarnings("unchecked")
    public PCollection<WindowedProfile> expand(PCollection<T> rows) {
      PCollection<T> windowed =
          rows.apply(
              "EventTimeWindows",
              ProfileWindows.<T>windows(
                  Duration.millis(spec.drift().window().toMillis()),
                  Duration.millis(spec.drift().allowedLateness().toMillis())));
      if (scored) {
        return ((PCollection<ScoredRow>) windowed)
            .apply(
                "ProfileAndLabels", Combine.globally(new ScoredProfileFn(spec)).withoutDefaults())
            .setCoder(KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()))
            .apply("WithWindow", ParDo.of(new AttachWindow()))
            .setCoder(WindowedProfile.WindowedProfileCoder.of());
      }
      return ((PCollection<ProfiledRow>) windowed)
          .apply("Profile", Combine.globally(new ProfileFn<ProfiledRow>(spec)).withoutDefaults())
          .setCoder(ByteArrayCoder.of())
          .apply(
              "WithWindow",
              ParDo.of(
                  new DoFn<byte[], KV<byte[], byte[]>>() {
                    @ProcessElement
                    public void process(@Element byte[] p, OutputReceiver<KV<byte[], byte[]>> out) {
                      out.output(KV.of(p, null));
                    }
                  }))
          .setCoder(
              KvCoder.of(
                  ByteArrayCoder.of(),
                  org.apache.beam.sdk.coders.NullableCoder.of(ByteArrayCoder.of())))
          .apply("Attach", ParDo.of(new AttachWindow()))
          .setCoder(WindowedProfile.WindowedProfileCoder.of());
    }

    static final class AttachWindow extends DoFn<KV<byte[], byte[]>, WindowedProfile> {
      @ProcessElement
      public void process(
          @Element KV<byte[], byte[]> p,
          BoundedWindow window,
          PaneInfo pane,
          OutputReceiver<WindowedProfile> out) {
        IntervalWindow w = (IntervalWindow) window;
        out.output(
            new WindowedProfile(
                w.start().getMillis(),
                w.end().getMillis(),
                pane.getIndex(),
                p.getKey(),
                p.getValue()));
      }
    }

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
          acc.labelled.add(p.eventTimeMillis(), p.modelVersion(), p.score(), p.label());
        }
        return acc;
      }

      @Override
      public Acc mergeAccumulators(Iterable<Acc> accs) {
        Acc out = new Acc();
        List<ProfileFn.Acc> ps = new ArrayList<>();
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

    static final class ProfileFn<T extends ProfiledRow>
        extends Combine.CombineFn<T, ProfileFn.Acc, byte[]> {
      private final String rowSchemaJson;
      private final List<ProfiledFeature> features;
      private transient GenericDatumReader<GenericRecord> reader;

      ProfileFn(ModelSpec spec) {
        this.rowSchemaJson = CleanSchema.of(spec).toString();
        this.features = List.copyOf(DatasetFiles.features(spec));
      }

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
  }
}
