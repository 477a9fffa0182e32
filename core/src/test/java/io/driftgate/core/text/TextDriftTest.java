package io.driftgate.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.stats.MaximumMeanDiscrepancy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Text drift on seeded topic-mix streams: quiet when stationary, loud when the mix shifts. */
class TextDriftTest {
  private static final String[][] TOPICS = {
    {"goal", "match", "team", "score", "coach", "league", "player", "referee", "season"},
    {"oven", "recipe", "flour", "butter", "bake", "sauce", "salt", "kitchen", "dinner"},
    {"rain", "storm", "cloud", "wind", "forecast", "snow", "sunny", "thunder", "cold"},
  };
  private static final String[] FILLER = {"the", "a", "was", "today", "very", "and", "then", "of"};

  /** Texts whose topic is drawn from {@code mix} (probabilities per topic). */
  static List<String> stream(int n, double[] mix, long seed) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      int topic = 0;
      while (topic < mix.length - 1 && u > mix[topic]) {
        u -= mix[topic];
        topic++;
      }
      StringBuilder s = new StringBuilder();
      int len = 4 + r.nextInt(8);
      for (int w = 0; w < len; w++) {
        String word =
            r.nextInt(3) == 0
                ? TOPICS[topic][r.nextInt(TOPICS[topic].length)]
                : FILLER[r.nextInt(FILLER.length)];
        s.append(word).append(' ');
      }
      out.add(s.toString().trim());
    }
    return out;
  }

  private static final double[] EVEN = {1 / 3.0, 1 / 3.0, 1 / 3.0};
  private static final double[] SHIFTED = {0.6, 0.3, 0.1};

  private static TextSketch sketch(List<String> texts, WordPieceTokenizer t) {
    TextSketch s = new TextSketch(256, t);
    texts.forEach(s::add);
    return s;
  }

  @Test
  void tokenDistanceSeparatesAShiftedTopicMixFromStationaryWindows() {
    WordPieceTokenizer t =
        new WordPieceTokenizer(WordPieceVocabulary.train(stream(2000, EVEN, 1), 200, 2));
    TextSketch reference = sketch(stream(2000, EVEN, 2), t);
    double worstStationary = 0;
    double mildestShift = 1;
    for (int s = 0; s < 20; s++) {
      worstStationary =
          Math.max(
              worstStationary,
              compare(reference, sketch(stream(1000, EVEN, 100 + s), t)).tokenDistance());
      mildestShift =
          Math.min(
              mildestShift,
              compare(reference, sketch(stream(1000, SHIFTED, 200 + s), t)).tokenDistance());
    }
    assertThat(mildestShift).isGreaterThan(2 * worstStationary);
    assertThat(mildestShift).isGreaterThan(0.05);
  }

  @Test
  void unknownRateAndLengthMoveWhenANewVocabularyArrives() {
    WordPieceVocabulary vocab = WordPieceVocabulary.train(stream(2000, EVEN, 1), 60, 2);
    WordPieceTokenizer t = new WordPieceTokenizer(vocab);
    TextSketch reference = sketch(stream(1000, EVEN, 2), t);
    List<String> foreign = new ArrayList<>();
    for (String s : stream(1000, EVEN, 3)) {
      foreign.add(s + " ζήτα ωμέγα λάμδα");
    }
    Comparison c = compare(reference, sketch(foreign, t));
    assertThat(reference.unknownRate()).isZero();
    assertThat(c.unknownRateChange()).isGreaterThan(0.1);
    assertThat(c.meanWordsChange()).isGreaterThan(2.5);
    assertThat(c.lengthDistance()).isGreaterThan(0.1);
  }

  @Test
  void theEmbeddingTestHoldsItsLevelAndFindsTheShift() {
    HashedProjection projection = new HashedProjection(256, 32, 42);
    int falseAlarms = 0;
    int detected = 0;
    int seeds = 40;
    for (int s = 0; s < seeds; s++) {
      double[][] ref = embed(projection, stream(150, EVEN, 1000 + s));
      double[][] same = embed(projection, stream(150, EVEN, 2000 + s));
      double[][] shifted = embed(projection, stream(150, SHIFTED, 3000 + s));
      if (MaximumMeanDiscrepancy.test(ref, same, 99, s).pValue() <= 0.05) {
        falseAlarms++;
      }
      if (MaximumMeanDiscrepancy.test(ref, shifted, 99, s).pValue() <= 0.05) {
        detected++;
      }
    }
    System.out.printf(
        "embedding MMD: %d false alarms, %d of %d shifts found%n", falseAlarms, detected, seeds);
    // α = 0.05 of 40: 2 expected; 7 or more has probability under 0.5%.
    assertThat(falseAlarms).isLessThanOrEqualTo(6);
    // Power of 150 vs 150 texts for this mix change: 30 of 40 seeds (75%); keep a margin.
    assertThat(detected).isGreaterThanOrEqualTo(28);
  }

  @Test
  void sketchesMergeByAddingCounts() {
    List<String> texts = stream(300, EVEN, 9);
    TextSketch whole = sketch(texts, null);
    TextSketch a = sketch(texts.subList(0, 120), null);
    a.merge(sketch(texts.subList(120, 300), null));
    assertThat(a.tokenCounts()).isEqualTo(whole.tokenCounts());
    assertThat(a.lengthCounts()).isEqualTo(whole.lengthCounts());
    assertThat(a.texts()).isEqualTo(300);
    assertThat(TextSketch.lengthBin(0)).isZero();
    assertThat(TextSketch.lengthBin(3)).isEqualTo(2);
    assertThat(TextSketch.lengthBin(5000)).isEqualTo(TextSketch.LENGTH_BOUNDS.length);
  }

  private static double[][] embed(HashedProjection p, List<String> texts) {
    return texts.stream().map(p::embed).toArray(double[][]::new);
  }

  /** How a current window differs from the reference, by the registry's text metrics. */
  record Comparison(
      double tokenDistance,
      double lengthDistance,
      double unknownRateChange,
      double meanWordsChange) {}

  static Comparison compare(TextSketch reference, TextSketch current) {
    return new Comparison(
        io.driftgate.core.drift.metrics.TokenDistance.distance(reference, current),
        io.driftgate.core.drift.metrics.TextLength.distance(reference, current),
        current.unknownRate() - reference.unknownRate(),
        current.meanWords() - reference.meanWords());
  }
}
