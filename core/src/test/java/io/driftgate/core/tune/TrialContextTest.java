package io.driftgate.core.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrialContextTest {
  @TempDir Path study;

  private void prepare(int index) throws Exception {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("lr", "0.10");
    params.put("momentum", "9e-1");
    params.put("optimizer", "sgd");
    params.put("tag", "12abc");
    StudyFiles.writeParams(StudyFiles.params(study, index), params);
    StudySpec spec =
        StudySpec.builder(SearchSpace.builder().add("lr", SearchSpace.choice(0.1)).build())
            .objective(Objective.maximize("val_auc"))
            .build();
    StudyFiles.writeAtomic(StudyFiles.studyJson(study), spec.toJson());
  }

  @Test
  void paramsKeepTheirTextAndNumbersAreJsonNumbers() throws Exception {
    prepare(0);
    JsonNode n = StudyFiles.JSON.readTree(Files.readString(StudyFiles.params(study, 0)));
    assertThat(n.get("lr").isNumber()).isTrue();
    assertThat(n.get("optimizer").isTextual()).isTrue();
    assertThat(n.get("tag").isTextual()).isTrue();
    TrialContext ctx =
        TrialContext.fromArgs(new String[] {"--trial", "0", "--study", study.toString()});
    assertThat(ctx.params())
        .containsEntry("lr", "0.10")
        .containsEntry("momentum", "9e-1")
        .containsEntry("optimizer", "sgd")
        .containsEntry("tag", "12abc");
    assertThat(ctx.doubleParam("momentum", 0)).isEqualTo(0.9);
    assertThat(ctx.objectiveName()).isEqualTo("val_auc");
    assertThat(StudyFiles.heartbeat(study, 0)).exists();
  }

  @Test
  void reportsEpochsHeartbeatsAndSeesStop() throws Exception {
    prepare(1);
    TrialContext ctx = TrialContext.open(study, 1);
    assertThat(ctx.reportEpoch(1, Map.of("val_auc", 0.7, "val_loss", 0.5))).isTrue();
    long beat = Long.parseLong(Files.readString(StudyFiles.heartbeat(study, 1)).trim());
    assertThat(beat)
        .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(5000L));
    Files.writeString(StudyFiles.stop(study, 1), "");
    assertThat(ctx.reportEpoch(2, Map.of("val_auc", 0.8))).isFalse();
    List<String> lines = Files.readAllLines(StudyFiles.metrics(study, 1));
    assertThat(lines).hasSize(2);
    StudyFiles.EpochLine first = StudyFiles.parseEpochLine(lines.get(0));
    assertThat(first.epoch()).isEqualTo(1);
    assertThat(first.metrics()).containsEntry("val_auc", 0.7).containsEntry("val_loss", 0.5);
    ctx.complete(0.8, Map.of("val_auc", 0.8));
    StudyFiles.StatusFile st = StudyFiles.readStatus(StudyFiles.status(study, 1));
    assertThat(st.status()).isEqualTo(TrialStatus.PRUNED);
    assertThat(st.objective()).isEqualTo(0.8);
    assertThat(st.epochs()).isEqualTo(2);
  }

  @Test
  void completesAndFirstFinalCallWins() throws Exception {
    prepare(2);
    TrialContext ctx = TrialContext.open(study, 2);
    ctx.reportEpoch(1, Map.of("val_auc", 0.7));
    ctx.complete(0.7, Map.of("val_auc", 0.7));
    ctx.fail("late");
    StudyFiles.StatusFile st = StudyFiles.readStatus(StudyFiles.status(study, 2));
    assertThat(st.status()).isEqualTo(TrialStatus.COMPLETED);
    assertThat(st.reason()).isNull();
    assertThat(st.objective()).isEqualTo(0.7);
  }

  @Test
  void nanObjectiveFailsTheTrial() throws Exception {
    prepare(3);
    TrialContext ctx = TrialContext.open(study, 3);
    assertThat(ctx.reportEpoch(1, Map.of("val_auc", Double.NaN, "val_loss", 1.0))).isFalse();
    StudyFiles.StatusFile st = StudyFiles.readStatus(StudyFiles.status(study, 3));
    assertThat(st.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(st.reason()).isEqualTo(TrialResult.REASON_NAN);
    // the NaN is on disk as "NaN" and reads back as NaN
    StudyFiles.EpochLine line =
        StudyFiles.parseEpochLine(Files.readAllLines(StudyFiles.metrics(study, 3)).get(0));
    assertThat(line.metrics().get("val_auc")).isNaN();

    prepare(4);
    TrialContext inf = TrialContext.open(study, 4);
    inf.complete(Double.POSITIVE_INFINITY, Map.of());
    assertThat(StudyFiles.readStatus(StudyFiles.status(study, 4)).reason())
        .isEqualTo(TrialResult.REASON_NAN);
  }

  @Test
  void refusesATrialWithoutParams() {
    assertThatThrownBy(() -> TrialContext.open(study, 9))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("params.json");
    assertThatThrownBy(() -> TrialContext.fromArgs(new String[] {"--trial", "1"}))
        .hasMessageContaining("usage");
  }

  @Test
  void javaLauncherWritesAnArgFile() throws Exception {
    JavaTrialLauncher launcher =
        JavaTrialLauncher.builder("com.example.Train")
            .classpath("/a b/x.jar" + java.io.File.pathSeparator + "/c\\d.jar")
            .jvmFlags(List.of("-Xmx64m"))
            .extraArgs(List.of("--verbose"))
            .build();
    List<String> cmd = launcher.command(5, study);
    Path argFile = StudyFiles.trialDir(study, 5).resolve("jvm.args").toAbsolutePath();
    assertThat(cmd.get(0)).endsWith("java");
    assertThat(cmd.subList(1, cmd.size()))
        .containsExactly(
            "@" + argFile,
            "com.example.Train",
            "--trial",
            "5",
            "--study",
            study.toAbsolutePath().toString(),
            "--verbose");
    List<String> lines = Files.readAllLines(argFile);
    assertThat(lines).contains("\"-Xmx64m\"", "\"-cp\"");
    assertThat(lines.get(lines.size() - 1))
        .isEqualTo("\"/a b/x.jar" + java.io.File.pathSeparator + "/c\\\\d.jar\"");
    // surefire runs this JVM with --add-opens: they are passed on
    assertThat(launcher.jvmFlags()).contains("--add-opens=java.base/java.lang=ALL-UNNAMED");
    assertThat(launcher.jvmFlags()).endsWith("-Xmx64m");
  }
}
