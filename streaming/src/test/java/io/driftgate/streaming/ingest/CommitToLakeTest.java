package io.driftgate.streaming.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.CommitMarker.FileKind;
import io.driftgate.core.lake.LakeIndex;
import io.driftgate.core.lake.ParquetFiles;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committer on the DirectRunner: files, markers, and dedupe of replays. */
class CommitToLakeTest {
  static final Schema ROW =
      SchemaBuilder.record("Row")
          .fields()
          .requiredLong("event_time")
          .requiredString("v")
          .endRecord();
  static final long T0 = 1767571200000L; // 2026-01-05T00:00Z

  @TempDir Path lake;

  static byte[] row(long eventTime, String v) throws Exception {
    GenericRecord r = new GenericData.Record(ROW);
    r.put("event_time", eventTime);
    r.put("v", v);
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
      out.add(new LakeEntry(false, partition, o, t, "", row(t, "p" + partition + "o" + o)));
    }
    return out;
  }

  void runCommit(List<LakeEntry> input) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(Create.of(input).withCoder(LakeEntry.LakeEntryCoder.of()))
        .apply(
            CommitToLake.builder()
                .setLakeRoot(lake)
                .setModel("m")
                .setTopic("t")
                .setRowSchema(ROW)
                .build());
    p.run().waitUntilFinish();
  }

  @Test
  void writesPartitionedFilesAndOneMarkerPerPartitionPane() throws Exception {
    List<LakeEntry> input = new ArrayList<>(entries(0, 0, 150));
    input.addAll(entries(1, 0, 50));
    // A dead letter is accounted for alongside the rows.
    input.add(new LakeEntry(true, 1, 50, T0, "TRUNCATED", deadLetterBytes(1, 50)));
    runCommit(input);

    LakeIndex index = LakeIndex.load(lake);
    assertThat(index.rows()).isEqualTo(200);
    assertThat(index.deadLetters()).isEqualTo(1);
    assertThat(index.offsets("t", 0).toString()).isEqualTo("[0-150]");
    assertThat(index.offsets("t", 1).toString()).isEqualTo("[0-51]");
    // 150 minutes of partition 0 span hours 00, 01 and 02.
    assertThat(index.windows()).extracting(LakeIndex.Window::eventHour).containsExactly(0, 1, 2);
    long readBack = 0;
    for (var f : index.files(FileKind.DATA)) {
      readBack += ParquetFiles.readAll(index.layout().resolve(f.path())).size();
    }
    assertThat(readBack).isEqualTo(200);
    assertThat(index.files(FileKind.DEAD_LETTERS)).hasSize(1);
  }

  @Test
  void replayedOffsetsAreNotCommittedTwice() throws Exception {
    runCommit(entries(0, 0, 100));
    // A restart re-reads 50..149: only 100..149 are new.
    runCommit(entries(0, 50, 150));
    LakeIndex index = LakeIndex.load(lake);
    assertThat(index.rows()).isEqualTo(150);
    assertThat(index.duplicateOffsets()).isZero();
    assertThat(index.offsets("t", 0).toString()).isEqualTo("[0-150]");
    // Everything replayed: no new commit at all.
    int commits = index.commits().size();
    runCommit(entries(0, 0, 150));
    assertThat(LakeIndex.load(lake).commits()).hasSize(commits);
  }

  @Test
  void aReplayOfOnlyCommittedOffsetsStillMovesTheGroupOffset() throws Exception {
    try (io.driftgate.streaming.kafka.EmbeddedKafka kafka =
        io.driftgate.streaming.kafka.EmbeddedKafka.start()) {
      kafka.createTopic("t", 1);
      // The lake holds 0..99 but the group never got its commit (killed in between).
      runCommit(entries(0, 0, 100));
      assertThat(KafkaOffsets.positions(kafka.bootstrapServers(), "t", "g").committed())
          .doesNotContainKey(0);
      // The restarted job replays them all: nothing to write, yet the group moves to 100.
      Pipeline p =
          Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
      p.apply(Create.of(entries(0, 0, 100)).withCoder(LakeEntry.LakeEntryCoder.of()))
          .apply(
              CommitToLake.builder()
                  .setLakeRoot(lake)
                  .setModel("m")
                  .setTopic("t")
                  .setRowSchema(ROW)
                  .optOffsetCommit(kafka.bootstrapServers(), java.util.Map.of(), "g")
                  .build());
      p.run().waitUntilFinish();
      assertThat(LakeIndex.load(lake).commits()).hasSize(1);
      assertThat(KafkaOffsets.positions(kafka.bootstrapServers(), "t", "g").committed())
          .containsEntry(0, 100L);
    }
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
