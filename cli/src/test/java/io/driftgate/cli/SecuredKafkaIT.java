package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that only accepts SASL/PLAIN logins: with {@code source.kafka.properties} carrying the
 * login, {@code driftgate request} publishes and {@code driftgate launcher --once} consumes; the
 * same request without them fails with a clear error instead of hanging.
 */
class SecuredKafkaIT extends ConsoleCapture {
  private static final EmbeddedKafka.PlainUser USER =
      new EmbeddedKafka.PlainUser("driftgate", "test-secret");

  @TempDir Path work;

  @Test
  void requestAndLauncherTalkToASaslBrokerOnlyWithTheSpecsProperties() throws Exception {
    Path lake = TinyLake.write(work.resolve("lake"), 17, 5000);
    String plain = TinyLake.specFor(lake);
    // No login; max.block.ms 5 s instead of the request command's 20 s (which the spec's
    // properties override, as here): the refusal is the same, 15 s sooner.
    Path plainSpec =
        Files.writeString(
            work.resolve("plain.yaml"), withKafkaProperties(plain, Map.of("max.block.ms", "5000")));
    Path securedSpec =
        Files.writeString(
            work.resolve("secured.yaml"), withKafkaProperties(plain, USER.clientProperties()));
    try (EmbeddedKafka kafka = EmbeddedKafka.startSaslPlain(USER)) {
      String bs = kafka.bootstrapServers();
      kafka.createTopicsFor(SpecLoader.load(securedSpec), 1);

      // Without the login the producer never gets metadata: a clear error after max.block.ms.
      long started = System.nanoTime();
      assertThat(request(plainSpec, bs)).isNotZero();
      assertThat((System.nanoTime() - started) / 1_000_000_000).isLessThan(60);
      assertThat(stderr())
          .contains("cannot publish to topic 'flight-delay.retrain-requests'")
          .contains("source.kafka.properties");

      err.reset();
      assertThat(request(securedSpec, bs)).as(stderr()).isZero();
      assertThat(stdout()).contains("published retrain request");

      String[] launcher = {
        "launcher",
        "--once",
        "--spec",
        securedSpec.toString(),
        "--bootstrap-servers",
        bs,
        "--registry",
        work.resolve("registry").toString(),
        "--studies-dir",
        work.resolve("studies").toString(),
        "--grid",
        "lr=0.05",
        "--param",
        "epochs=2",
        "--param",
        "hidden=16",
        "--param",
        "batchSize=64",
        "--timeout",
        "PT5M"
      };
      assertThat(Main.execute(launcher)).as(stdout() + stderr()).isZero();
      assertThat(stdout()).as(stderr()).contains("1 request(s) read");
      List<RetrainRun> stored = JdbcRunStore.open(SpecLoader.load(securedSpec).state()).list();
      assertThat(stored).hasSize(1);
      assertThat(stored.get(0).request().reasons()).containsExactly("commit");
      // The request pinned the lake's snapshot at the time it was made.
      try (io.driftgate.core.lake.Lake committed = io.driftgate.core.lake.Lake.open(lake)) {
        assertThat(stored.get(0).request().lakeSnapshot())
            .isEqualTo(Long.toString(committed.snapshotId()));
      }
      assertThat(stored.get(0).state()).as(stdout()).isEqualTo(RunState.PROMOTED);
    }
  }

  @Test
  void ingestionReadsAndWritesTheSaslBrokerWithTheSpecsProperties() throws Exception {
    Path lake = work.resolve("ingested");
    Path spec =
        Files.writeString(
            work.resolve("secured.yaml"),
            withKafkaProperties(TinyLake.specFor(lake), USER.clientProperties()));
    try (EmbeddedKafka kafka = EmbeddedKafka.startSaslPlain(USER)) {
      String bs = kafka.bootstrapServers();
      kafka.createTopicsFor(SpecLoader.load(spec), 2);
      String[] common = {"--spec", spec.toString(), "--bootstrap-servers", bs};
      assertThat(
              Main.execute(
                  concat(
                      new String[] {"produce", "--count", "3000", "--malformed", "0.02", "--json"},
                      common)))
          .as(stderr())
          .isZero();
      var produced = CliJsonTest.onlyDocument(stdout());
      assertThat(produced.get("total").asLong()).isEqualTo(3000);
      assertThat(produced.get("valid").asLong() + produced.get("malformed").asLong())
          .isEqualTo(3000);
      // not a terminal: the progress is plain lines on stderr, never a carriage return
      assertThat(stderr()).contains("produce: 3000/3000 records (100%) done").doesNotContain("\r");
      out.reset();
      // KafkaIO read, dead-letter/report writes and the offset commits all need the login.
      assertThat(
              Main.execute(
                  concat(
                      new String[] {"ingest", "--until-caught-up", "--no-monitor", "--json"},
                      common)))
          .as(stdout() + stderr())
          .isZero();
      var ingested = CliJsonTest.onlyDocument(stdout());
      assertThat(stderr()).contains("ingest: ").contains(" lake rows done").doesNotContain("\r");
      try (io.driftgate.core.lake.Lake committed = io.driftgate.core.lake.Lake.open(lake)) {
        assertThat(committed.deadLetters()).isPositive();
        assertThat(committed.rows() + committed.deadLetters()).isEqualTo(3000);
        assertThat(LakeCommand.duplicateOffsets(committed)).isZero();
        assertThat(ingested.get("rowsWritten").asLong()).isEqualTo(committed.rows());
        assertThat(ingested.get("deadLettersWritten").asLong()).isEqualTo(committed.deadLetters());
      }
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private int request(Path spec, String bootstrapServers) {
    return Main.execute(
        "request",
        "--spec",
        spec.toString(),
        "--bootstrap-servers",
        bootstrapServers,
        "--reason",
        "commit",
        "--id",
        "sasl-1");
  }

  /** The spec with a {@code properties:} block under {@code source.kafka}. */
  static String withKafkaProperties(String spec, Map<String, String> properties) {
    StringBuilder block = new StringBuilder("    properties:\n");
    // Single quotes: JAAS configs hold double quotes.
    properties.forEach(
        (k, v) -> block.append("      ").append(k).append(": '").append(v).append("'\n"));
    String anchor = "    topic: flights\n";
    assertThat(spec).contains(anchor);
    return spec.replace(anchor, anchor + block);
  }
}
