package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeBatch;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeCommitter;
import io.driftgate.core.lake.LakeFileWriter;
import io.driftgate.core.lake.LakeMaintenance;
import io.driftgate.core.lake.LakeTables;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.testkit.lake.CommittedLakes;
import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeCommandTest extends ConsoleCapture {
  static final String SPEC = TinyLake.SPEC.toString();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** 200 rows of two partitions, four commits of 50 rows each. */
  private CommittedLakes.Lake fourCommits() {
    return CommittedLakes.of(TinyLake.SPEC)
        .seed(3)
        .count(200)
        .partitions(2)
        .rowsPerCommit(50)
        .write(dir.resolve("lake"));
  }

  private JsonNode lakeJson() throws Exception {
    out.reset();
    assertThat(Main.execute("lake", "--lake", dir.resolve("lake").toString(), "--json"))
        .as(stderr())
        .isZero();
    return JSON.readTree(stdout());
  }

  @Test
  void lakeShowsSnapshotsHoursTotalsAndOffsets() {
    CommittedLakes.Lake lake = fourCommits();

    assertThat(Main.execute("lake", "--lake", lake.root().toString())).as(stderr()).isZero();

    String text = stdout();
    assertThat(text)
        .contains("metadata ", ".metadata.json", "append", "+50")
        .contains("total: 200 rows", "0 dead letters", "4 snapshots")
        .contains("flights-0[0-50]", "flights-1[50-100]")
        .containsPattern("offsets flights-0 +\\[0-100\\]")
        .containsPattern("offsets flights-1 +\\[0-100\\]");
    lake.snapshots().forEach(id -> assertThat(text).contains(Long.toString(id)));
    try (Lake read = Lake.open(lake.root())) {
      read.windows().forEach(w -> assertThat(text).contains(w.eventDate()));
    }
  }

  @Test
  void lakeJsonHasTheSameFacts() throws Exception {
    CommittedLakes.Lake lake = fourCommits();

    JsonNode json = lakeJson();

    assertThat(json.get("rows").asLong()).isEqualTo(200);
    assertThat(json.get("snapshotId").asLong()).isEqualTo(lake.lastSnapshot());
    assertThat(json.get("snapshotCount").asInt()).isEqualTo(4);
    assertThat(json.get("snapshots")).hasSize(4);
    assertThat(json.get("snapshots").get(0).get("commitOffsets").get("flights-0").toString())
        .isEqualTo("[[0,50]]");
    assertThat(json.get("offsets").get("flights-1").toString()).isEqualTo("[[0,100]]");
    assertThat(json.get("duplicateOffsets").asLong()).isZero();
    assertThat(json.get("metadataLocation").asText()).endsWith(".metadata.json");
    long windowRows = 0;
    for (JsonNode w : json.get("windows")) {
      windowRows += w.get("rows").asLong();
    }
    assertThat(windowRows).isEqualTo(200);
  }

  @Test
  void anEmptyLakeSaysSoAndCreatesNothing() {
    Path empty = dir.resolve("nothing-here");

    assertThat(Main.execute("lake", "--lake", empty.toString())).isZero();

    assertThat(stdout()).contains("no commits yet");
    assertThat(empty).doesNotExist();
  }

  @Test
  void maintainCompactsExpiresAndKeepsTheSnapshotARegisteredModelWasTrainedOn() throws Exception {
    CommittedLakes.Lake lake = fourCommits();
    long trainedOn = lake.snapshots().get(1);
    Path registry = dir.resolve("registry");
    Path model = Files.createDirectories(dir.resolve("model"));
    Files.writeString(
        model.resolve(LakeCommand.TRAINING_FILE),
        "{\"lake\": {\"snapshotId\": " + trainedOn + "}}");
    JdbcModelRegistry.embedded(registry).register("flight-delay", model, Map.of());

    int code =
        Main.execute(
            "lake",
            "maintain",
            "--spec",
            SPEC,
            "--lake",
            lake.root().toString(),
            "--registry",
            registry.toString(),
            "--older-than",
            "0s",
            "--retain-last",
            "1",
            "--orphans-older-than",
            "0s");

    assertThat(code).as(stderr()).isZero();
    assertThat(stdout())
        .contains("kept snapshots: 1 (1 from registered models")
        // Four appends and the compaction: the compaction is the last, the model's is tagged.
        .contains("compacted", "expired 3 snapshots")
        .contains("tagged " + LakeMaintenance.keepTag(trainedOn));
    JsonNode json = lakeJson();
    assertThat(json.get("rows").asLong()).isEqualTo(200);
    assertThat(json.get("snapshotCount").asInt()).isEqualTo(1);
    assertThat(json.get("snapshots").get(0).get("operation").asText()).isEqualTo("replace");
    assertThat(json.get("dataFiles").asLong()).isEqualTo(json.get("windows").size());
    assertThat(json.get("offsets").get("flights-0").toString()).isEqualTo("[[0,100]]");
    try (Lake read = Lake.open(lake.root())) {
      assertThat(read.at(trainedOn).rows()).isEqualTo(100);
    }
  }

  @Test
  void maintainDryRunReportsAsJsonAndChangesNothing() throws Exception {
    CommittedLakes.Lake lake = fourCommits();

    int code =
        Main.execute(
            "lake",
            "maintain",
            "--lake",
            lake.root().toString(),
            "--no-registry",
            "--keep",
            lake.snapshots().get(0) + ",42",
            "--older-than",
            "0s",
            "--retain-last",
            "1",
            "--dry-run",
            "--json");

    assertThat(code).as(stderr()).isZero();
    JsonNode r = JSON.readTree(stdout());
    assertThat(r.get("dryRun").asBoolean()).isTrue();
    assertThat(r.get("keepMissing").toString()).isEqualTo("[42]");
    assertThat(r.get("records").get("filesRewritten").asInt()).isPositive();
    assertThat(r.get("records").get("snapshotsExpired").asInt()).isEqualTo(2);
    assertThat(r.get("records").get("rewriteSnapshotId").isNull()).isTrue();
    JsonNode after = lakeJson();
    assertThat(after.get("snapshotId").asLong()).isEqualTo(lake.lastSnapshot());
    assertThat(after.get("snapshotCount").asInt()).isEqualTo(4);
  }

  @Test
  void maintainNamesTheOptionOfABadDuration() {
    int code =
        Main.execute(
            "lake", "maintain", "--lake", dir.toString(), "--no-registry", "--older-than", "soon");

    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--older-than", "soon", "1h").doesNotContain("Exception");
  }

  @Test
  void modelSnapshotsReadsEveryKnownLineageSpelling() throws Exception {
    JdbcModelRegistry registry = JdbcModelRegistry.embedded(dir.resolve("registry"));
    List<String> lineages =
        List.of(
            "{\"lake\": {\"snapshotId\": 11}}",
            "{\"lake\": {\"snapshot\": \"12\"}}",
            "{\"lakeSnapshotId\": 13}",
            "{\"lakeSnapshot\": \"not-a-number\"}",
            "{\"lake\": {\"rows\": 5}}");
    for (int i = 0; i < lineages.size(); i++) {
      Path m = Files.createDirectories(dir.resolve("m" + i));
      Files.writeString(m.resolve(LakeCommand.TRAINING_FILE), lineages.get(i));
      registry.register("flight-delay", m, Map.of());
    }
    Path bare = Files.createDirectories(dir.resolve("bare"));
    Files.writeString(bare.resolve("weights.bin"), "w");
    registry.register("flight-delay", bare, Map.of("lakeSnapshotId", "14"));

    assertThat(LakeCommand.modelSnapshots(registry, "flight-delay"))
        .containsExactly(11L, 12L, 13L, 14L);
    assertThat(LakeCommand.modelSnapshots(registry, "other")).isEmpty();
  }

  @Test
  void duplicateOffsetsCountsOffsetsCommittedTwice() throws Exception {
    fourCommits();
    try (Lake read = Lake.open(dir.resolve("lake"))) {
      assertThat(LakeCommand.duplicateOffsets(read)).isZero();
    }
    // A batch that overlaps what partition 0 holds ([0, 100)) by 10 offsets.
    Catalog catalog = LakeCatalog.embedded(dir.resolve("lake")).open();
    try (Lake read = Lake.open(dir.resolve("lake"))) {
      List<Record> rows = new ArrayList<>();
      read.scanAll(rows::add);
      Table records = catalog.loadTable(LakeTables.records("flight-delay"));
      LakeBatch batch = new LakeBatch();
      for (long o = 90; o < 110; o++) {
        batch.offset(CommittedLakes.TOPIC, 0, o);
      }
      batch.recordFiles(LakeFileWriter.writeAll(records, 0, rows.subList(0, 20)), 20);
      new LakeCommitter(records, catalog.loadTable(LakeTables.deadLetters("flight-delay")), "t")
          .commit(batch);
    } finally {
      ((Closeable) catalog).close();
    }
    try (Lake read = Lake.open(dir.resolve("lake"))) {
      assertThat(read.rows()).isEqualTo(220);
      assertThat(LakeCommand.duplicateOffsets(read)).isEqualTo(10);
    }
  }
}
