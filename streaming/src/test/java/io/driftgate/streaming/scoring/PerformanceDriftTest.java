package io.driftgate.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.monitor.DetectDrift;
import io.driftgate.streaming.monitor.ProfileWindows;
import io.driftgate.streaming.row.LakeEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor on scored rows (TestStream, DirectRunner): the features never change, only the
 * champion's errors do. A worse error rate ends with one {@code performance_drift} request; the
 * same stream with a steady error rate with none.
 */
class PerformanceDriftTest {
  static final Path EXAMPLE = Path.of("../examples/flight-delay");
  static final long WINDOW = 10 * 60_000L;
  static final int WINDOWS = 10;
  static final int PER_WINDOW = 200;
  static final int FLIP_WINDOW = 5;

  @TempDir Path work;

  ModelSpec spec() throws Exception {
    String yaml =
        Files.readString(EXAMPLE.resolve("driftgate.yaml"))
                .replace("window: 30m", "window: 10m")
                .replace("referenceRecords: 20000", "referenceRecords: 600")
                // 200-row windows against a 600-row reference: no input-drift rule on one feature
                .replace("criticalFeatures: [dep_delay_min]", "criticalFeatures: []")
                // the request at the first window after the alarm, as these streams are short
                .replace("minRecordsAfterChange: 5000", "minRecordsAfterChange: 0")
            + "\nscoring:\n  detector: adwin\n";
    return SpecLoader.parse(yaml, EXAMPLE).withLakePath(work.resolve("lake"));
  }

  /** The same rows each run; the champion's error rate is 10%, and {@code after} from the flip. */
  List<RetrainRequest> run(double after) throws Exception {
    ModelSpec spec = spec();
    List<LakeEntry> rows = ScoreRecordsTest.rows(WINDOWS * PER_WINDOW);
    SplittableRandom rnd = new SplittableRandom(42);
    TestStream<ScoredRow> stream =
        WindowedTestStream.of(
            ScoredRow.ScoredRowCoder.of(),
            WINDOWS,
            PER_WINDOW,
            WINDOW,
            (w, i, t) -> {
              LakeEntry row = rows.get(w * PER_WINDOW + i);
              double rate = w < FLIP_WINDOW ? 0.1 : after;
              int label = rnd.nextInt(2);
              boolean wrong = rnd.nextDouble() < rate;
              double p = (label == 1) != wrong ? 0.85 : 0.15;
              Prediction prediction =
                  new Prediction(
                      "e" + t,
                      t,
                      "sha256:00000000000000b1",
                      p,
                      p >= 0.5 ? 1 : 0,
                      label,
                      0,
                      row.offset());
              return new ScoredRow(row, prediction);
            });
    Pipeline p = WindowedTestStream.oneWorker();
    p.apply(stream)
        .apply(ProfileWindows.scored(spec))
        .apply(
            DetectDrift.builder()
                .setModelSpec(spec)
                .setState(IngestConfig.of(spec).stateSpec())
                .build());
    p.run().waitUntilFinish();
    return MonitorStore.open(IngestConfig.of(spec).stateSpec(), spec.model()).requests();
  }

  @Test
  void aWorseErrorRateWithUnchangedFeaturesRequestsOnePerformanceRetrain() throws Exception {
    List<RetrainRequest> requests = run(0.45);
    assertThat(requests).hasSize(1);
    RetrainRequest r = requests.get(0);
    assertThat(r.getReasons()).containsExactly("performance_drift");
    assertThat(r.getEvidenceReportIds()).anyMatch(id -> id.startsWith("performance:adwin:error@"));
    long end = r.getTriggerWindowEnd().toEpochMilli();
    assertThat(end).isBetween((FLIP_WINDOW + 1) * WINDOW, (FLIP_WINDOW + 2) * WINDOW);
  }

  @Test
  void aSteadyErrorRateRequestsNothing() throws Exception {
    assertThat(run(0.1)).isEmpty();
  }
}
