package io.driftgate.launcher;

import io.driftgate.schemas.RetrainRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link RetrainRequest}s (Avro single-object encoded, key = idempotency key) from the
 * requests topic in consumer group {@code driftgate-launcher-<model>} and hands them to a {@link
 * Launcher}. An offset is committed only after the launcher has persisted the run (or recognised a
 * duplicate), so a crash in between re-delivers the request and de-duplication absorbs it.
 */
public final class RequestConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RequestConsumer.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Launcher launcher;
  private final String topic;

  public RequestConsumer(String bootstrapServers, String topic, Launcher launcher) {
    this(bootstrapServers, Map.of(), topic, launcher);
  }

  /**
   * @param clientProperties extra consumer properties applied over the defaults, e.g. security
   *     settings ({@code source.kafka.properties} of the spec)
   */
  public RequestConsumer(
      String bootstrapServers,
      Map<String, String> clientProperties,
      String topic,
      Launcher launcher) {
    this.launcher = launcher;
    this.topic = topic;
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(launcher.model()));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.putAll(clientProperties);
    this.consumer = new KafkaConsumer<>(p);
    consumer.subscribe(java.util.List.of(topic));
  }

  public static String groupId(String model) {
    return "driftgate-launcher-" + model;
  }

  /**
   * Polls once and handles what came.
   *
   * @return records handled
   */
  public int pollOnce(Duration timeout) {
    ConsumerRecords<String, byte[]> records = consumer.poll(timeout);
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (ConsumerRecord<String, byte[]> rec : records) {
      RetrainRequest req;
      try {
        req = RetrainRequest.fromByteBuffer(ByteBuffer.wrap(rec.value()));
      } catch (Exception e) {
        LOG.error(
            "skipping undecodable record {}-{}@{}: {}",
            rec.topic(),
            rec.partition(),
            rec.offset(),
            e.toString());
        commit.put(
            new TopicPartition(rec.topic(), rec.partition()),
            new OffsetAndMetadata(rec.offset() + 1));
        continue;
      }
      String keyProblem = io.driftgate.core.run.IdempotencyKey.problem(req.getIdempotencyKey());
      if (keyProblem != null) {
        // A key that is not a key: never let it name a run, a folder or an object.
        LOG.error(
            "refusing retrain request {}-{}@{}: its idempotency key {}; keys are 1-{} letters,"
                + " digits and . _ : @ / + = -",
            rec.topic(),
            rec.partition(),
            rec.offset(),
            keyProblem,
            io.driftgate.core.run.IdempotencyKey.MAX_LENGTH);
        commit.put(
            new TopicPartition(rec.topic(), rec.partition()),
            new OffsetAndMetadata(rec.offset() + 1));
        continue;
      }
      if (rec.key() != null && !rec.key().equals(req.getIdempotencyKey())) {
        LOG.warn(
            "record key {} differs from idempotency key {}; using the latter",
            rec.key(),
            req.getIdempotencyKey());
      }
      launcher.accept(req); // returns after the run is persisted
      commit.put(
          new TopicPartition(rec.topic(), rec.partition()),
          new OffsetAndMetadata(rec.offset() + 1));
    }
    if (!commit.isEmpty()) {
      consumer.commitSync(commit);
    }
    return records.count();
  }

  /** Whether every assigned partition has been read to its end (false before assignment). */
  public boolean caughtUp() {
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      return false;
    }
    Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
    for (TopicPartition tp : assigned) {
      if (consumer.position(tp) < ends.get(tp)) {
        return false;
      }
    }
    return true;
  }

  /** Polls until everything on the topic now has been handled. */
  public int drain(Duration maxWait) {
    long end = System.nanoTime() + maxWait.toNanos();
    int n = 0;
    do {
      n += pollOnce(Duration.ofMillis(200));
    } while (!caughtUp() && System.nanoTime() < end);
    return n;
  }

  public String topic() {
    return topic;
  }

  /** Interrupts a blocking poll from another thread (Ctrl-C). */
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
