package io.driftgate.core.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.CommitMarker.FileKind;
import io.driftgate.core.lake.CommitMarker.LakeFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeIndexTest {
  @TempDir Path lake;

  private static CommitMarker marker(
      String id, int partition, long from, long to, long rows, long dead, List<LakeFile> files) {
    return new CommitMarker(
        id,
        "m",
        1L,
        "t",
        partition,
        List.<long[]>of(new long[] {from, to}),
        rows,
        dead,
        dead > 0 ? Map.of("TRUNCATED", dead) : Map.of(),
        files,
        List.of());
  }

  @Test
  void onlyPublishedMarkersCount() throws Exception {
    LakeLayout layout = new LakeLayout(lake);
    LakeFile f =
        new LakeFile(
            "data/event_date=2026-01-05/event_hour=03/part-a.parquet",
            FileKind.DATA,
            "2026-01-05",
            3,
            9,
            10,
            20);
    layout.publish(marker("0001-p0-a", 0, 0, 10, 9, 1, List.of(f)));
    // A crashed writer's leftovers: a temp marker and an unlisted file.
    Files.writeString(layout.commitsDir().resolve(".0002-p0-b.json.tmp"), "{garbage");
    Files.createDirectories(lake.resolve("data/event_date=2026-01-05/event_hour=04"));
    Files.writeString(
        lake.resolve("data/event_date=2026-01-05/event_hour=04/part-orphan.parquet"), "x");

    LakeIndex index = LakeIndex.load(lake);
    assertThat(index.commits()).hasSize(1);
    assertThat(index.rows()).isEqualTo(9);
    assertThat(index.deadLetters()).isEqualTo(1);
    assertThat(index.deadLettersByKind()).containsEntry("TRUNCATED", 1L);
    assertThat(index.files(FileKind.DATA)).containsExactly(f);
    assertThat(index.windows()).containsExactly(new LakeIndex.Window("2026-01-05", 3, 9, 1, 1));
    assertThat(index.offsets("t", 0).toString()).isEqualTo("[0-10]");
    assertThat(index.duplicateOffsets()).isZero();
  }

  @Test
  void reportsOffsetsListedTwice() {
    LakeLayout layout = new LakeLayout(lake);
    layout.publish(marker("0001-p1-a", 1, 0, 10, 10, 0, List.of()));
    layout.publish(marker("0002-p1-b", 1, 5, 15, 10, 0, List.of()));
    LakeIndex index = LakeIndex.load(lake);
    assertThat(index.duplicateOffsets()).isEqualTo(5);
    assertThat(index.offsetsByPartition()).containsOnlyKeys("t-1");
  }

  @Test
  void markerRoundTripsThroughJson() {
    LakeFile f =
        new LakeFile(
            "deadletters/event_date=2026-01-05/part-x.parquet",
            FileKind.DEAD_LETTERS,
            "2026-01-05",
            -1,
            2,
            1,
            2);
    CommitMarker m = marker("0003-p2-c", 2, 100, 102, 0, 2, List.of(f));
    CommitMarker back = CommitMarker.fromJson(m.toJson());
    assertThat(back.commitId()).isEqualTo(m.commitId());
    assertThat(back.files()).containsExactly(f);
    assertThat(back.offsetRanges()).isEqualTo(m.offsetRanges());
    assertThat(back.records()).isEqualTo(2);
  }

  @Test
  void parquetFilesRoundTrip() {
    Schema schema =
        SchemaBuilder.record("R").fields().requiredLong("a").optionalString("b").endRecord();
    GenericRecord r1 = new GenericData.Record(schema);
    r1.put("a", 1L);
    r1.put("b", "x");
    GenericRecord r2 = new GenericData.Record(schema);
    r2.put("a", 2L);
    Path file = lake.resolve("f.parquet");
    ParquetFiles.write(file, schema, List.of(r1, r2));
    List<GenericRecord> back = ParquetFiles.readAll(file);
    assertThat(back).hasSize(2);
    assertThat(back.get(0).get("a")).isEqualTo(1L);
    assertThat(back.get(0).get("b").toString()).isEqualTo("x");
    assertThat(back.get(1).get("b")).isNull();
  }

  @Test
  void layoutNamesHaveNoColons() {
    String id = LakeLayout.newCommitId(3, 1767571200000L);
    assertThat(id).startsWith("1767571200000-p3-").doesNotContain(":");
    assertThat(LakeLayout.dataFile("2026-01-05", 7, id))
        .isEqualTo("data/event_date=2026-01-05/event_hour=07/part-" + id + ".parquet");
    assertThat(LakeLayout.eventDate(1767571200000L)).isEqualTo("2026-01-05");
    assertThat(LakeLayout.eventHour(1767571200000L + 3_600_000L * 5)).isEqualTo(5);
  }
}
