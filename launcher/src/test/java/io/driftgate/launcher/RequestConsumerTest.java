package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.driftgate.core.run.JdbcRejectedRequests;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RejectedRequest;
import io.driftgate.core.run.RejectedRequests;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.state.StateStoreException;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
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
      JdbcRunStore store = Fixtures.store(dir);
      try (Launcher l =
              Fixtures.launcher(
                  store, new LocalBackend(HOLD, (r, m, claim) -> null, 2), config, 5);
          RequestConsumer consumer =
              new RequestConsumer(kafka.bootstrapServers(), TOPIC, l, rejected(store))) {
        l.start();
        assertThat(consumer.drain(Duration.ofSeconds(30))).isEqualTo(5);
        assertThat(l.runs()).extracting(RetrainRun::key).containsExactly("k-1", "k-2");
        assertThat(store.list()).extracting(RetrainRun::key).containsExactly("k-1", "k-2");
        assertThat(committed(kafka)).isEqualTo(5L);
      }
      // a restarted launcher with a new consumer sees nothing new and starts nothing twice
      try (Launcher l =
              Fixtures.launcher(
                  store, new LocalBackend(HOLD, (r, m, claim) -> null, 2), config, 5);
          RequestConsumer consumer =
              new RequestConsumer(kafka.bootstrapServers(), TOPIC, l, rejected(store))) {
        l.start();
        assertThat(consumer.drain(Duration.ofSeconds(10))).isZero();
        assertThat(l.accept(request("k-2"))).isFalse();
        assertThat(store.list()).hasSize(2);
      }
    }
  }

  static RejectedRequests rejected(JdbcRunStore store) {
    return new JdbcRejectedRequests(store.database());
  }

  @Test
  void recordsThatAreNoRequestsAreDeadLetteredWithTheirBytesBeforeTheirOffsetMoves()
      throws Exception {
    byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
    byte[] badKey = request("a b").toByteBuffer().array();
    byte[] good = request("k-1").toByteBuffer().array();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(TOPIC, 1);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(TOPIC, new byte[] {(byte) 0xff, 1}, garbage)).get();
        producer.send(new ProducerRecord<>(TOPIC, null, badKey)).get();
        producer
            .send(new ProducerRecord<>(TOPIC, "k-1".getBytes(StandardCharsets.UTF_8), good))
            .get();
      }
      JdbcRunStore store = Fixtures.store(dir);
      RejectedRequests log = rejected(store);
      // the state database refuses the first dead letter: nothing may be committed past it
      AtomicInteger refusals = new AtomicInteger(1);
      RejectedRequests flaky =
          new RejectedRequests() {
            @Override
            public boolean record(RejectedRequest r) {
              if (refusals.getAndDecrement() > 0) {
                throw new StateStoreException("state database unavailable (test)", null);
              }
              return log.record(r);
            }

            @Override
            public List<RejectedRequest> list(String model) {
              return log.list(model);
            }
          };
      LauncherConfig config = LauncherConfig.defaults();
      try (Launcher l =
              Fixtures.launcher(
                  store, new LocalBackend(HOLD, (r, m, claim) -> null, 2), config, 5);
          RequestConsumer consumer =
              new RequestConsumer(kafka.bootstrapServers(), TOPIC, l, flaky)) {
        l.start();
        assertThatThrownBy(() -> consumer.drain(Duration.ofSeconds(30)))
            .isInstanceOf(StateStoreException.class);
        assertThat(log.list(Fixtures.MODEL)).isEmpty();
      }
      try (Launcher l =
              Fixtures.launcher(
                  store, new LocalBackend(HOLD, (r, m, claim) -> null, 2), config, 5);
          RequestConsumer consumer =
              new RequestConsumer(kafka.bootstrapServers(), TOPIC, l, flaky)) {
        l.start();
        assertThat(consumer.drain(Duration.ofSeconds(30))).isEqualTo(3); // all came again
        assertThat(committed(kafka)).isEqualTo(3L);
        assertThat(l.runs()).extracting(RetrainRun::key).containsExactly("k-1");
      }
      List<RejectedRequest> kept = log.list(Fixtures.MODEL);
      assertThat(kept)
          .extracting(RejectedRequest::offset, RejectedRequest::kind)
          .containsExactly(
              tuple(0L, RejectedRequest.Kind.UNDECODABLE),
              tuple(1L, RejectedRequest.Kind.INVALID_KEY));
      assertThat(kept.get(0).originalBytes()).isEqualTo(garbage);
      assertThat(kept.get(0).originalKey()).isEqualTo(new byte[] {(byte) 0xff, 1});
      assertThat(kept.get(0).topic()).isEqualTo(TOPIC);
      assertThat(kept.get(0).message()).startsWith("not a RetrainRequest");
      assertThat(kept.get(1).originalBytes()).isEqualTo(badKey);
      assertThat(kept.get(1).originalKey()).isNull();
      assertThat(kept.get(1).message()).contains("idempotency key");
      // a re-delivered record is not kept twice
      assertThat(log.record(kept.get(0))).isFalse();
      assertThat(log.list(Fixtures.MODEL)).hasSize(2);
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
