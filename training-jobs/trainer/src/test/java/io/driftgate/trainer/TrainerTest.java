package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.testkit.lake.CommittedLakes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  static CommittedLakes.Lake lake;

  @TempDir Path tmp;

  @BeforeAll
  static void writeLake() {
    lake = TestLakes.write(shared.resolve("lake"), 11, 20_000, 3, 2_000);
  }

  private static TrainRequest.Builder request(Path out) {
    return TrainRequest.builder()
        .setSpec(TestLakes.SPEC)
        .setLake(lake.root())
        .setRange(lake.from(), lake.to())
        .setOutputDir(out)
        .optParam("epochs", "8")
        .optParam("batchSize", "128");
  }

  @Test
  void trainsAModelClearlyBetterThanTheMajorityClass() throws Exception {
    Path out = tmp.resolve("model");
    List<Map<String, Double>> seen = new ArrayList<>();
    TrainResult r =
        Trainer.run(
            request(out)
                .optEpochListener(
                    (epoch, metrics) -> {
                      seen.add(metrics);
                      return true;
                    })
                .build());

    assertThat(r.hasModel()).isTrue();
    assertThat(r.trainRows() + r.validationRows()).isEqualTo(20_000);
    assertThat(r.validationRows()).isEqualTo(4_000);
    Map<String, Double> m = r.metrics();
    System.out.printf(
        "flight-delay: accuracy %.4f vs majority %.4f, auc %.4f, f1 %.4f, epochs %d (best %d), %d ms on %s%n",
        m.get("accuracy"),
        m.get("majority_rate"),
        m.get("roc_auc"),
        m.get("f1"),
        r.epochsRun(),
        r.bestEpoch(),
        r.durationMillis(),
        r.devices());
    assertThat(m.get("accuracy")).isGreaterThan(m.get("majority_rate") + 0.05);
    assertThat(m.get("roc_auc")).isGreaterThan(0.7);
    assertThat(seen).hasSize(r.epochsRun());
    assertThat(seen.get(0)).containsKeys("train_loss", "val_loss", "val_accuracy", "val_auc", "lr");

    // The model directory.
    assertThat(Files.list(out).map(p -> p.getFileName().toString()).toList())
        .contains(
            "model-" + String.format("%04d", r.bestEpoch()) + ".params",
            Preprocessing.FILE_NAME,
            Trainer.SPEC_FILE,
            Trainer.METRICS_FILE,
            Trainer.PREDICTIONS_FILE,
            Trainer.PROFILE_FILE,
            Trainer.TRAINING_FILE)
        .doesNotContain("manifest.json");
    assertThat(Files.readString(out.resolve(Trainer.SPEC_FILE)))
        .isEqualTo(Files.readString(TestLakes.SPEC));
    JsonNode metrics = JSON.readTree(out.resolve(Trainer.METRICS_FILE).toFile());
    for (String k : List.of("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss")) {
      assertThat(metrics.get(k).asDouble()).isEqualTo(m.get(k));
    }
    JsonNode training = JSON.readTree(out.resolve(Trainer.TRAINING_FILE).toFile());
    assertThat(training.get("seed").asLong()).isEqualTo(42);
    assertThat(training.get("lake").get("fromMillis").asLong()).isEqualTo(lake.from());
    assertThat(training.get("lake").get("snapshotId").asLong()).isEqualTo(lake.lastSnapshot());
    assertThat(training.get("lake").get("metadataLocation").asText()).endsWith(".metadata.json");
    assertThat(training.get("lake").get("rows").asInt()).isEqualTo(20_000);
    assertThat(training.get("lake").has("commits")).isFalse();
    assertThat(training.get("kafkaOffsets").get("flights-0").get(0).get(0).asLong()).isZero();
    assertThat(training.get("kafkaOffsets").get("flights-2").get(0).get(1).asLong())
        .isEqualTo(20_000 / 3);
    assertThat(training.get("engine").get("name").asText()).isEqualTo("PyTorch");
    assertThat(training.get("params").get("epochs").asText()).isEqualTo("8");
    assertThat(training.get("epochsRun").asInt()).isEqualTo(r.epochsRun());
    DatasetProfile profile =
        DatasetProfile.fromBytes(Files.readAllBytes(out.resolve(Trainer.PROFILE_FILE)));
    assertThat(profile.rowCount()).isEqualTo(r.trainRows());
    assertThat(profile.features()).containsKeys("distance_km", "origin", "carrier");

    // The predictions file, and scoring a reloaded model with the saved preprocessing.
    List<String> lines = Files.readAllLines(out.resolve(Trainer.PREDICTIONS_FILE));
    assertThat(lines.get(0)).isEqualTo("event_id,event_time,label,probability");
    assertThat(lines).hasSize(r.validationRows() + 1);
    LakeDataset ds = LakeDataset.load(TestLakes.spec(), lake.root(), lake.from(), lake.to());
    List<LakeDataset.Row> val = ds.split(0.2).validation();
    try (TrainedModel tm = TrainedModel.load(out)) {
      float[] p = tm.predict(Trainer.features(val.subList(0, 200)));
      for (int i = 0; i < 200; i++) {
        String[] cols = lines.get(i + 1).split(",");
        assertThat(cols[0]).isEqualTo(val.get(i).id());
        assertThat(Long.parseLong(cols[1])).isEqualTo(val.get(i).eventTime());
        assertThat(Integer.parseInt(cols[2])).isEqualTo(val.get(i).label());
        // Same transform and parameters; only the batch size of inference differs.
        assertThat(p[i]).isCloseTo(Float.parseFloat(cols[3]), within(1e-6f));
      }
    }
  }

  @Test
  void sameSeedGivesIdenticalMetrics() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Trainer.run(request(a).optParam("epochs", "3").optSeed(5).build());
    Trainer.run(request(b).optParam("epochs", "3").optSeed(5).build());
    assertThat(Files.readString(a.resolve(Trainer.METRICS_FILE)))
        .isEqualTo(Files.readString(b.resolve(Trainer.METRICS_FILE)));
    assertThat(Files.readAllLines(a.resolve(Trainer.PREDICTIONS_FILE)))
        .isEqualTo(Files.readAllLines(b.resolve(Trainer.PREDICTIONS_FILE)));
    // The reference profile too: its KLL sketches compact with a seeded coin.
    assertThat(Files.readAllBytes(a.resolve(Trainer.PROFILE_FILE)))
        .isEqualTo(Files.readAllBytes(b.resolve(Trainer.PROFILE_FILE)));
    Path c = tmp.resolve("c");
    Trainer.run(request(c).optParam("epochs", "3").optSeed(6).build());
    assertThat(Files.readAllLines(c.resolve(Trainer.PREDICTIONS_FILE)))
        .isNotEqualTo(Files.readAllLines(a.resolve(Trainer.PREDICTIONS_FILE)));
  }

  @Test
  void trainingTwiceOnOneSnapshotWhileMoreDataIsCommittedGivesIdenticalMetrics() throws Exception {
    CommittedLakes.Lake small = TestLakes.write(tmp.resolve("lake"), 13, 3_000, 2, 500);
    long[] appended = {0};
    // A: the snapshot current at the start; ingestion commits more rows (in the same event-time
    // range, from a new partition) while it trains.
    TrainResult a =
        Trainer.run(
            pinningRequest(small, tmp.resolve("a"))
                .optEpochListener(
                    (epoch, metrics) -> {
                      if (epoch == 1) {
                        appended[0] = TestLakes.append(small.root(), 99, 1_500, 4);
                      }
                      return true;
                    })
                .build());
    assertThat(appended[0]).isNotZero().isNotEqualTo(small.lastSnapshot());
    // B: after the commit, pinned to the snapshot A read.
    TrainResult b =
        Trainer.run(
            pinningRequest(small, tmp.resolve("b")).optSnapshot(small.lastSnapshot()).build());
    // C: after the commit, the (new) current snapshot.
    TrainResult c = Trainer.run(pinningRequest(small, tmp.resolve("c")).build());

    assertThat(a.hasModel()).isTrue();
    assertThat(b.metrics()).isNotEmpty().isEqualTo(a.metrics());
    assertThat(b.trainRows()).isEqualTo(a.trainRows());
    assertThat(b.validationRows()).isEqualTo(a.validationRows());
    assertThat(Files.readString(tmp.resolve("b").resolve(Trainer.METRICS_FILE)))
        .isEqualTo(Files.readString(tmp.resolve("a").resolve(Trainer.METRICS_FILE)));
    assertThat(Files.readAllLines(tmp.resolve("b").resolve(Trainer.PREDICTIONS_FILE)))
        .isEqualTo(Files.readAllLines(tmp.resolve("a").resolve(Trainer.PREDICTIONS_FILE)));
    JsonNode lakeA = JSON.readTree(tmp.resolve("a").resolve(Trainer.TRAINING_FILE).toFile());
    JsonNode lakeB = JSON.readTree(tmp.resolve("b").resolve(Trainer.TRAINING_FILE).toFile());
    JsonNode lakeC = JSON.readTree(tmp.resolve("c").resolve(Trainer.TRAINING_FILE).toFile());
    assertThat(lakeA.get("lake").get("snapshotId").asLong()).isEqualTo(small.lastSnapshot());
    assertThat(lakeB.get("lake").get("snapshotId").asLong()).isEqualTo(small.lastSnapshot());
    assertThat(lakeA.get("lake").get("rows").asInt()).isEqualTo(3_000);
    assertThat(lakeA.get("kafkaOffsets")).isEqualTo(lakeB.get("kafkaOffsets"));
    assertThat(fieldNames(lakeA.get("kafkaOffsets"))).containsExactly("flights-0", "flights-1");

    // The later snapshot holds the appended rows: other row counts, and their offsets.
    assertThat(lakeC.get("lake").get("snapshotId").asLong()).isEqualTo(appended[0]);
    assertThat(lakeC.get("lake").get("rows").asInt())
        .isGreaterThan(3_000)
        .isLessThanOrEqualTo(4_500);
    assertThat(c.trainRows() + c.validationRows()).isEqualTo(lakeC.get("lake").get("rows").asInt());
    assertThat(c.trainRows()).isGreaterThan(a.trainRows());
    assertThat(fieldNames(lakeC.get("kafkaOffsets")))
        .containsExactly("flights-0", "flights-1", "flights-4");
  }

  private static TrainRequest.Builder pinningRequest(CommittedLakes.Lake small, Path out) {
    return TrainRequest.builder()
        .setSpec(TestLakes.SPEC)
        .setLake(small.root())
        .setRange(small.from(), small.to())
        .setOutputDir(out)
        .optSeed(3)
        .optParam("epochs", "3")
        .optParam("hidden", "16")
        .optParam("batchSize", "64");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void aPodReadsTheLakeFromItsMetadataFileWithoutTheCatalog() throws Exception {
    Path out = tmp.resolve("pod");
    long first = lake.snapshots().get(0);
    TrainResult r =
        Trainer.run(
            TrainRequest.builder()
                .setSpec(TestLakes.SPEC)
                .optMetadataLocation(TestLakes.metadataLocation(lake.root()))
                .optSnapshot(first)
                .setRange(lake.from(), lake.to())
                .setOutputDir(out)
                .optParam("epochs", "1")
                .optParam("hidden", "8")
                .build());
    JsonNode training = JSON.readTree(out.resolve(Trainer.TRAINING_FILE).toFile());
    // The first commit: 2000 records of partition 0.
    assertThat(training.get("lake").get("snapshotId").asLong()).isEqualTo(first);
    assertThat(training.get("lake").get("rows").asInt()).isEqualTo(2_000);
    assertThat(training.get("lake").get("root").isNull()).isTrue();
    assertThat(training.get("lake").get("metadataLocation").asText())
        .isEqualTo(TestLakes.metadataLocation(lake.root()));
    assertThat(fieldNames(training.get("kafkaOffsets"))).containsExactly("flights-0");
    assertThat(r.trainRows() + r.validationRows()).isEqualTo(2_000);
  }

  @Test
  void listenerCanStopAndAdamWorks() {
    TrainResult r =
        Trainer.run(
            request(tmp.resolve("m"))
                .optParam("optimizer", "adam")
                .optParam("lr", "0.003")
                .optParam("schedule", "factor")
                .optParam("hidden", "16")
                .optEpochListener((epoch, metrics) -> epoch < 2)
                .build());
    assertThat(r.status()).isEqualTo(TrainResult.Status.STOPPED_BY_LISTENER);
    assertThat(r.epochsRun()).isEqualTo(2);
    assertThat(r.metrics().get("roc_auc")).isGreaterThan(0.7);
  }

  @Test
  void injectedNanDivergesWithoutAModel() throws Exception {
    List<Double> losses = new ArrayList<>();
    Path out = tmp.resolve("nan");
    TrainResult r =
        Trainer.run(
            request(out)
                .optParam("fault", "nan")
                .optParam("faultEpoch", "2")
                .optEpochListener(
                    (epoch, metrics) -> {
                      losses.add(metrics.get("train_loss"));
                      return true;
                    })
                .build());
    assertThat(r.status()).isEqualTo(TrainResult.Status.DIVERGED);
    assertThat(r.epochsRun()).isEqualTo(2);
    assertThat(losses.get(0)).isFinite();
    assertThat(losses.get(1)).isNaN();
    assertThat(Files.list(out).map(p -> p.getFileName().toString()).toList())
        .containsExactly(Trainer.TRAINING_FILE);
    assertThat(JSON.readTree(out.resolve(Trainer.TRAINING_FILE).toFile()).get("status").asText())
        .isEqualTo("DIVERGED");
  }

  @Test
  void crashWithoutAllowCrashThrowsInsteadOfExiting() {
    assertThatThrownBy(
            () -> Trainer.run(request(tmp.resolve("crash")).optParam("fault", "crash").build()))
        .isInstanceOf(Fault.InjectedFaultException.class);
  }

  @Test
  void injectedHangSleepsUntilInterrupted() throws Exception {
    Throwable[] thrown = new Throwable[1];
    Thread t =
        new Thread(
            () -> {
              try {
                Trainer.run(request(tmp.resolve("hang")).optParam("fault", "hang").build());
              } catch (Throwable e) {
                thrown[0] = e;
              }
            });
    t.start();
    long deadline = System.currentTimeMillis() + 40_000;
    // Epoch 1 trains, then the hook sleeps (reading the lake may wait briefly too: look for the
    // hook's frame, not just a timed wait).
    while (!sleepingInFaultHook(t) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(300);
    assertThat(t.isAlive()).isTrue();
    assertThat(t.getState()).isEqualTo(Thread.State.TIMED_WAITING);
    assertThat(sleepingInFaultHook(t)).isTrue();
    t.interrupt();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(thrown[0]).isInstanceOf(Fault.InjectedFaultException.class);
  }

  private static boolean sleepingInFaultHook(Thread t) {
    if (t.getState() != Thread.State.TIMED_WAITING) {
      return false;
    }
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().equals(Fitter.class.getName()) && e.getMethodName().equals("fire")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void rejectsBadRequests() throws Exception {
    assertThatThrownBy(
            () -> Trainer.run(request(tmp.resolve("x")).optParam("lr_typo", "1").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lr_typo");
    Files.createDirectories(tmp.resolve("full"));
    Files.writeString(tmp.resolve("full/keep.txt"), "x");
    assertThatThrownBy(() -> Trainer.run(request(tmp.resolve("full")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not empty");
    assertThatThrownBy(() -> TrainRequest.builder().setSpec(TestLakes.SPEC).build())
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Trainer.run(request(tmp.resolve("y")).optSnapshot(42L).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snapshot 42 does not exist");
    assertThatThrownBy(
            () -> Trainer.run(request(tmp.resolve("z")).setLake(tmp.resolve("nolake")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no committed data");
  }

  @Test
  void mainPrintsMetrics() throws Exception {
    Path out = tmp.resolve("cli");
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    int status;
    try {
      System.setOut(new java.io.PrintStream(buf, true, "UTF-8"));
      status =
          TrainMain.run(
              new String[] {
                "--spec", TestLakes.SPEC.toString(),
                "--lake", lake.root().toString(),
                "--from", java.time.Instant.ofEpochMilli(lake.from()).toString(),
                "--to", Long.toString(lake.to()),
                "--out", out.toString(),
                "--seed", "9",
                "--snapshot", Long.toString(lake.lastSnapshot()),
                "--param", "epochs=2"
              });
    } finally {
      System.setOut(old);
    }
    assertThat(status).isZero();
    JsonNode printed = JSON.readTree(buf.toString("UTF-8"));
    assertThat(printed.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(printed.get("metrics").get("roc_auc").asDouble()).isGreaterThan(0.7);
    JsonNode training = JSON.readTree(out.resolve(Trainer.TRAINING_FILE).toFile());
    assertThat(training.get("seed").asLong()).isEqualTo(9);
    assertThat(training.get("lake").get("snapshotId").asLong()).isEqualTo(lake.lastSnapshot());
    assertThatThrownBy(
            () ->
                TrainMain.run(
                    new String[] {
                      "--spec",
                      TestLakes.SPEC.toString(),
                      "--lake",
                      lake.root().toString(),
                      "--from",
                      "0",
                      "--to",
                      "1",
                      "--out",
                      tmp.resolve("cli2").toString(),
                      "--snapshot",
                      "latest"
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--snapshot");
  }
}
