package io.driftgate.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
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
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** Late and missing labels (TestStream): joined within the delay, counted when not. */
class JoinLabelsTest {
  static final Instant T0 = new Instant(1_767_571_200_000L);

  static Prediction prediction(String id, long secondsAfterT0) {
    return new Prediction(
        id, T0.getMillis() + secondsAfterT0 * 1000, "sha256:00000000000000c1", 0.7, 1, null, 0, 1);
  }

  static TimestampedValue<Prediction> p(String id, long at) {
    return TimestampedValue.of(prediction(id, at), T0.plus(Duration.standardSeconds(at)));
  }

  static TimestampedValue<KV<String, Integer>> l(String id, int label, long at) {
    return TimestampedValue.of(KV.of(id, label), T0.plus(Duration.standardSeconds(at)));
  }

  @Test
  void lateLabelsJoinWithinTheDelayAndTheRestAreCounted() {
    TestStream<Prediction> predictions =
        TestStream.create(Prediction.PredictionCoder.of())
            .addElements(p("e1", 0), p("e2", 1), p("e3", 2))
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(20)))
            // e5's label came first (10 s), its prediction at 20 s
            .addElements(p("e5", 20))
            .advanceWatermarkToInfinity();
    TestStream<KV<String, Integer>> labels =
        TestStream.create(KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()))
            .addElements(l("e5", 0, 10))
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(30)))
            // e1's label 30 s late: within the 60 s delay
            .addElements(l("e1", 1, 30))
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(40)))
            // a second label for e1: a duplicate, neither joined again nor unmatched
            .addElements(l("e1", 0, 40))
            .advanceWatermarkTo(T0.plus(Duration.standardMinutes(5)))
            // e2's label 5 min late: its prediction expired; e4 never had a prediction
            .addElements(l("e2", 1, 300), l("e4", 0, 300))
            .advanceWatermarkToInfinity();
    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollectionTuple joined =
        PCollectionTuple.of(JoinLabels.PREDICTIONS, pipeline.apply("P", predictions))
            .and(JoinLabels.LABELS, pipeline.apply("L", labels))
            .apply(new JoinLabels(java.time.Duration.ofMinutes(1)));
    PCollection<String> pairs =
        joined
            .get(JoinLabels.JOINED)
            .apply(
                "Show",
                MapElements.into(TypeDescriptors.strings())
                    .via((Prediction x) -> x.eventId() + "=" + x.label() + "@" + x.modelVersion()));
    PAssert.that(pairs)
        .containsInAnyOrder("e1=1@sha256:00000000000000c1", "e5=0@sha256:00000000000000c1");
    PAssert.that(joined.get(JoinLabels.UNMATCHED_LABELS))
        .containsInAnyOrder(KV.of("e2", 1), KV.of("e4", 0));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    assertThat(counter(result, JoinLabels.JOINED_COUNT)).isEqualTo(2);
    assertThat(counter(result, JoinLabels.UNMATCHED)).isEqualTo(2);
    assertThat(counter(result, JoinLabels.UNLABELLED)).as("e2 and e3").isEqualTo(2);
    assertThat(counter(result, JoinLabels.DUPLICATE)).isEqualTo(1);
  }

  static long counter(PipelineResult result, String name) {
    MetricQueryResults q =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(ScoringMetrics.NAMESPACE, name))
                    .build());
    long sum = 0;
    for (MetricResult<Long> c : q.getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }
}
