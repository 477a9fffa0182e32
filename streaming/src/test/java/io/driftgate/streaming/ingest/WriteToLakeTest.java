package io.driftgate.streaming.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeAudit;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeFileWriter;
import io.driftgate.core.lake.LakeOffsets;
import io.driftgate.core.lake.LakeRows;
import io.driftgate.core.lake.OffsetRanges;
import io.driftgate.schemas.DeadLetter;
import io.driftgate.streaming.ingest.WriteToLake.Tables;
import io.driftgate.streaming.row.LakeEntry;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Iceberg sink on the DirectRunner: partitioned files, one commit, dedupe of replays. */
class WriteToLakeTest {
  static final Schema ROW =
      SchemaBuilder.record("Row")
          .fields()
          .name("event_time")
          .type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
          .noDefault()
          .requiredString("v")
          .requiredInt("_source_partition")
          .requiredLong("_source_offset")
          .endRecord();
  static final long T0 = 1767571200000L; // 2026-01-05T00:00Z

  @TempDir Path lake;

  static byte[] row(long eventTime, String v, int partition, long offset) throws Exception {
    GenericRecord r = new GenericData.Record(ROW);
    r.put("event_time", eventTime);
    r.put("v", v);
    r.put("_source_partition", partition);
    r.put("_source_offset", offset);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(ROW).write(r, enc);
    enc.flush();
    return out.toByteArray();
  }

  static List<LakeEntry> entries(int partition, long fromOffset, long toOffset) throws Exception {
    List<LakeEntry> out = new ArrayList<>();
    for (long o = fromOffset; o < toOffset; o++) {
      long t = T0 + o * 60_000L; // one per minute: spans several hours
      out.add(
          new LakeEntry(
              false, partition, o, t, "", row(t, "p" + partition + "o" + o, partition, o)));
    }
    return out;
  }

  WriteToLake sink() {
    return WriteToLake.builder()
        .setCatalog(LakeCatalog.embedded(lake))
        .setModel("m")
        .setTopic("t")
        .setRowSchema(ROW)
        .build();
  }

  void run(List<LakeEntry> input, WriteToLake sink) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(Create.of(input).withCoder(LakeEntry.LakeEntryCoder.of())).apply(sink);
    p.run().waitUntilFinish();
  }

  @Test
  void writesHourPartitionedFilesWithOffsetsInTheSnapshotSummary() throws Exception {
    List<LakeEntry> input = new ArrayList<>(entries(0, 0, 150));
    input.addAll(entries(1, 0, 50));
    // A dead letter is accounted for alongside the rows.
    input.add(new LakeEntry(true, 1, 50, T0, "TRUNCATED", deadLetterBytes(1, 50)));
    run(input, sink());

    try (Lake read = Lake.open(LakeCatalog.embedded(lake), "m")) {
      assertThat(read.rows()).isEqualTo(200);
      assertThat(read.deadLetters()).isEqualTo(1);
      assertThat(read.deadLettersByKind()).containsEntry("TRUNCATED", 1L);
      assertThat(read.offsets("t", 0).toString()).isEqualTo("[0-150]");
      assertThat(read.offsets("t", 1).toString()).isEqualTo("[0-51]");
      // 150 minutes of partition 0 span hours 00, 01 and 02 (hidden hour partitioning).
      assertThat(read.windows()).extracting(Lake.Window::eventHour).containsExactly(0, 1, 2);
      assertThat(read.windows().stream().mapToLong(Lake.Window::rows).sum()).isEqualTo(200);
      LakeAudit audit = LakeAudit.of(read, "t");
      assertThat(audit.rows()).isEqualTo(200);
      assertThat(audit.consistent()).isTrue();
    }
  }

  @Test
  void replayedOffsetsAreNotCommittedTwice() throws Exception {
    run(entries(0, 0, 100), sink());
    // A restart re-reads 50..149: only 100..149 are new.
    run(entries(0, 50, 150), sink());
    try (Lake read = Lake.open(LakeCatalog.embedded(lake), "m")) {
      assertThat(read.rows()).isEqualTo(150);
      assertThat(LakeAudit.of(read, "t").duplicatePositions()).isZero();
      assertThat(read.offsets("t", 0).toString()).isEqualTo("[0-150]");
      int snapshots = read.snapshots().size();
      // Everything replayed: no new snapshot at all.
      run(entries(0, 0, 150), sink());
      try (Lake again = Lake.open(LakeCatalog.embedded(lake), "m")) {
        assertThat(again.snapshots()).hasSize(snapshots);
        assertThat(again.rows()).isEqualTo(150);
      }
    }
  }

  @Test
  void aReplayOfOnlyCommittedOffsetsStillMovesTheGroupOffset() throws Exception {
    try (io.driftgate.testkit.kafka.EmbeddedKafka kafka =
        io.driftgate.testkit.kafka.EmbeddedKafka.start()) {
      kafka.createTopic("t", 1);
      // The lake holds 0..99 but the group never got its commit (killed in between).
      run(entries(0, 0, 100), sink());
      assertThat(KafkaOffsets.positions(kafka.bootstrapServers(), "t", "g").committed())
          .doesNotContainKey(0);
      int snapshots;
      try (Lake read = Lake.open(LakeCatalog.embedded(lake), "m")) {
        snapshots = read.snapshots().size();
      }
      // The restarted job replays them all: nothing to write, yet the group moves to 100.
      run(
          entries(0, 0, 100),
          WriteToLake.builder()
              .setCatalog(LakeCatalog.embedded(lake))
              .setModel("m")
              .setTopic("t")
              .setRowSchema(ROW)
              .optOffsetCommit(kafka.bootstrapServers(), java.util.Map.of(), "g")
              .build());
      try (Lake read = Lake.open(LakeCatalog.embedded(lake), "m")) {
        assertThat(read.snapshots()).hasSize(snapshots);
        assertThat(read.rows()).isEqualTo(100);
      }
      assertThat(KafkaOffsets.positions(kafka.bootstrapServers(), "t", "g").committed())
          .containsEntry(0, 100L);
    }
  }

  @Test
  void transactionMarkersDoNotStopTheGroupOffset() throws Exception {
    try (io.driftgate.testkit.kafka.EmbeddedKafka kafka =
        io.driftgate.testkit.kafka.EmbeddedKafka.start()) {
      kafka.createTopic("t", 1);
      java.util.Properties p = new java.util.Properties();
      p.put("bootstrap.servers", kafka.bootstrapServers());
      p.put("transactional.id", "writer-test");
      try (var producer =
          new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
              p,
              new org.apache.kafka.common.serialization.ByteArraySerializer(),
              new org.apache.kafka.common.serialization.ByteArraySerializer())) {
        producer.initTransactions();
        for (int txn = 0; txn < 3; txn++) { // each commit marker takes an offset
          producer.beginTransaction();
          for (int i = 0; i < 3; i++) {
            producer.send(
                new org.apache.kafka.clients.producer.ProducerRecord<>("t", 0, null, new byte[1]));
          }
          producer.commitTransaction();
        }
      }
      // What a reader gets: the records' offsets, with the markers' offsets missing.
      List<Long> read = new ArrayList<>();
      long end;
      java.util.Properties c = new java.util.Properties();
      c.put("bootstrap.servers", kafka.bootstrapServers());
      c.put("isolation.level", "read_committed");
      try (var consumer =
          new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
              c,
              new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
              new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
        var tp = new org.apache.kafka.common.TopicPartition("t", 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        end = consumer.endOffsets(List.of(tp)).get(tp);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (read.size() < 9 && System.nanoTime() < deadline) {
          consumer.poll(java.time.Duration.ofMillis(200)).forEach(r -> read.add(r.offset()));
        }
      }
      assertThat(read).hasSize(9);
      assertThat(end).as("3 markers among the offsets").isEqualTo(12L);
      List<LakeEntry> input = new ArrayList<>();
      for (long o : read) {
        input.addAll(entries(0, o, o + 1));
      }
      run(
          input,
          WriteToLake.builder()
              .setCatalog(LakeCatalog.embedded(lake))
              .setModel("m")
              .setTopic("t")
              .setRowSchema(ROW)
              .optOffsetCommit(
                  kafka.bootstrapServers(),
                  java.util.Map.of("isolation.level", "read_committed"),
                  "g")
              .build());
      try (Lake l = Lake.open(LakeCatalog.embedded(lake), "m")) {
        assertThat(l.rows()).isEqualTo(9);
        assertThat(l.offsets("t", 0).toString()).isEqualTo("[0-3, 4-7, 8-11]");
      }
      // The group stands at the log end: a restart reads nothing again, lag is 0.
      assertThat(KafkaOffsets.positions(kafka.bootstrapServers(), "t", "g").committed())
          .containsEntry(0, end);
    }
  }

  @Test
  void aDeadLetterCommitWithoutItsRecordsCommitIsCompletedNotDoubled() throws Exception {
    // A crash after the dead-letter table committed a batch and before the records table did:
    // the dead letter at offset 50 is stored, the rows 0..99 are not.
    try (Tables tables = Tables.open(sinkConfig())) {
      LakeRows dl = new LakeRows(tables.deadLetters.schema(), DeadLetter.getClassSchema());
      GenericRecord stored =
          new GenericDatumReader<GenericRecord>(DeadLetter.getClassSchema())
              .read(null, DecoderFactory.get().binaryDecoder(deadLetterBytes(0, 50), null));
      var files = LakeFileWriter.writeAll(tables.deadLetters, 1, List.of(dl.convert(stored)));
      var append = tables.deadLetters.newFastAppend();
      files.forEach(append::appendFile);
      append
          .set(
              LakeOffsets.CUMULATIVE,
              LakeOffsets.encode(
                  java.util.Map.of(
                      "t-0", OffsetRanges.of(List.of(new OffsetRanges.Range(0, 100))))))
          .set(LakeOffsets.DEAD_LETTERS_BY_KIND, "{\"TRUNCATED\":1}")
          .commit();
    }
    List<LakeEntry> replay = new ArrayList<>(entries(0, 0, 50));
    replay.add(new LakeEntry(true, 0, 50, T0, "TRUNCATED", deadLetterBytes(0, 50)));
    replay.addAll(entries(0, 51, 100));
    run(replay, sink());

    try (Lake read = Lake.open(LakeCatalog.embedded(lake), "m")) {
      assertThat(read.rows()).isEqualTo(99);
      assertThat(read.deadLetters()).isEqualTo(1);
      assertThat(read.offsets("t", 0).toString()).isEqualTo("[0-100]");
      LakeAudit audit = LakeAudit.of(read, "t");
      assertThat(audit.duplicatePositions()).isZero();
      assertThat(audit.consistent()).isTrue();
    }
  }

  @Test
  void theBatchesOfABundleAreOneCommit() throws Exception {
    // What a completed Flink checkpoint hands the committer: several panes, one bundle.
    List<io.driftgate.core.lake.LakeBatch> batches = new ArrayList<>();
    try (Tables tables = Tables.open(sinkConfig())) {
      LakeRows rows = new LakeRows(tables.records.schema(), ROW);
      for (int b = 0; b < 3; b++) {
        LakeFileWriter writer = LakeFileWriter.forAvro(tables.records, b, rows);
        io.driftgate.core.lake.LakeBatch batch = new io.driftgate.core.lake.LakeBatch();
        for (long o = b * 10L; o < b * 10L + 10; o++) {
          GenericRecord r = new GenericData.Record(ROW);
          r.put("event_time", T0 + o * 60_000L);
          r.put("v", "o" + o);
          r.put("_source_partition", 0);
          r.put("_source_offset", o);
          writer.write(r);
          batch.offset("t", 0, o);
        }
        batches.add(batch.recordFiles(writer.finish(), 10));
      }
    }
    WriteToLake.CommitFn fn = new WriteToLake.CommitFn(sinkConfig());
    fn.setup();
    List<Long> emitted = new ArrayList<>();
    try {
      fn.startBundle();
      for (io.driftgate.core.lake.LakeBatch b : batches) {
        fn.process(org.apache.beam.sdk.values.KV.of(0, List.of(b)), new org.joda.time.Instant(T0));
      }
      fn.finishBundle(
          fn.new FinishBundleContext() {
            @Override
            public org.apache.beam.sdk.options.PipelineOptions getPipelineOptions() {
              return PipelineOptionsFactory.create();
            }

            @Override
            public void output(
                Long output,
                org.joda.time.Instant timestamp,
                org.apache.beam.sdk.transforms.windowing.BoundedWindow window) {
              emitted.add(output);
            }

            @Override
            public <T> void output(
                org.apache.beam.sdk.values.TupleTag<T> tag,
                T output,
                org.joda.time.Instant timestamp,
                org.apache.beam.sdk.transforms.windowing.BoundedWindow window) {
              throw new AssertionError("no tagged outputs");
            }
          });
    } finally {
      fn.teardown();
    }
    try (Lake read = Lake.open(LakeCatalog.embedded(lake), "m")) {
      assertThat(read.snapshots()).hasSize(1);
      assertThat(read.rows()).isEqualTo(30);
      assertThat(read.offsets("t", 0).toString()).isEqualTo("[0-30]");
      assertThat(emitted).hasSize(1);
    }
  }

  WriteToLake.Config sinkConfig() {
    return new WriteToLake.Config(
        LakeCatalog.embedded(lake),
        "m",
        "t",
        ROW.toString(),
        null,
        java.util.Map.of(),
        null,
        null,
        "test");
  }

  static byte[] deadLetterBytes(int partition, long offset) {
    return DecodeAndClean.encodeDeadLetter(
        io.driftgate.schemas.DeadLetter.newBuilder()
            .setOriginalBytes(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xC3, 1, 2}))
            .setErrorKind(io.driftgate.schemas.ErrorKind.TRUNCATED)
            .setMessage("cut short")
            .setStage(io.driftgate.schemas.Stage.DECODE)
            .setSourceTopic("t")
            .setSourcePartition(partition)
            .setSourceOffset(offset)
            .setSourceTimestamp(java.time.Instant.ofEpochMilli(T0))
            .setRejectedAt(java.time.Instant.ofEpochMilli(T0))
            .setModel("m")
            .build());
  }
}
