package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunJson;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.RunPolicy;
import io.driftgate.core.run.RunRequest;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.state.Endpoints;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.launcher.GateStep;
import io.driftgate.launcher.Launcher;
import io.driftgate.launcher.LauncherHttp;
import io.driftgate.launcher.LocalBackend;
import io.driftgate.launcher.TuningStep;
import io.driftgate.schemas.RetrainRequest;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code driftgate runs cancel|list|show} against a live in-process launcher and without one. */
class RunsCancelTest extends ConsoleCapture {
  static final String MODEL = "flight-delay";

  @TempDir Path dir;
  Path spec;
  StateSpec state;

  /** Keys whose tuning started and keys whose tuning was interrupted (the step stopped). */
  final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();

  final Map<String, CountDownLatch> interrupted = new ConcurrentHashMap<>();
  Launcher launcher;
  LauncherHttp http;

  @BeforeEach
  void startLauncher() throws Exception {
    spec = Files.writeString(dir.resolve("driftgate.yaml"), TinyLake.specFor(dir.resolve("lake")));
    state = SpecLoader.load(spec).state();
    TuningStep blocking =
        (run, attempt) -> {
          latch(started, run.key()).countDown();
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            latch(interrupted, run.key()).countDown();
            throw e;
          }
          return new TuningStep.Result(Map.of(), 0, "/m", null);
        };
    GateStep gate = (run, modelDir, claim) -> new GateStep.Verdict(true, "v1", "better");
    Clock clock = Clock.systemUTC();
    launcher =
        Launcher.builder()
            .setModel(MODEL)
            .setStore(JdbcRunStore.open(state))
            .setMachine(new RunMachine(RunPolicy.of(LauncherConfig.defaults()), clock))
            .setBackend(new LocalBackend(blocking, gate, 2))
            .optMaxInFlight(2)
            .optClock(clock)
            .optTickInterval(Duration.ofMillis(50))
            .build();
    launcher.start();
    http = LauncherHttp.start(launcher, "127.0.0.1", 0, () -> true);
    http.publishEndpoint(new Endpoints(StateDatabase.open(state)));
  }

  @AfterEach
  void stopLauncher() {
    http.close();
    launcher.close();
  }

  static CountDownLatch latch(Map<String, CountDownLatch> m, String key) {
    return m.computeIfAbsent(key, k -> new CountDownLatch(1));
  }

  static RetrainRequest request(String key) {
    return RetrainRequest.newBuilder()
        .setIdempotencyKey(key)
        .setModel(MODEL)
        .setReasons(List.of("drift"))
        .setTriggerWindowEnd(Instant.parse("2024-03-01T10:00:00Z"))
        .setDataFrom(Instant.parse("2024-02-01T00:00:00Z"))
        .setDataTo(Instant.parse("2024-03-01T10:00:00Z"))
        .setValidRecordsSinceLastRun(1000L)
        .setRequestedAt(Instant.parse("2024-03-01T10:00:05Z"))
        .build();
  }

  /** Submits a run and waits until its tuning step is running. */
  void tuning(String key) throws Exception {
    assertThat(launcher.accept(request(key))).isTrue();
    assertThat(latch(started, key).await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(launcher.run(key).orElseThrow().state()).isEqualTo(RunState.TUNING);
  }

  @Test
  void cancelFindsTheLocalLauncherThroughItsPublishedEndpointAndStopsTheStep() throws Exception {
    String key = "flight-delay:2024-03-01T10:00:00Z";
    tuning(key);
    assertThat(
            Main.execute(
                "runs", "cancel", key, "--spec", spec.toString(), "--reason", "bad window"))
        .isZero();
    assertThat(stdout())
        .contains(
            "run " + key + ": TUNING -> CANCELLED by the launcher at " + http.localUri(),
            "its running step was stopped")
        .doesNotContain("run store");
    // The live launcher's own copy is cancelled, and the step was interrupted.
    RetrainRun run = launcher.run(key).orElseThrow();
    assertThat(run.state()).isEqualTo(RunState.CANCELLED);
    assertThat(run.failure()).isEqualTo("cancelled: bad window");
    assertThat(latch(interrupted, key).await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(JdbcRunStore.open(state).get(key).orElseThrow().state())
        .isEqualTo(RunState.CANCELLED);

    // Again: the launcher says it has finished.
    assertThat(Main.execute("runs", "cancel", key, "--spec", spec.toString())).isOne();
    assertThat(stdout()).contains("run " + key + " already finished: CANCELLED");
    assertThat(Main.execute("runs", "cancel", "nope", "--spec", spec.toString())).isEqualTo(2);
    assertThat(stderr()).contains("no run nope in the launcher at " + http.localUri());
  }

  @Test
  void anExplicitLauncherUrlNeedsNoRunsDirAndListShowReadTheLauncher() throws Exception {
    tuning("a/1");
    String url = http.localUri().toString();
    assertThat(Main.execute("runs", "list", "--launcher", url)).isZero();
    assertThat(stdout()).contains("a/1", "TUNING");
    assertThat(Main.execute("runs", "show", "a/1", "--launcher", url + "/")).isZero();
    assertThat(stdout()).contains("run a/1 (flight-delay): TUNING");

    assertThat(Main.execute("runs", "cancel", "a/1", "--launcher", url)).isZero();
    assertThat(stdout()).contains("run a/1: TUNING -> CANCELLED by the launcher at " + url);
    assertThat(launcher.run("a/1").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
    assertThat(latch(interrupted, "a/1").await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void withoutAReachableLauncherCancelEditsTheStoreAndSaysSo() throws Exception {
    Path offlineSpec =
        Files.writeString(
            dir.resolve("offline.yaml"), TinyLake.specFor(dir.resolve("offline-lake")));
    StateSpec offline = SpecLoader.load(offlineSpec).state();
    JdbcRunStore store = JdbcRunStore.open(offline);
    RunMachine machine = new RunMachine(RunPolicy.of(LauncherConfig.defaults()), Clock.systemUTC());
    store.create(machine.request("k1", MODEL, RunRequest.from(request("k1"))));
    store.create(machine.request("k2", MODEL, RunRequest.from(request("k2"))));

    // No endpoint published at all.
    assertThat(Main.execute("runs", "cancel", "k1", "--spec", offlineSpec.toString())).isZero();
    assertThat(stdout())
        .contains(
            "no running launcher reachable: no launcher of "
                + MODEL
                + " published an endpoint in "
                + offline.describe(),
            "editing the run store " + offline.describe() + " only",
            "run k1: REQUESTED -> CANCELLED in the run store");
    assertThat(store.get("k1").orElseThrow().state()).isEqualTo(RunState.CANCELLED);

    // A stale endpoint (a launcher that died without withdrawing it): falls back too.
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    new Endpoints(StateDatabase.open(offline))
        .publish(Endpoints.launcher(MODEL), URI.create("http://127.0.0.1:" + closedPort), "dead");
    assertThat(Main.execute("runs", "cancel", "k2", "--spec", offlineSpec.toString())).isZero();
    assertThat(stdout())
        .contains(
            "published http://127.0.0.1:" + closedPort + " but nothing answered there",
            "run k2: REQUESTED -> CANCELLED in the run store");
    assertThat(store.get("k2").orElseThrow().state()).isEqualTo(RunState.CANCELLED);

    // An explicit --launcher that does not answer is an error: nothing is edited.
    store.create(machine.request("k3", MODEL, RunRequest.from(request("k3"))));
    assertThat(
            Main.execute(
                "runs",
                "cancel",
                "k3",
                "--spec",
                offlineSpec.toString(),
                "--launcher",
                "http://127.0.0.1:" + closedPort))
        .isEqualTo(2);
    assertThat(stderr()).contains("no launcher answered at http://127.0.0.1:" + closedPort);
    assertThat(store.get("k3").orElseThrow().state()).isEqualTo(RunState.REQUESTED);

    // list and show read the same database; list --json prints every run.
    out.reset();
    assertThat(Main.execute("runs", "list", "--spec", offlineSpec.toString())).isZero();
    assertThat(stdout()).contains("k1", "k2", "k3", "CANCELLED", "REQUESTED");
    out.reset();
    assertThat(Main.execute("runs", "list", "--json", "--spec", offlineSpec.toString())).isZero();
    JsonNode runs = new ObjectMapper().readTree(stdout());
    assertThat(runs.isArray()).isTrue();
    assertThat(runs.findValuesAsText("key")).containsExactly("k1", "k2", "k3");
    assertThat(RunJson.read(runs.get(2).toString())).isEqualTo(store.get("k3").orElseThrow());
    out.reset();
    assertThat(Main.execute("runs", "show", "k2", "--spec", offlineSpec.toString())).isZero();
    assertThat(stdout()).contains("run k2 (flight-delay): CANCELLED");
  }

  @Test
  void theRemovedRunsDirOptionSaysWhereRunsAreNow() {
    assertThat(Main.execute("runs", "list", "--runs-dir", dir.resolve("runs").toString()))
        .isEqualTo(2);
    assertThat(stderr()).contains("runs are no longer files", "state database");
    assertThat(
            Main.execute(
                "launcher", "--spec", spec.toString(), "--runs-dir", dir.resolve("r").toString()))
        .isEqualTo(2);
    assertThat(stderr()).contains("Drop --runs-dir");
  }

  @Test
  void theLauncherCommandDescribesTheEndpointAndCancelItsReach() {
    assertThat(Main.execute("launcher", "--help")).isZero();
    assertThat(stdout())
        .contains("--http-port", "--http-host", "--lease-ttl", "publish the endpoint in the state")
        .doesNotContain("--runs-dir");
    assertThat(Main.execute("runs", "cancel", "--help")).isZero();
    assertThat(stdout()).contains("--launcher", "Kubernetes Job deleted", "kubectl port-forward");
  }
}
