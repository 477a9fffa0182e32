package io.driftgate.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.monitor.DetectDrift;
import io.driftgate.streaming.monitor.LabelBatches;
import io.driftgate.streaming.monitor.ProfileWindows;
import io.driftgate.streaming.row.LakeEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Late labels reach the change detector (TestStream, DirectRunner), and the detector's state
 * survives a restart of the job: the features never change, only the champion's errors do.
 */
class LateLabelsMonitorTest {
  static final Path EXAMPLE = Path.of("../examples/flight-delay");
  static final long WINDOW = 10 * 60_000L;
  static final int PER_WINDOW = 200;
  static final String VERSION = "sha256:00000000000000b1";

  /** How much later (event time) a record's label arrives on the labels topic. */
  static final long LABEL_DELAY = 15 * 60_000L;

  @TempDir Path work;

  ModelSpec spec(boolean labelsTopic) throws Exception {
    return spec(labelsTopic, 0);
  }

  ModelSpec spec(boolean labelsTopic, long minRecordsAfterChange) throws Exception {
    String yaml =
        Files.readString(EXAMPLE.resolve("driftgate.yaml"))
                .replace("window: 30m", "window: 10m")
                .replace("referenceRecords: 20000", "referenceRecords: 600")
                .replace("criticalFeatures: [dep_delay_min]", "criticalFeatures: []")
                // the request at the first window after the alarm, as these streams are short
                .replace(
                    "minRecordsAfterChange: 5000",
                    "minRecordsAfterChange: " + minRecordsAfterChange)
            + "\nscoring:\n  detector: adwin\n"
            + (labelsTopic ? "  labels:\n    topic: flights.labels\n    maxDelay: 1h\n" : "");
    return SpecLoader.parse(yaml, EXAMPLE).withLakePath(work.resolve("lake"));
  }

  /** Labels of windows [from, to): error rate 10% before {@code flip}, {@code after} from it. */
  record Stream(List<TimestampedValue<ScoredRow>> rows, Map<String, Integer> labels) {}

  static Stream stream(int from, int to, int flip, double after, boolean labelInRecord)
      throws Exception {
    List<LakeEntry> entries = ScoreRecordsTest.rows(to * PER_WINDOW);
    SplittableRandom rnd = new SplittableRandom(42);
    List<TimestampedValue<ScoredRow>> rows = new java.util.ArrayList<>();
    Map<String, Integer> labels = new HashMap<>();
    for (int w = 0; w < to; w++) {
      double rate = w < flip ? 0.1 : after;
      for (int i = 0; i < PER_WINDOW; i++) {
        long t = w * WINDOW + i * (WINDOW / PER_WINDOW);
        int label = rnd.nextInt(2);
        boolean wrong = rnd.nextDouble() < rate;
        double p = (label == 1) != wrong ? 0.85 : 0.15;
        if (w < from) {
          continue; // the same random draws for every run, whatever part it streams
        }
        LakeEntry row = entries.get(w * PER_WINDOW + i);
        Prediction prediction =
            new Prediction(
                "e" + t,
                t,
                VERSION,
                p,
                p >= 0.5 ? 1 : 0,
                labelInRecord ? label : null,
                0,
                row.offset());
        labels.put("e" + t, label);
        rows.add(TimestampedValue.of(new ScoredRow(row, prediction), new Instant(t)));
      }
    }
    return new Stream(rows, labels);
  }

  static TestStream<ScoredRow> testStream(Stream s) {
    TestStream.Builder<ScoredRow> b = TestStream.create(ScoredRow.ScoredRowCoder.of());
    long window = -1;
    List<TimestampedValue<ScoredRow>> batch = new java.util.ArrayList<>();
    for (TimestampedValue<ScoredRow> v : s.rows()) {
      long w = v.getTimestamp().getMillis() / WINDOW;
      if (w != window && !batch.isEmpty()) {
        b = add(b, batch).advanceWatermarkTo(new Instant(w * WINDOW + 1));
        batch.clear();
      }
      window = w;
      batch.add(v);
    }
    return add(b, batch).advanceWatermarkToInfinity();
  }

  @SuppressWarnings("unchecked")
  private static TestStream.Builder<ScoredRow> add(
      TestStream.Builder<ScoredRow> b, List<TimestampedValue<ScoredRow>> batch) {
    TimestampedValue<ScoredRow>[] a = batch.toArray(new TimestampedValue[0]);
    return b.addElements(a[0], Arrays.copyOfRange(a, 1, a.length));
  }

  /**
   * What {@link JoinLabels} emits for a label that arrives {@link #LABEL_DELAY} after its record:
   * the prediction with its label, stamped with the label's arrival.
   */
  static final class LabelLater extends DoFn<ScoredRow, Prediction> {
    private final Map<String, Integer> labels;

    LabelLater(Map<String, Integer> labels) {
      this.labels = new HashMap<>(labels);
    }

    @ProcessElement
    public void process(
        @Element ScoredRow row, @Timestamp Instant at, OutputReceiver<Prediction> out) {
      Prediction p = row.prediction();
      out.outputWithTimestamp(
          JoinLabels.JoinFn.withLabel(p, labels.get(p.eventId())),
          at.plus(Duration.millis(LABEL_DELAY)));
    }
  }

  List<RetrainRequest> run(ModelSpec spec, Stream s, boolean lateLabels) {
    Pipeline p =
        Pipeline.create(
            PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--targetParallelism=1")
                .create());
    PCollection<ScoredRow> scored = p.apply(testStream(s));
    PCollection<io.driftgate.streaming.monitor.WindowedProfile> profiles =
        scored.apply(ProfileWindows.scored(spec));
    if (lateLabels) {
      PCollection<Prediction> joined =
          scored
              .apply("LabelLater", ParDo.of(new LabelLater(s.labels())))
              .setCoder(Prediction.PredictionCoder.of());
      profiles = LabelBatches.withProfiles(profiles, joined, spec);
    }
    profiles.apply(
        DetectDrift.builder()
            .setModelSpec(spec)
            .setState(IngestConfig.of(spec).stateSpec())
            .build());
    p.run().waitUntilFinish();
    return MonitorStore.open(IngestConfig.of(spec).stateSpec(), spec.model()).requests();
  }

  @Test
  void lateLabelsOfAWorseChampionEndInOnePerformanceRequest() throws Exception {
    ModelSpec spec = spec(true);
    List<RetrainRequest> requests = run(spec, stream(0, 14, 6, 0.45, false), true);
    assertThat(requests).hasSize(1);
    RetrainRequest r = requests.get(0);
    assertThat(r.getReasons()).containsExactly("performance_drift");
    assertThat(r.getEvidenceReportIds()).anyMatch(id -> id.startsWith("performance:adwin:error@"));
    // on a compared window after the flip (the labels' timestamps are 1.5 windows late; the
    // batches reach the detector as they arrive, without waiting for a window of arrivals)
    assertThat(r.getTriggerWindowEnd().toEpochMilli()).isGreaterThan(6 * WINDOW);
  }

  @Test
  void lateLabelsOfASteadyChampionRequestNothing() throws Exception {
    assertThat(run(spec(true), stream(0, 14, 6, 0.1, false), true)).isEmpty();
  }

  /**
   * Two runs of the job on one state store, the error rate flipping exactly at the restart: the
   * restarted job's detector continues from the stored state and sees the change; with that state
   * removed (what an in-memory detector did) it relearns the new rate as normal and stays quiet.
   */
  @Test
  void aRestartedJobContinuesTheDetectorFromTheMonitorStore() throws Exception {
    ModelSpec spec = spec(false);
    assertThat(run(spec, stream(0, 8, 8, 0.45, true), false)).isEmpty();
    MonitorStore store = MonitorStore.open(IngestConfig.of(spec).stateSpec(), spec.model());
    String saved = store.load().performanceStateJson();
    assertThat(saved).contains("\"detector\":\"adwin\"").contains(VERSION);

    List<RetrainRequest> continued = run(spec, stream(8, 16, 8, 0.45, true), false);
    assertThat(continued).hasSize(1);
    assertThat(continued.get(0).getReasons()).containsExactly("performance_drift");
  }

  @Test
  void withoutTheStoredDetectorARestartedJobRelearnsAndMissesTheChange() throws Exception {
    ModelSpec spec = spec(false);
    assertThat(run(spec, stream(0, 8, 8, 0.45, true), false)).isEmpty();
    MonitorStore store = MonitorStore.open(IngestConfig.of(spec).stateSpec(), spec.model());
    store.save(store.load().withPerformanceState(null));
    assertThat(run(spec, stream(8, 16, 8, 0.45, true), false)).isEmpty();
  }

  /**
   * The alarm fires in the first job, but its request waits for 600 records after the change point
   * (three windows), more than that job sees: the policy holds the alarm in the monitor store, and
   * the restarted job asks for it (its detector raises no second alarm on the same change).
   */
  @Test
  void aHeldAlarmSurvivesARestartOfTheJob() throws Exception {
    ModelSpec spec = spec(false, 600);
    assertThat(run(spec, stream(0, 7, 5, 0.45, true), false)).isEmpty();
    MonitorStore store = MonitorStore.open(IngestConfig.of(spec).stateSpec(), spec.model());
    var held =
        io.driftgate.core.policy.PolicyState.fromJson(store.load().policyStateJson())
            .models()
            .get(spec.model())
            .pendingPerformance();
    assertThat(held).isNotNull();
    assertThat(java.time.Instant.parse(held.changePoint()).toEpochMilli())
        .isBetween(4 * WINDOW, 7 * WINDOW);

    List<RetrainRequest> continued = run(spec, stream(7, 14, 5, 0.45, true), false);
    assertThat(continued).hasSize(1);
    RetrainRequest r = continued.get(0);
    assertThat(r.getReasons()).containsExactly("performance_drift");
    // the range starts at the held alarm's change point, in the first job's stream
    assertThat(r.getDataFrom().toString()).isEqualTo(held.changePoint());
    assertThat(r.getEvidenceReportIds())
        .contains(
            "performance:" + held.detector() + ":" + held.metric() + "@" + held.changePoint());
  }
}
