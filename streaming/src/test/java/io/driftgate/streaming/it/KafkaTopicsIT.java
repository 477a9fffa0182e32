package io.driftgate.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeAudit;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DeadLetter;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.ingest.IngestOptions;
import io.driftgate.streaming.ingest.IngestPipeline;
import io.driftgate.streaming.ingest.KafkaOffsets;
import io.driftgate.streaming.ingest.KafkaTopicsException;
import io.driftgate.streaming.ingest.RunnerDefaults;
import io.driftgate.streaming.ingest.StopCondition;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.testkit.kafka.StreamProducer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.internals.Sender;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 13 item 5, on a real broker and Beam on local Flink: a missing dead-letter topic stops the
 * ingestion before it starts, naming the topic and the fix (it used to stall, one dead letter a
 * minute); with {@code source.kafka.createTopics: true} the missing topics are created and every
 * record is accounted for; a dead-letter topic that refuses writes fails the job with the reason,
 * and once it takes writes again a rerun accounts for every record.
 */
class KafkaTopicsIT {
  static final long RECORDS = 5_000;

  @TempDir Path work;

  IngestOptions options(String... extra) {
    String[] args = new String[extra.length + 1];
    args[0] = "--parallelism=2";
    System.arraycopy(extra, 0, args, 1, extra.length);
    return PipelineOptionsFactory.fromArgs(
            RunnerDefaults.withDefaults(IngestFixtures.spec("unused:0", work).lake(), args))
        .as(IngestOptions.class);
  }

  /**
   * The embedded cluster's restart strategy with the production kind (failure rate) but giving up
   * after one restart instead of three, 1 s apart: the test asserts that a fault that cannot heal
   * ends the job with its reason, not how many restarts the default allows (each restart here is a
   * task that waits up to the producer's delivery timeout, 30 s, for a batch the topic refuses).
   */
  Path failFastFlinkConf() throws Exception {
    Path dir = Files.createDirectories(work.resolve("flink-conf-fail-fast"));
    Files.writeString(
        dir.resolve("flink-conf.yaml"),
        String.join(
            "\n",
            "restart-strategy: failure-rate",
            "restart-strategy.failure-rate.max-failures-per-interval: 1",
            "restart-strategy.failure-rate.failure-rate-interval: 5 min",
            "restart-strategy.failure-rate.delay: 1 s",
            ""));
    return dir;
  }

  ProduceResult produce(EmbeddedKafka kafka, ModelSpec spec) {
    return StreamProducer.produce(
        kafka.bootstrapServers(),
        spec.source().kafka().topic(),
        IngestFixtures.generator(17, RECORDS, 0.02),
        0,
        null);
  }

  StopCondition caughtUp(EmbeddedKafka kafka, ModelSpec spec, ProduceResult produced) {
    return StopCondition.caughtUpWith(
        kafka.bootstrapServers(),
        spec.source().kafka().topic(),
        spec.source().kafka().consumerGroup(),
        produced::endOffsets);
  }

  static Set<String> topics(EmbeddedKafka kafka) throws Exception {
    try (Admin admin = admin(kafka)) {
      return admin.listTopics().names().get();
    }
  }

  static Admin admin(EmbeddedKafka kafka) {
    return Admin.create(
        Map.<String, Object>of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  @Test
  @Timeout(120) // before the check, the job started and stalled (60 s per dead letter)
  void aMissingDeadLetterTopicFailsFastNamingTheTopicAndTheFix() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ModelSpec spec =
          IngestFixtures.spec(kafka.bootstrapServers(), work.resolve("lake"))
              .withCreateTopics(false);
      kafka.createTopic(spec.source().kafka().topic(), 4);
      kafka.createTopic(spec.drift().reportsTopicOr(spec.source().kafka().topic()), 1);
      kafka.createTopic(spec.drift().requestsTopicOr(spec.model()), 1);
      ProduceResult produced = produce(kafka, spec);

      // the start check refuses before a job runs (a stalled job would hit the @Timeout); speed
      // itself is not asserted here (bench/ measures speed)
      KafkaTopicsException e =
          catchThrowableOfType(
              () ->
                  IngestPipeline.run(
                      options(), IngestConfig.of(spec), caughtUp(kafka, spec, produced)),
              KafkaTopicsException.class);

      assertThat(e).as("fails with KafkaTopicsException").isNotNull();
      assertThat(e.topics()).containsExactly("flights.deadletters");
      assertThat(e.getMessage())
          .contains("flights.deadletters does not exist")
          .contains("source.kafka.deadLetterTopic")
          .contains("kafka-topics.sh --bootstrap-server " + kafka.bootstrapServers())
          .contains("source.kafka.createTopics: true");
      // The job never started: nothing consumed, nothing created.
      assertThat(
              KafkaOffsets.positions(
                      kafka.bootstrapServers(),
                      spec.source().kafka().topic(),
                      spec.source().kafka().consumerGroup())
                  .committed())
          .isEmpty();
      assertThat(topics(kafka)).doesNotContain("flights.deadletters");
    }
  }

  @Test
  @Timeout(480)
  void missingTopicsAreCreatedWhenTheSpecAllowsAndEveryRecordIsAccountedFor() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ModelSpec spec =
          IngestFixtures.spec(kafka.bootstrapServers(), work.resolve("lake"))
              .withCreateTopics(true);
      String topic = spec.source().kafka().topic();
      // Only the input topic exists, as after `driftgate kafka --topic flights:4`.
      kafka.createTopic(topic, 4);
      ProduceResult produced = produce(kafka, spec);

      IngestPipeline.run(options(), IngestConfig.of(spec), caughtUp(kafka, spec, produced));

      assertThat(topics(kafka))
          .contains(
              "flights.deadletters", "flights.drift-reports", "flight-delay.retrain-requests");
      try (Lake lake = Lake.open(spec)) {
        assertThat(lake.rows() + lake.deadLetters()).isEqualTo(produced.total());
        assertThat(lake.deadLetters())
            .isEqualTo(produced.malformedByKind().values().stream().mapToLong(v -> v).sum());
        LakeAudit audit = LakeAudit.of(lake, topic);
        assertThat(audit.duplicatePositions()).isZero();
        assertThat(audit.consistent()).isTrue();
        // Every dead letter also reached the created topic.
        Set<String> published = new HashSet<>();
        for (byte[] v :
            IngestFixtures.topicValues(
                    kafka.bootstrapServers(), "flights.deadletters", lake.deadLetters())
                .values()) {
          DeadLetter dl = DeadLetter.fromByteBuffer(ByteBuffer.wrap(v));
          published.add(dl.getSourcePartition() + "@" + dl.getSourceOffset());
        }
        Set<String> stored = new HashSet<>();
        IngestFixtures.deadLetters(lake)
            .forEach(
                d ->
                    stored.add(d.getField("source_partition") + "@" + d.getField("source_offset")));
        assertThat(published).isEqualTo(stored);
      }
    }
  }

  @Test
  @Timeout(480) // KafkaIO's writer failed each bundle and Flink restarted the job forever
  void aDeadLetterTopicThatRefusesWritesFailsTheJobVisiblyAndLosesNothing() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ModelSpec spec =
          IngestFixtures.spec(kafka.bootstrapServers(), work.resolve("lake"))
              .withCreateTopics(false);
      String topic = spec.source().kafka().topic();
      kafka.createTopicsFor(spec, 4);
      // The topic exists (the start check passes) but takes no record: every write fails.
      setMaxMessageBytes(kafka, "flights.deadletters", "64");
      ProduceResult produced = produce(kafka, spec);

      IngestOptions failFast = options("--flinkConfDir=" + failFastFlinkConf());
      // The producer logs a WARN per refused batch, tens of thousands while a task waits for its
      // delivery timeout (a 13 MB test report); PublishToKafka's ERROR still names the cause.
      Logger sender = (Logger) LoggerFactory.getLogger(Sender.class);
      Level senderLevel = sender.getLevel();
      sender.setLevel(Level.ERROR);
      Throwable failure;
      try {
        failure =
            catchThrowable(
                () ->
                    IngestPipeline.run(
                        failFast, IngestConfig.of(spec), caughtUp(kafka, spec, produced)));
      } finally {
        sender.setLevel(senderLevel);
      }
      assertThat(failure)
          .as("the job fails instead of throttling")
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot write dead letters to Kafka topic flights.deadletters")
          .hasMessageContaining("max.message.bytes");

      // Once the topic takes writes, a rerun resumes and accounts for every record exactly once.
      setMaxMessageBytes(kafka, "flights.deadletters", "1048588");
      IngestPipeline.run(options(), IngestConfig.of(spec), caughtUp(kafka, spec, produced));
      try (Lake lake = Lake.open(spec)) {
        assertThat(lake.rows() + lake.deadLetters()).isEqualTo(produced.total());
        LakeAudit audit = LakeAudit.of(lake, topic);
        assertThat(audit.duplicatePositions()).isZero();
        assertThat(audit.consistent()).isTrue();
      }
    }
  }

  static void setMaxMessageBytes(EmbeddedKafka kafka, String topic, String bytes) throws Exception {
    try (Admin admin = admin(kafka)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin
          .incrementalAlterConfigs(
              Map.of(
                  resource,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("max.message.bytes", bytes), AlterConfigOp.OpType.SET))))
          .all()
          .get();
    }
  }
}
