package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.registry.ModelDirectory;
import io.driftgate.testkit.lake.CommittedLakes;
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

    // --json: the same study as one document, nothing else on stdout
    out.reset();
    assertThat(Main.execute("tune", "--study", study.toString(), "--collect", "--json")).isZero();
    JsonNode doc = CliJsonTest.onlyDocument(stdout());
    assertThat(doc.get("trials")).hasSize(2);
    assertThat(doc.get("counts").get("COMPLETED").asLong()).isEqualTo(2);
    JsonNode best = doc.get("best");
    assertThat(bestLine).startsWith("best: trial " + best.get("index").asInt() + " ");
    assertThat(best.get("objective").asDouble())
        .isEqualTo(doc.get("trials").get(best.get("index").asInt()).get("objective").asDouble());
    assertThat(doc.get("trials").get(0).get("params").get("lr").asText()).isEqualTo("0.02");
    assertThat(doc.get("bestModel").asText()).endsWith("best-model");
  }

  @Test
  void trainJsonIsOneDocumentWithTheRunAndTheModelAndProgressGoesToStderr() throws Exception {
    Path model = dir.resolve("json");
    int code =
        Main.execute(
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
            "--json");
    assertThat(code).as(stderr()).isZero();
    JsonNode doc = CliJsonTest.onlyDocument(stdout());
    assertThat(doc.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(doc.get("epochsRun").asInt()).isEqualTo(2);
    assertThat(doc.get("history")).hasSize(2);
    assertThat(doc.get("history").get(1).get("val_loss").isNumber()).isTrue();
    assertThat(doc.get("trainRows").asInt() + doc.get("validationRows").asInt()).isPositive();
    assertThat(doc.get("contentHash").asText())
        .isEqualTo(ModelDirectory.verify(model).contentHash());
    assertThat(doc.get("modelDir").asText()).isEqualTo(model.toAbsolutePath().toString());
    assertThat(doc.get("metrics").get("roc_auc").asDouble()).isBetween(0.0, 1.0);
    // not a terminal here: plain progress lines on stderr, never a carriage return
    assertThat(stderr()).contains("train: 2/2 epochs (100%) done").doesNotContain("\r");
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
  void trainTuneAndGateReadTheSnapshotTheyAreGivenAlsoWithoutTheCatalog() throws Exception {
    // Two commits of 600 rows: the first snapshot holds the older half only.
    CommittedLakes.Lake two =
        CommittedLakes.of(TinyLake.SPEC).seed(4).count(1_200).rowsPerCommit(600).write(dir);
    long first = two.snapshots().get(0);
    String metadata;
    try (Lake l = Lake.open(dir)) {
      metadata = l.metadataLocation();
    }
    Path model = dir.resolve("model");
    assertThat(
            Main.execute(
                "train",
                "--spec",
                TinyLake.SPEC.toString(),
                "--lake",
                dir.resolve("no-such-lake").toString(), // the metadata file is all it reads
                "--snapshot",
                Long.toString(first),
                "--metadata-location",
                metadata,
                "--out",
                model.toString(),
                "--param",
                "epochs=1",
                "--param",
                "hidden=8",
                "--param",
                "batchSize=64"))
        .as(stdout() + err.toString(StandardCharsets.UTF_8))
        .isZero();
    assertThat(stdout()).contains("snapshot " + first, "range " + at(two.from()));
    JsonNode lakeInfo =
        new ObjectMapper().readTree(model.resolve("training.json").toFile()).path("lake");
    assertThat(lakeInfo.path("snapshotId").asLong()).isEqualTo(first);
    assertThat(lakeInfo.path("metadataLocation").asText()).isEqualTo(metadata);
    // the whole range of the first snapshot: up to its newest row, not the lake's
    assertThat(lakeInfo.path("toMillis").asLong()).isLessThan(two.to());
    assertThat(lakeInfo.path("rows").asLong() + lakeInfo.path("unlabeledRows").asLong())
        .isEqualTo(600);

    // A study prepared on a snapshot: every trial reads it, from the metadata file.
    Path study = dir.resolve("study");
    assertThat(
            Main.execute(
                "tune",
                "--spec",
                TinyLake.SPEC.toString(),
                "--lake",
                dir.toString(),
                "--study",
                study.toString(),
                "--grid",
                "lr=0.05,0.1",
                "--snapshot",
                Long.toString(first),
                "--metadata-location",
                metadata,
                "--prepare-only"))
        .as(err.toString(StandardCharsets.UTF_8))
        .isZero();
    JsonNode base =
        new ObjectMapper().readTree(study.resolve("study.json").toFile()).path("baseParams");
    assertThat(base.path("snapshot").asText()).isEqualTo(Long.toString(first));
    assertThat(base.path("metadataLocation").asText()).isEqualTo(metadata);

    // The gate on the newer snapshot (its validation rows are the newest of that snapshot).
    Path report = dir.resolve("gate.html");
    assertThat(
            Main.execute(
                "gate",
                "--spec",
                TinyLake.SPEC.toString(),
                "--model",
                model.toString(),
                "--registry",
                dir.resolve("registry").toString(),
                "--snapshot",
                Long.toString(two.lastSnapshot()),
                "--metadata-location",
                metadata,
                "--bootstrap",
                "200",
                "--explain-points",
                "20",
                "--background",
                "8",
                "--report",
                report.toString()))
        .as(stdout() + err.toString(StandardCharsets.UTF_8))
        .isBetween(0, 1);
    assertThat(Files.readString(report)).contains("of lake snapshot " + two.lastSnapshot());
  }

  @Test
  void gateExitsZeroWhenItPromotesAndOneWhenItRejects() throws Exception {
    Path model = dir.resolve("gated");
    assertThat(train(model)).as(stderr()).isZero();
    String[] gate = {
      "gate",
      "--spec",
      TinyLake.SPEC.toString(),
      "--lake",
      lake.toString(),
      "--model",
      model.toString(),
      "--registry",
      dir.resolve("registry").toString(),
      "--bootstrap",
      "200",
      "--explain-points",
      "20",
      "--background",
      "8",
      "--json"
    };
    out.reset();
    int first = Main.execute(gate);
    JsonNode one = CliJsonTest.onlyDocument(stdout());
    // the exit code is the verdict: 0 promoted, 1 rejected
    assertThat(first).as(stderr()).isEqualTo(one.get("promoted").asBoolean() ? 0 : 1);
    assertThat(one.get("verdict").asText()).isEqualTo(first == 0 ? "PROMOTE" : "REJECT");
    assertThat(one.get("checks").findValuesAsText("name")).contains("floors");

    // The same model again: no better than the champion it now is (or failing the same floors).
    out.reset();
    assertThat(Main.execute(gate)).as(stderr()).isEqualTo(Main.EXIT_NEGATIVE);
    JsonNode two = CliJsonTest.onlyDocument(stdout());
    assertThat(two.get("verdict").asText()).isEqualTo("REJECT");
    assertThat(two.get("promoted").asBoolean()).isFalse();
    assertThat(two.get("reasons")).isNotEmpty();
  }

  private static java.time.Instant at(long millis) {
    return java.time.Instant.ofEpochMilli(millis);
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
    assertThat(Main.execute("train", "--trial", "0", "--study", dir.toString(), "--snapshot", "12"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--snapshot and --metadata-location do not apply");
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
