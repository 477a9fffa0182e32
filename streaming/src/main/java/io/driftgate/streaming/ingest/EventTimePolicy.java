package io.driftgate.streaming.ingest;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.ingest.RecordClassifier;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.spec.ModelSpec;
import java.io.Serializable;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Event time = the spec's {@code eventTime.field} of each record that the ingestion accepts (the
 * same value the lake partitions by), not the Kafka record timestamp: a producer that stamps its
 * records with the send time still gets drift windows by event time. Watermark = newest accepted
 * event time − {@code maxDelay}, and never later than the wall clock − {@code maxDelay}.
 *
 * <p>Each record is classified here as {@link DecodeAndClean} will classify it ({@link
 * RecordClassifier}: size, decoding, event-time bounds, feature rules), so the rows that reach the
 * drift windows are stamped with exactly the event time the lake stores. A record that becomes a
 * dead letter has no event time to contribute: it is stamped with the partition's current event
 * time and moves neither the watermark nor the idle clock, so a garbage record with a far-future
 * (or far-past) field cannot close or hold windows. (The wall-clock bounds {@code maxFutureSkew}
 * and {@code maxAge} are checked twice, a moment apart; a record whose event time lies within that
 * moment of a bound may be judged differently by the two and then keeps the partition's current
 * event time, or becomes a dead letter. On Flink, where {@code DecodeAndClean} takes the policy's
 * result over ({@link ClassifiedRecords}), they are checked once.)
 *
 * <p>A partition with no backlog whose last accepted record is {@code idleTimeout} of wall time old
 * stops holding the watermark back (it advances to wall clock − maxDelay), so the last windows of a
 * finished or paused stream still close. Unlike KafkaIO's create-time policy it does not jump on a
 * momentarily empty partition, which would make a replay of older data late.
 */
final class EventTimePolicy extends TimestampPolicy<byte[], byte[]> {
  /** How far the watermark trails the newest event time, and the wall clock at most. */
  static final Duration MAX_DELAY = Duration.standardMinutes(1);

  /** Wall time after which a partition with no backlog stops holding the watermark back. */
  static final Duration IDLE_TIMEOUT = Duration.standardSeconds(10);

  /** The event time of one Kafka record, or {@link #NONE} for a record that is a dead letter. */
  @FunctionalInterface
  interface EventTimes extends Serializable {
    long NONE = Long.MIN_VALUE;

    long of(KafkaRecord<byte[], byte[]> record);

    /** The event time the ingestion gives an accepted record: its {@code eventTime.field}. */
    static EventTimes of(ModelSpec spec) {
      return new Classified(spec);
    }
  }

  /** Classifies like {@link DecodeAndClean} (a classifier per policy, i.e. per partition). */
  private static final class Classified implements EventTimes {
    private static final long serialVersionUID = 1L;
    private final ModelSpec spec;
    private transient RecordClassifier classifier;

    Classified(ModelSpec spec) {
      this.spec = spec;
    }

    @Override
    public long of(KafkaRecord<byte[], byte[]> r) {
      if (classifier == null) {
        classifier = RecordClassifier.of(spec);
      }
      byte[] value = r.getKV().getValue();
      CleanResult result =
          classifier.classify(
              value,
              new SourceRef(r.getTopic(), r.getPartition(), r.getOffset(), r.getTimestamp()));
      ClassifiedRecords.remember(spec, value, r.getPartition(), r.getOffset(), result);
      if (result instanceof CleanResult.Accepted accepted) {
        return (Long) accepted.row().get(CleanSchema.EVENT_TIME);
      }
      return NONE;
    }
  }

  private final EventTimes eventTimes;
  private final Duration maxDelay;
  private final Duration idleTimeout;
  private Instant maxEventTime;
  private Instant lastWatermark;
  private Instant lastRecordWallTime = Instant.now();

  EventTimePolicy(
      EventTimes eventTimes,
      Duration maxDelay,
      Duration idleTimeout,
      Optional<Instant> previousWatermark) {
    this.eventTimes = eventTimes;
    this.maxDelay = maxDelay;
    this.idleTimeout = idleTimeout;
    this.lastWatermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
    this.maxEventTime = lastWatermark.plus(maxDelay);
  }

  /** A policy per partition; each classifies the partition's records with {@code spec}. */
  static TimestampPolicyFactory<byte[], byte[]> factory(
      ModelSpec spec, Duration maxDelay, Duration idleTimeout) {
    return factory(EventTimes.of(spec), maxDelay, idleTimeout);
  }

  static TimestampPolicyFactory<byte[], byte[]> factory(
      EventTimes eventTimes, Duration maxDelay, Duration idleTimeout) {
    return (partition, previousWatermark) ->
        new EventTimePolicy(eventTimes, maxDelay, idleTimeout, previousWatermark);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    long eventTime = eventTimes.of(record);
    if (eventTime == EventTimes.NONE) {
      // A dead letter: no event time of its own. Never behind this partition's watermark, so it
      // is not late anywhere, and it moves nothing.
      return maxEventTime.isAfter(lastWatermark) ? maxEventTime : lastWatermark;
    }
    Instant ts = new Instant(eventTime);
    if (ts.isAfter(maxEventTime)) {
      maxEventTime = ts;
    }
    lastRecordWallTime = Instant.now();
    return ts;
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    lastWatermark = watermark(ctx);
    return lastWatermark;
  }

  private Instant watermark(PartitionContext ctx) {
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
