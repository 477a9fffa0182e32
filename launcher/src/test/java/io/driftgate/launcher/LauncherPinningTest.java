package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.LakeMaintenance;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunEvent;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.RunPolicy;
import io.driftgate.core.run.RunRequest;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.Transition;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.testkit.lake.CommittedLakes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher pins every run to a lake snapshot before its study starts. */
class LauncherPinningTest {
  @TempDir Path dir;

  final LauncherConfig config = LauncherConfig.parse(Map.of("maxAttempts", 2));

  /** Says "not yet" {@code misses} times per request, then pins {@code snapshot}. */
  static class ScriptedResolver implements SnapshotResolver {
    final int misses;
    final long snapshot;
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final List<Long> kept = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    ScriptedResolver(int misses, long snapshot) {
      this.misses = misses;
      this.snapshot = snapshot;
    }

    int calls(String key) {
      return calls.getOrDefault(key, new AtomicInteger()).get();
    }

    @Override
    public Resolution resolve(String key, Instant from, Instant to) {
      int n = calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      return n <= misses
          ? Resolution.notYet("the lake's newest event time is 2024-03-01T09:59:58Z (snapshot 1)")
          : Resolution.pinned(snapshot, "/lake/metadata/00042.metadata.json", "covers " + to);
    }

    @Override
    public void keep(long snapshotId) {
      kept.add(snapshotId);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Records the run each step saw; promotes. */
  static final class Steps implements TuningStep, GateStep {
    final Map<String, RetrainRun> tuned = new ConcurrentHashMap<>();
    final Map<String, RetrainRun> gated = new ConcurrentHashMap<>();

    @Override
    public TuningStep.Result tune(RetrainRun run, int attempt) {
      tuned.put(run.key(), run);
      return new TuningStep.Result(Map.of("lr", "0.1"), 0, "/models/" + run.key(), null);
    }

    @Override
    public Verdict gate(RetrainRun run, String modelDir, Claim claim) {
      gated.put(run.key(), run);
      return new Verdict(true, "v1", "better");
    }
  }

  Launcher launcher(JdbcRunStore store, Steps steps, SnapshotResolver r, Duration timeout) {
    Clock clock = Clock.systemUTC();
    return Launcher.builder()
        .setModel(Fixtures.MODEL)
        .setStore(store)
        .setMachine(new RunMachine(RunPolicy.of(config), clock))
        .setBackend(new LocalBackend(steps, steps, 2))
        .optMaxInFlight(1)
        .optClock(clock)
        .optTickInterval(Duration.ofMillis(20))
        .optPinning(new Launcher.Pinning(r, Duration.ofMillis(20), timeout))
        .build();
  }

  @Test
  void aRunWaitsForTheLakeThenEveryStepReadsThePinnedSnapshotWhichIsKeptOncePromoted()
      throws Exception {
    Steps steps = new Steps();
    ScriptedResolver lake = new ScriptedResolver(3, 4711);
    try (Launcher l = launcher(Fixtures.store(dir), steps, lake, Duration.ofMinutes(1))) {
      l.start();
      assertThat(l.accept(request("k"))).isTrue();
      RetrainRun done = Fixtures.await(l, "k", RunState.PROMOTED);
      assertThat(lake.calls("k")).isEqualTo(4);
      assertThat(done.request().lakeSnapshot()).isEqualTo("4711");
      assertThat(done.request().lakeMetadataLocation())
          .isEqualTo("/lake/metadata/00042.metadata.json");
      assertThat(steps.tuned.get("k").request().lakeSnapshot()).isEqualTo("4711");
      assertThat(steps.gated.get("k").request().lakeSnapshot()).isEqualTo("4711");
      assertThat(done.history())
          .extracting(Transition::reason)
          .containsSubsequence(
              "admitted: tuning study",
              "lake snapshot 4711 pinned: covers 2024-03-01T10:00:00Z",
              "submitted tune attempt 1 {tuneTask=local:k:tune:1}");
      Fixtures.await(() -> lake.kept, k -> k.contains(4711L), "snapshot kept");
      assertThat(Fixtures.store(dir).get("k").orElseThrow().request().lakeSnapshot())
          .isEqualTo("4711");
    }
    assertThat(lake.closed).isTrue();
  }

  @Test
  void closingRightAfterAPromotionStillTagsItsSnapshot() throws Exception {
    Steps steps = new Steps();
    ScriptedResolver slowTags =
        new ScriptedResolver(0, 99) {
          @Override
          public void keep(long snapshotId) {
            Fixtures.sleep(300); // a catalog commit
            super.keep(snapshotId);
          }
        };
    Launcher l = launcher(Fixtures.store(dir), steps, slowTags, Duration.ofMinutes(1));
    l.start();
    l.accept(request("k"));
    Fixtures.await(l, "k", RunState.PROMOTED);
    l.close();
    assertThat(slowTags.kept).containsExactly(99L);
  }

  @Test
  void aRequestThatNamesItsSnapshotDoesNotWait() throws Exception {
    Steps steps = new Steps();
    ScriptedResolver lake = new ScriptedResolver(1000, 1);
    RetrainRequest pinned = RetrainRequest.newBuilder(request("k")).setLakeSnapshot("77").build();
    try (Launcher l = launcher(Fixtures.store(dir), steps, lake, Duration.ofMinutes(1))) {
      l.start();
      l.accept(pinned);
      RetrainRun done = Fixtures.await(l, "k", RunState.PROMOTED);
      assertThat(done.request().lakeSnapshot()).isEqualTo("77");
      assertThat(steps.tuned.get("k").request().lakeSnapshot()).isEqualTo("77");
      assertThat(lake.calls("k")).isZero();
      Fixtures.await(() -> lake.kept, k -> k.contains(77L), "snapshot kept");
    }
  }

  @Test
  void aRunTheLakeNeverCoversFailsNamingTheRequestTheRangeAndTheNewestEventTime() throws Exception {
    Steps steps = new Steps();
    ScriptedResolver lake = new ScriptedResolver(Integer.MAX_VALUE, 1);
    try (Launcher l = launcher(Fixtures.store(dir), steps, lake, Duration.ofMillis(300))) {
      l.start();
      l.accept(request("k"));
      RetrainRun failed = Fixtures.await(l, "k", RunState.FAILED);
      assertThat(failed.failure())
          .contains(
              "no lake snapshot covers request k",
              "[2024-02-01T00:00:00Z, 2024-03-01T10:00:00Z)",
              "the lake's newest event time is 2024-03-01T09:59:58Z (snapshot 1)",
              "not retryable");
      assertThat(failed.request().lakeSnapshot()).isNull();
      assertThat(steps.tuned).isEmpty();
      int calls = lake.calls("k");
      Fixtures.sleep(200);
      assertThat(lake.calls("k")).as("no checks after the failure").isEqualTo(calls);
      assertThat(lake.kept).isEmpty();
    }
  }

  @Test
  void cancellingAWaitingRunStopsTheChecks() throws Exception {
    Steps steps = new Steps();
    ScriptedResolver lake = new ScriptedResolver(Integer.MAX_VALUE, 1);
    try (Launcher l = launcher(Fixtures.store(dir), steps, lake, Duration.ofMinutes(1))) {
      l.start();
      l.accept(request("k"));
      Fixtures.await(() -> lake.calls("k"), n -> n >= 2, "waiting for the lake");
      assertThat(l.cancel("k", "test").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
      Fixtures.sleep(100);
      int calls = lake.calls("k");
      Fixtures.sleep(200);
      assertThat(lake.calls("k")).isEqualTo(calls);
      assertThat(steps.tuned).isEmpty();
    }
  }

  @Test
  void aRestartedLauncherReusesThePinnedSnapshotAndPinsAWaitingRun() throws Exception {
    JdbcRunStore store = Fixtures.store(dir);
    RunMachine machine = new RunMachine(RunPolicy.of(config), Clock.systemUTC());
    RunRequest what = RunRequest.from(request("x"));
    // "pinned": pinned, then the launcher stopped before the study was submitted
    RetrainRun pinned =
        machine.apply(machine.request("pinned", "flight-delay", what), new RunEvent.Admit()).run();
    pinned = machine.apply(pinned, new RunEvent.LakePinned(1, "555", null, "covers")).run();
    store.create(pinned);
    // "waiting": admitted, stopped while waiting for the lake
    store.create(
        machine
            .apply(machine.request("waiting", "flight-delay", what), new RunEvent.Admit())
            .run());
    Steps steps = new Steps();
    ScriptedResolver lake = new ScriptedResolver(0, 666);
    LauncherConfig two = LauncherConfig.parse(Map.of("maxAttempts", 2));
    Clock clock = Clock.systemUTC();
    try (Launcher l =
        Launcher.builder()
            .setModel(Fixtures.MODEL)
            .setStore(store)
            .setMachine(new RunMachine(RunPolicy.of(two), clock))
            .setBackend(new LocalBackend(steps, steps, 2))
            .optMaxInFlight(2)
            .optClock(clock)
            .optTickInterval(Duration.ofMillis(20))
            .optPinning(new Launcher.Pinning(lake, Duration.ofMillis(20), Duration.ofMinutes(1)))
            .build()) {
      l.start();
      assertThat(Fixtures.await(l, "pinned", RunState.PROMOTED).request().lakeSnapshot())
          .isEqualTo("555");
      assertThat(Fixtures.await(l, "waiting", RunState.PROMOTED).request().lakeSnapshot())
          .isEqualTo("666");
      assertThat(lake.calls("pinned")).isZero();
      assertThat(steps.tuned.get("pinned").request().lakeSnapshot()).isEqualTo("555");
    }
  }

  @Test
  void onARealLakeTheRunWaitsUntilIngestionCommitsTheRange() throws Exception {
    Path lakeRoot = dir.resolve("lake");
    Path spec = LakeSnapshotResolverTest.SPEC;
    CommittedLakes recipe = CommittedLakes.of(spec).seed(5).count(400).rowsPerCommit(100);
    long start = recipe.write(dir.resolve("probe")).from(); // the generator's event times
    Instant from = Instant.ofEpochMilli(start);
    Instant to = Instant.ofEpochMilli(start + Duration.ofMinutes(2).toMillis());
    RetrainRequest req =
        RetrainRequest.newBuilder(request("real")).setDataFrom(from).setDataTo(to).build();
    Steps steps = new Steps();
    SnapshotResolver resolver =
        LakeSnapshotResolver.forSpec(
            SpecLoader.load(spec).withLakePath(lakeRoot), lakeRoot, false, null);
    try (Launcher l =
        launcher(Fixtures.store(dir.resolve("runs")), steps, resolver, Duration.ofMinutes(1))) {
      l.start();
      l.accept(req);
      Fixtures.sleep(300);
      RetrainRun waiting = l.run("real").orElseThrow();
      assertThat(waiting.state()).isEqualTo(RunState.TUNING);
      assertThat(waiting.submitted()).isFalse();
      assertThat(waiting.request().lakeSnapshot()).isNull();
      // Ingestion commits 4 snapshots while the launcher checks: the run is pinned to one that
      // holds the whole range, while later commits go on appending.
      CommittedLakes.Lake lake = recipe.write(lakeRoot);
      RetrainRun done = Fixtures.await(l, "real", RunState.PROMOTED);
      long pinned = done.request().lakeSnapshotId();
      assertThat(lake.snapshots()).contains(pinned);
      try (io.driftgate.core.lake.Lake open = io.driftgate.core.lake.Lake.open(lakeRoot)) {
        assertThat(open.at(pinned).eventTimeRange().orElseThrow()[1])
            .isGreaterThanOrEqualTo(to.toEpochMilli() - 1);
      }
      assertThat(steps.tuned.get("real").request().lakeSnapshotId()).isEqualTo(pinned);
      Fixtures.await(
          () -> {
            try (io.driftgate.core.lake.Lake open = io.driftgate.core.lake.Lake.open(lakeRoot)) {
              return open.recordsTable().refs().get(LakeMaintenance.keepTag(pinned));
            }
          },
          ref -> ref != null && ref.snapshotId() == pinned,
          "promoted model's snapshot tagged");
    }
  }
}
