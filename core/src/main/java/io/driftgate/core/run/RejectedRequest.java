package io.driftgate.core.run;

import java.time.Instant;
import java.util.Objects;

/**
 * A retrain request the launcher could not take, kept whole (as the ingestion keeps its dead
 * letters): the record's bytes exactly as read, never re-encoded, so that it can be inspected,
 * fixed and produced again.
 *
 * @param topic the Kafka topic it was read from
 * @param partition its partition
 * @param offset its offset there
 * @param model the model whose launcher read it
 * @param originalKey the record key as read, or null
 * @param originalBytes the record value as read (empty for a null value)
 * @param kind why it was rejected
 * @param message the reason, for a person
 * @param sourceTimestamp the record's timestamp
 * @param rejectedAt when the launcher rejected it
 */
public record RejectedRequest(
    String topic,
    int partition,
    long offset,
    String model,
    byte[] originalKey,
    byte[] originalBytes,
    Kind kind,
    String message,
    Instant sourceTimestamp,
    Instant rejectedAt) {

  /** Why a request was rejected. */
  public enum Kind {
    /** The value is not a single-object encoded {@code RetrainRequest} of a known schema. */
    UNDECODABLE,
    /** It decoded, but its idempotency key is not a key (it may never name a run or an object). */
    INVALID_KEY
  }

  public RejectedRequest {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(model, "model");
    originalBytes = originalBytes == null ? new byte[0] : originalBytes.clone();
    originalKey = originalKey == null ? null : originalKey.clone();
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(sourceTimestamp, "sourceTimestamp");
    Objects.requireNonNull(rejectedAt, "rejectedAt");
  }

  @Override
  public byte[] originalBytes() {
    return originalBytes.clone();
  }

  @Override
  public byte[] originalKey() {
    return originalKey == null ? null : originalKey.clone();
  }

  /** Where it came from, as {@code topic-partition@offset}. */
  public String source() {
    return topic + "-" + partition + "@" + offset;
  }
}
