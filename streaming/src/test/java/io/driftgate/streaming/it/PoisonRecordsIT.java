package io.driftgate.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeAudit;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.testing.FlightEvents;
import io.driftgate.core.wire.RecordEncoders;
import io.driftgate.testkit.generate.FlightSchemas;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.testkit.kafka.StreamProducer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison records of every kind the validation rules added (a label outside {0, 1}, a null label
 * under {@code onNull: reject}, an event time in year 9999 and one older than {@code maxAge}, an
 * empty id, a 300-character id, a record over {@code maxRecordBytes}, bytes without the encoding's
 * header), mixed into a running stream: each becomes a dead letter of its kind with its original
 * bytes, the valid records reach the lake, and ingestion still stops once caught up (the year-9999
 * event time holds no window open).
 */
class PoisonRecordsIT {
  @TempDir Path work;

  static GenericData.Record valid(String id) {
    return FlightEvents.valid(FlightSchemas.v2(), id, IngestFixtures.START + 3_600_000L);
  }

  static byte[] encode(GenericData.Record r) {
    return RecordEncoders.singleObject(FlightSchemas.v2()).encode(r);
  }

  @Test
  void everyPoisonKindIsADeadLetterInARunningStream() throws Exception {
    Path example = IngestFixtures.EXAMPLE_SPEC.toAbsolutePath().normalize();
    String yaml =
        IngestFixtures.exampleYaml()
            .replace("onNull: keep", "onNull: reject")
            .replace("# maxAge: 30d", "maxAge: 3650d")
            .replaceFirst("maxRecordBytes: \\d+", "maxRecordBytes: 4096");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ModelSpec spec =
          SpecLoader.parse(yaml, example.getParent())
              .withBootstrapServers(kafka.bootstrapServers())
              .withLakePath(work.resolve("lake"));
      String topic = spec.source().kafka().topic();
      kafka.createTopicsFor(spec, 2);
      ProduceResult stream =
          StreamProducer.produce(
              kafka.bootstrapServers(), topic, IngestFixtures.generator(5, 5_000, 0.0), 0, null);

      Map<String, List<byte[]>> poison = new TreeMap<>();
      GenericData.Record label = valid("p-label");
      label.put("delayed", 7);
      poison.put("INVALID_LABEL", List.of(encode(label)));
      GenericData.Record noLabel = valid("p-nolabel");
      noLabel.put("delayed", null);
      poison.put("MISSING_LABEL", List.of(encode(noLabel)));
      GenericData.Record future = valid("p-future");
      future.put("event_time", Instant.parse("9999-01-01T00:00:00Z").toEpochMilli());
      poison.put("EVENT_TIME_IN_FUTURE", List.of(encode(future)));
      GenericData.Record old = valid("p-old");
      old.put("event_time", Instant.parse("1990-01-01T00:00:00Z").toEpochMilli());
      poison.put("EVENT_TIME_TOO_OLD", List.of(encode(old)));
      poison.put("EMPTY_ID", List.of(encode(valid(""))));
      poison.put("TOO_LONG", List.of(encode(valid("x".repeat(300)))));
      GenericData.Record big = valid("p-big");
      big.put("carrier", "C".repeat(5_000));
      poison.put("RECORD_TOO_LARGE", List.of(encode(big)));
      poison.put("BAD_HEADER", List.of(new byte[] {1, 2, 3}));

      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      List<byte[]> sent = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        for (List<byte[]> values : poison.values()) {
          for (byte[] v : values) {
            producer.send(new ProducerRecord<>(topic, v)).get();
            sent.add(v);
          }
        }
      }
      Map<Integer, Long> ends = new TreeMap<>();
      try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> c =
          new org.apache.kafka.clients.consumer.KafkaConsumer<>(
              Map.of("bootstrap.servers", kafka.bootstrapServers()),
              new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
              new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
        List<org.apache.kafka.common.TopicPartition> tps =
            c.partitionsFor(topic).stream()
                .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition()))
                .toList();
        c.endOffsets(tps).forEach((tp, off) -> ends.put(tp.partition(), off));
      }
      long produced = stream.total() + sent.size();

      IngestFixtures.ingestUntilCaughtUp(spec, kafka.bootstrapServers(), () -> ends, false);

      try (Lake lake = Lake.open(spec)) {
        assertThat(lake.rows() + lake.deadLetters()).isEqualTo(produced);
        assertThat(lake.rows()).isEqualTo(stream.total());
        Map<String, Long> expected = new TreeMap<>();
        poison.forEach((kind, values) -> expected.put(kind, (long) values.size()));
        assertThat(lake.deadLettersByKind()).isEqualTo(expected);
        assertThat(LakeAudit.of(lake, topic).duplicatePositions()).isZero();
        // Each keeps its original bytes.
        List<byte[]> kept = new ArrayList<>();
        for (var d : IngestFixtures.deadLetters(lake)) {
          java.nio.ByteBuffer b = (java.nio.ByteBuffer) d.getField("original_bytes");
          byte[] bytes = new byte[b.remaining()];
          b.duplicate().get(bytes);
          kept.add(bytes);
          assertThat(d.getField("message").toString()).isNotBlank();
        }
        assertThat(kept)
            .usingElementComparator(java.util.Arrays::compare)
            .containsExactlyInAnyOrderElementsOf(sent);
      }
    }
  }
}
