package io.driftgate.streaming.it;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Shared helpers for the end-to-end tests. */
final class IngestFixtures {
  static final Path EXAMPLE_SPEC = Path.of("../examples/flight-delay/driftgate.yaml");
  static final long START = 1767571200000L; // 2026-01-05T00:00Z

  private IngestFixtures() {}

  static ModelSpec spec(String bootstrapServers, Path lake) {
    return SpecLoader.load(EXAMPLE_SPEC).withBootstrapServers(bootstrapServers).withLakePath(lake);
  }

  static GeneratorConfig generator(long seed, long count, double malformed) {
    return GeneratorConfig.builder()
        .seed(seed)
        .count(count)
        .startTimeMillis(START)
        .eventSpacingMillis(1000)
        .malformedFraction(malformed)
        .v1Fraction(0.05)
        .build();
  }

  /** Every committed lake row, read back through an Iceberg scan of the current snapshot. */
  static List<Record> lakeRows(Lake lake) {
    List<Record> rows = new ArrayList<>();
    lake.scanAll(r -> rows.add(r.copy()));
    return rows;
  }

  static List<Record> deadLetters(Lake lake) {
    List<Record> rows = new ArrayList<>();
    lake.scanDeadLetters(r -> rows.add(r.copy()));
    return rows;
  }

  /** All values of a topic by "partition@offset", read with a plain consumer. */
  static Map<String, byte[]> topicValues(String bootstrapServers, String topic, long expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, byte[]> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      long deadline = System.currentTimeMillis() + 60_000;
      // Read at least `expected` records, then until the topic has nothing more.
      while (System.currentTimeMillis() < deadline) {
        var records = c.poll(Duration.ofMillis(500));
        if (records.isEmpty() && out.size() >= expected) {
          break;
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          out.put(r.partition() + "@" + r.offset(), r.value());
        }
      }
    }
    return out;
  }
}
