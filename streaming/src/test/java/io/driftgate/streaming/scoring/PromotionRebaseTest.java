package io.driftgate.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.lake.WindowProfileTable;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunRequest;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.spec.StateSpec;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.monitor.DetectDrift;
import io.driftgate.streaming.monitor.ProfileWindows;
import io.driftgate.streaming.row.LakeEntry;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistent input drift in a job that runs on (TestStream, DirectRunner, one job run, the lake
 * tables on): the first three windows are the reference, every later one is drifted. The drift asks
 * for a run; a stand-in launcher ends it. PROMOTED: the monitor re-bases its reference on the run's
 * training range (the drifted windows it stored), and the drifted data, now what the champion
 * learnt from, asks for nothing more. REJECTED: the reference stays, and the policy asks again
 * after the cooldown.
 */
class PromotionRebaseTest {
  static final Path EXAMPLE = Path.of("../examples/flight-delay");
  static final long WINDOW = 10 * 60_000L;
  static final int REFERENCE_WINDOWS = 3;
  static final int WINDOWS = 16;
  static final int PER_WINDOW = 200;

  @TempDir Path work;

  ModelSpec spec() throws Exception {
    String yaml =
        Files.readString(EXAMPLE.resolve("driftgate.yaml"))
            .replace("window: 30m", "window: 10m")
            .replace("referenceRecords: 20000", "referenceRecords: 600");
    return SpecLoader.parse(yaml, EXAMPLE).withLakePath(work.resolve("lake"));
  }

  /** {@code n} clean rows of a generated flight stream, drifted from the first when asked. */
  static List<LakeEntry> rows(ModelSpec spec, int n, long seed, boolean drifted) throws Exception {
    GeneratorConfig.Builder config =
        GeneratorConfig.builder().seed(seed).count(n * 2L).malformedFraction(0);
    if (drifted) {
      config.drift(DriftConfig.abrupt(0, 1.0, 1.0));
    }
    FlightStreamGenerator gen = new FlightStreamGenerator(config.build());
    RecordCleaner cleaner = new RecordCleaner(spec);
    GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(CleanSchema.of(spec));
    List<LakeEntry> out = new ArrayList<>();
    long offset = 0;
    while (out.size() < n && gen.hasNext()) {
      GeneratedRecord g = gen.next();
      if (cleaner.clean(
              gen.decoder().decode(g.value()),
              new SourceRef("flights", 0, offset, g.eventTimeMillis()))
          instanceof CleanResult.Accepted a) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
        writer.write(a.row(), enc);
        enc.flush();
        out.add(new LakeEntry(false, 0, offset, g.eventTimeMillis(), "", bytes.toByteArray()));
      }
      offset++;
    }
    return out;
  }

  /**
   * The launcher, reduced to what the monitor sees of it: each request becomes a run in the run
   * store of the same state database, already ended in {@code how}.
   */
  static final class StandInLauncher extends DoFn<KV<String, byte[]>, Void> {
    private final StateSpec state;
    private final RunState how;

    StandInLauncher(StateSpec state, RunState how) {
      this.state = state;
      this.how = how;
    }

    @ProcessElement
    public void process(@Element KV<String, byte[]> request) throws Exception {
      RetrainRequest r = RetrainRequest.fromByteBuffer(ByteBuffer.wrap(request.getValue()));
      Instant now = Instant.now();
      RetrainRun run =
          RetrainRun.requested(
              r.getIdempotencyKey().toString(), r.getModel().toString(), RunRequest.from(r), now);
      JdbcRunStore.open(state)
          .create(
              new RetrainRun(
                  run.key(),
                  run.model(),
                  run.request(),
                  how,
                  1,
                  true,
                  null,
                  now,
                  now,
                  now,
                  run.history(),
                  Map.of(),
                  null,
                  null));
    }
  }

  record Result(List<RetrainRequest> requests, List<DriftReport> reports) {}

  Result run(RunState how) throws Exception {
    ModelSpec spec = spec();
    StateSpec state = IngestConfig.of(spec).stateSpec();
    List<LakeEntry> before = rows(spec, REFERENCE_WINDOWS * PER_WINDOW, 11, false);
    List<LakeEntry> after = rows(spec, (WINDOWS - REFERENCE_WINDOWS) * PER_WINDOW, 12, true);
    Pipeline p = WindowedTestStream.oneWorker();
    PCollectionTuple out =
        p.apply(
                WindowedTestStream.of(
                    LakeEntry.LakeEntryCoder.of(),
                    WINDOWS,
                    PER_WINDOW,
                    WINDOW,
                    (w, i, t) ->
                        w < REFERENCE_WINDOWS
                            ? before.get(w * PER_WINDOW + i)
                            : after.get((w - REFERENCE_WINDOWS) * PER_WINDOW + i)))
            .apply(ProfileWindows.builder().setModelSpec(spec).build())
            .apply(
                DetectDrift.builder()
                    .setModelSpec(spec)
                    .setState(state)
                    .optReportTable(spec.lake().catalog())
                    .build());
    out.get(DetectDrift.REQUESTS).apply("Launcher", ParDo.of(new StandInLauncher(state, how)));
    p.run().waitUntilFinish();
    MonitorStore store = MonitorStore.open(state, spec.model());
    return new Result(store.requests(), store.reports());
  }

  static Instant windowEnd(int w) {
    return Instant.ofEpochMilli((w + 1) * WINDOW);
  }

  @Test
  void aPromotedRunBecomesTheReferenceAndThePersistentDriftAsksNoMore() throws Exception {
    Result r = run(RunState.PROMOTED);

    assertThat(r.requests()).hasSize(1);
    RetrainRequest first = r.requests().get(0);
    // k = 2 drifted windows after the reference: the run trains on drifted data only
    assertThat(first.getDataFrom()).isEqualTo(windowEnd(REFERENCE_WINDOWS - 1));
    assertThat(first.getTriggerWindowEnd()).isEqualTo(windowEnd(REFERENCE_WINDOWS + 1));
    String rebasedId =
        "flight-delay@trained-"
            + first.getDataFrom()
            + "-to-"
            + first.getDataTo()
            + "-run-"
            + first.getIdempotencyKey();
    List<DriftReport> onFirst =
        r.reports().stream().filter(x -> !x.getReferenceId().toString().equals(rebasedId)).toList();
    List<DriftReport> onRebased =
        r.reports().stream().filter(x -> x.getReferenceId().toString().equals(rebasedId)).toList();
    // the drifted windows were compared with the first 600 records until the monitor learnt of the
    // promotion, then with the run's training range (2 windows of 200) up to the last window
    assertThat(onFirst).isNotEmpty();
    assertThat(onFirst)
        .allMatch(x -> x.getReferenceId().toString().startsWith("first-600-records"))
        .allMatch(x -> x.getDriftedShare() >= 0.5);
    assertThat(onRebased).isNotEmpty();
    assertThat(onRebased).allMatch(x -> x.getReferenceRowCount() == 2L * PER_WINDOW);
    assertThat(onRebased.get(onRebased.size() - 1).getWindowEnd())
        .isEqualTo(windowEnd(WINDOWS - 1));
    assertThat(onFirst.get(onFirst.size() - 1).getWindowEnd())
        .isBefore(onRebased.get(0).getWindowEnd());
    assertThat(onRebased.stream().mapToDouble(DriftReport::getDriftedShare).average().orElseThrow())
        .isLessThan(0.2);
    // the new reference is stored beside the windows, over the training range, under its id
    Catalog catalog = spec().lake().catalog().open();
    try {
      WindowProfileTable.Stored stored =
          WindowProfileTable.read(catalog, "flight-delay").get(rebasedId);
      assertThat(stored.role()).isEqualTo(WindowProfileTable.REFERENCE);
      assertThat(stored.profile().getRowCount()).isEqualTo(2L * PER_WINDOW);
      assertThat(stored.profile().getWindowStart()).isEqualTo(first.getDataFrom());
      assertThat(stored.profile().getWindowEnd()).isEqualTo(first.getDataTo());
    } finally {
      if (catalog instanceof AutoCloseable c) {
        c.close();
      }
    }
  }

  @Test
  void aRejectedRunKeepsTheReferenceAndTheDriftAsksAgainAfterTheCooldown() throws Exception {
    Result r = run(RunState.REJECTED);

    assertThat(r.requests()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(r.reports())
        .allMatch(x -> x.getReferenceId().toString().startsWith("first-600-records"));
    RetrainRequest first = r.requests().get(0);
    RetrainRequest second = r.requests().get(1);
    assertThat(second.getReasons()).contains("drift");
    assertThat(second.getDataFrom()).isEqualTo(first.getDataTo());
    // learnt of on a later window at the earliest; the 1h cooldown counts from there
    assertThat(second.getTriggerWindowEnd())
        .isAfterOrEqualTo(first.getTriggerWindowEnd().plusMillis(WINDOW + 60 * 60_000L));
  }
}
