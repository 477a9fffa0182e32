package io.driftgate.streaming.ingest;

import io.driftgate.core.spec.ModelSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads raw Kafka records with KafkaIO and hands them on as {@link SourceRecord}s. Starts from the
 * consumer group's committed offsets (which the lake committer moves only over durable output),
 * else from the earliest offset. KafkaIO itself commits nothing.
 *
 * <p>Element timestamps and the watermark are the spec's event time ({@code eventTime.field}), the
 * clock the lake partitions by, never the Kafka record timestamp (see {@link EventTimePolicy}); the
 * records keep their Kafka timestamp as {@link SourceRecord#timestampMillis()}.
 */
public final class ReadSourceRecords extends PTransform<PBegin, PCollection<SourceRecord>> {
  private final String bootstrapServers;
  private final String topic;
  private final String consumerGroup;
  private final Map<String, String> kafkaProperties;
  private final ModelSpec spec;
  private final long maxRecords;

  private ReadSourceRecords(Builder b) {
    this.bootstrapServers = Objects.requireNonNull(b.bootstrapServers, "setBootstrapServers");
    this.topic = Objects.requireNonNull(b.topic, "setTopic");
    this.consumerGroup = Objects.requireNonNull(b.consumerGroup, "setConsumerGroup");
    this.kafkaProperties = b.kafkaProperties;
    this.spec = Objects.requireNonNull(b.spec, "setModelSpec");
    this.maxRecords = b.maxRecords;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code set*} required, {@code opt*} optional. */
  public static final class Builder {
    private String bootstrapServers;
    private String topic;
    private String consumerGroup;
    private Map<String, String> kafkaProperties = Map.of();
    private ModelSpec spec;
    private long maxRecords = -1;

    public Builder setBootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    public Builder setTopic(String topic) {
      this.topic = topic;
      return this;
    }

    public Builder setConsumerGroup(String consumerGroup) {
      this.consumerGroup = consumerGroup;
      return this;
    }

    /** The spec whose {@code eventTime.field} (and validation rules) give each record its time. */
    public Builder setModelSpec(ModelSpec spec) {
      this.spec = spec;
      return this;
    }

    /** Stops after this many records: a bounded read, for tests and one-off tools. */
    public Builder optMaxRecords(long maxRecords) {
      this.maxRecords = maxRecords;
      return this;
    }

    /** Extra consumer properties ({@code source.kafka.properties}, e.g. security settings). */
    public Builder optKafkaProperties(Map<String, String> kafkaProperties) {
      this.kafkaProperties = Map.copyOf(kafkaProperties);
      return this;
    }

    public ReadSourceRecords build() {
      return new ReadSourceRecords(this);
    }
  }

  @Override
  public PCollection<SourceRecord> expand(PBegin input) {
    Map<String, Object> consumer = new HashMap<>();
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, consumerGroup);
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    consumer.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
    consumer.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    // After the defaults above, so that a spec may tune them; the keys set here that driftgate
    // owns (group, auto commit, offset reset) cannot appear in it.
    consumer.putAll(kafkaProperties);
    KafkaIO.Read<byte[], byte[]> read =
        KafkaIO.<byte[], byte[]>read()
            .withBootstrapServers(bootstrapServers)
            .withTopic(topic)
            .withKeyDeserializer(ByteArrayDeserializer.class)
            .withValueDeserializer(ByteArrayDeserializer.class)
            .withConsumerConfigUpdates(consumer)
            // The spec's event time, as the lake has it, drives the drift windows and watermark.
            .withTimestampPolicyFactory(
                EventTimePolicy.factory(
                    spec, EventTimePolicy.MAX_DELAY, EventTimePolicy.IDLE_TIMEOUT));
    if (maxRecords >= 0) {
      read = read.withMaxNumRecords(maxRecords);
    }
    return input
        .apply("KafkaIO", read)
        .apply("ToSourceRecord", MapElements.via(new ToSourceRecord()))
        .setCoder(SourceRecord.SourceRecordCoder.of());
  }

  static final class ToSourceRecord
      extends SimpleFunction<KafkaRecord<byte[], byte[]>, SourceRecord> {
    @Override
    public SourceRecord apply(KafkaRecord<byte[], byte[]> r) {
      return new SourceRecord(
          r.getTopic(),
          r.getPartition(),
          r.getOffset(),
          r.getTimestamp(),
          r.getKV().getKey(),
          r.getKV().getValue());
    }
  }
}
