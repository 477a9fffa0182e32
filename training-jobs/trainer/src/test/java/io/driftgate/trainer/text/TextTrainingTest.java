package io.driftgate.trainer.text;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.driftgate.core.text.WordPieceVocabulary;
import io.driftgate.trainer.TrainParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text path: a vocabulary from the training split only, saved with the model and loaded back
 * for scoring; training from scratch and from a pretrained checkpoint the test writes.
 */
class TextTrainingTest {
  private static final String[] SPORT = {"goal", "match", "team", "score", "coach", "league"};
  private static final String[] FOOD = {"oven", "recipe", "flour", "butter", "bake", "sauce"};
  private static final String[] FILLER = {"the", "a", "was", "today", "very", "and", "then"};

  /** Binary topic texts: label 1 for food words, 0 for sport words. */
  static List<String> texts(int n, long seed, int[] labels) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(2);
      String[] topic = labels[i] == 1 ? FOOD : SPORT;
      List<String> words = new ArrayList<>();
      for (int w = 0; w < 5; w++) {
        words.add(FILLER[r.nextInt(FILLER.length)]);
      }
      for (int w = 0; w < 2; w++) {
        words.add(r.nextInt(words.size() + 1), topic[r.nextInt(topic.length)]);
      }
      out.add(String.join(" ", words));
    }
    return out;
  }

  private static TrainParams params(Map<String, String> extra) {
    Map<String, String> p = new HashMap<>();
    p.put("model", "bert");
    p.put("optimizer", "adam");
    p.put("lr", "0.003");
    p.put("epochs", "4");
    p.put("batchSize", "32");
    p.put("patience", "0");
    p.put("embedding", "16");
    p.put("layers", "1");
    p.put("heads", "2");
    p.put("sequenceLength", "12");
    p.put("vocabSize", "60");
    p.putAll(extra);
    return TrainParams.resolve(null, p);
  }

  @Test
  void trainsFromScratchWithAVocabularyOfTheTrainingSplitSavedWithTheModel(@TempDir Path dir) {
    int[] trainLabels = new int[300];
    int[] valLabels = new int[100];
    List<String> train = texts(300, 1, trainLabels);
    List<String> val = texts(100, 2, valLabels);
    // A word only in the validation split stays out of the vocabulary.
    val.set(0, val.get(0) + " zeppelin");
    Engine.getInstance().setRandomSeed(5);
    TextTraining.Trained t;
    try (Model model = Model.newInstance("text")) {
      t =
          TextTraining.train(
              model, train, trainLabels, val, valLabels, 2, params(Map.of()), null, dir);
    }
    assertThat(t.encoder().vocabulary().contains("zeppelin")).isFalse();
    assertThat(t.encoder().vocabulary().size()).isLessThanOrEqualTo(60);
    assertThat(t.outcome().validationMetrics().get("accuracy")).isGreaterThan(0.9);
    // Scoring and the gate load the same tokenizer from the model directory.
    TextTraining.Encoder loaded = TextTraining.load(dir);
    assertThat(loaded.length()).isEqualTo(12);
    assertThat(loaded.vocabulary()).isEqualTo(t.encoder().vocabulary());
    for (String s : val.subList(0, 20)) {
      assertThat(loaded.encode(s)).isEqualTo(t.encoder().encode(s));
    }
  }

  @Test
  void fineTunesFromAPretrainedCheckpointWithItsVocabulary(@TempDir Path dir) {
    int[] labels = new int[200];
    List<String> corpus = texts(200, 3, labels);
    // A tiny "pretrained" encoder: its own vocabulary and sequence length, random weights.
    WordPieceVocabulary vocab = WordPieceVocabulary.train(corpus, 50, 1);
    Path checkpoint = dir.resolve("checkpoint");
    Engine.getInstance().setRandomSeed(8);
    try (NDManager m = NDManager.newBaseManager()) {
      BertClassifier pre = new BertClassifier(vocab.size(), 10, 16, 1, 2, 3);
      pre.initialize(m, DataType.FLOAT32, new Shape(4, 10));
      BertCheckpoint.save(checkpoint, pre, vocab, 1, 2);
    }
    int[] valLabels = new int[60];
    List<String> val = texts(60, 4, valLabels);
    TextTraining.Trained t;
    Path out = dir.resolve("model");
    try (Model model = Model.newInstance("text")) {
      t =
          TextTraining.train(
              model,
              corpus,
              labels,
              val,
              valLabels,
              2,
              params(Map.of("checkpoint", checkpoint.toString())),
              null,
              out);
      assertThat(model.getBlock()).isInstanceOf(BertClassifier.class);
    }
    // The checkpoint's tokenizer, not one built from the training split, and its length.
    assertThat(t.encoder().vocabulary()).isEqualTo(vocab);
    assertThat(t.encoder().length()).isEqualTo(10);
    assertThat(TextTraining.load(out).vocabulary()).isEqualTo(vocab);
    assertThat(t.outcome().validationMetrics().get("accuracy")).isGreaterThan(0.8);
  }
}
