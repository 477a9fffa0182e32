package io.driftgate.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunRequest;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.spec.StateSpec;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.monitor.DetectDrift;
import io.driftgate.streaming.monitor.ProfileWindows;
import io.driftgate.streaming.row.LakeEntry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running job learns that a requested run finished (TestStream, DirectRunner, one job run, no
 * restart): with {@code volume.maxInFlight: 1} the volume trigger asks again once the launcher's
 * run store holds the first run as finished, after the cooldown counted from that finish; while the
 * run never finishes, every later trigger is suppressed.
 */
class RunCompletionTest {
  static final Path EXAMPLE = Path.of("../examples/flight-delay");
  static final long WINDOW = 10 * 60_000L;
  static final int WINDOWS = 14;
  static final int PER_WINDOW = 200;

  @TempDir Path work;

  ModelSpec spec() throws Exception {
    String yaml =
        Files.readString(EXAMPLE.resolve("driftgate.yaml"))
            .replace("window: 30m", "window: 10m")
            .replace("referenceRecords: 20000", "referenceRecords: 600")
            .replace("criticalFeatures: [dep_delay_min]", "criticalFeatures: []")
            .replace("minNewRecords: 1000000", "minNewRecords: 400")
            .replace("cooldown: 1h", "cooldown: 20m");
    return SpecLoader.parse(yaml, EXAMPLE).withLakePath(work.resolve("lake"));
  }

  /**
   * The launcher, reduced to what the monitor sees of it: each request becomes a run in the run
   * store of the same state database, already PROMOTED when {@code finish}, else left REQUESTED.
   */
  static final class StandInLauncher extends DoFn<KV<String, byte[]>, Void> {
    private final StateSpec state;
    private final boolean finish;

    StandInLauncher(StateSpec state, boolean finish) {
      this.state = state;
      this.finish = finish;
    }

    @ProcessElement
    public void process(@Element KV<String, byte[]> request) throws Exception {
      RetrainRequest r = RetrainRequest.fromByteBuffer(ByteBuffer.wrap(request.getValue()));
      Instant now = Instant.now();
      RetrainRun run =
          RetrainRun.requested(
              r.getIdempotencyKey().toString(), r.getModel().toString(), RunRequest.from(r), now);
      if (finish) {
        run =
            new RetrainRun(
                run.key(),
                run.model(),
                run.request(),
                RunState.PROMOTED,
                1,
                true,
                null,
                now,
                now,
                now,
                run.history(),
                Map.of(),
                null,
                null);
      }
      JdbcRunStore.open(state).create(run);
    }
  }

  List<RetrainRequest> run(boolean runsFinish) throws Exception {
    ModelSpec spec = spec();
    StateSpec state = IngestConfig.of(spec).stateSpec();
    List<LakeEntry> rows = ScoreRecordsTest.rows(WINDOWS * PER_WINDOW);
    SplittableRandom rnd = new SplittableRandom(7);
    TestStream<ScoredRow> stream =
        WindowedTestStream.of(
            ScoredRow.ScoredRowCoder.of(),
            WINDOWS,
            PER_WINDOW,
            WINDOW,
            (w, i, t) -> {
              LakeEntry row = rows.get(w * PER_WINDOW + i);
              int label = rnd.nextInt(2);
              boolean wrong = rnd.nextDouble() < 0.1; // a steady champion: no performance alarm
              double p = (label == 1) != wrong ? 0.85 : 0.15;
              return new ScoredRow(
                  row,
                  new Prediction(
                      "e" + t,
                      t,
                      "sha256:00000000000000b1",
                      p,
                      p >= 0.5 ? 1 : 0,
                      label,
                      0,
                      row.offset()));
            });
    Pipeline p = WindowedTestStream.oneWorker();
    PCollectionTuple out =
        p.apply(stream)
            .apply(ProfileWindows.scored(spec))
            .apply(DetectDrift.builder().setModelSpec(spec).setState(state).build());
    out.get(DetectDrift.REQUESTS)
        .apply("Launcher", ParDo.of(new StandInLauncher(state, runsFinish)));
    p.run().waitUntilFinish();
    return MonitorStore.open(state, spec.model()).requests();
  }

  @Test
  void aFinishedRunFreesTheSlotAndTheNextTriggerAsksAgainWithoutARestart() throws Exception {
    List<RetrainRequest> requests = run(true);
    assertThat(requests).hasSizeGreaterThanOrEqualTo(2);
    assertThat(requests).allMatch(r -> r.getReasons().equals(List.of("volume")));
    RetrainRequest first = requests.get(0);
    RetrainRequest second = requests.get(1);
    assertThat(second.getDataFrom()).isEqualTo(first.getDataTo());
    // the monitor learns of the finish on a later window at the earliest, and the 20m cooldown
    // counts from there (event time: the launcher's clock is years ahead of this stream)
    assertThat(second.getTriggerWindowEnd())
        .isAfterOrEqualTo(first.getTriggerWindowEnd().plusMillis(WINDOW + 20 * 60_000L));
    // the runs it asked for were recorded, and the monitor's policy holds none in flight but the
    // newest
    assertThat(JdbcRunStore.open(IngestConfig.of(spec()).stateSpec()).list())
        .hasSize(requests.size());
  }

  @Test
  void whileTheRunNeverFinishesEveryLaterTriggerIsSuppressed() throws Exception {
    List<RetrainRequest> requests = run(false);
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).getReasons()).containsExactly("volume");
  }
}
