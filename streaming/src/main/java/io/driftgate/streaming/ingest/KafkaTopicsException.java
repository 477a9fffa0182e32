package io.driftgate.streaming.ingest;

import java.util.List;

/**
 * A Kafka topic the ingestion job reads or writes is missing or cannot be used, found before the
 * job starts ({@link KafkaTopics#ensure}). The message names every such topic, the spec key it
 * comes from and the fix.
 */
public final class KafkaTopicsException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** What is wrong. */
  public enum Reason {
    /** The topic does not exist and {@code source.kafka.createTopics} is false. */
    MISSING,
    /** The topic does not exist and creating it failed (e.g. not authorized, a broker policy). */
    NOT_CREATED,
    /** This job may not see the topic (no Describe permission). */
    NOT_AUTHORIZED,
    /** The brokers did not answer in time. */
    UNREACHABLE
  }

  private final Reason reason;
  private final List<String> topics;

  KafkaTopicsException(Reason reason, List<String> topics, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.topics = List.copyOf(topics);
  }

  public Reason reason() {
    return reason;
  }

  /** The topics concerned. */
  public List<String> topics() {
    return topics;
  }
}
