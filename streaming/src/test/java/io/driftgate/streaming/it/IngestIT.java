package io.driftgate.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeAudit;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DeadLetter;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.streaming.ingest.IngestResult;
import io.driftgate.streaming.ingest.KafkaOffsets;
import io.driftgate.testkit.generate.GeneratorConfig;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.testkit.kafka.StreamProducer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real broker + Beam on a local Flink cluster: 100k records with ~1% of every malformed kind, and
 * every one of them accounted for in the lake.
 */
class IngestIT {
  @TempDir Path work;

  @Test
  void everyRecordEndsInTheLakeOrAsADeadLetter() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ModelSpec spec = IngestFixtures.spec(kafka.bootstrapServers(), work.resolve("lake"));
      String topic = spec.source().kafka().topic();
      kafka.createTopicsFor(spec, 4);
      GeneratorConfig gen = IngestFixtures.generator(7, 100_000, 0.01);
      ProduceResult produced =
          StreamProducer.produce(kafka.bootstrapServers(), topic, gen, 0, null);
      assertThat(produced.total()).isEqualTo(100_000);

      IngestResult result =
          IngestFixtures.ingestUntilCaughtUp(
              spec, kafka.bootstrapServers(), produced::endOffsets, false);

      Lake index = Lake.open(spec);
      Map<String, Long> expectedDead = new TreeMap<>();
      produced.malformedByKind().forEach((k, v) -> expectedDead.put(k.name(), v));
      long expectedValid =
          produced.total() - expectedDead.values().stream().mapToLong(Long::longValue).sum();

      // Nothing lost, nothing doubled, every kind classified as injected.
      assertThat(index.rows() + index.deadLetters()).isEqualTo(produced.total());
      assertThat(index.rows()).isEqualTo(expectedValid);
      assertThat(index.deadLettersByKind()).isEqualTo(expectedDead);
      assertThat(expectedDead.keySet())
          .containsExactlyInAnyOrder(
              "CORRUPT_BYTES",
              "TRUNCATED",
              "UNKNOWN_SCHEMA",
              "MISSING_REQUIRED",
              "NON_FINITE",
              "OUT_OF_RANGE",
              "UNKNOWN_CATEGORY");
      LakeAudit audit = LakeAudit.of(index, topic);
      assertThat(audit.duplicatePositions()).isZero();
      assertThat(audit.consistent()).as("data holds exactly the summary's offsets").isTrue();
      assertThat(result.deadLettersWritten()).isEqualTo(index.deadLetters());
      assertThat(result.rowsWritten()).isEqualTo(expectedValid);
      produced
          .endOffsets()
          .forEach(
              (partition, end) ->
                  assertThat(index.offsets(topic, partition).toString())
                      .isEqualTo("[0-" + end + "]"));

      // Rows read back through an Iceberg scan; ids unique; derived fields present.
      List<Record> rows = IngestFixtures.lakeRows(index);
      assertThat(rows).hasSize((int) expectedValid);
      Set<String> ids = new HashSet<>();
      for (Record r : rows) {
        ids.add(r.getField("id").toString());
        assertThat(r.getField("event_date").toString()).startsWith("2026-01-");
        assertThat(r.getField("origin").toString()).isUpperCase();
      }
      // Hidden partitioning by hours(event_time): one partition per event hour, files per bundle.
      assertThat(index.windows()).isNotEmpty();
      assertThat(index.windows().stream().mapToLong(Lake.Window::rows).sum())
          .isEqualTo(expectedValid);
      assertThat(ids).hasSize(rows.size());

      // Each dead letter keeps the original bytes, a reason and the source offset.
      Map<String, byte[]> source =
          IngestFixtures.topicValues(kafka.bootstrapServers(), topic, produced.total());
      List<Record> dead = IngestFixtures.deadLetters(index);
      assertThat(dead).hasSize((int) index.deadLetters());
      for (Record d : dead) {
        String at = d.getField("source_partition") + "@" + d.getField("source_offset");
        byte[] original = toBytes((ByteBuffer) d.getField("original_bytes"));
        assertThat(original).as("original bytes of %s", at).isEqualTo(source.get(at));
        assertThat(d.getField("message").toString()).isNotBlank();
        assertThat(ErrorKind.valueOf(d.getField("error_kind").toString())).isNotNull();
      }

      // The dead-letter topic got the same dead letters, decodable as DeadLetter. The topic is
      // at-least-once (KafkaIO's writer may repeat a record after a task restart); the lake is
      // the exactly-once record, so compare the sets of source positions.
      Map<String, byte[]> published =
          IngestFixtures.topicValues(
              kafka.bootstrapServers(), spec.source().kafka().deadLetterTopic(), dead.size());
      Set<String> publishedPositions = new HashSet<>();
      for (byte[] value : published.values()) {
        DeadLetter dl = DeadLetter.fromByteBuffer(ByteBuffer.wrap(value));
        assertThat(dl.getSourceTopic()).isEqualTo(topic);
        publishedPositions.add(dl.getSourcePartition() + "@" + dl.getSourceOffset());
      }
      Set<String> lakePositions = new HashSet<>();
      for (Record d : dead) {
        lakePositions.add(d.getField("source_partition") + "@" + d.getField("source_offset"));
      }
      index.close();
      assertThat(publishedPositions).isEqualTo(lakePositions);

      // Offsets were committed to the group only over durable output: all of them now.
      KafkaOffsets.Positions pos =
          KafkaOffsets.positions(
              kafka.bootstrapServers(), topic, spec.source().kafka().consumerGroup());
      assertThat(pos.pending()).isZero();
    }
  }

  private static byte[] toBytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
