package io.driftgate.trainer;

import java.util.LinkedHashMap;
import java.util.Map;

/** Classification metrics computed from predicted probabilities. */
public final class Metrics {
  private static final double EPS = 1e-7;

  private Metrics() {}

  /**
   * Binary metrics at threshold 0.5: {@code accuracy}, {@code precision}, {@code recall}, {@code
   * f1}, {@code roc_auc}, {@code log_loss}, plus {@code majority_rate} (accuracy of always
   * predicting the more frequent class), {@code positive_rate} and {@code count}.
   *
   * @param probabilities probability of class 1 per row
   * @param labels 0 or 1 per row
   */
  public static Map<String, Double> binary(float[] probabilities, int[] labels) {
    if (probabilities.length != labels.length) {
      throw new IllegalArgumentException("lengths differ");
    }
    int n = labels.length;
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    long pos = 0;
    double ll = 0;
    for (int i = 0; i < n; i++) {
      double p = probabilities[i];
      boolean predicted = p >= 0.5;
      boolean actual = labels[i] == 1;
      pos += actual ? 1 : 0;
      if (predicted && actual) {
        tp++;
      } else if (predicted) {
        fp++;
      } else if (actual) {
        fn++;
      } else {
        tn++;
      }
      double c = Math.min(1 - EPS, Math.max(EPS, p));
      ll -= actual ? Math.log(c) : Math.log(1 - c);
    }
    Map<String, Double> m = new LinkedHashMap<>();
    double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
    m.put("accuracy", n == 0 ? Double.NaN : (double) (tp + tn) / n);
    m.put("precision", precision);
    m.put("recall", recall);
    m.put("f1", precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
    m.put("roc_auc", rocAuc(probabilities, labels));
    m.put("log_loss", n == 0 ? Double.NaN : ll / n);
    m.put("majority_rate", n == 0 ? Double.NaN : Math.max(pos, n - pos) / (double) n);
    m.put("positive_rate", n == 0 ? Double.NaN : pos / (double) n);
    m.put("count", (double) n);
    return m;
  }

  /**
   * ROC AUC by the rank-sum (Mann-Whitney) formula, ties counted half; NaN when only one class is
   * present.
   */
  public static double rocAuc(float[] scores, int[] labels) {
    double[] asDouble = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      asDouble[i] = scores[i];
    }
    // One implementation for trainer and gate: core's rank-sum AUC.
    return io.driftgate.core.stats.Metrics.rocAuc(asDouble, labels);
  }

  /**
   * Multiclass metrics: {@code top1}, {@code top5} (top-k with k = min(5, classes)), {@code
   * accuracy} (= top1), {@code log_loss}, {@code count}.
   *
   * @param probabilities row-major {@code n * classes}
   */
  public static Map<String, Double> multiclass(float[] probabilities, int[] labels, int classes) {
    int n = labels.length;
    if (probabilities.length != (long) n * classes) {
      throw new IllegalArgumentException("probabilities must have n * classes entries");
    }
    int k = Math.min(5, classes);
    long top1 = 0;
    long topK = 0;
    double ll = 0;
    for (int r = 0; r < n; r++) {
      int base = r * classes;
      float pTrue = probabilities[base + labels[r]];
      int better = 0;
      for (int c = 0; c < classes; c++) {
        float p = probabilities[base + c];
        // Ties go against the true class (conservative, and deterministic).
        if (c != labels[r] && p >= pTrue) {
          better++;
        }
      }
      top1 += better == 0 ? 1 : 0;
      topK += better < k ? 1 : 0;
      ll -= Math.log(Math.min(1 - EPS, Math.max(EPS, pTrue)));
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("top1", n == 0 ? Double.NaN : (double) top1 / n);
    m.put("top5", n == 0 ? Double.NaN : (double) topK / n);
    m.put("accuracy", n == 0 ? Double.NaN : (double) top1 / n);
    m.put("log_loss", n == 0 ? Double.NaN : ll / n);
    m.put("count", (double) n);
    return m;
  }
}
