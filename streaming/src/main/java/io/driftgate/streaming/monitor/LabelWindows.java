package io.driftgate.streaming.monitor;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.streaming.scoring.Prediction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Predictions joined with their late labels ({@code JoinLabels}), collected per drift window of the
 * labels' arrival (the join emits a pair when its second side arrives) into {@link
 * WindowedProfile#labelsOnly labels-only} elements for {@link DetectDrift}: the performance monitor
 * takes them in arrival-window order, each window's pairs sorted by the records' event time. One
 * on-time pane per window (a late pair would arrive after its window was fed).
 */
public final class LabelWindows
    extends PTransform<PCollection<Prediction>, PCollection<WindowedProfile>> {
  private final Duration window;

  private LabelWindows(Duration window) {
    this.window = window;
  }

  /** Windows of the spec's {@code drift.window}. */
  public static LabelWindows of(ModelSpec spec) {
    return new LabelWindows(Duration.millis(spec.drift().window().toMillis()));
  }

  /**
   * The profiles and the late labels' windows as one input for {@link DetectDrift}, both in the
   * global window (their triggers differ; the monitor is a stateful step in the global window).
   */
  public static PCollection<WindowedProfile> withProfiles(
      PCollection<WindowedProfile> profiles, PCollection<Prediction> joined, ModelSpec spec) {
    PCollection<WindowedProfile> labels = joined.apply("LabelWindows", of(spec));
    return org.apache.beam.sdk.values.PCollectionList.of(global(profiles, "ProfilesGlobal"))
        .and(global(labels, "LabelsGlobal"))
        .apply("ProfilesAndLabels", org.apache.beam.sdk.transforms.Flatten.pCollections())
        .setCoder(WindowedProfile.WindowedProfileCoder.of());
  }

  private static PCollection<WindowedProfile> global(PCollection<WindowedProfile> in, String name) {
    return in.apply(
        name,
        Window.<WindowedProfile>into(new org.apache.beam.sdk.transforms.windowing.GlobalWindows())
            .triggering(org.apache.beam.sdk.transforms.windowing.DefaultTrigger.of())
            .withAllowedLateness(Duration.ZERO)
            .discardingFiredPanes());
  }

  @Override
  public PCollection<WindowedProfile> expand(PCollection<Prediction> joined) {
    return joined
        .apply("ArrivalWindows", Window.<Prediction>into(FixedWindows.of(window)))
        .apply("Collect", Combine.globally(new CollectFn()).withoutDefaults())
        .setCoder(ByteArrayCoder.of())
        .apply("LabelsOnly", ParDo.of(new AttachFn()))
        .setCoder(WindowedProfile.WindowedProfileCoder.of());
  }

  /** Labelled predictions into {@link LabelledPredictions}. */
  static final class CollectFn extends Combine.CombineFn<Prediction, LabelledPredictions, byte[]> {
    @Override
    public LabelledPredictions createAccumulator() {
      return new LabelledPredictions();
    }

    @Override
    public LabelledPredictions addInput(LabelledPredictions acc, Prediction p) {
      if (p.labelled()) {
        acc.add(p.eventTimeMillis(), p.modelVersion(), p.score(), p.label());
      }
      return acc;
    }

    @Override
    public LabelledPredictions mergeAccumulators(Iterable<LabelledPredictions> accs) {
      LabelledPredictions out = new LabelledPredictions();
      for (LabelledPredictions a : accs) {
        out.merge(a);
      }
      return out;
    }

    @Override
    public byte[] extractOutput(LabelledPredictions acc) {
      return acc.toBytes();
    }

    @Override
    public Coder<LabelledPredictions> getAccumulatorCoder(
        CoderRegistry registry, Coder<Prediction> input) {
      return new CustomCoder<LabelledPredictions>() {
        @Override
        public void encode(LabelledPredictions acc, OutputStream out) throws IOException {
          ByteArrayCoder.of().encode(acc.toBytes(), out);
        }

        @Override
        public LabelledPredictions decode(InputStream in) throws IOException {
          return LabelledPredictions.fromBytes(ByteArrayCoder.of().decode(in));
        }
      };
    }
  }

  static final class AttachFn extends DoFn<byte[], WindowedProfile> {
    @ProcessElement
    public void process(
        @Element byte[] labelled,
        BoundedWindow window,
        PaneInfo pane,
        OutputReceiver<WindowedProfile> out) {
      IntervalWindow w = (IntervalWindow) window;
      out.output(
          WindowedProfile.labelsOnly(
              w.start().getMillis(), w.end().getMillis(), pane.getIndex(), labelled));
    }
  }
}
