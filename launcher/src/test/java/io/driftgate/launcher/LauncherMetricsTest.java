package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.JdbcRejectedRequests;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local loop (requests from Kafka, a {@link LocalBackend}, the HTTP endpoint) scraped on {@code
 * /metrics} before, during and after its runs: the counters move with what happened.
 */
class LauncherMetricsTest {
  @TempDir Path dir;

  static final String TOPIC = "flight-delay.retrain-requests";
  static final String TOKEN = "0123456789abcdef0123456789abcdef";

  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void scrapesOfTheLocalLoopFollowItsRuns() throws Exception {
    CountDownLatch tuningStarted = new CountDownLatch(1);
    CountDownLatch releaseTuning = new CountDownLatch(1);
    TuningStep tuning =
        (run, attempt) -> {
          if (run.key().equals("k-good")) {
            tuningStarted.countDown();
            assertThat(releaseTuning.await(30, TimeUnit.SECONDS)).isTrue();
          }
          return new TuningStep.Result(Map.of("lr", "0.1"), 0, "/m/" + run.key(), null);
        };
    // The reason as the gate writes it: one "STATUS check: detail" per check.
    GateStep gate =
        (run, modelDir, claim) ->
            run.key().equals("k-good")
                ? new GateStep.Verdict(true, "v1", "promoted: PASS floors: auc 0.81 >= 0.7")
                : new GateStep.Verdict(
                    false,
                    "v2",
                    "rejected: PASS additivity: ok; FAIL floors: auc 0.61 < 0.7; FAIL"
                        + " rank-stability: tau 0.2");
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN);

    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(TOPIC, 1);
      JdbcRunStore store = Fixtures.store(dir);
      LauncherConfig config = LauncherConfig.parse(Map.of("maxAttempts", 1));
      try (Launcher launcher =
              Fixtures.launcher(store, new LocalBackend(tuning, gate, 2), config, 1);
          LauncherHttp http =
              LauncherHttp.start(
                  launcher,
                  "127.0.0.1",
                  0,
                  () -> true,
                  LauncherHttp.DEFAULT_HEALTH_TIMEOUT,
                  HttpAuth.anyOf(List.of(HttpAuth.tokenFile(tokenFile))));
          RequestConsumer consumer =
              new RequestConsumer(
                  kafka.bootstrapServers(),
                  TOPIC,
                  launcher,
                  new JdbcRejectedRequests(store.database()))) {
        launcher.start();
        URI base = http.localUri();

        // /runs needs the token; /metrics is scraped without one, as Prometheus does.
        assertThat(get(base, "/runs").statusCode()).isEqualTo(401);
        HttpResponse<String> first = get(base, "/metrics");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type"))
            .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        String before = first.body();
        assertThat(value(before, "driftgate_launcher_runs", "state", "PROMOTED")).isZero();
        assertThat(value(before, "driftgate_launcher_runs", "state", "TUNING")).isZero();
        assertThat(
                value(before, "driftgate_launcher_requests_consumed_total", "result", "accepted"))
            .isZero();
        assertThat(
                value(
                    before, "driftgate_launcher_requests_rejected_total", "reason", "undecodable"))
            .isZero();
        assertThat(before).contains("model=\"" + Fixtures.MODEL + "\"");

        produce(kafka, "k-good", request("k-good").toByteBuffer().array());
        produce(kafka, "junk", "not an Avro request".getBytes(StandardCharsets.UTF_8));
        produce(kafka, "k-good", request("k-good").toByteBuffer().array()); // a redelivery
        produce(kafka, "k-bad", request("k-bad").toByteBuffer().array());
        assertThat(consumer.drain(Duration.ofSeconds(30))).isEqualTo(4);

        // During: k-good tunes (held), k-bad waits for the one slot.
        assertThat(tuningStarted.await(20, TimeUnit.SECONDS)).isTrue();
        String during = scrape(base);
        assertThat(value(during, "driftgate_launcher_runs", "state", "TUNING")).isEqualTo(1);
        assertThat(value(during, "driftgate_launcher_runs", "state", "REQUESTED")).isEqualTo(1);
        assertThat(value(during, "driftgate_launcher_runs", "state", "PROMOTED")).isZero();
        assertThat(
                value(during, "driftgate_launcher_requests_consumed_total", "result", "accepted"))
            .isEqualTo(2);
        assertThat(
                value(during, "driftgate_launcher_requests_consumed_total", "result", "duplicate"))
            .isEqualTo(1);
        assertThat(
                value(
                    during, "driftgate_launcher_requests_rejected_total", "reason", "undecodable"))
            .isEqualTo(1);

        releaseTuning.countDown();
        assertThat(launcher.awaitAllTerminal(Duration.ofSeconds(30))).isTrue();
        assertThat(launcher.run("k-good").orElseThrow().state()).isEqualTo(RunState.PROMOTED);
        assertThat(launcher.run("k-bad").orElseThrow().state()).isEqualTo(RunState.REJECTED);

        String after = scrape(base);
        assertThat(value(after, "driftgate_launcher_runs", "state", "PROMOTED")).isEqualTo(1);
        assertThat(value(after, "driftgate_launcher_runs", "state", "REJECTED")).isEqualTo(1);
        assertThat(value(after, "driftgate_launcher_runs", "state", "TUNING")).isZero();
        assertThat(value(after, "driftgate_launcher_runs", "state", "REQUESTED")).isZero();
        assertThat(
                value(
                    after,
                    "driftgate_launcher_gate_decisions_total",
                    "decision",
                    "promoted",
                    "check",
                    "none"))
            .isEqualTo(1);
        // The first failing check names a rejection.
        assertThat(
                value(
                    after,
                    "driftgate_launcher_gate_decisions_total",
                    "decision",
                    "rejected",
                    "check",
                    "floors"))
            .isEqualTo(1);
        // Both runs went through tune, train and gate; k-good's tuning was held for a while.
        for (String step : List.of("tune", "train", "gate")) {
          assertThat(
                  value(
                      after,
                      "driftgate_launcher_step_duration_seconds_count",
                      "outcome",
                      "succeeded",
                      "step",
                      step))
              .as(step)
              .isEqualTo(2);
        }
        assertThat(
                value(
                    after,
                    "driftgate_launcher_step_duration_seconds_sum",
                    "outcome",
                    "succeeded",
                    "step",
                    "tune"))
            .isPositive();
        // A scrape does not mix with the other endpoints: /metrics/x is no page, POST is refused.
        assertThat(get(base, "/metrics/x").statusCode()).isEqualTo(404);
        HttpResponse<String> post =
            client.send(
                HttpRequest.newBuilder(base.resolve("/metrics"))
                    .header(LauncherHttp.REQUEST_HEADER, "1")
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
      }
    }
  }

  @Test
  void aRejectionWhoseReasonNamesNoKnownCheckIsOther() {
    assertThat(LauncherMetrics.failedCheck("rejected: FAIL seed-stability: x; FAIL floors: y"))
        .isEqualTo("seed-stability");
    assertThat(LauncherMetrics.failedCheck("rejected: FAIL made-up: x")).isEqualTo("other");
    assertThat(LauncherMetrics.failedCheck(null)).isEqualTo("other");
  }

  String scrape(URI base) throws Exception {
    HttpResponse<String> r = get(base, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  HttpResponse<String> get(URI base, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(base.resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void produce(EmbeddedKafka kafka, String key, byte[] value) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(TOPIC, key, value)).get();
    }
  }

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);

  /**
   * The value of the one sample of {@code name} whose labels include {@code labels} (name, value
   * pairs); fails when there is none or more than one.
   */
  static double value(String scrape, String name, String... labels) {
    Double found = null;
    Matcher m = SAMPLE.matcher(scrape);
    while (m.find()) {
      if (!m.group(1).equals(name)) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) {
        all &= m.group(2).contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      if (all) {
        assertThat(found).as("one sample of %s %s", name, List.of(labels)).isNull();
        found = Double.parseDouble(m.group(3));
      }
    }
    assertThat(found).as("a sample of %s %s in:%n%s", name, List.of(labels), scrape).isNotNull();
    return found;
  }
}
