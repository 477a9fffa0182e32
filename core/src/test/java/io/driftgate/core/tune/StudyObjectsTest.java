package io.driftgate.core.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.state.ArtifactStore;
import io.driftgate.core.testing.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A study that lives in the artifact store and is worked on in local copies that share nothing
 * else, as the pods of an Indexed Job do: prepare, run trials, collect.
 */
class StudyObjectsTest {
  static final String KEY = "runs/flight-delay/r-1/study";

  @TempDir Path dir;

  static StudySpec spec() {
    return StudySpec.builder(
            SearchSpace.builder()
                .add("lr", SearchSpace.choice(0.1, 0.5))
                .add("momentum", SearchSpace.choice(0.9))
                .build())
        .baseParams(Map.of("epochs", "2"))
        .build();
  }

  /** Prepares a study in a fresh folder as {@code tune --prepare-only} does. */
  Path prepare(String name) throws Exception {
    Path local = Files.createDirectories(dir.resolve(name));
    StudySpec spec = spec();
    for (int i = 0; i < spec.trialCount(); i++) {
      Files.createDirectories(StudyFiles.trialDir(local, i));
      StudyFiles.writeParams(StudyFiles.params(local, i), spec.paramsFor(i));
    }
    StudyFiles.writeAtomic(StudyFiles.studyJson(local), spec.toJson() + "\n");
    return local;
  }

  /** One trial in its own folder: train (fake), heartbeat, model, result. */
  void runTrial(StudyObjects study, int index, double loss, Duration sync) throws Exception {
    Path local = Files.createDirectories(dir.resolve("pod-" + index));
    study.downloadTrial(local, index);
    assertThat(Files.isRegularFile(StudyFiles.params(local, index))).isTrue();
    TrialContext ctx = TrialContext.open(local, index);
    try (StudyObjects.TrialSync s = study.sync(local, index, sync)) {
      ctx.reportEpoch(1, Map.of("val_loss", loss + 0.1));
      s.sync();
      // while it runs: heartbeat and metrics in the store, no status yet
      assertThat(study.objects())
          .contains("trials/" + index + "/heartbeat", "trials/" + index + "/metrics.jsonl")
          .doesNotContain("trials/" + index + "/status.json");
      Path model = StudyFiles.trialDir(local, index).resolve("model");
      Files.createDirectories(model);
      Files.writeString(model.resolve("weights.bin"), "weights of trial " + index);
      ctx.reportEpoch(2, Map.of("val_loss", loss));
      ctx.complete(loss, Map.of("val_loss", loss));
      s.finish();
    }
  }

  @ParameterizedTest
  @EnumSource(Stores.class)
  void preparedOnceTrialsInTheirOwnFoldersCollectedInAnother(Stores kind) throws Exception {
    try (ArtifactStore store = kind.create(dir)) {
      StudyObjects study = new StudyObjects(store, KEY);
      assertThat(study.prepared()).isFalse();
      assertThatThrownBy(() -> study.downloadTrial(dir.resolve("x"), 0))
          .hasMessageContaining("no trial 0")
          .hasMessageContaining("is it prepared?");
      study.uploadPrepared(prepare("prepare-pod"));
      assertThat(study.prepared()).isTrue();
      assertThat(study.objects())
          .containsExactly("study.json", "trials/0/params.json", "trials/1/params.json");
      // a second preparing pod finds it prepared and takes the same study
      Path other = Files.createDirectories(dir.resolve("prepare-pod-2"));
      study.downloadPrepared(other);
      assertThat(StudySpec.fromJson(Files.readString(StudyFiles.studyJson(other))))
          .isEqualTo(spec());

      runTrial(study, 0, 0.4, Duration.ofHours(1));
      runTrial(study, 1, 0.3, Duration.ofMillis(10));
      assertThat(study.objects())
          .contains(
              "trials/0/status.json",
              "trials/0/model/weights.bin",
              "trials/1/status.json",
              "trials/1/model/weights.bin");

      // collecting reads results, not models, then the best model only
      Path collect = Files.createDirectories(dir.resolve("collect-pod"));
      Optional<TrialResult> best = study.best(collect);
      assertThat(best).isPresent();
      assertThat(best.get().index()).isEqualTo(1);
      assertThat(best.get().params()).containsEntry("lr", "0.5");
      assertThat(Files.exists(StudyFiles.trialDir(collect, 0).resolve("model"))).isFalse();
      assertThat(study.downloadTrialModel(collect, 1, "model")).isEqualTo(1);
      assertThat(Files.readString(StudyFiles.trialDir(collect, 1).resolve("model/weights.bin")))
          .isEqualTo("weights of trial 1");
      StudyResult r = LocalStudyRunner.collect(spec(), collect);
      assertThat(r.count(TrialStatus.COMPLETED)).isEqualTo(2);
      study.uploadReports(collect);
      assertThat(study.objects()).contains("results.json", "study-table.csv");
    }
  }

  @ParameterizedTest
  @EnumSource(Stores.class)
  void aTrialWhosePodDiedHasNoStatusAndCollectsAsFailed(Stores kind) throws Exception {
    try (ArtifactStore store = kind.create(dir)) {
      StudyObjects study = new StudyObjects(store, KEY);
      study.uploadPrepared(prepare("p"));
      runTrial(study, 0, 0.4, Duration.ofHours(1));
      // trial 1's pod wrote a heartbeat, then died
      Path local = Files.createDirectories(dir.resolve("dying"));
      study.downloadTrial(local, 1);
      TrialContext ctx = TrialContext.open(local, 1);
      StudyObjects.TrialSync s = study.sync(local, 1, Duration.ofMillis(10));
      ctx.reportEpoch(1, Map.of("val_loss", 0.01));
      s.sync();
      s.close(); // no finish
      assertThat(study.objects())
          .contains("trials/1/heartbeat")
          .doesNotContain("trials/1/status.json");
      Path collect = Files.createDirectories(dir.resolve("c"));
      assertThat(study.best(collect).orElseThrow().index()).isEqualTo(0);
      StudyResult r = LocalStudyRunner.collect(spec(), collect);
      assertThat(r.trial(1).status()).isEqualTo(TrialStatus.FAILED);
      assertThat(List.of(r.count(TrialStatus.COMPLETED))).containsExactly(1L);
    }
  }
}
