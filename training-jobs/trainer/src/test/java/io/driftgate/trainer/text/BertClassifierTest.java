package io.driftgate.trainer.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.driftgate.core.text.WordPieceTokenizer;
import io.driftgate.core.text.WordPieceVocabulary;
import io.driftgate.trainer.Fitter;
import io.driftgate.trainer.Modality;
import io.driftgate.trainer.ModelFactory;
import io.driftgate.trainer.TrainParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text encoder learns a topic task from scratch, and a saved encoder loads back. */
class BertClassifierTest {
  private static final int LENGTH = 16;
  private static final String[][] TOPICS = {
    {"goal", "match", "team", "score", "coach", "league", "player", "referee"},
    {"oven", "recipe", "flour", "butter", "bake", "sauce", "salt", "kitchen"},
    {"rain", "storm", "cloud", "wind", "forecast", "snow", "sunny", "thunder"},
  };
  private static final String[] FILLER = {"the", "a", "was", "today", "very", "and", "then", "of"};

  /** Sentences of filler words with two or three words of their topic. */
  private static List<String> sentences(int n, long seed, int[] labels) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int topic = r.nextInt(TOPICS.length);
      labels[i] = topic;
      List<String> words = new ArrayList<>();
      for (int w = 0; w < 7; w++) {
        words.add(FILLER[r.nextInt(FILLER.length)]);
      }
      int topical = 2 + r.nextInt(2);
      for (int w = 0; w < topical; w++) {
        words.add(r.nextInt(words.size() + 1), TOPICS[topic][r.nextInt(TOPICS[topic].length)]);
      }
      out.add(String.join(" ", words) + (r.nextBoolean() ? "." : "!"));
    }
    return out;
  }

  private static Fitter.Data encode(List<String> texts, int[] labels, WordPieceTokenizer t) {
    float[] x = new float[texts.size() * LENGTH];
    for (int i = 0; i < texts.size(); i++) {
      int[] ids = t.encode(texts.get(i), LENGTH);
      for (int j = 0; j < LENGTH; j++) {
        x[i * LENGTH + j] = ids[j];
      }
    }
    return new Fitter.Data(x, new Shape(LENGTH), labels);
  }

  @Test
  void learnsTopicsFromScratch() {
    int[] trainLabels = new int[600];
    int[] valLabels = new int[150];
    List<String> train = sentences(600, 11, trainLabels);
    List<String> val = sentences(150, 12, valLabels);
    // A small vocabulary: topic words are split into pieces the encoder has to combine.
    WordPieceVocabulary vocab = WordPieceVocabulary.train(train, 60, 2);
    WordPieceTokenizer tokenizer = new WordPieceTokenizer(vocab);
    TrainParams params =
        TrainParams.resolve(
            null,
            Map.of(
                "model", "bert",
                "optimizer", "adam",
                "lr", "0.003",
                "epochs", "6",
                "batchSize", "32",
                "patience", "0",
                "embedding", "32",
                "layers", "2",
                "heads", "4"));
    ModelFactory factory =
        ModelFactory.defaults()
            .register("bert", EnumSet.of(Modality.TEXT), BertClassifier.architecture(vocab.size()));
    Engine.getInstance().setRandomSeed(3);
    Fitter.Outcome o;
    try (Model model = Model.newInstance("bert")) {
      model.setBlock(factory.create("bert", new Shape(LENGTH), 3, params));
      o =
          Fitter.fit(
              model,
              encode(train, trainLabels, tokenizer),
              encode(val, valLabels, tokenizer),
              3,
              params,
              null);
    }
    System.out.printf(
        "bert on topics: top1 %.3f, %d ms, history %s%n",
        o.validationMetrics().get("top1"), o.trainMillis(), o.history());
    int last = o.history().size() - 1;
    assertThat(o.history().get(last).get("train_loss"))
        .isLessThan(o.history().get(0).get("train_loss"));
    assertThat(o.validationMetrics().get("top1")).isGreaterThan(0.9);
  }

  @Test
  void aSavedEncoderLoadsBackWithItsWeightsAndANewHead(@TempDir Path dir) {
    int[] labels = new int[200];
    WordPieceVocabulary vocab = WordPieceVocabulary.train(sentences(200, 5, labels), 80, 1);
    Engine.getInstance().setRandomSeed(9);
    try (NDManager manager = NDManager.newBaseManager()) {
      BertClassifier original = new BertClassifier(vocab.size(), LENGTH, 16, 1, 2, 3);
      original.initialize(manager, DataType.FLOAT32, new Shape(4, LENGTH));
      BertCheckpoint.save(dir, original, vocab, 1, 2);

      BertCheckpoint.Loaded loaded = BertCheckpoint.load(dir, 5, manager, 4);
      assertThat(loaded.vocabulary()).isEqualTo(vocab);
      assertThat(loaded.classifier().sequenceLength()).isEqualTo(LENGTH);
      // Same encoder weights: the same ids give the same encoder output.
      NDArray ids =
          manager
              .create(new WordPieceTokenizer(vocab).encode("the team baked a recipe", LENGTH))
              .toType(DataType.INT64, false)
              .reshape(1, LENGTH);
      NDList in = new NDList(ids, ids.zerosLike(), ids.neq(0));
      ParameterStore ps = new ParameterStore(manager, false);
      NDArray a = original.encoder().forward(ps, in, false).head();
      NDArray b = loaded.classifier().encoder().forward(ps, in, false).head();
      assertThat(a.sub(b).abs().max().getFloat()).isLessThan(1e-6f);
      // The head is the new task's: 5 logits.
      NDArray logits =
          loaded
              .classifier()
              .forward(ps, new NDList(ids.toType(DataType.FLOAT32, false)), false)
              .head();
      assertThat(logits.getShape()).isEqualTo(new Shape(1, 5));
    }
  }

  @Test
  void aCheckpointWhoseVocabularyDisagreesIsRefused(@TempDir Path dir) throws Exception {
    int[] labels = new int[100];
    WordPieceVocabulary vocab = WordPieceVocabulary.train(sentences(100, 5, labels), 60, 1);
    try (NDManager manager = NDManager.newBaseManager()) {
      BertClassifier c = new BertClassifier(vocab.size(), LENGTH, 16, 1, 2, 3);
      c.initialize(manager, DataType.FLOAT32, new Shape(2, LENGTH));
      BertCheckpoint.save(dir, c, vocab, 1, 2);
      WordPieceVocabulary.train(sentences(100, 6, labels), 50, 1).save(dir.resolve("vocab.txt"));
      assertThatThrownBy(() -> BertCheckpoint.load(dir, 3, manager, 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("vocab.txt has");
    }
    assertThatThrownBy(() -> new BertClassifier(100, LENGTH, 30, 1, 4, 2))
        .hasMessageContaining("multiple of heads");
  }
}
