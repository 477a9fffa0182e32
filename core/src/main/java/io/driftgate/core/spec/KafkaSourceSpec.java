package io.driftgate.core.spec;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where the raw records come from ({@code source.kafka}).
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. {@code localhost:9092}
 * @param topic topic carrying the Avro-encoded events
 * @param consumerGroup consumer group of the ingest pipeline (default {@code
 *     driftgate-ingest-<model>})
 * @param deadLetterTopic topic receiving rejected records (default {@code <topic>.deadletters})
 * @param properties extra Kafka client properties (security settings, timeouts) applied to every
 *     consumer, producer and admin client driftgate creates for this spec; never one of {@link
 *     #DRIFTGATE_OWNED_PROPERTIES}
 * @param createTopics whether the ingestion job creates a topic it reads or writes that does not
 *     exist (with the broker's default partitions and replication); otherwise a missing topic stops
 *     it before it starts. Off by default: in production, topics are provisioned (Terraform)
 */
public record KafkaSourceSpec(
    String bootstrapServers,
    String topic,
    String consumerGroup,
    String deadLetterTopic,
    Map<String, String> properties,
    boolean createTopics)
    implements Serializable {

  /**
   * Client properties driftgate sets itself: the address and group come from their own spec keys,
   * the (de)serializers are fixed by the wire format, and offsets must only move after a durable
   * lake commit (no auto-commit) and start at the earliest record (no silently skipped data).
   */
  public static final List<String> DRIFTGATE_OWNED_PROPERTIES =
      List.of(
          "bootstrap.servers",
          "group.id",
          "key.deserializer",
          "value.deserializer",
          "key.serializer",
          "value.serializer",
          "enable.auto.commit",
          "auto.offset.reset");

  public KafkaSourceSpec {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(consumerGroup, "consumerGroup");
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    properties =
        Collections.unmodifiableMap(new TreeMap<>(properties == null ? Map.of() : properties));
    for (String owned : DRIFTGATE_OWNED_PROPERTIES) {
      if (properties.containsKey(owned)) {
        throw new IllegalArgumentException(
            "source.kafka.properties must not set " + owned + "; driftgate sets it itself");
      }
    }
  }

  /** Without extra client properties (a plaintext broker); topics are not created. */
  public KafkaSourceSpec(
      String bootstrapServers, String topic, String consumerGroup, String deadLetterTopic) {
    this(bootstrapServers, topic, consumerGroup, deadLetterTopic, Map.of());
  }

  /** Topics are not created ({@code createTopics: false}). */
  public KafkaSourceSpec(
      String bootstrapServers,
      String topic,
      String consumerGroup,
      String deadLetterTopic,
      Map<String, String> properties) {
    this(bootstrapServers, topic, consumerGroup, deadLetterTopic, properties, false);
  }

  public KafkaSourceSpec withBootstrapServers(String servers) {
    return new KafkaSourceSpec(
        servers, topic, consumerGroup, deadLetterTopic, properties, createTopics);
  }

  public KafkaSourceSpec withProperties(Map<String, String> clientProperties) {
    return new KafkaSourceSpec(
        bootstrapServers, topic, consumerGroup, deadLetterTopic, clientProperties, createTopics);
  }

  public KafkaSourceSpec withCreateTopics(boolean create) {
    return new KafkaSourceSpec(
        bootstrapServers, topic, consumerGroup, deadLetterTopic, properties, create);
  }

  /**
   * What every Kafka client of this spec needs: {@code bootstrap.servers} plus {@code
   * source.kafka.properties}. Callers apply it after their own defaults (acks, timeouts), so a spec
   * may tune those; the settings driftgate owns cannot be overridden, the spec may not set them.
   */
  public Map<String, Object> clientProperties() {
    return clientProperties(bootstrapServers, properties);
  }

  /**
   * {@code bootstrap.servers} plus the extra client properties, as a fresh mutable map (for callers
   * whose bootstrap servers come from a command-line override).
   */
  public static Map<String, Object> clientProperties(
      String bootstrapServers, Map<String, String> properties) {
    Map<String, Object> p = new TreeMap<>(properties);
    p.put("bootstrap.servers", bootstrapServers);
    return p;
  }
}
