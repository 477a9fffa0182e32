package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.RunStep;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.state.Endpoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherHttpTest {
  @TempDir Path dir;

  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final ObjectMapper json = new ObjectMapper();
  final LauncherConfig config = LauncherConfig.parse(Map.of("maxAttempts", 1));

  /** Tuning that blocks for keys starting with "slow" until interrupted; quick for the others. */
  final CountDownLatch slowStarted = new CountDownLatch(1);

  final CountDownLatch slowInterrupted = new CountDownLatch(1);
  final TuningStep tuning =
      (run, attempt) -> {
        if (run.key().startsWith("slow")) {
          slowStarted.countDown();
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            slowInterrupted.countDown();
            throw e;
          }
        }
        return new TuningStep.Result(Map.of("lr", "0.1"), 0, "/m/" + run.key(), null);
      };
  static final GateStep GATE = (run, modelDir, claim) -> new GateStep.Verdict(true, "v1", "better");

  /**
   * A {@link LocalBackend} that records cancels and, for keys starting with "stuck", holds the
   * launcher thread in submit until {@link #release} opens (a backend call that hangs).
   */
  static final class RecordingBackend implements Backend {
    final LocalBackend local;
    final List<String> cancels = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    RecordingBackend(LocalBackend local) {
      this.local = local;
    }

    @Override
    public void start(Events events) {
      local.start(events);
    }

    @Override
    public Map<String, String> submit(RetrainRun run, RunStep step, int attempt) {
      if (run.key().startsWith("stuck")) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return local.submit(run, step, attempt);
    }

    @Override
    public void cancel(RetrainRun run, RunStep step, int attempt) {
      cancels.add(run.key() + " " + step.label() + " " + attempt);
      local.cancel(run, step, attempt);
    }

    @Override
    public void close() {
      release.countDown();
      local.close();
    }
  }

  final RecordingBackend backend = new RecordingBackend(new LocalBackend(tuning, GATE, 2));
  final AtomicBoolean consumerReady = new AtomicBoolean();
  Launcher launcher;
  LauncherHttp http;

  void startHttp(int maxInFlight) throws Exception {
    launcher = Fixtures.launcher(Fixtures.store(dir), backend, config, maxInFlight);
    http = LauncherHttp.start(launcher, "127.0.0.1", 0, consumerReady::get, Duration.ofMillis(300));
  }

  @AfterEach
  void close() {
    if (http != null) {
      http.close();
    }
    if (launcher != null) {
      launcher.close();
    }
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "text/plain")
            .header(LauncherHttp.REQUEST_HEADER, "test") // not a cross-site form post
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return client.send(
        b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + http.port() + path);
  }

  @Test
  void healthFollowsTheLauncherThreadAndReadinessTheStartAndTheFlag() throws Exception {
    startHttp(1);
    assertThat(http.port()).isPositive();
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/healthz").body()).isEqualTo("ok\n");
    HttpResponse<String> notStarted = get("/readyz");
    assertThat(notStarted.statusCode()).isEqualTo(503);
    assertThat(notStarted.body()).contains("not started");

    launcher.start();
    assertThat(get("/readyz").statusCode()).isEqualTo(503); // the consumer is not ready yet
    consumerReady.set(true);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);

    // A backend call that hangs holds the launcher thread: liveness fails, then recovers.
    Thread accepting = new Thread(() -> launcher.accept(request("stuck")));
    accepting.start();
    Fixtures.await(
        () -> statusOf("/healthz"), s -> s == 503, "healthz 503 while the thread is stuck");
    backend.release.countDown();
    accepting.join(10_000);
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    Fixtures.await(launcher, "stuck", RunState.PROMOTED);

    launcher.close();
    assertThat(get("/healthz").statusCode()).isEqualTo(503);
    assertThat(get("/readyz").statusCode()).isEqualTo(503);
  }

  @Test
  void listsAndShowsRunsByUrlEncodedKey() throws Exception {
    startHttp(2);
    launcher.start();
    String key = "flight-delay:2024-03-01T10:00:00Z/1";
    launcher.accept(request(key));
    launcher.accept(request("b+c"));
    Fixtures.await(launcher, key, RunState.PROMOTED);
    Fixtures.await(launcher, "b+c", RunState.PROMOTED);

    HttpResponse<String> list = get("/runs");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode runs = json.readTree(list.body());
    assertThat(runs.isArray()).isTrue();
    assertThat(runs).extracting(r -> r.get("key").asText()).containsExactly(key, "b+c");
    assertThat(runs).extracting(r -> r.get("state").asText()).containsOnly("PROMOTED");

    HttpResponse<String> one = get("/runs/flight-delay%3A2024-03-01T10%3A00%3A00Z%2F1");
    assertThat(one.statusCode()).isEqualTo(200);
    JsonNode run = json.readTree(one.body());
    assertThat(run.get("key").asText()).isEqualTo(key);
    assertThat(run.get("results").get("modelVersion").asText()).isEqualTo("v1");
    // ':' needs no encoding in a path; '+' is a plain character there, not a space.
    assertThat(json.readTree(get("/runs/b+c").body()).get("key").asText()).isEqualTo("b+c");

    HttpResponse<String> missing = get("/runs/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json.readTree(missing.body()).get("error").asText()).isEqualTo("no run nope");
    assertThat(get("/runs/a/b/c").statusCode()).isEqualTo(404);
    assertThat(get("/healthzz").statusCode()).isEqualTo(404);
  }

  @Test
  void cancelStopsTheRunningStepAndAnswers404And409And405() throws Exception {
    startHttp(1);
    launcher.start();
    launcher.accept(request("slow:1"));
    launcher.accept(request("queued"));
    assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
    Fixtures.await(launcher, "slow:1", RunState.TUNING);

    HttpResponse<String> cancelled = post("/runs/slow%3A1/cancel?reason=bad%20data", "");
    assertThat(cancelled.statusCode()).isEqualTo(200);
    JsonNode body = json.readTree(cancelled.body());
    assertThat(body.get("state").asText()).isEqualTo("CANCELLED");
    assertThat(body.get("failure").asText()).isEqualTo("cancelled: bad data");

    // The backend was told to stop the step, and the local task was interrupted.
    assertThat(backend.cancels).containsExactly("slow:1 tune 1");
    assertThat(slowInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(launcher.run("slow:1").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
    assertThat(Fixtures.store(dir).get("slow:1").orElseThrow().state())
        .isEqualTo(RunState.CANCELLED);
    Fixtures.await(launcher, "queued", RunState.PROMOTED); // its slot was freed

    HttpResponse<String> again = post("/runs/slow:1/cancel", "");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(json.readTree(again.body()).get("state").asText()).isEqualTo("CANCELLED");
    HttpResponse<String> finished = post("/runs/queued/cancel", "");
    assertThat(finished.statusCode()).isEqualTo(409);
    assertThat(json.readTree(finished.body()).get("state").asText()).isEqualTo("PROMOTED");
    assertThat(backend.cancels).hasSize(1);

    assertThat(post("/runs/nope/cancel", "").statusCode()).isEqualTo(404);

    HttpResponse<String> getCancel = get("/runs/queued/cancel");
    assertThat(getCancel.statusCode()).isEqualTo(405);
    assertThat(getCancel.headers().firstValue("Allow")).hasValue("POST");
    assertThat(post("/runs", "").statusCode()).isEqualTo(405);
    assertThat(post("/runs/queued", "").statusCode()).isEqualTo(405);
    assertThat(post("/healthz", "").statusCode()).isEqualTo(405);
    assertThat(send(HttpRequest.newBuilder(uri("/readyz")).DELETE()).statusCode()).isEqualTo(405);
  }

  @Test
  void aPlainTextBodyIsTheReason() throws Exception {
    startHttp(1);
    launcher.start();
    launcher.accept(request("slow-2"));
    assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
    HttpResponse<String> r = post("/runs/slow-2/cancel", "operator: wrong window\n");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json.readTree(r.body()).get("failure").asText())
        .isEqualTo("cancelled: operator: wrong window");
  }

  @Test
  void theEndpointIsPublishedInTheStateDatabaseAndWithdrawnOnClose() throws Exception {
    startHttp(1);
    Endpoints endpoints = new Endpoints(Fixtures.store(dir).database());
    assertThat(LauncherHttp.publishedEndpoint(endpoints, Fixtures.MODEL)).isEmpty();
    assertThat(http.publishEndpoint(endpoints)).isEqualTo("launcher/" + Fixtures.MODEL);
    assertThat(LauncherHttp.publishedEndpoint(endpoints, Fixtures.MODEL))
        .hasValue(URI.create("http://127.0.0.1:" + http.port()))
        .hasValue(http.localUri());
    assertThat(LauncherHttp.publishedEndpoint(endpoints, "other-model")).isEmpty();
    http.close();
    assertThat(LauncherHttp.publishedEndpoint(endpoints, Fixtures.MODEL)).isEmpty();
  }

  @Test
  void closeLeavesAnotherLaunchersEndpointAlone() throws Exception {
    startHttp(1);
    Endpoints endpoints = new Endpoints(Fixtures.store(dir).database());
    String name = http.publishEndpoint(endpoints);
    // a launcher started since replaced it
    endpoints.publish(name, URI.create("http://127.0.0.1:1"), "the-successor");
    http.close();
    assertThat(LauncherHttp.publishedEndpoint(endpoints, Fixtures.MODEL))
        .hasValue(URI.create("http://127.0.0.1:1"));
  }

  int statusOf(String path) {
    try {
      return get(path).statusCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
