package io.driftgate.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.wire.WireFormat;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

  static {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }

  @Test
  void producesGeneratedStreamAndConsumesItBack() throws Exception {
    Path dir;
    String bootstrap;
    long started = System.currentTimeMillis();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      assertThat(System.currentTimeMillis() - started).isLessThan(30_000);
      dir = kafka.dir();
      bootstrap = kafka.bootstrapServers();
      assertThat(Files.isDirectory(dir)).isTrue();
      kafka.createTopic("flights", 3);
      kafka.createTopic("flights", 3); // idempotent

      GeneratorConfig config =
          GeneratorConfig.builder()
              .seed(77)
              .count(10_000)
              .format(WireFormat.SINGLE_OBJECT)
              .startTimeMillis(1_420_070_400_000L) // 2015: far beyond any default retention
              .malformedFraction(0.02)
              .v1Fraction(0.1)
              .drift(DriftConfig.abrupt(6_000, 1.0, 1.0))
              .build();
      AtomicLong lastProgress = new AtomicLong();
      ProduceResult result =
          StreamProducer.produce(bootstrap, "flights", config, 0, (s, t, e) -> lastProgress.set(s));
      assertThat(result.total()).isEqualTo(10_000);
      assertThat(lastProgress.get()).isEqualTo(10_000);
      assertThat(result.valid() + result.malformed()).isEqualTo(10_000);
      assertThat(result.malformed()).isBetween(120L, 280L);
      assertThat(result.drifted()).isEqualTo(4_000);
      assertThat(result.endOffsets()).containsOnlyKeys(0, 1, 2);
      assertThat(result.endOffsets().values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(10_000);

      Map<String, GeneratedRecord> expected = new HashMap<>();
      Map<ErrorKind, Long> expectedKinds = new HashMap<>();
      new FlightStreamGenerator(config)
          .forEachRemaining(
              g -> {
                expected.put(g.eventId(), g);
                if (!g.valid()) {
                  expectedKinds.merge(g.expectedError(), 1L, Long::sum);
                }
              });
      assertThat(result.malformedByKind()).isEqualTo(expectedKinds);

      List<ConsumerRecord<byte[], byte[]>> consumed = consumeAll(bootstrap, "flights", 3, 10_000);
      assertThat(consumed).hasSize(10_000);
      Map<String, Integer> seen = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : consumed) {
        String id = new String(r.key(), StandardCharsets.UTF_8);
        GeneratedRecord g = expected.get(id);
        assertThat(g).as(id).isNotNull();
        assertThat(r.value()).isEqualTo(g.value());
        assertThat(r.timestamp()).isEqualTo(g.eventTimeMillis());
        seen.merge(id, 1, Integer::sum);
      }
      assertThat(seen).hasSize(10_000).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
      assertThat(
              Arrays.stream(new int[] {0, 1, 2})
                  .mapToLong(p -> consumed.stream().filter(r -> r.partition() == p).count()))
          .allMatch(n -> n > 1_000);

      assertThatThrownBy(
              () ->
                  StreamProducer.produce(
                      bootstrap, "nope", config.toBuilder().count(1).build(), 0, null))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("does not exist");
    }
    assertThat(Files.exists(dir)).isFalse();
    String[] hostPort = bootstrap.split(":");
    assertThatThrownBy(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 1_000);
              }
            })
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void rateLimitIsHonoured() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic("slow", 1);
      GeneratorConfig config = GeneratorConfig.builder().seed(1).count(300).build();
      ProduceResult r = StreamProducer.produce(kafka.bootstrapServers(), "slow", config, 500, null);
      assertThat(r.total()).isEqualTo(300);
      assertThat(r.elapsedMillis()).isGreaterThanOrEqualTo(550);
      assertThat(r.endOffsets()).containsEntry(0, 300L);
    }
  }

  @Test
  void saslPlainBrokerServesClientsWithTheLoginAndRejectsOthers() {
    EmbeddedKafka.PlainUser user = new EmbeddedKafka.PlainUser("driftgate", "s3cret");
    try (EmbeddedKafka kafka = EmbeddedKafka.startSaslPlain(user)) {
      kafka.createTopic("secured", 2);
      assertThat(kafka.clientProperties()).containsEntry("security.protocol", "SASL_PLAINTEXT");
      Map<String, Object> client = new HashMap<>(kafka.clientProperties());
      client.put("bootstrap.servers", kafka.bootstrapServers());
      GeneratorConfig config = GeneratorConfig.builder().seed(3).count(150).build();
      ProduceResult r = StreamProducer.produce(client, "secured", config, 0, null);
      assertThat(r.total()).isEqualTo(150);
      assertThat(endOffsets(client, "secured")).isEqualTo(150);

      // A wrong password is refused by the broker (fast: authentication fails, no timeout).
      Map<String, Object> wrong = new HashMap<>(client);
      wrong.putAll(new EmbeddedKafka.PlainUser("driftgate", "wrong").clientProperties());
      assertThatThrownBy(() -> endOffsets(wrong, "secured"))
          .hasMessageContaining("Authentication failed");
    }
  }

  @Test
  void persistentDirKeepsDataAcrossRestarts() throws Exception {
    Path dir = Files.createTempDirectory("driftgate-kafka-test-");
    try {
      GeneratorConfig config = GeneratorConfig.builder().seed(5).count(200).build();
      try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir, false)) {
        kafka.createTopic("kept", 2);
        StreamProducer.produce(kafka.bootstrapServers(), "kept", config, 0, null);
      }
      assertThat(Files.isDirectory(dir)).isTrue();
      try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir, false)) {
        assertThat(consumeAll(kafka.bootstrapServers(), "kept", 2, 200)).hasSize(200);
      }
    } finally {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  static List<ConsumerRecord<byte[], byte[]>> consumeAll(
      String bootstrap, String topic, int partitions, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      long deadline = System.currentTimeMillis() + 60_000;
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(500)).forEach(out::add);
      }
      // Nothing beyond the expected records.
      c.poll(Duration.ofMillis(300)).forEach(out::add);
    }
    return out;
  }

  /** Records in {@code topic}: the sum of its partitions' end offsets, read as a client would. */
  private static long endOffsets(Map<String, Object> client, String topic) {
    Map<String, Object> props = new HashMap<>(client);
    props.put(
        "key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
    props.put(
        "value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
    try (var consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(props)) {
      var partitions =
          consumer.partitionsFor(topic, java.time.Duration.ofSeconds(20)).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
              .toList();
      return consumer.endOffsets(partitions, java.time.Duration.ofSeconds(20)).values().stream()
          .mapToLong(Long::longValue)
          .sum();
    }
  }
}
