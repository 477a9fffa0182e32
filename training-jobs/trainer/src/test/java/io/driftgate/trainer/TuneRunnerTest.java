package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.registry.Manifest;
import io.driftgate.core.registry.ModelDirectory;
import io.driftgate.core.tune.LocalStudyRunner;
import io.driftgate.core.tune.SearchSpace;
import io.driftgate.core.tune.StudyFiles;
import io.driftgate.core.tune.StudySpec;
import io.driftgate.core.tune.TrialResult;
import io.driftgate.core.tune.TrialStatus;
import io.driftgate.testkit.lake.CommittedLakes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real DJL trials in child JVMs: the 3×3 lr × momentum grid with one NaN and one crash. */
class TuneRunnerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  static CommittedLakes.Lake lake;

  @BeforeAll
  static void writeLake() {
    lake = TestLakes.write(shared.resolve("lake"), 7, 3_000, 1, 1_000);
  }

  private static TuneRunner.Builder grid(Path study) {
    Map<String, String> base = new LinkedHashMap<>();
    base.put("epochs", "2");
    base.put("hidden", "16");
    base.put("batchSize", "64");
    base.put("patience", "0");
    base.put("seed", "5");
    base.put("fault.4", "nan"); // lr 0.05, momentum 0.5
    base.put("fault.6", "crash"); // lr 0.1, momentum 0.0: System.exit(3) in epoch 1
    return TuneRunner.builder()
        .setSpec(TestLakes.SPEC)
        .setLake(lake.root())
        .setStudyDir(study)
        .setSpace(
            SearchSpace.builder()
                .add("lr", SearchSpace.choice(0.01, 0.05, 0.1))
                .add("momentum", SearchSpace.choice(0.0, 0.5, 0.9))
                .build())
        .optName("katib-grid")
        .optParallelism(2)
        .optTrialTimeout(Duration.ofMinutes(3))
        .optHeartbeatTimeout(Duration.ofMinutes(1))
        .optTrialHeap("512m")
        // Short-lived JVMs on a busy machine: C1 only, serial GC (libtorch does the math).
        .optJvmFlags(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"))
        .optBaseParams(base)
        .optRunner(new LocalStudyRunner().pollInterval(Duration.ofMillis(100)));
  }

  @Test
  void realGridMarksNanAndCrashFailedPublishesTheBestModelAndResumesWithoutRerunning()
      throws Exception {
    Path study = shared.resolve("study");
    long t0 = System.nanoTime();
    TuneRunner.Result r = grid(study).build().run();
    long gridMs = (System.nanoTime() - t0) / 1_000_000;

    assertThat(r.study().trials()).hasSize(9);
    TrialResult nan = r.study().trial(4);
    assertThat(nan.params()).containsEntry("lr", "0.05").containsEntry("momentum", "0.5");
    assertThat(nan.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(nan.reason()).isEqualTo(TrialResult.REASON_NAN);
    TrialResult crash = r.study().trial(6);
    assertThat(crash.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(crash.reason()).isEqualTo(TrialResult.REASON_EXIT_CODE + 3);
    assertThat(r.count(TrialStatus.COMPLETED)).isEqualTo(7);
    assertThat(r.count(TrialStatus.FAILED)).isEqualTo(2);
    assertThat(Files.exists(TrialMain.modelDir(study, 4).resolve(Trainer.METRICS_FILE))).isFalse();

    // Every completed trial trained a real model; its objective is the saved model's log loss.
    double bestSeen = Double.POSITIVE_INFINITY;
    for (TrialResult t : r.study().trials()) {
      if (t.status() != TrialStatus.COMPLETED) {
        continue;
      }
      JsonNode m =
          JSON.readTree(TrialMain.modelDir(study, t.index()).resolve("metrics.json").toFile());
      assertThat(t.objective()).isEqualTo(m.get("log_loss").asDouble());
      assertThat(t.epochs()).isEqualTo(2);
      assertThat(Files.readAllLines(StudyFiles.metrics(study, t.index()))).hasSize(2);
      JsonNode training =
          JSON.readTree(
              TrialMain.modelDir(study, t.index()).resolve(Trainer.TRAINING_FILE).toFile());
      assertThat(training.get("lake").get("snapshotId").asLong()).isEqualTo(lake.lastSnapshot());
      bestSeen = Math.min(bestSeen, t.objective());
    }
    TrialResult best = r.best().orElseThrow();
    assertThat(best.objective()).isEqualTo(bestSeen);

    // The best model: a copy of the best trial's model, with tuning.json and a valid manifest.
    assertThat(r.bestModel()).isEqualTo(study.resolve(TuneRunner.BEST_MODEL));
    Manifest manifest = ModelDirectory.verify(r.bestModel());
    assertThat(manifest.files())
        .containsKeys(
            Trainer.METRICS_FILE, Trainer.TRAINING_FILE, Preprocessing.FILE_NAME, "tuning.json");
    assertThat(Files.readString(r.bestModel().resolve(Trainer.METRICS_FILE)))
        .isEqualTo(
            Files.readString(
                TrialMain.modelDir(study, best.index()).resolve(Trainer.METRICS_FILE)));
    JsonNode tuning = JSON.readTree(r.bestModel().resolve("tuning.json").toFile());
    assertThat(tuning.get("trial").asInt()).isEqualTo(best.index());
    assertThat(tuning.get("params").get("lr").asText()).isEqualTo(best.params().get("lr"));
    assertThat(tuning.get("lakeSnapshot").asLong()).isEqualTo(lake.lastSnapshot());

    List<String> table = Files.readAllLines(r.table());
    assertThat(table).hasSize(10);
    assertThat(table.get(5)).startsWith("4,FAILED,nan,");
    assertThat(table.get(7)).startsWith("6,FAILED,exit code 3,");
    System.out.printf(
        "grid 3x3: %d ms wall, best trial %d %s val_loss %.4f%n",
        gridMs, best.index(), best.params(), best.objective());

    // Resume: nothing that finished runs again (trial.log is appended to on every launch).
    Map<Integer, Long> logSizes = new LinkedHashMap<>();
    for (int i = 0; i < 9; i++) {
      logSizes.put(i, Files.size(StudyFiles.log(study, i)));
    }
    long t1 = System.nanoTime();
    TuneRunner.Result again = grid(study).build().run();
    long resumeMs = (System.nanoTime() - t1) / 1_000_000;
    for (int i = 0; i < 9; i++) {
      assertThat(Files.size(StudyFiles.log(study, i)))
          .as("trial %d log", i)
          .isEqualTo(logSizes.get(i));
      assertThat(again.study().trial(i).status()).isEqualTo(r.study().trial(i).status());
      assertThat(again.study().trial(i).objective()).isEqualTo(r.study().trial(i).objective());
    }
    assertThat(again.best().orElseThrow().index()).isEqualTo(best.index());
    ModelDirectory.verify(again.bestModel());
    assertThat(resumeMs).isLessThan(10_000);
  }

  @Test
  void studySpecCarriesSpecLakeAndTheWholeLakeRangeAndRejectsUnknownParams(@TempDir Path tmp) {
    StudySpec spec = grid(tmp.resolve("s")).build().studySpec();
    assertThat(spec.trialCount()).isEqualTo(9);
    Map<String, String> p = spec.paramsFor(8);
    assertThat(p.get(TrialMain.SPEC)).endsWith("driftgate.yaml");
    assertThat(Path.of(p.get(TrialMain.LAKE))).isEqualTo(lake.root().toAbsolutePath().normalize());
    assertThat(LakeRange.parseInstant("from", p.get(TrialMain.FROM))).isEqualTo(lake.from());
    assertThat(LakeRange.parseInstant("to", p.get(TrialMain.TO))).isEqualTo(lake.to());
    assertThat(p.get(TrialMain.SNAPSHOT)).isEqualTo(Long.toString(lake.lastSnapshot()));
    assertThat(p).doesNotContainKey(TrialMain.METADATA);
    assertThat(p).containsEntry("lr", "0.1").containsEntry("momentum", "0.9");

    assertThatThrownBy(
            () ->
                grid(tmp.resolve("t"))
                    .setSpace(
                        SearchSpace.builder().add("learning_rate", SearchSpace.choice(1)).build())
                    .build()
                    .studySpec())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("search parameter 'learning_rate' is not a training parameter");
    assertThatThrownBy(
            () ->
                grid(tmp.resolve("u"))
                    .optBaseParams(Map.of("momentum", "1.5"))
                    .setSpace(SearchSpace.builder().add("lr", SearchSpace.choice(0.1)).build())
                    .build()
                    .studySpec())
        .hasMessageContaining("trial 0: momentum must be in [0, 1)");
    assertThatThrownBy(() -> grid(tmp.resolve("v")).optBaseParams(Map.of(TrialMain.SNAPSHOT, "1")))
        .hasMessageContaining("is set by the tuner");
  }

  @Test
  void everyTrialReadsTheSnapshotResolvedOnceAndAResumedStudyKeepsIt(@TempDir Path tmp)
      throws Exception {
    Path root = tmp.resolve("lake");
    CommittedLakes.Lake small = TestLakes.write(root, 3, 400, 1, 200);
    Path study = tmp.resolve("study");
    TuneRunner runner = grid(study).setLake(root).build();
    StudySpec prepared = runner.prepare();
    long pinned = small.lastSnapshot();
    for (int i = 0; i < prepared.trialCount(); i++) {
      assertThat(StudyFiles.readParams(StudyFiles.params(study, i)))
          .containsEntry(TrialMain.SNAPSHOT, Long.toString(pinned));
    }

    // More rows are committed (event times inside the study's range) while the study runs.
    long appended = TestLakes.append(root, 8, 100, 3);
    // The same runner (resolved once) and a runner resuming the directory keep the snapshot and
    // range; trial params resolve to the same training request.
    assertThat(runner.studySpec().paramsFor(0)).isEqualTo(prepared.paramsFor(0));
    Map<String, String> resumed = grid(study).setLake(root).build().studySpec().paramsFor(0);
    assertThat(resumed).isEqualTo(prepared.paramsFor(0));
    assertThat(grid(study).setLake(root).build().prepare().trialCount()).isEqualTo(9);
    TrainRequest request = TrialMain.request(resumed, 0, tmp.resolve("m"), null);
    assertThat(request.snapshotId()).isEqualTo(pinned);
    assertThat(LakeDataset.load(TestLakes.spec(), root, pinned, small.from(), small.to()).rows())
        .hasSize(400);

    // A new study pins the new current snapshot; an explicit one wins over the stored one.
    Map<String, String> fresh =
        grid(tmp.resolve("fresh")).setLake(root).build().studySpec().paramsFor(0);
    assertThat(fresh).containsEntry(TrialMain.SNAPSHOT, Long.toString(appended));
    assertThat(
            grid(study)
                .setLake(root)
                .optSnapshot(small.snapshots().get(0))
                .build()
                .studySpec()
                .paramsFor(0))
        .containsEntry(TrialMain.SNAPSHOT, Long.toString(small.snapshots().get(0)));
    // Catalog-free trials: the metadata file goes to every trial.
    String metadata = TestLakes.metadataLocation(root);
    Map<String, String> pod =
        grid(tmp.resolve("pod"))
            .setLake(null)
            .optMetadataLocation(metadata)
            .build()
            .studySpec()
            .paramsFor(0);
    assertThat(pod)
        .containsEntry(TrialMain.METADATA, metadata)
        .containsEntry(TrialMain.SNAPSHOT, Long.toString(appended))
        .doesNotContainKey(TrialMain.LAKE);
  }

  /**
   * Trials on threads of this JVM ({@link TuneRunner.Builder#optInProcess}): two at once train the
   * very models one at a time does (trainings take turns on the engine's global generator), the
   * same as child JVMs up to libtorch's thread count, and an injected crash fails its trial instead
   * of ending the JVM.
   */
  @Test
  void inProcessTrialsTrainTheSameModelsAsChildJvmsAndACrashStaysInsideItsTrial(@TempDir Path tmp)
      throws Exception {
    Map<String, String> base = new LinkedHashMap<>();
    base.put("epochs", "2");
    base.put("hidden", "16");
    base.put("batchSize", "64");
    base.put("patience", "0");
    base.put("seed", "5");
    base.put("fault.2", "crash");
    SearchSpace space =
        SearchSpace.builder()
            .add("lr", SearchSpace.choice(0.01, 0.05, 0.1))
            .add("momentum", SearchSpace.choice(0.9))
            .build();
    java.util.function.BiFunction<String, Integer, TuneRunner.Builder> study =
        (name, parallelism) ->
            grid(tmp.resolve(name)).setSpace(space).optBaseParams(base).optParallelism(parallelism);

    TuneRunner.Result together = study.apply("together", 2).optInProcess(true).build().run();
    TuneRunner.Result oneByOne = study.apply("one-by-one", 1).optInProcess(true).build().run();
    TuneRunner.Result children = study.apply("children", 2).build().run();

    TrialResult crash = together.study().trial(2);
    assertThat(crash.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(crash.reason()).contains("injected crash");
    assertThat(children.study().trial(2).reason()).isEqualTo(TrialResult.REASON_EXIT_CODE + 3);
    for (int i = 0; i < 2; i++) {
      TrialResult t = together.study().trial(i);
      assertThat(t.status()).isEqualTo(TrialStatus.COMPLETED);
      assertThat(t.objective()).isEqualTo(oneByOne.study().trial(i).objective());
      assertThat(weights(TrialMain.modelDir(together.studyDir(), i)))
          .isEqualTo(weights(TrialMain.modelDir(oneByOne.studyDir(), i)));
      assertThat(t.objective())
          .isCloseTo(
              children.study().trial(i).objective(), org.assertj.core.data.Offset.offset(1e-4));
      assertThat(Files.readString(StudyFiles.log(together.studyDir(), i)))
          .contains("trial " + i + ": COMPLETED");
      assertThat(StudyFiles.pid(together.studyDir(), i)).doesNotExist();
    }
    assertThat(together.best().orElseThrow().index())
        .isEqualTo(children.best().orElseThrow().index());
    ModelDirectory.verify(together.bestModel());
  }

  /** The bytes of the model directory's saved parameters (model-NNNN.params). */
  private static byte[] weights(Path modelDir) throws java.io.IOException {
    try (var files = Files.list(modelDir)) {
      Path params =
          files
              .filter(f -> f.getFileName().toString().endsWith(".params"))
              .findFirst()
              .orElseThrow();
      return Files.readAllBytes(params);
    }
  }
}
