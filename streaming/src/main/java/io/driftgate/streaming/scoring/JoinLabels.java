package io.driftgate.streaming.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Joins predictions with labels that arrive separately (a labels topic keyed by event id), in event
 * time, with state bounded by {@code maxDelay}: per event id a stateful step holds whichever side
 * came first until the other comes or the watermark passes its time plus {@code maxDelay}; then the
 * state is cleared. Outputs {@link #JOINED} (the prediction with its label) and {@link
 * #UNMATCHED_LABELS} (event id and label of a label that never found its prediction: counted in
 * {@code driftgate.scoring/labels_unmatched}, never dropped silently). A prediction that never gets
 * a label is counted in {@code predictions_unlabelled}. A second label for an event id already
 * joined is counted as {@code labels_duplicate}.
 */
public final class JoinLabels extends PTransform<PCollectionTuple, PCollectionTuple> {
  /** Input: the predictions. */
  public static final TupleTag<Prediction> PREDICTIONS = new TupleTag<>("predictions") {};

  /** Input: labels as event id → label, timestamped with the label's arrival in event time. */
  public static final TupleTag<KV<String, Integer>> LABELS = new TupleTag<>("labels") {};

  public static final TupleTag<Prediction> JOINED = new TupleTag<>("joined") {};
  public static final TupleTag<KV<String, Integer>> UNMATCHED_LABELS =
      new TupleTag<>("unmatched-labels") {};

  public static final String UNMATCHED = "labels_unmatched";
  public static final String UNLABELLED = "predictions_unlabelled";
  public static final String DUPLICATE = "labels_duplicate";
  public static final String JOINED_COUNT = "labels_joined";

  private final Duration maxDelay;

  public JoinLabels(java.time.Duration maxDelay) {
    Objects.requireNonNull(maxDelay, "maxDelay");
    this.maxDelay = Duration.millis(maxDelay.toMillis());
  }

  /** One side of the join. */
  record Side(Prediction prediction, Integer label) {}

  static final class SideCoder extends AtomicCoder<Side> {
    private static final Coder<Prediction> P = NullableCoder.of(Prediction.PredictionCoder.of());
    private static final Coder<Integer> L = NullableCoder.of(VarIntCoder.of());

    @Override
    public void encode(Side s, OutputStream out) throws IOException {
      P.encode(s.prediction(), out);
      L.encode(s.label(), out);
    }

    @Override
    public Side decode(InputStream in) throws IOException {
      return new Side(P.decode(in), L.decode(in));
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of();
    }

    @Override
    public void verifyDeterministic() {}
  }

  @Override
  public PCollectionTuple expand(PCollectionTuple input) {
    KvCoder<String, Side> coder = KvCoder.of(StringUtf8Coder.of(), new SideCoder());
    PCollection<KV<String, Side>> predictions =
        input
            .get(PREDICTIONS)
            // without an event id there is nothing to join on
            .apply("WithEventId", Filter.by((Prediction p) -> p.eventId() != null))
            .apply(
                "KeyPredictions",
                MapElements.into(new TypeDescriptor<KV<String, Side>>() {})
                    .via((Prediction p) -> KV.of(p.eventId(), new Side(p, null))))
            .setCoder(coder);
    PCollection<KV<String, Side>> labels =
        input
            .get(LABELS)
            .apply(
                "KeyLabels",
                MapElements.into(new TypeDescriptor<KV<String, Side>>() {})
                    .via(
                        (KV<String, Integer> l) -> KV.of(l.getKey(), new Side(null, l.getValue()))))
            .setCoder(coder);
    PCollectionTuple out =
        PCollectionList.of(predictions)
            .and(labels)
            .apply("BothSides", Flatten.pCollections())
            .apply("Global", Window.<KV<String, Side>>into(new GlobalWindows()))
            .apply(
                "Join",
                ParDo.of(new JoinFn(maxDelay))
                    .withOutputTags(JOINED, TupleTagList.of(UNMATCHED_LABELS)));
    out.get(JOINED).setCoder(Prediction.PredictionCoder.of());
    out.get(UNMATCHED_LABELS).setCoder(KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()));
    return out;
  }

  static final class JoinFn extends DoFn<KV<String, Side>, Prediction> {
    private final Duration maxDelay;
    private final Counter joined = Metrics.counter(ScoringMetrics.NAMESPACE, JOINED_COUNT);
    private final Counter unmatched = Metrics.counter(ScoringMetrics.NAMESPACE, UNMATCHED);
    private final Counter unlabelled = Metrics.counter(ScoringMetrics.NAMESPACE, UNLABELLED);
    private final Counter duplicate = Metrics.counter(ScoringMetrics.NAMESPACE, DUPLICATE);

    @StateId("prediction")
    private final StateSpec<ValueState<Prediction>> predictionSpec =
        StateSpecs.value(Prediction.PredictionCoder.of());

    @StateId("label")
    private final StateSpec<ValueState<Integer>> labelSpec = StateSpecs.value(VarIntCoder.of());

    /** Set once the pair was joined: a late duplicate label is then not "unmatched". */
    @StateId("done")
    private final StateSpec<ValueState<Boolean>> doneSpec = StateSpecs.value();

    @TimerId("expire")
    private final TimerSpec expireSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    JoinFn(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Side> e,
        @Timestamp Instant timestamp,
        @StateId("prediction") ValueState<Prediction> prediction,
        @StateId("label") ValueState<Integer> label,
        @StateId("done") ValueState<Boolean> done,
        @TimerId("expire") Timer expire,
        MultiOutputReceiver out) {
      Side side = e.getValue();
      if (Boolean.TRUE.equals(done.read())) {
        if (side.label() != null) {
          duplicate.inc();
        }
        return;
      }
      Prediction p = side.prediction() != null ? side.prediction() : prediction.read();
      Integer y = side.label() != null ? side.label() : label.read();
      if (p != null && y != null) {
        out.get(JOINED).output(withLabel(p, y));
        joined.inc();
        prediction.clear();
        label.clear();
        done.write(true);
        // the marker is kept until the timer, so that a duplicate label is recognised
        expire.set(max(timestamp, new Instant(p.eventTimeMillis())).plus(maxDelay));
        return;
      }
      if (side.prediction() != null) {
        prediction.write(side.prediction());
      } else {
        label.write(side.label());
      }
      // a label for an event waits as long as a prediction waits for its label
      expire.set(timestamp.plus(maxDelay));
    }

    @OnTimer("expire")
    public void onExpire(
        @Key String eventId,
        @StateId("prediction") ValueState<Prediction> prediction,
        @StateId("label") ValueState<Integer> label,
        @StateId("done") ValueState<Boolean> done,
        OnTimerContext context) {
      Integer y = label.read();
      if (y != null) {
        unmatched.inc();
        context.output(UNMATCHED_LABELS, KV.of(eventId, y));
      }
      if (prediction.read() != null) {
        unlabelled.inc();
      }
      prediction.clear();
      label.clear();
      done.clear();
    }

    private static Instant max(Instant a, Instant b) {
      return a.isAfter(b) ? a : b;
    }

    static Prediction withLabel(Prediction p, int label) {
      return p.withLabel(label);
    }
  }
}
