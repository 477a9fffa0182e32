package io.driftgate.streaming.monitor;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.streaming.scoring.Prediction;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * Predictions joined with their late labels ({@code JoinLabels}) on their way to {@link
 * DetectDrift}: collected per bundle, as they arrive, into {@link WindowedProfile#labelsOnly
 * labels-only} elements (the span of their records' event times, the pairs sorted there by event
 * time). No event-time window: the join emits a pair when its second side arrives, and waiting for
 * a window of arrivals to close would tie the detector to the join's watermark, which trails the
 * records' by the labels' delay and more. The monitor feeds each batch to the performance monitor
 * at once; an alarm rides on the next compared drift window.
 */
public final class LabelBatches
    extends PTransform<PCollection<Prediction>, PCollection<WindowedProfile>> {

  private LabelBatches() {}

  public static LabelBatches of(ModelSpec spec) {
    return new LabelBatches();
  }

  /**
   * The profiles and the late labels' batches as one input for {@link DetectDrift}, both in the
   * global window (their triggers differ; the monitor is a stateful step in the global window).
   */
  public static PCollection<WindowedProfile> withProfiles(
      PCollection<WindowedProfile> profiles, PCollection<Prediction> joined, ModelSpec spec) {
    PCollection<WindowedProfile> labels = joined.apply("LabelBatches", of(spec));
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
            .withAllowedLateness(org.joda.time.Duration.ZERO)
            .discardingFiredPanes());
  }

  @Override
  public PCollection<WindowedProfile> expand(PCollection<Prediction> joined) {
    return joined
        .apply("Batch", ParDo.of(new BatchFn()))
        .setCoder(WindowedProfile.WindowedProfileCoder.of());
  }

  /** One labels-only element per bundle and window, at the bundle's earliest timestamp. */
  static final class BatchFn extends DoFn<Prediction, WindowedProfile> {
    private transient java.util.Map<BoundedWindow, Batch> batches;

    private static final class Batch {
      final LabelledPredictions pairs = new LabelledPredictions();
      Instant first;
      long minEventTime = Long.MAX_VALUE;
      long maxEventTime = Long.MIN_VALUE;
    }

    @StartBundle
    public void startBundle() {
      batches = new java.util.HashMap<>();
    }

    @ProcessElement
    public void process(@Element Prediction p, @Timestamp Instant at, BoundedWindow window) {
      if (!p.labelled()) {
        return;
      }
      Batch b = batches.computeIfAbsent(window, w -> new Batch());
      b.pairs.add(p);
      b.first = b.first == null || at.isBefore(b.first) ? at : b.first;
      b.minEventTime = Math.min(b.minEventTime, p.eventTimeMillis());
      b.maxEventTime = Math.max(b.maxEventTime, p.eventTimeMillis());
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      batches.forEach(
          (window, b) ->
              context.output(
                  WindowedProfile.labelsOnly(
                      b.minEventTime, b.maxEventTime + 1, 0, b.pairs.toBytes()),
                  b.first,
                  window));
      batches.clear();
    }
  }
}
