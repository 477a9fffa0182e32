package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.tune.StudyFiles;
import io.driftgate.core.tune.TrialContext;
import io.driftgate.testkit.lake.CommittedLakes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One trial in this JVM: params.json in, metrics.jsonl, status.json and a model out. */
class TrialMainTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  static CommittedLakes.Lake lake;

  @TempDir Path study;

  @BeforeAll
  static void writeLake() {
    lake = TestLakes.write(shared.resolve("lake"), 3, 2_000, 1, 1_000);
  }

  private Map<String, String> params(Map<String, String> extra) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(TrialMain.SPEC, TestLakes.SPEC.toString());
    p.put(TrialMain.LAKE, lake.root().toString());
    p.put("epochs", "2");
    p.put("hidden", "16");
    p.put("batchSize", "64");
    p.put("patience", "0");
    p.putAll(extra);
    return p;
  }

  private JsonNode status(int i) throws Exception {
    return JSON.readTree(StudyFiles.status(study, i).toFile());
  }

  @Test
  void aTrialTrainsReportsEveryEpochAndCompletesWithTheSavedModelsLogLoss() throws Exception {
    StudyFiles.writeParams(StudyFiles.params(study, 0), params(Map.of("lr", "0.05")));
    // A stale model of an earlier attempt is replaced.
    Files.createDirectories(TrialMain.modelDir(study, 0));
    Files.writeString(TrialMain.modelDir(study, 0).resolve("stale"), "x");

    int exit = TrialMain.run(new String[] {"--trial", "0", "--study", study.toString()});

    assertThat(exit).isZero();
    JsonNode st = status(0);
    assertThat(st.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(st.get("epochs").asInt()).isEqualTo(2);
    Path model = TrialMain.modelDir(study, 0);
    JsonNode metrics = JSON.readTree(model.resolve(Trainer.METRICS_FILE).toFile());
    assertThat(st.get("objective").asDouble()).isEqualTo(metrics.get("log_loss").asDouble());
    assertThat(st.get("metrics").get("val_auc").asDouble())
        .isEqualTo(metrics.get("roc_auc").asDouble());
    assertThat(Files.exists(model.resolve("stale"))).isFalse();
    List<String> lines = Files.readAllLines(StudyFiles.metrics(study, 0));
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).contains("\"epoch\":2", "val_loss");
    JsonNode training = JSON.readTree(model.resolve(Trainer.TRAINING_FILE).toFile());
    assertThat(training.get("lake").get("fromMillis").asLong()).isEqualTo(lake.from());
    assertThat(training.get("lake").get("rows").asInt()).isEqualTo(2_000);
    // No snapshot in the params: the current one, resolved once for range and rows.
    assertThat(training.get("lake").get("snapshotId").asLong()).isEqualTo(lake.lastSnapshot());
  }

  @Test
  void aTrialReadsTheSnapshotItsParamsNameAlsoWithoutTheCatalog() throws Exception {
    long first = lake.snapshots().get(0);
    Map<String, String> p = params(Map.of(TrialMain.SNAPSHOT, Long.toString(first)));
    // A pod without the catalog: the records table's metadata file instead of the lake root.
    p.remove(TrialMain.LAKE);
    p.put(TrialMain.METADATA, TestLakes.metadataLocation(lake.root()));
    StudyFiles.writeParams(StudyFiles.params(study, 0), p);

    assertThat(TrialMain.run(TrialContext.open(study, 0))).isZero();

    assertThat(status(0).get("status").asText()).isEqualTo("COMPLETED");
    JsonNode training =
        JSON.readTree(TrialMain.modelDir(study, 0).resolve(Trainer.TRAINING_FILE).toFile());
    // The first commit holds the first 1000 records; without from/to the range is that
    // snapshot's.
    assertThat(training.get("lake").get("snapshotId").asLong()).isEqualTo(first);
    assertThat(training.get("lake").get("rows").asInt()).isEqualTo(1_000);
    assertThat(training.get("lake").get("fromMillis").asLong()).isEqualTo(lake.from());
    assertThat(training.get("lake").get("toMillis").asLong()).isLessThan(lake.to());
    assertThat(training.get("kafkaOffsets").get("flights-0").get(0).get(1).asLong())
        .isEqualTo(1_000);

    TrainRequest r =
        TrialMain.request(params(Map.of(TrialMain.SNAPSHOT, Long.toString(first))), 0, study, null);
    assertThat(r.snapshotId()).isEqualTo(first);
    assertThat(TrialMain.request(params(Map.of()), 0, study, null).snapshotId())
        .isEqualTo(lake.lastSnapshot());
    assertThatThrownBy(
            () -> TrialMain.request(params(Map.of(TrialMain.SNAPSHOT, "x")), 0, study, null))
        .hasMessageContaining("not a lake snapshot id");
    assertThatThrownBy(
            () -> TrialMain.request(params(Map.of(TrialMain.SNAPSHOT, "7")), 0, study, null))
        .hasMessageContaining("snapshot 7 does not exist");
  }

  @Test
  void aNanTrialFailsWithReasonNanAndABadParamFailsWithItsMessage() throws Exception {
    StudyFiles.writeParams(
        StudyFiles.params(study, 1), params(Map.of("fault.1", "nan", "fault.2", "crash")));
    assertThat(TrialMain.run(TrialContext.open(study, 1))).isEqualTo(2);
    assertThat(status(1).get("status").asText()).isEqualTo("FAILED");
    assertThat(status(1).get("reason").asText()).isEqualTo("nan");

    StudyFiles.writeParams(StudyFiles.params(study, 3), params(Map.of("lr", "-1")));
    assertThat(TrialMain.run(TrialContext.open(study, 3))).isEqualTo(1);
    assertThat(status(3).get("reason").asText()).contains("lr must be > 0");

    assertThat(TrialMain.run(new String[] {"--trial", "9", "--study", study.toString()}))
        .isEqualTo(64);
  }

  @Test
  void faultHooksApplyToTheirTrialOnly() {
    Map<String, String> p = params(Map.of("fault.1", "nan", "fault.2", "crash"));
    p.put(TrialMain.SNAPSHOT, "1");
    p.put(TrialMain.METADATA, "/m.metadata.json");
    assertThat(TrialMain.trainingParams(p, 0))
        .doesNotContainKeys("fault", "fault.1", "spec", "lake")
        .doesNotContainKeys(TrialMain.SNAPSHOT, TrialMain.METADATA)
        .containsEntry("epochs", "2");
    assertThat(TrialMain.trainingParams(p, 1)).containsEntry("fault", "nan");
    assertThat(TrialMain.trainingParams(p, 2))
        .containsEntry("fault", "crash")
        .containsEntry("allowCrash", "true");
    assertThatThrownBy(() -> TrialMain.trainingParams(Map.of("fault.x", "nan"), 0))
        .hasMessageContaining("fault.<trial index>");
  }
}
