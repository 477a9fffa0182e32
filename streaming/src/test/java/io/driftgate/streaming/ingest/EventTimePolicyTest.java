package io.driftgate.streaming.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Two clocks (issue 13): the watermark and element timestamps follow the spec's event time of the
 * records the ingestion accepts, not the Kafka timestamp (here always "now", as from a producer
 * that does not stamp event times); dead letters move nothing.
 */
class EventTimePolicyTest {
  static final ModelSpec SPEC = SpecLoader.load(Path.of("../examples/flight-delay/driftgate.yaml"));
  static final long JANUARY = java.time.Instant.parse("2026-01-05T06:00:00Z").toEpochMilli();

  /** A partition with a backlog (never idle) or none. */
  static TimestampPolicy.PartitionContext backlog(long records) {
    return new TimestampPolicy.PartitionContext() {
      @Override
      public long getMessageBacklog() {
        return records;
      }

      @Override
      public Instant getBacklogCheckTime() {
        return Instant.now();
      }
    };
  }

  static List<GeneratedRecord> generate(long start, int count, double malformed) {
    List<GeneratedRecord> out = new ArrayList<>();
    new FlightStreamGenerator(
            GeneratorConfig.builder()
                .seed(5)
                .count(count)
                .startTimeMillis(start)
                .eventSpacingMillis(60_000)
                .malformedFraction(malformed)
                .build())
        .forEachRemaining(out::add);
    return out;
  }

  /** As KafkaIO hands it over: stamped with the wall clock at send time. */
  static KafkaRecord<byte[], byte[]> sentNow(GeneratedRecord g, long offset) {
    return new KafkaRecord<>(
        "flights",
        0,
        offset,
        System.currentTimeMillis(),
        KafkaTimestampType.CREATE_TIME,
        null,
        g.key(),
        g.value());
  }

  static EventTimePolicy policy(Duration idle) {
    return new EventTimePolicy(
        EventTimePolicy.EventTimes.of(SPEC), EventTimePolicy.MAX_DELAY, idle, Optional.empty());
  }

  @Test
  void recordsAreStampedWithTheirEventTimeAndTheWatermarkFollowsIt() {
    EventTimePolicy policy = policy(EventTimePolicy.IDLE_TIMEOUT);
    List<GeneratedRecord> records = generate(JANUARY, 40, 0);
    long offset = 0;
    for (GeneratedRecord g : records) {
      assertThat(policy.getTimestampForRecord(backlog(100), sentNow(g, offset++)).getMillis())
          .isEqualTo(g.eventTimeMillis());
    }
    long newest = records.get(records.size() - 1).eventTimeMillis();
    // 40 minutes of January 2026: the watermark trails the newest event time, not the clock.
    assertThat(policy.getWatermark(backlog(100)))
        .isEqualTo(new Instant(newest).minus(EventTimePolicy.MAX_DELAY));
  }

  @Test
  void deadLettersMoveNeitherTimestampsNorTheWatermark() {
    EventTimePolicy policy = policy(EventTimePolicy.IDLE_TIMEOUT);
    List<GeneratedRecord> valid = generate(JANUARY, 10, 0);
    long offset = 0;
    for (GeneratedRecord g : valid) {
      policy.getTimestampForRecord(backlog(100), sentNow(g, offset++));
    }
    long newest = valid.get(valid.size() - 1).eventTimeMillis();
    Instant watermark = policy.getWatermark(backlog(100));

    // Malformed records (sent now) and a record two hours ahead of the clock, which is
    // EVENT_TIME_IN_FUTURE under eventTime.maxFutureSkew (1h): all of them dead letters.
    List<GeneratedRecord> dead = new ArrayList<>();
    generate(JANUARY, 300, 1.0).stream().filter(g -> !g.valid()).forEach(dead::add);
    dead.addAll(generate(System.currentTimeMillis() + 2 * 3_600_000L, 1, 0));
    assertThat(dead).hasSizeGreaterThan(100);
    for (GeneratedRecord g : dead) {
      assertThat(policy.getTimestampForRecord(backlog(100), sentNow(g, offset++)).getMillis())
          .as("a dead letter is stamped with the partition's event time")
          .isEqualTo(newest);
    }
    assertThat(policy.getWatermark(backlog(100))).isEqualTo(watermark);
  }

  @Test
  void onlyAcceptedRecordsKeepAQuietPartitionFromIdling() throws Exception {
    EventTimePolicy policy = policy(Duration.millis(200));
    long offset = 0;
    for (GeneratedRecord g : generate(JANUARY, 5, 0)) {
      policy.getTimestampForRecord(backlog(0), sentNow(g, offset++));
    }
    Thread.sleep(300);
    // Garbage keeps arriving, but no event time: the partition counts as idle, so the watermark
    // moves on to the wall clock (minus the delay) and the last windows close.
    for (GeneratedRecord g : generate(JANUARY, 200, 1.0)) {
      if (!g.valid()) {
        policy.getTimestampForRecord(backlog(0), sentNow(g, offset++));
      }
    }
    Instant before = Instant.now().minus(EventTimePolicy.MAX_DELAY);
    assertThat(policy.getWatermark(backlog(0))).isGreaterThanOrEqualTo(before);
  }
}
