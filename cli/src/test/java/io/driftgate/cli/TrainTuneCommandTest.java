package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.registry.ModelDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code driftgate train} and {@code driftgate tune} end to end on a tiny lake. */
class TrainTuneCommandTest extends ConsoleCapture {
  @TempDir static Path shared;
  static Path lake;

  @TempDir Path dir;

  @BeforeAll
  static void writeLake() throws Exception {
    // One libtorch thread: CPU results are reproducible for a given thread count.
    System.setProperty("ai.djl.pytorch.num_threads", "1");
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    lake = TinyLake.write(shared.resolve("lake"), 21, 2_000);
  }

  private int train(Path model) {
    return Main.execute(
        "train",
        "--spec",
        TinyLake.SPEC.toString(),
        "--lake",
        lake.toString(),
        "--out",
        model.toString(),
        "--seed",
        "7",
        "--param",
        "epochs=2",
        "--param",
        "hidden=16",
        "--param",
        "batchSize=64");
  }

  @Test
  void trainWritesAVerifiedModelDirectoryAndTheSameSeedGivesTheSameMetrics() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    assertThat(train(a)).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String firstRun = stdout();
    assertThat(train(b)).isZero();

    assertThat(ModelDirectory.verify(a).files())
        .containsKeys("metrics.json", "training.json", "spec.yaml", "reference_profile.bin");
    ModelDirectory.verify(b);
    assertThat(Files.readString(a.resolve("metrics.json")))
        .isEqualTo(Files.readString(b.resolve("metrics.json")));
    assertThat(Files.readString(a.resolve("training.json"))).contains("\"seed\" : 7");
    assertThat(stdout())
        .contains("epoch", "val_loss", "validation metrics", "roc_auc", "manifest.json");
    // one name=value line per epoch (epochs=2), as Katib's StdOut collector reads them with its
    // default metricsFormat
    Pattern katibFormat =
        Pattern.compile("([\\w|-]+)\\s*=\\s*([+-]?\\d*(\\.\\d+)?([Ee][+-]?\\d+)?)");
    List<String> metricLines = firstRun.lines().filter(l -> l.startsWith("epoch=")).toList();
    assertThat(metricLines).hasSize(2);
    for (int i = 0; i < metricLines.size(); i++) {
      Map<String, Double> parsed = new LinkedHashMap<>();
      Matcher m = katibFormat.matcher(metricLines.get(i));
      while (m.find()) {
        parsed.put(m.group(1), Double.parseDouble(m.group(2)));
      }
      assertThat(parsed)
          .containsEntry("epoch", (double) (i + 1))
          .containsKeys("train_loss", "val_loss", "val_accuracy", "val_auc");
      assertThat(parsed.get("val_accuracy")).isBetween(0.0, 1.0);
    }

    // A non-empty output directory is a clear error.
    assertThat(train(a)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("output directory is not empty");
  }

  @Test
  void tuneRunsAGridPublishesTheBestModelAndResumesWithoutRerunning() throws Exception {
    Path study = dir.resolve("study");
    String[] args = {
      "tune",
      "--spec",
      TinyLake.SPEC.toString(),
      "--lake",
      lake.toString(),
      "--study",
      study.toString(),
      "--grid",
      "lr=0.02,0.1",
      "--parallelism",
      "2",
      "--trial-heap",
      "512m",
      "--trial-timeout",
      "3m",
      "--heartbeat-timeout",
      "1m",
      "--param",
      "epochs=2",
      "--param",
      "hidden=16",
      "--param",
      "batchSize=64",
      "--param",
      "seed=3"
    };
    assertThat(Main.execute(args)).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String first = stdout();
    assertThat(first).contains("2 COMPLETED", "best: trial ", "best model: ");
    assertThat(first).containsPattern("(?m)^ +0 +0.02 +0\\.\\d+ COMPLETED +2 ");
    ModelDirectory.verify(study.resolve("best-model"));
    long log0 = Files.size(study.resolve("trials/0/trial.log"));
    long log1 = Files.size(study.resolve("trials/1/trial.log"));
    String bestLine = first.lines().filter(l -> l.startsWith("best: ")).findFirst().orElseThrow();

    out.reset();
    assertThat(Main.execute(args)).isZero();
    assertThat(Files.size(study.resolve("trials/0/trial.log"))).isEqualTo(log0);
    assertThat(Files.size(study.resolve("trials/1/trial.log"))).isEqualTo(log1);
    assertThat(stdout()).contains(bestLine, "2 COMPLETED");
    ModelDirectory.verify(study.resolve("best-model"));
  }

  @Test
  void preparedTrialsRunOneByOneWithTrainTrial() throws Exception {
    Path study = dir.resolve("prepared");
    assertThat(
            Main.execute(
                "tune",
                "--spec",
                TinyLake.SPEC.toString(),
                "--lake",
                lake.toString(),
                "--study",
                study.toString(),
                "--grid",
                "momentum=0.5,0.9",
                "--param",
                "epochs=2",
                "--param",
                "hidden=16",
                "--prepare-only"))
        .isZero();
    assertThat(stdout()).contains("2 trials", "driftgate train --trial <0..1>");
    assertThat(Files.readString(study.resolve("trials/1/params.json")))
        .contains("\"momentum\" : 0.9");
    assertThat(Files.exists(study.resolve("trials/0/status.json"))).isFalse();

    // What one pod of an Indexed Job runs.
    assertThat(Main.execute("train", "--trial", "1", "--study", study.toString())).isZero();
    assertThat(Files.readString(study.resolve("trials/1/status.json"))).contains("COMPLETED");
    assertThat(Files.readAllLines(study.resolve("trials/1/metrics.jsonl"))).hasSize(2);
    assertThat(Files.exists(study.resolve("trials/1/model/metrics.json"))).isTrue();
  }

  @Test
  void usageErrorsAreClearMessages() {
    assertThat(Main.execute("--help")).isZero();
    assertThat(stdout()).contains("train", "tune");
    assertThat(Main.execute("tune", "--spec", TinyLake.SPEC.toString(), "--study", "x"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("nothing to search");
    assertThat(Main.execute("train", "--spec", TinyLake.SPEC.toString(), "--lake", "l"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--out is required");
    assertThat(Main.execute("train", "--trial", "0", "--study", dir.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a trial of this study");
    assertThat(
            Main.execute(
                "tune",
                "--spec",
                TinyLake.SPEC.toString(),
                "--lake",
                lake.toString(),
                "--study",
                dir.resolve("s").toString(),
                "--grid",
                "learning_rate=0.1"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("search parameter 'learning_rate' is not a training parameter");
  }
}
