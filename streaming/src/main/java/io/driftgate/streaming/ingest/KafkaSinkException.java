package io.driftgate.streaming.ingest;

/**
 * A record could not be written to one of the job's output topics (dead letters, drift reports,
 * retrain requests). Thrown by {@link PublishToKafka} so that the bundle, and with it the job,
 * fails: its records are replayed from the last checkpoint after a restart, never dropped, and a
 * sink that cannot write stops ingestion visibly instead of slowing it to one record per {@code
 * max.block.ms}.
 */
public final class KafkaSinkException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String topic;

  KafkaSinkException(String topic, String message, Throwable cause) {
    super(message, cause);
    this.topic = topic;
  }

  /** The topic that could not be written. */
  public String topic() {
    return topic;
  }
}
