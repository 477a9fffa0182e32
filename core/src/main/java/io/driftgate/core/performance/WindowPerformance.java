package io.driftgate.core.performance;

import io.driftgate.core.stats.Metrics;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The champion's quality on one window of labelled predictions: accuracy, AUC and log-loss with
 * percentile bootstrap intervals (seeded), compared with the champion's validation metrics. A
 * metric has degraded when its whole interval lies on the worse side of the validation value (below
 * for accuracy and AUC, above for log-loss), so a small window's noise does not count as a change.
 * A multiclass model ({@link #evaluateClasses}) is judged on accuracy (top-1) and log-loss of the
 * true class only: AUC is a binary metric.
 */
public final class WindowPerformance {
  /** Metrics judged per window; higher is better except for log-loss. */
  public static final List<String> METRICS =
      List.of(Metrics.ACCURACY, Metrics.AUC, Metrics.LOG_LOSS);

  /** Metrics judged per window of a multiclass model (or of mixed binary and multiclass rows). */
  public static final List<String> CLASS_METRICS = List.of(Metrics.ACCURACY, Metrics.LOG_LOSS);

  /** One metric on the window. */
  public record MetricInterval(
      String metric, double value, double low, double high, Double validation, boolean degraded) {}

  /** The window's verdict. */
  public record Result(long rows, Map<String, MetricInterval> metrics) {
    public boolean degraded() {
      return metrics.values().stream().anyMatch(MetricInterval::degraded);
    }
  }

  private final int resamples;
  private final double confidence;
  private final long seed;

  /**
   * @param resamples bootstrap resamples (≥ 100)
   * @param confidence two-sided interval level in (0, 1), e.g. 0.95
   * @param seed bootstrap seed
   */
  public WindowPerformance(int resamples, double confidence, long seed) {
    if (resamples < 100) {
      throw new IllegalArgumentException("resamples must be >= 100, got " + resamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
    this.resamples = resamples;
    this.confidence = confidence;
    this.seed = seed;
  }

  /**
   * A binary model's window.
   *
   * @param probs the champion's positive-class probabilities on the window's rows
   * @param labels the rows' 0/1 labels
   * @param validation the champion's validation metrics by name (missing ones are not judged)
   */
  public Result evaluate(double[] probs, int[] labels, Map<String, Double> validation) {
    checkSizes(probs.length, labels.length);
    double[] p = new double[probs.length];
    int[] y = new int[probs.length];
    return judge(
        probs.length,
        METRICS,
        idx -> {
          if (idx == null) {
            return metrics(probs, labels);
          }
          for (int i = 0; i < idx.length; i++) {
            p[i] = probs[idx[i]];
            y[i] = labels[idx[i]];
          }
          return metrics(p, y);
        },
        validation);
  }

  /**
   * A multiclass model's window (any number of classes; a binary row fits too, with p of its label
   * and correctness at 0.5): accuracy and mean log-loss of the true class ({@link #CLASS_METRICS}).
   *
   * @param labelProbabilities the probability the champion gave each row's true class
   * @param correct whether the champion's predicted class was the row's label
   * @param validation the champion's validation metrics by name (missing ones are not judged)
   */
  public Result evaluateClasses(
      double[] labelProbabilities, boolean[] correct, Map<String, Double> validation) {
    checkSizes(labelProbabilities.length, correct.length);
    return judge(
        labelProbabilities.length,
        CLASS_METRICS,
        idx -> {
          int n = idx == null ? labelProbabilities.length : idx.length;
          long right = 0;
          double loss = 0;
          for (int i = 0; i < n; i++) {
            int j = idx == null ? i : idx[i];
            right += correct[j] ? 1 : 0;
            loss -=
                Math.log(Math.min(1 - Metrics.EPS, Math.max(Metrics.EPS, labelProbabilities[j])));
          }
          Map<String, Double> m = new LinkedHashMap<>();
          m.put(Metrics.ACCURACY, (double) right / n);
          m.put(Metrics.LOG_LOSS, loss / n);
          return m;
        },
        validation);
  }

  private static void checkSizes(int predictions, int labels) {
    if (predictions != labels || predictions == 0) {
      throw new IllegalArgumentException(
          "need as many labels as predictions (> 0), got " + predictions + " and " + labels);
    }
  }

  /**
   * Bootstraps {@code metricsOf} (called with the resample's row indices, or null for the window
   * itself) and compares each interval with its validation value.
   */
  private Result judge(
      int n,
      List<String> names,
      java.util.function.Function<int[], Map<String, Double>> metricsOf,
      Map<String, Double> validation) {
    Map<String, double[]> samples = new LinkedHashMap<>();
    for (String m : names) {
      samples.put(m, new double[resamples]);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] idx = new int[n];
    for (int r = 0; r < resamples; r++) {
      for (int i = 0; i < n; i++) {
        idx[i] = rnd.nextInt(n);
      }
      Map<String, Double> all = metricsOf.apply(idx);
      for (String m : names) {
        samples.get(m)[r] = all.get(m);
      }
    }
    Map<String, Double> point = metricsOf.apply(null);
    double tail = (1 - confidence) / 2;
    Map<String, MetricInterval> out = new LinkedHashMap<>();
    for (String m : names) {
      // A resample with one class has no AUC: the interval is over the resamples that have one.
      double[] s = Arrays.stream(samples.get(m)).filter(Double::isFinite).sorted().toArray();
      double low = quantile(s, tail);
      double high = quantile(s, 1 - tail);
      Double v = validation == null ? null : validation.get(m);
      boolean lowerIsBetter = m.equals(Metrics.LOG_LOSS);
      boolean degraded = v != null && !Double.isNaN(low) && (lowerIsBetter ? low > v : high < v);
      out.put(m, new MetricInterval(m, point.get(m), low, high, v, degraded));
    }
    return new Result(n, out);
  }

  private static Map<String, Double> metrics(double[] p, int[] y) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(Metrics.ACCURACY, Metrics.accuracy(p, y));
    m.put(Metrics.AUC, Metrics.rocAuc(p, y));
    m.put(Metrics.LOG_LOSS, Metrics.logLoss(p, y));
    return m;
  }

  private static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
