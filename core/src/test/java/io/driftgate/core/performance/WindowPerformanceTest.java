package io.driftgate.core.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.stats.Metrics;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowPerformanceTest {
  /** Probabilities from a model whose scores separate the classes with a given quality. */
  static double[][] window(long seed, int n, double separation) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] p = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextDouble() < 0.3 ? 1 : 0;
      double z = rnd.nextGaussian() + (y[i] == 1 ? separation : -separation);
      p[i] = 1 / (1 + Math.exp(-z));
    }
    return new double[][] {p, y};
  }

  static int[] labels(double[] y) {
    int[] l = new int[y.length];
    for (int i = 0; i < y.length; i++) {
      l[i] = (int) y[i];
    }
    return l;
  }

  @Test
  void aWindowAsGoodAsValidationIsNotDegradedAndAWorseOneIs() {
    double[][] val = window(1, 5_000, 1.5);
    Map<String, Double> validation = Metrics.all(val[0], labels(val[1]));
    WindowPerformance wp = new WindowPerformance(400, 0.95, 7);

    double[][] same = window(2, 2_000, 1.5);
    WindowPerformance.Result ok = wp.evaluate(same[0], labels(same[1]), validation);
    assertThat(ok.degraded()).as(ok.toString()).isFalse();
    assertThat(ok.rows()).isEqualTo(2_000);
    WindowPerformance.MetricInterval auc = ok.metrics().get(Metrics.AUC);
    assertThat(auc.low()).isLessThan(auc.value()).isLessThan(auc.high());

    double[][] worse = window(3, 2_000, 0.3);
    WindowPerformance.Result bad = wp.evaluate(worse[0], labels(worse[1]), validation);
    assertThat(bad.degraded()).isTrue();
    assertThat(bad.metrics().get(Metrics.AUC).degraded()).isTrue();
    assertThat(bad.metrics().get(Metrics.AUC).high()).isLessThan(validation.get(Metrics.AUC));
  }

  @Test
  void theSameSeedGivesTheSameIntervals() {
    double[][] w = window(5, 500, 1);
    WindowPerformance a = new WindowPerformance(200, 0.9, 11);
    WindowPerformance b = new WindowPerformance(200, 0.9, 11);
    assertThat(a.evaluate(w[0], labels(w[1]), Map.of()))
        .isEqualTo(b.evaluate(w[0], labels(w[1]), Map.of()));
  }

  @Test
  void aTinyWindowHasWideIntervalsAndIsNotCalledDegradedOnNoise() {
    double[][] val = window(1, 5_000, 1.5);
    Map<String, Double> validation = Metrics.all(val[0], labels(val[1]));
    double[][] tiny = window(9, 30, 1.2); // a bit worse, but 30 rows say little
    WindowPerformance.Result r =
        new WindowPerformance(400, 0.95, 3).evaluate(tiny[0], labels(tiny[1]), validation);
    WindowPerformance.MetricInterval acc = r.metrics().get(Metrics.ACCURACY);
    assertThat(acc.high() - acc.low()).isGreaterThan(0.1);
    assertThat(acc.degraded()).isFalse();
  }

  /** A 10-class window: right with probability {@code accuracy}, p of the true class around it. */
  static Object[] classWindow(long seed, int n, double accuracy) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] pTrue = new double[n];
    boolean[] correct = new boolean[n];
    for (int i = 0; i < n; i++) {
      correct[i] = rnd.nextDouble() < accuracy;
      pTrue[i] = correct[i] ? 0.5 + 0.4 * rnd.nextDouble() : 0.02 + 0.2 * rnd.nextDouble();
    }
    return new Object[] {pTrue, correct};
  }

  @Test
  void aMulticlassWindowIsJudgedOnAccuracyAndLogLossWithoutAuc() {
    WindowPerformance wp = new WindowPerformance(400, 0.95, 7);
    Object[] val = classWindow(1, 5_000, 0.8);
    Map<String, Double> validation =
        wp
            .evaluateClasses((double[]) val[0], (boolean[]) val[1], Map.of())
            .metrics()
            .entrySet()
            .stream()
            .collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().value()));
    assertThat(validation.get(Metrics.ACCURACY))
        .isCloseTo(0.8, org.assertj.core.data.Offset.offset(0.02));

    Object[] same = classWindow(2, 1_000, 0.8);
    WindowPerformance.Result ok =
        wp.evaluateClasses((double[]) same[0], (boolean[]) same[1], validation);
    assertThat(ok.metrics()).containsOnlyKeys(Metrics.ACCURACY, Metrics.LOG_LOSS);
    assertThat(ok.degraded()).as(ok.toString()).isFalse();
    WindowPerformance.MetricInterval acc = ok.metrics().get(Metrics.ACCURACY);
    assertThat(acc.low()).isLessThan(acc.value()).isLessThan(acc.high());

    Object[] worse = classWindow(3, 1_000, 0.6);
    WindowPerformance.Result bad =
        wp.evaluateClasses((double[]) worse[0], (boolean[]) worse[1], validation);
    assertThat(bad.metrics().get(Metrics.ACCURACY).degraded()).isTrue();
    assertThat(bad.metrics().get(Metrics.LOG_LOSS).degraded()).isTrue();
    assertThat(bad.metrics().get(Metrics.ACCURACY).value())
        .isCloseTo(0.6, org.assertj.core.data.Offset.offset(0.04));
  }

  @Test
  void aBinaryWindowAsClassesGivesTheSameAccuracyAndLogLoss() {
    double[][] w = window(4, 300, 1);
    int[] y = labels(w[1]);
    double[] pTrue = new double[y.length];
    boolean[] correct = new boolean[y.length];
    for (int i = 0; i < y.length; i++) {
      pTrue[i] = y[i] == 1 ? w[0][i] : 1 - w[0][i];
      correct[i] = (w[0][i] >= 0.5 ? 1 : 0) == y[i];
    }
    WindowPerformance wp = new WindowPerformance(200, 0.9, 11);
    WindowPerformance.Result binary = wp.evaluate(w[0], y, Map.of());
    WindowPerformance.Result classes = wp.evaluateClasses(pTrue, correct, Map.of());
    for (String m : WindowPerformance.CLASS_METRICS) {
      assertThat(classes.metrics().get(m).value())
          .as(m)
          .isCloseTo(binary.metrics().get(m).value(), org.assertj.core.data.Offset.offset(1e-12));
      // the same resamples: the same intervals
      assertThat(classes.metrics().get(m).low())
          .as(m)
          .isCloseTo(binary.metrics().get(m).low(), org.assertj.core.data.Offset.offset(1e-12));
    }
  }

  @Test
  void inputsAreChecked() {
    assertThatThrownBy(() -> new WindowPerformance(10, 0.95, 1)).hasMessageContaining("resamples");
    assertThatThrownBy(
            () -> new WindowPerformance(100, 0.95, 1).evaluate(new double[2], new int[3], Map.of()))
        .hasMessageContaining("as many labels");
  }
}
