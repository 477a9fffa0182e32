package io.driftgate.core.spec;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where the raw records come from ({@code source.kafka}).
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. {@code localhost:9092}
 * @param topic topic carrying the Avro-encoded events
 * @param consumerGroup consumer group of the ingest pipeline (default {@code
 *     driftgate-ingest-<model>})
 * @param deadLetterTopic topic receiving rejected records (default {@code <topic>.deadletters})
 */
public record KafkaSourceSpec(
    String bootstrapServers, String topic, String consumerGroup, String deadLetterTopic)
    implements Serializable {
  public KafkaSourceSpec {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(consumerGroup, "consumerGroup");
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
  }

  public KafkaSourceSpec withBootstrapServers(String servers) {
    return new KafkaSourceSpec(servers, topic, consumerGroup, deadLetterTopic);
  }
}
