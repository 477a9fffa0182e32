package io.driftgate.streaming.ingest;

import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.streaming.monitor.ProfileWindows;
import io.driftgate.streaming.monitor.WindowedProfile;
import io.driftgate.streaming.row.LakeEntry;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Two clocks (issue 13), through the real source: records produced to a real broker with the send
 * time as their Kafka timestamp ("now"), whose event_time fields span four drift windows, are read
 * by {@link ReadSourceRecords} (KafkaIO, DirectRunner), stamped with their event times, and
 * profiled in the windows of their event times, the same clock the lake partitions by.
 */
@RunWith(JUnit4.class)
public class EventTimeWindowsTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  static final ModelSpec EXAMPLE =
      SpecLoader.load(Path.of("../examples/flight-delay/driftgate.yaml"));
  static final long JANUARY = java.time.Instant.parse("2026-01-05T06:00:00Z").toEpochMilli();
  static final int COUNT = 120;

  @Test
  public void kafkaTimestampsOfNowStillGiveEventTimeWindows() throws Exception {
    long window = EXAMPLE.drift().window().toMillis(); // 30 min
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ModelSpec spec = EXAMPLE.withBootstrapServers(kafka.bootstrapServers());
      String topic = spec.source().kafka().topic();
      kafka.createTopic(topic, 2);

      // 120 records about one minute of event time apart (2 hours: four or five windows), ~10%
      // malformed,
      // every one sent with the wall clock as its Kafka timestamp.
      List<String> validTimestamps = new ArrayList<>();
      Map<Long, Long> rowsByWindow = new TreeMap<>();
      long sentFrom = System.currentTimeMillis();
      try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
        FlightStreamGenerator gen =
            new FlightStreamGenerator(
                GeneratorConfig.builder()
                    .seed(11)
                    .count(COUNT)
                    .startTimeMillis(JANUARY)
                    .eventSpacingMillis(60_000)
                    .malformedFraction(0.1)
                    .build());
        int i = 0;
        while (gen.hasNext()) {
          GeneratedRecord g = gen.next();
          RecordMetadata m =
              producer
                  .send(
                      new ProducerRecord<>(
                          topic, i++ % 2, System.currentTimeMillis(), g.key(), g.value()))
                  .get();
          if (g.valid()) {
            validTimestamps.add(m.partition() + "@" + m.offset() + " " + g.eventTimeMillis());
            rowsByWindow.merge(Math.floorDiv(g.eventTimeMillis(), window) * window, 1L, Long::sum);
          } else if (m.timestamp() < sentFrom) {
            throw new AssertionError("Kafka timestamp is not the send time");
          }
        }
      }
      List<String> expectedWindows = new ArrayList<>();
      rowsByWindow.forEach(
          (start, rows) ->
              expectedWindows.add(java.time.Instant.ofEpochMilli(start) + " rows=" + rows));
      org.assertj.core.api.Assertions.assertThat(expectedWindows).hasSizeGreaterThanOrEqualTo(4);

      PCollection<SourceRecord> records =
          pipeline.apply(
              ReadSourceRecords.builder()
                  .setBootstrapServers(kafka.bootstrapServers())
                  .setTopic(topic)
                  .setConsumerGroup(spec.source().kafka().consumerGroup())
                  .setModelSpec(spec)
                  .optMaxRecords(COUNT)
                  .build());
      var outcomes = records.apply(DecodeAndClean.builder().setModelSpec(spec).build());
      // Each lake row leaves the source stamped with its event time (Kafka's "now" is kept as
      // the row's _source_timestamp only).
      PAssert.that(outcomes.get(DecodeAndClean.ROWS).apply("RowTimestamps", ParDo.of(new Stamp())))
          .containsInAnyOrder(validTimestamps);
      PCollection<String> windows =
          outcomes
              .get(DecodeAndClean.ROWS)
              .apply(ProfileWindows.builder().setModelSpec(spec).build())
              .apply(
                  MapElements.into(TypeDescriptors.strings())
                      .via(
                          (WindowedProfile w) ->
                              java.time.Instant.ofEpochMilli(w.startMillis())
                                  + " rows="
                                  + DatasetProfile.fromBytes(w.profile()).rowCount()));
      PAssert.that(windows).containsInAnyOrder(expectedWindows);
      pipeline.run().waitUntilFinish();
    }
  }

  static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** "partition@offset eventTime" of a row, from its element timestamp. */
  static final class Stamp extends DoFn<LakeEntry, String> {
    @ProcessElement
    public void process(
        @Element LakeEntry row, @Timestamp Instant timestamp, OutputReceiver<String> out) {
      out.output(row.partition() + "@" + row.offset() + " " + timestamp.getMillis());
    }
  }
}
