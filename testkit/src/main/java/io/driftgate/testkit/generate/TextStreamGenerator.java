package io.driftgate.testkit.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded synthetic texts for text-feature tests and the drift calibration: {@value #TOPICS} topics,
 * each with its own vocabulary of {@value #WORDS_PER_TOPIC} made-up words (syllables drawn from a
 * fixed seed) plus a shared vocabulary of function words; a text picks a topic by the stream's
 * topic mix and draws 4 to 30 words, 70% from its topic (Zipf-like ranks) and 30% shared. A drift
 * is another topic mix (a "topic-mix shift"). Same seed and index, same text.
 *
 * @param mix topic weights (need not sum to 1)
 */
public record TextStreamGenerator(double[] mix) {
  public static final int TOPICS = 4;
  public static final int WORDS_PER_TOPIC = 400;
  static final String[] SHARED = {
    "the", "a", "of", "and", "to", "in", "is", "it", "that", "for", "on", "with", "as", "was", "at",
    "by", "this", "from", "or", "be"
  };
  static final String[] SYLLABLES = {
    "ka", "lo", "mi", "ra", "ten", "su", "vo", "bel", "dri", "fa", "go", "hu", "jin", "ke", "ly",
    "mon", "ne", "po", "qui", "ros", "sa", "tor", "ul", "ve", "wa", "xe", "yo", "zu"
  };
  private static final String[][] VOCABULARY = vocabulary();

  public TextStreamGenerator {
    if (mix.length != TOPICS) {
      throw new IllegalArgumentException("mix needs " + TOPICS + " weights");
    }
    mix = mix.clone();
  }

  /** Topics equally likely. */
  public static TextStreamGenerator even() {
    return new TextStreamGenerator(new double[] {1, 1, 1, 1});
  }

  /** The text number {@code index} of the stream of {@code seed}, and its topic. */
  public record Text(int topic, String text) {}

  public Text text(long seed, long index) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    double total = 0;
    for (double m : mix) {
      total += m;
    }
    double u = r.nextDouble() * total;
    int topic = 0;
    while (topic < TOPICS - 1 && (u -= mix[topic]) >= 0) {
      topic++;
    }
    int n = 4 + r.nextInt(27);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      if (r.nextDouble() < 0.3) {
        sb.append(SHARED[r.nextInt(SHARED.length)]);
      } else {
        // Zipf-like: rank ~ floor(WORDS * v^3)
        double v = r.nextDouble();
        sb.append(VOCABULARY[topic][(int) (WORDS_PER_TOPIC * v * v * v)]);
      }
    }
    if (index % 7 == 0) {
      sb.setCharAt(0, Character.toUpperCase(sb.charAt(0)));
      sb.append('.');
    }
    return new Text(topic, sb.toString());
  }

  private static String[][] vocabulary() {
    SplittableRandom r = new SplittableRandom(18);
    String[][] v = new String[TOPICS][WORDS_PER_TOPIC];
    java.util.Set<String> used = new java.util.HashSet<>(List.of(SHARED));
    for (int t = 0; t < TOPICS; t++) {
      for (int i = 0; i < WORDS_PER_TOPIC; i++) {
        String w;
        do {
          List<String> parts = new ArrayList<>();
          int k = 2 + r.nextInt(2);
          for (int j = 0; j < k; j++) {
            parts.add(SYLLABLES[r.nextInt(SYLLABLES.length)]);
          }
          w = String.join("", parts);
        } while (!used.add(w));
        v[t][i] = w;
      }
    }
    return v;
  }
}
