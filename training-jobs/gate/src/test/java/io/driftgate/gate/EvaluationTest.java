package io.driftgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftgate.core.stats.Metrics;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The report's curves and confusion matrix from the scores the gate keeps. */
class EvaluationTest {
  private static final int[] LABELS = {1, 1, 0, 1, 0, 0};
  private static final double[] SCORES = {0.9, 0.8, 0.7, 0.6, 0.4, 0.2};

  @Test
  void rocStepsThroughEveryThresholdFromZeroToOne() {
    List<Evaluation.Point> roc = Evaluation.roc(SCORES, LABELS);
    assertThat(roc)
        .containsExactly(
            new Evaluation.Point(0, 0),
            new Evaluation.Point(0, 1 / 3.0),
            new Evaluation.Point(0, 2 / 3.0),
            new Evaluation.Point(1 / 3.0, 2 / 3.0),
            new Evaluation.Point(1 / 3.0, 1),
            new Evaluation.Point(2 / 3.0, 1),
            new Evaluation.Point(1, 1));
    // the trapezoids under it are the AUC the gate reports
    assertThat(area(roc)).isCloseTo(Metrics.rocAuc(SCORES, LABELS), within(1e-12));
  }

  @Test
  void tiedScoresAreOnePoint() {
    double[] p = {0.5, 0.5, 0.5, 0.1};
    int[] y = {1, 0, 1, 0};
    assertThat(Evaluation.roc(p, y))
        .containsExactly(
            new Evaluation.Point(0, 0), new Evaluation.Point(0.5, 1), new Evaluation.Point(1, 1));
    assertThat(area(Evaluation.roc(p, y))).isCloseTo(Metrics.rocAuc(p, y), within(1e-12));
  }

  @Test
  void precisionRecallAndAveragePrecision() {
    List<Evaluation.Point> pr = Evaluation.precisionRecall(SCORES, LABELS);
    assertThat(pr.get(0)).isEqualTo(new Evaluation.Point(0, 1));
    assertThat(pr.get(pr.size() - 1)).isEqualTo(new Evaluation.Point(1, 0.5));
    assertThat(pr).contains(new Evaluation.Point(2 / 3.0, 2 / 3.0));
    // AP = (1/3)(1) + (1/3)(1) + (1/3)(3/4)
    assertThat(Evaluation.averagePrecision(SCORES, LABELS)).isCloseTo(11 / 12.0, within(1e-12));
  }

  @Test
  void theConfusionMatrixCountsEveryRowOnceAtTheGateThreshold() {
    Evaluation.Confusion c = Evaluation.confusion(SCORES, LABELS);
    assertThat(c).isEqualTo(new Evaluation.Confusion(3, 1, 0, 2));
    assertThat(c.total()).isEqualTo(LABELS.length);
    boolean[] correct = Metrics.correct(SCORES, LABELS);
    long right = 0;
    for (boolean b : correct) {
      right += b ? 1 : 0;
    }
    assertThat(c.tp() + c.tn()).isEqualTo(right);
  }

  @Test
  void aLargeEvaluationIsThinnedKeepingBothEnds() {
    Random r = new Random(11);
    int n = 20_000;
    double[] p = new double[n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextBoolean() ? 1 : 0;
      p[i] = Math.min(1, Math.max(0, 0.5 + 0.2 * (y[i] - 0.5) + 0.3 * r.nextGaussian()));
    }
    List<Evaluation.Point> roc = Evaluation.roc(p, y);
    assertThat(roc).hasSize(Evaluation.MAX_POINTS);
    assertThat(roc.get(0)).isEqualTo(new Evaluation.Point(0, 0));
    assertThat(roc.get(roc.size() - 1)).isEqualTo(new Evaluation.Point(1, 1));
    assertThat(area(roc)).isCloseTo(Metrics.rocAuc(p, y), within(0.005));
  }

  private static double area(List<Evaluation.Point> roc) {
    double a = 0;
    for (int i = 1; i < roc.size(); i++) {
      a += (roc.get(i).x() - roc.get(i - 1).x()) * (roc.get(i).y() + roc.get(i - 1).y()) / 2;
    }
    return a;
  }
}
