package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.text.WordPieceVocabulary;
import io.driftgate.testkit.datasets.WordNetGlosses;
import io.driftgate.testkit.lake.CorpusLakes;
import io.driftgate.trainer.text.BertCheckpoint;
import io.driftgate.trainer.text.BertClassifier;
import io.driftgate.trainer.text.TextTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A text model fine-tuned from a pretrained checkpoint whose sizes differ from the run's {@code
 * embedding}/{@code layers}/{@code heads}/{@code sequenceLength} loads back for scoring with the
 * checkpoint's sizes ({@code bert.properties}), and scores the validation rows as training did.
 */
class CheckpointModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void aModelFineTunedFromACheckpointLoadsBackWithTheCheckpointsSizes() throws Exception {
    CorpusLakes.Written lake = CorpusLakes.glosses(tmp.resolve("lake"), 7, 400);
    // A tiny "pretrained" encoder (random weights): embedding 8, 2 layers, 2 heads, 20 ids, a
    // vocabulary of WordNet glosses the lake does not necessarily hold.
    List<String> corpus =
        WordNetGlosses.read(WordNetGlosses.DEBIAN_DIR).stream()
            .limit(3_000)
            .map(WordNetGlosses.Gloss::definition)
            .toList();
    WordPieceVocabulary vocab = WordPieceVocabulary.train(corpus, 400, 2);
    Path checkpoint = tmp.resolve("checkpoint");
    Engine.getInstance().setRandomSeed(8);
    try (NDManager m = NDManager.newBaseManager()) {
      BertClassifier pre = new BertClassifier(vocab.size(), 20, 8, 2, 2, 4);
      pre.initialize(m, DataType.FLOAT32, new Shape(4, 20));
      BertCheckpoint.save(checkpoint, pre, vocab);
    }

    Path out = tmp.resolve("model");
    TrainResult r =
        Trainer.run(
            TrainRequest.builder()
                .setSpec(lake.spec())
                .setLake(lake.root())
                .setRange(lake.from(), lake.to())
                .setOutputDir(out)
                .optParam("checkpoint", checkpoint.toString())
                .optParam("epochs", "1")
                .optParam("batchSize", "32")
                .optParam("optimizer", "adam")
                .optParam("lr", "0.002")
                // the run's sizes, all different from the checkpoint's
                .optParam("embedding", "16")
                .optParam("layers", "1")
                .optParam("heads", "4")
                .optParam("sequenceLength", "32")
                .build());
    assertThat(r.hasModel()).isTrue();
    JsonNode info = JSON.readTree(out.resolve(Trainer.TRAINING_FILE).toFile());
    assertThat(info.get("params").get("embedding").asText()).isEqualTo("16");
    Properties sizes = new Properties();
    try (var in = Files.newBufferedReader(out.resolve(TextTraining.MODEL_CONFIG))) {
      sizes.load(in);
    }
    assertThat(BertClassifier.Sizes.fromProperties(sizes, "bert.properties"))
        .isEqualTo(new BertClassifier.Sizes(vocab.size(), 20, 8, 2, 2));

    // Scoring loads it (rebuilt from the run's parameters, the saved parameters would not fit)
    // and reproduces the validation probabilities the trainer wrote.
    LakeDataset data =
        LakeDataset.load(SpecLoader.load(lake.spec()), lake.root(), lake.from(), lake.to());
    List<LakeDataset.Row> validation = data.split(0.2).validation();
    List<Map<String, Object>> rows = new ArrayList<>();
    validation.subList(0, 20).forEach(row -> rows.add(row.features()));
    List<String> lines = Files.readAllLines(out.resolve(Trainer.PREDICTIONS_FILE));
    try (TrainedModel model = TrainedModel.load(out)) {
      assertThat(model.classes()).isEqualTo(4);
      assertThat(model.input().sampleShape()).isEqualTo(new Shape(20));
      float[] p = model.probabilities(rows);
      for (int i = 0; i < 20; i++) {
        String[] cells = lines.get(i + 1).split(",");
        assertThat(cells[0]).isEqualTo(validation.get(i).id());
        for (int c = 0; c < 4; c++) {
          assertThat((double) p[i * 4 + c])
              .isCloseTo(Double.parseDouble(cells[4 + c]), within(1e-4));
        }
      }
    }
  }
}
