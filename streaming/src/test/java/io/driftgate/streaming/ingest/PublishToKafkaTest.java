package io.driftgate.streaming.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.driftgate.testkit.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Issue 13 item 5: an output topic that cannot be written fails the pipeline with a {@link
 * KafkaSinkException} naming the topic, within {@code max.block.ms} (10 s), instead of waiting 60 s
 * per record with only WARN lines.
 */
@RunWith(JUnit4.class)
public class PublishToKafkaTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  static EmbeddedKafka kafka;

  @BeforeClass
  public static void start() {
    kafka = EmbeddedKafka.start();
  }

  @AfterClass
  public static void stop() {
    kafka.close();
  }

  static List<KV<String, byte[]>> records(int n) {
    List<KV<String, byte[]>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(KV.of("k" + i, ("dead letter " + i).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  PublishToKafka<String, byte[]> sink(String topic) {
    return PublishToKafka.<String, byte[]>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setTopic(topic)
        .setRole("dead letters", "source.kafka.deadLetterTopic")
        .setSerializers(StringSerializer.class, ByteArraySerializer.class)
        .build();
  }

  @Test
  public void aMissingTopicFailsThePipelineWithinTheBlockTimeNamingTheTopic() {
    pipeline
        .apply(
            Create.of(records(5)).withCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of())))
        .apply(sink("nowhere.deadletters"));
    long started = System.nanoTime();
    Throwable failure = catchThrowable(() -> pipeline.run().waitUntilFinish());
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertThat(failure).isNotNull();
    KafkaSinkException sink = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof KafkaSinkException k) {
        sink = k;
      }
    }
    assertThat(sink).as("cause chain of %s", failure).isNotNull();
    assertThat(sink.topic()).isEqualTo("nowhere.deadletters");
    assertThat(sink.getMessage())
        .contains("cannot write dead letters to Kafka topic nowhere.deadletters")
        .contains("source.kafka.deadLetterTopic")
        .contains("source.kafka.createTopics: true");
    // One max.block.ms (10 s) and the pipeline's own start and stop, not 60 s per record.
    assertThat(millis).isLessThan(30_000);
  }

  @Test
  public void aRecordTheTopicRefusesFailsThePipeline() throws Exception {
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("tiny.deadletters", 1, (short) 1)
                      .configs(Map.of("max.message.bytes", "64"))))
          .all()
          .get();
    }
    pipeline
        .apply(
            Create.of(records(3)).withCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of())))
        .apply(sink("tiny.deadletters"));
    Throwable failure = catchThrowable(() -> pipeline.run().waitUntilFinish());
    assertThat(failure).hasStackTraceContaining("cannot write dead letters to Kafka topic");
    assertThat(failure).hasStackTraceContaining("max.message.bytes");
  }

  @Test
  public void everyRecordReachesAnExistingTopic() throws Exception {
    kafka.createTopic("fine.deadletters", 2);
    pipeline
        .apply(
            Create.of(records(200))
                .withCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of())))
        .apply(sink("fine.deadletters"));
    pipeline.run().waitUntilFinish();

    Set<String> keys = new HashSet<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> tps =
          List.of(
              new TopicPartition("fine.deadletters", 0), new TopicPartition("fine.deadletters", 1));
      c.assign(tps);
      c.seekToBeginning(tps);
      long deadline = System.currentTimeMillis() + 30_000;
      while (keys.size() < 200 && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          keys.add(r.key());
        }
      }
    }
    assertThat(keys).hasSize(200);
  }

  @Test
  public void recordsShareRequestsInBatchesTheTopicAccepts() throws Exception {
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("small.limit", 1, (short) 1)
                      .configs(Map.of("max.message.bytes", "4000"))))
          .all()
          .get();
    }
    kafka.createTopic("default.limit", 1);
    PublishToKafka<String, byte[]> sink = sink("default.limit");

    // A topic with the broker's limit: the client's batch size and a linger.
    assertThat(
            PublishToKafka.withBatching(sink.producerConfig(), sink.adminConfig(), "default.limit"))
        .containsEntry("batch.size", PublishToKafka.DEFAULT_BATCH_BYTES)
        .containsEntry("linger.ms", PublishToKafka.LINGER_MS);
    // A smaller limit: no batch larger than the topic takes (the producer would split a refused
    // batch into batches of batch.size again until its delivery timeout).
    assertThat(
            PublishToKafka.withBatching(sink.producerConfig(), sink.adminConfig(), "small.limit"))
        .containsEntry("batch.size", 4000)
        .containsEntry("linger.ms", PublishToKafka.LINGER_MS);
    // A limit that cannot be read: one record per request, as the client does by default.
    assertThat(PublishToKafka.withBatching(sink.producerConfig(), sink.adminConfig(), "no.such"))
        .doesNotContainKeys("batch.size", "linger.ms");
    // The spec's own settings win.
    Map<String, Object> tuned = new java.util.HashMap<>(sink.producerConfig());
    tuned.put("linger.ms", "0");
    assertThat(PublishToKafka.withBatching(tuned, sink.adminConfig(), "default.limit"))
        .isEqualTo(tuned);
  }

  static Admin admin() {
    return Admin.create(
        Map.<String, Object>of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }
}
