package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.FileRunStore;
import io.driftgate.core.run.LauncherConfig;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.streaming.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestConsumerTest {
  @TempDir Path dir;
  static final String TOPIC = "flight-delay.retrain-requests";

  /** Records every tuning call; never finishes a study, so runs stay in flight. */
  static final TuningStep HOLD =
      (run, attempt) -> {
        Thread.sleep(60_000);
        return null;
      };

  @Test
  void duplicatesStartOneRunAndOffsetsAreCommittedAfterPersistence() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(TOPIC, 1);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
        // ".." and "a b" are not keys: refused (never a run, a folder or an object), offsets move.
        for (String key : List.of("k-1", "..", "k-1", "a b", "k-2")) {
          RetrainRequest r = request(key);
          byte[] bytes = r.toByteBuffer().array();
          producer.send(new ProducerRecord<>(TOPIC, key, bytes)).get();
        }
      }
      LauncherConfig config = LauncherConfig.defaults();
      FileRunStore store = new FileRunStore(dir);
      try (Launcher l =
              Fixtures.launcher(store, new LocalBackend(HOLD, (r, m) -> null, 2), config, 5);
          RequestConsumer consumer = new RequestConsumer(kafka.bootstrapServers(), TOPIC, l)) {
        l.start();
        assertThat(consumer.drain(Duration.ofSeconds(30))).isEqualTo(5);
        assertThat(l.runs()).extracting(RetrainRun::key).containsExactly("k-1", "k-2");
        assertThat(store.list()).extracting(RetrainRun::key).containsExactly("k-1", "k-2");
        assertThat(committed(kafka)).isEqualTo(5L);
      }
      // a restarted launcher with a new consumer sees nothing new and starts nothing twice
      try (Launcher l =
              Fixtures.launcher(store, new LocalBackend(HOLD, (r, m) -> null, 2), config, 5);
          RequestConsumer consumer = new RequestConsumer(kafka.bootstrapServers(), TOPIC, l)) {
        l.start();
        assertThat(consumer.drain(Duration.ofSeconds(10))).isZero();
        assertThat(l.accept(request("k-2"))).isFalse();
        assertThat(store.list()).hasSize(2);
      }
    }
  }

  static long committed(EmbeddedKafka kafka) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> m =
          admin
              .listConsumerGroupOffsets(RequestConsumer.groupId(Fixtures.MODEL))
              .partitionsToOffsetAndMetadata()
              .get();
      return m.get(new TopicPartition(TOPIC, 0)).offset();
    }
  }
}
