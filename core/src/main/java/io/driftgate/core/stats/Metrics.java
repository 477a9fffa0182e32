package io.driftgate.core.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Binary-classifier metrics from predicted positive-class probabilities and 0/1 labels. A
 * prediction is positive when its probability is {@code >=} the threshold (0.5 by default).
 */
public final class Metrics {

  /** Default decision threshold. */
  public static final double THRESHOLD = 0.5;

  /** Default log-loss clipping: probabilities are kept in [eps, 1 − eps]. */
  public static final double EPS = 1e-15;

  public static final String ACCURACY = "accuracy";
  public static final String PRECISION = "precision";
  public static final String RECALL = "recall";
  public static final String F1 = "f1";
  public static final String AUC = "auc";
  public static final String LOG_LOSS = "logloss";

  /**
   * The names the trainer writes to {@code metrics.json} and the registry for {@link #AUC} and
   * {@link #LOG_LOSS}. Stored rows keep them; {@link #canonical} reads either.
   */
  public static final String TRAINER_AUC = "roc_auc";

  public static final String TRAINER_LOG_LOSS = "log_loss";

  /** Stored (trainer) metric name to the name used here. */
  public static final Map<String, String> STORED_NAMES =
      Map.of(TRAINER_AUC, AUC, TRAINER_LOG_LOSS, LOG_LOSS);

  private Metrics() {}

  /** All metrics by name (insertion order: accuracy, precision, recall, f1, auc, logloss). */
  public static Map<String, Double> all(double[] probs, int[] labels) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(ACCURACY, accuracy(probs, labels));
    m.put(PRECISION, precision(probs, labels));
    m.put(RECALL, recall(probs, labels));
    m.put(F1, f1(probs, labels));
    m.put(AUC, rocAuc(probs, labels));
    m.put(LOG_LOSS, logLoss(probs, labels));
    return m;
  }

  /** The name used here for a metric name as stored (trainer names included). */
  public static String canonical(String name) {
    return STORED_NAMES.getOrDefault(name, name);
  }

  /**
   * The trainer's validation metrics of a binary model, under the stored names: {@code accuracy},
   * {@code precision}, {@code recall}, {@code f1}, {@code roc_auc}, {@code log_loss} (clipped at
   * {@link #EPS} like every log-loss here), plus {@code majority_rate} (accuracy of always
   * predicting the more frequent class), {@code positive_rate} and {@code count}; NaN rates for no
   * rows.
   *
   * @param probabilities probability of class 1 per row
   * @param labels 0 or 1 per row
   */
  public static Map<String, Double> trainingReport(float[] probabilities, int[] labels) {
    if (probabilities.length != labels.length) {
      throw new IllegalArgumentException("lengths differ");
    }
    int n = labels.length;
    Map<String, Double> m = new LinkedHashMap<>();
    if (n == 0) {
      for (String k : List.of(ACCURACY, PRECISION, RECALL, F1, TRAINER_AUC, TRAINER_LOG_LOSS)) {
        m.put(k, k.equals(PRECISION) || k.equals(RECALL) || k.equals(F1) ? 0.0 : Double.NaN);
      }
      m.put("majority_rate", Double.NaN);
      m.put("positive_rate", Double.NaN);
      m.put("count", 0.0);
      return m;
    }
    double[] p = new double[n];
    long pos = 0;
    for (int i = 0; i < n; i++) {
      p[i] = probabilities[i];
      pos += labels[i] == 1 ? 1 : 0;
    }
    // the same numbers as all(), under the names the trainer has always stored
    all(p, labels)
        .forEach(
            (k, v) ->
                m.put(k.equals(AUC) ? TRAINER_AUC : k.equals(LOG_LOSS) ? TRAINER_LOG_LOSS : k, v));
    m.put("majority_rate", Math.max(pos, n - pos) / (double) n);
    m.put("positive_rate", pos / (double) n);
    m.put("count", (double) n);
    return m;
  }

  /**
   * The trainer's validation metrics of a multiclass model: {@code top1}, {@code top5} (top-k with
   * k = min(5, classes)), {@code accuracy} (= top1), {@code log_loss} (clipped at {@link #EPS}),
   * {@code count}. Ties go against the true class (conservative, and deterministic).
   *
   * @param probabilities row-major {@code n * classes}
   */
  public static Map<String, Double> multiclassReport(
      float[] probabilities, int[] labels, int classes) {
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
        if (c != labels[r] && probabilities[base + c] >= pTrue) {
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
    m.put(ACCURACY, n == 0 ? Double.NaN : (double) top1 / n);
    m.put(TRAINER_LOG_LOSS, n == 0 ? Double.NaN : ll / n);
    m.put("count", (double) n);
    return m;
  }

  /** Whether each prediction is right at the default threshold. */
  public static boolean[] correct(double[] probs, int[] labels) {
    return correct(probs, labels, THRESHOLD);
  }

  public static boolean[] correct(double[] probs, int[] labels, double threshold) {
    check(probs, labels);
    boolean[] out = new boolean[probs.length];
    for (int i = 0; i < probs.length; i++) {
      out[i] = (probs[i] >= threshold) == (labels[i] == 1);
    }
    return out;
  }

  public static double accuracy(double[] probs, int[] labels) {
    boolean[] c = correct(probs, labels);
    int k = 0;
    for (boolean b : c) {
      k += b ? 1 : 0;
    }
    return (double) k / c.length;
  }

  /** TP / (TP + FP); 0 when nothing is predicted positive. */
  public static double precision(double[] probs, int[] labels) {
    long[] cm = confusion(probs, labels);
    return cm[0] + cm[1] == 0 ? 0 : (double) cm[0] / (cm[0] + cm[1]);
  }

  /** TP / (TP + FN); 0 when there are no positives. */
  public static double recall(double[] probs, int[] labels) {
    long[] cm = confusion(probs, labels);
    return cm[0] + cm[2] == 0 ? 0 : (double) cm[0] / (cm[0] + cm[2]);
  }

  /** Harmonic mean of precision and recall; 0 when both are 0. */
  public static double f1(double[] probs, int[] labels) {
    double p = precision(probs, labels);
    double r = recall(probs, labels);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** {TP, FP, FN, TN} at the default threshold. */
  static long[] confusion(double[] probs, int[] labels) {
    check(probs, labels);
    long[] cm = new long[4];
    for (int i = 0; i < probs.length; i++) {
      boolean pred = probs[i] >= THRESHOLD;
      boolean pos = labels[i] == 1;
      cm[pred ? (pos ? 0 : 1) : (pos ? 2 : 3)]++;
    }
    return cm;
  }

  /**
   * ROC AUC by the rank-sum (Mann–Whitney) formula with mid-ranks for tied scores; NaN when only
   * one class is present.
   */
  public static double rocAuc(double[] probs, int[] labels) {
    check(probs, labels);
    int n = probs.length;
    Integer[] idx = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(idx, Comparator.comparingDouble(i -> probs[i]));
    double rankSumPos = 0;
    long pos = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && probs[idx[j + 1]] == probs[idx[i]]) {
        j++;
      }
      double midRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[idx[k]] == 1) {
          rankSumPos += midRank;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }

  /** Mean clipped log-loss. */
  public static double logLoss(double[] probs, int[] labels) {
    double[] l = perExampleLogLoss(probs, labels);
    double s = 0;
    for (double v : l) {
      s += v;
    }
    return s / l.length;
  }

  /** −[y log p + (1 − y) log(1 − p)] per example, p clipped to [1e-15, 1 − 1e-15]. */
  public static double[] perExampleLogLoss(double[] probs, int[] labels) {
    check(probs, labels);
    double[] out = new double[probs.length];
    for (int i = 0; i < probs.length; i++) {
      double p = Math.min(1 - EPS, Math.max(EPS, probs[i]));
      out[i] = labels[i] == 1 ? -Math.log(p) : -Math.log(1 - p);
    }
    return out;
  }

  private static void check(double[] probs, int[] labels) {
    if (probs.length != labels.length) {
      throw new IllegalArgumentException(
          "probabilities and labels differ in length: " + probs.length + " vs " + labels.length);
    }
    if (probs.length == 0) {
      throw new IllegalArgumentException("no examples");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw new IllegalArgumentException("label " + i + " is not 0/1: " + labels[i]);
      }
      if (Double.isNaN(probs[i])) {
        throw new IllegalArgumentException("probability " + i + " is NaN");
      }
    }
  }
}
