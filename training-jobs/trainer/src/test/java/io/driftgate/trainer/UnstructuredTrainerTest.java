package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.lake.CorpusLakes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Trainer#run} on the image and text examples' lakes (real MNIST digits as PNG bytes, real
 * WordNet glosses), multiclass: the spec's modality picks the model (cnn, bert), the model
 * directory records task, classes, modality and input, and loads back for scoring.
 */
class UnstructuredTrainerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  static CorpusLakes.Written digits;
  static CorpusLakes.Written glosses;

  @TempDir Path tmp;

  @BeforeAll
  static void writeLakes() {
    digits = CorpusLakes.digits(shared.resolve("digits"), 3, 2_000, 2_000);
    glosses = CorpusLakes.glosses(shared.resolve("glosses"), 3, 2_000);
  }

  static TrainRequest.Builder request(CorpusLakes.Written lake, Path out) {
    return TrainRequest.builder()
        .setSpec(lake.spec())
        .setLake(lake.root())
        .setRange(lake.from(), lake.to())
        .setOutputDir(out);
  }

  @Test
  void digitsTrainTheDefaultCnnWellAboveChance() throws Exception {
    Path out = tmp.resolve("digits");
    TrainResult r =
        Trainer.run(
            request(digits, out)
                .optParam("epochs", "2")
                .optParam("batchSize", "64")
                .optParam("lr", "0.05")
                .build());
    Map<String, Double> m = r.metrics();
    System.out.printf(
        "digits cnn: top1 %.4f, log-loss %.4f, %d train / %d validation rows, %d ms%n",
        m.get("top1"), m.get("log_loss"), r.trainRows(), r.validationRows(), r.durationMillis());
    assertThat(r.hasModel()).isTrue();
    assertThat(r.trainRows() + r.validationRows()).isEqualTo(2_000);
    // 10 classes: chance is about 0.1
    assertThat(m.get("top1")).isGreaterThan(0.6); // measured 0.83 (2 epochs)

    JsonNode info = JSON.readTree(out.resolve(Trainer.TRAINING_FILE).toFile());
    assertThat(info.get("task").asText()).isEqualTo("multiclass");
    assertThat(info.get("classes").asInt()).isEqualTo(10);
    assertThat(info.get("modality").asText()).isEqualTo("image");
    assertThat(info.get("architecture").asText()).isEqualTo("cnn");
    assertThat(info.get("inputShape").toString()).isEqualTo("[1,28,28]");
    assertThat(info.get("input").get("feature").asText()).isEqualTo("image");
    assertThat(info.get("input").get("resize").asText()).isEqualTo("reject");
    assertThat(Files.readAllLines(out.resolve(Trainer.PREDICTIONS_FILE)).get(0))
        .isEqualTo("event_id,event_time,label,predicted,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9");

    // Scoring loads the directory and reproduces the validation probabilities from the lake bytes.
    LakeDataset data =
        LakeDataset.load(SpecLoader.load(digits.spec()), digits.root(), digits.from(), digits.to());
    List<LakeDataset.Row> validation = data.split(0.2).validation();
    List<Map<String, Object>> rows = new ArrayList<>();
    validation.subList(0, 50).forEach(row -> rows.add(row.features()));
    List<String> lines = Files.readAllLines(out.resolve(Trainer.PREDICTIONS_FILE));
    try (TrainedModel model = TrainedModel.load(out)) {
      assertThat(model.classes()).isEqualTo(10);
      float[] p = model.probabilities(rows);
      for (int i = 0; i < 50; i++) {
        String[] cells = lines.get(i + 1).split(",");
        assertThat(cells[0]).isEqualTo(validation.get(i).id());
        for (int c = 0; c < 10; c++) {
          assertThat((double) p[i * 10 + c])
              .isCloseTo(Double.parseDouble(cells[4 + c]), within(1e-4));
        }
      }
    }
  }

  @Test
  void seededImageRunsAreIdentical() throws Exception {
    List<String> predictions = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      Path out = tmp.resolve("seeded-" + run);
      Trainer.run(
          request(digits, out)
              .setRange(digits.from(), digits.from() + 600_000) // the first 600 digits
              .optParam("epochs", "1")
              .optParam("batchSize", "64")
              .optParam("augment", "shift")
              .optSeed(9)
              .build());
      predictions.add(Files.readString(out.resolve(Trainer.PREDICTIONS_FILE)));
    }
    assertThat(predictions.get(1)).isEqualTo(predictions.get(0));
  }

  @Test
  void glossesTrainTheDefaultBertWellAboveChance() throws Exception {
    Path out = tmp.resolve("glosses");
    TrainResult r =
        Trainer.run(
            request(glosses, out)
                .optParam("epochs", "3")
                .optParam("batchSize", "32")
                .optParam("optimizer", "adam")
                .optParam("lr", "0.002")
                .optParam("embedding", "32")
                .optParam("layers", "1")
                .optParam("heads", "2")
                .optParam("sequenceLength", "32")
                .optParam("vocabSize", "2000")
                .build());
    Map<String, Double> m = r.metrics();
    System.out.printf(
        "glosses bert: top1 %.4f, log-loss %.4f, %d train / %d validation rows, %d ms%n",
        m.get("top1"), m.get("log_loss"), r.trainRows(), r.validationRows(), r.durationMillis());
    // 4 even topics: chance is 0.25
    assertThat(m.get("top1")).isGreaterThan(0.4); // measured 0.55 (3 epochs)
    JsonNode info = JSON.readTree(out.resolve(Trainer.TRAINING_FILE).toFile());
    assertThat(info.get("task").asText()).isEqualTo("multiclass");
    assertThat(info.get("classes").asInt()).isEqualTo(4);
    assertThat(info.get("modality").asText()).isEqualTo("text");
    assertThat(info.get("architecture").asText()).isEqualTo("bert");
    assertThat(out.resolve("vocab.txt")).exists();
    try (TrainedModel model = TrainedModel.load(out)) {
      float[] p =
          model.probabilities(List.of(Map.of("gloss", "a domesticated animal kept as a pet")));
      assertThat(p).hasSize(4);
      double sum = 0;
      for (float v : p) {
        sum += v;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-4));
    }
  }

  @Test
  void aModelThatDoesNotFitTheModalityIsAConfigError() {
    assertThatThrownBy(
            () ->
                Trainer.run(
                    request(glosses, tmp.resolve("misfit")).optParam("model", "cnn").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model=cnn")
        .hasMessageContaining("text")
        .hasMessageContaining("fix: one of [bert]");
    assertThatThrownBy(
            () ->
                Trainer.run(
                    request(digits, tmp.resolve("misfit2")).optParam("model", "mlp").build()))
        .hasMessageContaining("model=mlp")
        // (a test may have registered another image architecture in this JVM)
        .hasMessageContaining("fix: one of [cnn, resnet18");
  }
}
