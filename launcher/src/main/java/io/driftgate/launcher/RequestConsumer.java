package io.driftgate.launcher;

import io.driftgate.core.run.RejectedRequest;
import io.driftgate.core.run.RejectedRequests;
import io.driftgate.schemas.RetrainRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link RetrainRequest}s (Avro single-object encoded, key = idempotency key) from the
 * requests topic in consumer group {@code driftgate-launcher-<model>} and hands them to a {@link
 * Launcher}. An offset is committed only after the launcher has persisted the run (or recognised a
 * duplicate), so a crash in between re-delivers the request and de-duplication absorbs it. A record
 * that is no request (undecodable bytes, a key that is not a key) is a dead letter: kept whole in
 * {@link RejectedRequests} (the state database) before its offset is committed, never only logged.
 */
public final class RequestConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RequestConsumer.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Launcher launcher;
  private final String topic;
  private final RejectedRequests rejected;
  private final Clock clock;

  public RequestConsumer(
      String bootstrapServers, String topic, Launcher launcher, RejectedRequests rejected) {
    this(bootstrapServers, Map.of(), topic, launcher, rejected);
  }

  /**
   * @param clientProperties extra consumer properties applied over the defaults, e.g. security
   *     settings ({@code source.kafka.properties} of the spec)
   */
  public RequestConsumer(
      String bootstrapServers,
      Map<String, String> clientProperties,
      String topic,
      Launcher launcher,
      RejectedRequests rejected) {
    this.launcher = launcher;
    this.topic = topic;
    this.rejected = java.util.Objects.requireNonNull(rejected, "rejected");
    this.clock = Clock.systemUTC();
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(launcher.model()));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
    // keys as bytes: a dead letter keeps the key exactly as it was read
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
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
    ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> rec : records) {
      RetrainRequest req;
      try {
        req = RetrainRequest.fromByteBuffer(ByteBuffer.wrap(rec.value()));
      } catch (Exception e) {
        reject(rec, RejectedRequest.Kind.UNDECODABLE, "not a RetrainRequest: " + e);
        commit.put(
            new TopicPartition(rec.topic(), rec.partition()),
            new OffsetAndMetadata(rec.offset() + 1));
        continue;
      }
      String keyProblem = io.driftgate.core.run.IdempotencyKey.problem(req.getIdempotencyKey());
      if (keyProblem != null) {
        // A key that is not a key: never let it name a run, a folder or an object.
        reject(
            rec,
            RejectedRequest.Kind.INVALID_KEY,
            "its idempotency key "
                + keyProblem
                + "; keys are 1-"
                + io.driftgate.core.run.IdempotencyKey.MAX_LENGTH
                + " letters, digits and . _ : @ / + = -");
        commit.put(
            new TopicPartition(rec.topic(), rec.partition()),
            new OffsetAndMetadata(rec.offset() + 1));
        continue;
      }
      String recordKey = rec.key() == null ? null : new String(rec.key(), StandardCharsets.UTF_8);
      if (recordKey != null && !recordKey.equals(req.getIdempotencyKey())) {
        LOG.warn(
            "record key {} differs from idempotency key {}; using the latter",
            recordKey,
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

  /**
   * Keeps a record that is no request as a dead letter before its offset may be committed; throws
   * (nothing committed, the record comes again) when it cannot be kept.
   */
  private void reject(ConsumerRecord<byte[], byte[]> rec, RejectedRequest.Kind kind, String why) {
    RejectedRequest r =
        new RejectedRequest(
            rec.topic(),
            rec.partition(),
            rec.offset(),
            launcher.model(),
            rec.key(),
            rec.value(),
            kind,
            why,
            Instant.ofEpochMilli(Math.max(0, rec.timestamp())),
            clock.instant());
    boolean now = rejected.record(r);
    if (now) {
      launcher
          .metrics()
          .requestRejected(
              kind == RejectedRequest.Kind.UNDECODABLE
                  ? LauncherMetrics.REJECTED_UNDECODABLE
                  : LauncherMetrics.REJECTED_INVALID_KEY);
      LOG.error(
          "rejected retrain request {} ({}): {}; kept with its bytes in the rejected requests",
          r.source(),
          kind,
          why);
    }
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
