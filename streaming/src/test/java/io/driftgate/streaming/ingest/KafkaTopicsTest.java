package io.driftgate.streaming.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 5: every topic the ingestion job reads or writes is checked before it starts; a
 * missing one is created when the spec allows it, else the start fails at once naming the topic and
 * the fix (it used to stall later, one dead letter per minute).
 */
class KafkaTopicsTest {
  static EmbeddedKafka kafka;
  static final ModelSpec EXAMPLE =
      SpecLoader.load(Path.of("../examples/flight-delay/driftgate.yaml"));

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  /** The example spec on the test's broker, with topic creation as given. */
  static IngestConfig config(boolean create) {
    ModelSpec spec =
        EXAMPLE.withBootstrapServers(kafka.bootstrapServers()).withCreateTopics(create);
    return IngestConfig.of(spec);
  }

  static Set<String> topics() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      return admin.listTopics().names().get();
    }
  }

  @Test
  void theJobUsesItsSourceDeadLetterReportAndRequestTopics() {
    IngestConfig config = IngestConfig.of(EXAMPLE);
    assertThat(KafkaTopics.of(config))
        .extracting(KafkaTopics.Use::topic)
        .containsExactly(
            "flights",
            "flights.deadletters",
            "flights.drift-reports",
            "flight-delay.retrain-requests");
    assertThat(KafkaTopics.of(config.withPublishDeadLetters(false).withMonitor(false)))
        .extracting(KafkaTopics.Use::topic)
        .containsExactly("flights");
  }

  @Test
  void aMissingTopicStopsTheStartAtOnceNamingItAndTheFix() throws Exception {
    kafka.createTopic("flights", 2);
    kafka.createTopic("flights.drift-reports", 1);
    kafka.createTopic("flight-delay.retrain-requests", 1);
    IngestConfig config = config(false);

    long started = System.nanoTime();
    KafkaTopicsException e =
        catchThrowableOfType(() -> KafkaTopics.ensure(config), KafkaTopicsException.class);
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertThat(e).isNotNull();
    assertThat(millis).as("fails fast").isLessThan(10_000);
    assertThat(e.reason()).isEqualTo(KafkaTopicsException.Reason.MISSING);
    assertThat(e.topics()).containsExactly("flights.deadletters");
    assertThat(e.getMessage())
        .contains("Kafka topic flights.deadletters does not exist on " + kafka.bootstrapServers())
        .contains("dead letters, source.kafka.deadLetterTopic")
        .contains("--create --topic flights.deadletters")
        .contains("source.kafka.createTopics: true")
        .contains("--no-dead-letter-topic");
    assertThat(topics()).doesNotContain("flights.deadletters");
    // Without the dead-letter topic in the job, nothing is missing.
    assertThat(KafkaTopics.ensure(config.withPublishDeadLetters(false))).isEmpty();

    // When the spec allows it, the start creates it instead.
    assertThat(KafkaTopics.ensure(config(true))).containsExactly("flights.deadletters");
    assertThat(topics()).contains("flights.deadletters");
    assertThat(KafkaTopics.ensure(config)).as("all there now").isEmpty();
  }
}
