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
 */
public final class WindowPerformance {
  /** Metrics judged per window; higher is better except for log-loss. */
  public static final List<String> METRICS =
      List.of(Metrics.ACCURACY, Metrics.AUC, Metrics.LOG_LOSS);

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
   * @param probs the champion's positive-class probabilities on the window's rows
   * @param labels the rows' 0/1 labels
   * @param validation the champion's validation metrics by name (missing ones are not judged)
   */
  public Result evaluate(double[] probs, int[] labels, Map<String, Double> validation) {
    if (probs.length != labels.length || probs.length == 0) {
      throw new IllegalArgumentException(
          "need as many labels as predictions (> 0), got "
              + probs.length
              + " and "
              + labels.length);
    }
    int n = probs.length;
    Map<String, double[]> samples = new LinkedHashMap<>();
    for (String m : METRICS) {
      samples.put(m, new double[resamples]);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] p = new double[n];
    int[] y = new int[n];
    for (int r = 0; r < resamples; r++) {
      for (int i = 0; i < n; i++) {
        int j = rnd.nextInt(n);
        p[i] = probs[j];
        y[i] = labels[j];
      }
      Map<String, Double> all = metrics(p, y);
      for (String m : METRICS) {
        samples.get(m)[r] = all.get(m);
      }
    }
    Map<String, Double> point = metrics(probs, labels);
    double tail = (1 - confidence) / 2;
    Map<String, MetricInterval> out = new LinkedHashMap<>();
    for (String m : METRICS) {
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
