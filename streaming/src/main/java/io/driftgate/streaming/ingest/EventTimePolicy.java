package io.driftgate.streaming.ingest;

import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Event time = the Kafka record timestamp (producers stamp records with their event time);
 * watermark = newest event time − {@code maxDelay}. A partition with no backlog that has been quiet
 * for {@code idleTimeout} of wall time stops holding the watermark back (it advances to wall clock
 * − maxDelay), so the last windows of a finished or paused stream still close. Unlike KafkaIO's
 * create-time policy it does not jump on a momentarily empty partition, which would make a replay
 * of older data late.
 */
final class EventTimePolicy extends TimestampPolicy<byte[], byte[]> {
  /** How far the watermark trails the newest event time, and the wall clock at most. */
  static final Duration MAX_DELAY = Duration.standardMinutes(1);

  /** Wall time after which a partition with no backlog stops holding the watermark back. */
  static final Duration IDLE_TIMEOUT = Duration.standardSeconds(10);

  private final Duration maxDelay;
  private final Duration idleTimeout;
  private Instant maxEventTime;
  private Instant lastRecordWallTime = Instant.now();

  EventTimePolicy(Duration maxDelay, Duration idleTimeout, Optional<Instant> previousWatermark) {
    this.maxDelay = maxDelay;
    this.idleTimeout = idleTimeout;
    this.maxEventTime = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE).plus(maxDelay);
  }

  static TimestampPolicyFactory<byte[], byte[]> factory(Duration maxDelay, Duration idleTimeout) {
    return (partition, previousWatermark) ->
        new EventTimePolicy(maxDelay, idleTimeout, previousWatermark);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    Instant ts = new Instant(record.getTimestamp());
    if (ts.isAfter(maxEventTime)) {
      maxEventTime = ts;
    }
    lastRecordWallTime = Instant.now();
    return ts;
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    Instant now = Instant.now();
    if (maxEventTime.isAfter(now)) {
      return now.minus(maxDelay);
    }
    boolean idle =
        ctx.getMessageBacklog() == 0 && lastRecordWallTime.plus(idleTimeout).isBefore(now);
    Instant byEvents = maxEventTime.minus(maxDelay);
    if (idle) {
      Instant byClock = now.minus(maxDelay);
      return byClock.isAfter(byEvents) ? byClock : byEvents;
    }
    return byEvents;
  }
}
