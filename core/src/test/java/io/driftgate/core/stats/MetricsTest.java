package io.driftgate.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void confusionBasedMetrics() {
    double[] p = {0.9, 0.6, 0.4, 0.2, 0.7};
    int[] y = {1, 0, 1, 0, 1};
    // predictions 1,1,0,0,1: TP = 2, FP = 1, FN = 1, TN = 1
    assertThat(Metrics.accuracy(p, y)).isCloseTo(0.6, within(1e-12));
    assertThat(Metrics.precision(p, y)).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(Metrics.recall(p, y)).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(Metrics.f1(p, y)).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(Metrics.correct(p, y)).containsExactly(true, false, false, true, true);
    // no positive predictions: precision and F1 are 0
    assertThat(Metrics.precision(new double[] {0.1, 0.2}, new int[] {1, 0})).isZero();
    assertThat(Metrics.f1(new double[] {0.1, 0.2}, new int[] {1, 0})).isZero();
  }

  @Test
  void rocAucKnownValuesAndTies() {
    // the classic example: scores 0.1, 0.4, 0.35, 0.8 for labels 0, 0, 1, 1 -> 0.75
    assertThat(Metrics.rocAuc(new double[] {0.1, 0.4, 0.35, 0.8}, new int[] {0, 0, 1, 1}))
        .isCloseTo(0.75, within(1e-12));
    // a tie between a positive and a negative counts one half: (0.5 + 1 + 1 + 1) / 4
    assertThat(Metrics.rocAuc(new double[] {0.5, 0.5, 0.2, 0.9}, new int[] {1, 0, 0, 1}))
        .isCloseTo(0.875, within(1e-12));
    assertThat(Metrics.rocAuc(new double[] {0.3, 0.3, 0.3}, new int[] {1, 0, 1}))
        .isCloseTo(0.5, within(1e-12));
    assertThat(Metrics.rocAuc(new double[] {0.3, 0.6}, new int[] {1, 1})).isNaN();
  }

  @Test
  void logLossClipped() {
    double[] l = Metrics.perExampleLogLoss(new double[] {0.8, 0.25, 0.0}, new int[] {1, 0, 1});
    assertThat(l[0]).isCloseTo(-Math.log(0.8), within(1e-15));
    assertThat(l[1]).isCloseTo(-Math.log(0.75), within(1e-15));
    assertThat(l[2]).isCloseTo(-Math.log(1e-15), within(1e-9)).isFinite();
    assertThat(Metrics.logLoss(new double[] {0.8, 0.25}, new int[] {1, 0}))
        .isCloseTo((-Math.log(0.8) - Math.log(0.75)) / 2, within(1e-15));
  }

  @Test
  void allByName() {
    Map<String, Double> m = Metrics.all(new double[] {0.1, 0.4, 0.35, 0.8}, new int[] {0, 0, 1, 1});
    assertThat(m).containsKeys("accuracy", "precision", "recall", "f1", "auc", "logloss");
    assertThat(m.get("auc")).isCloseTo(0.75, within(1e-12));
    assertThat(m.get("accuracy")).isCloseTo(0.75, within(1e-12));
  }

  @Test
  void rejectsBadLabels() {
    assertThatThrownBy(() -> Metrics.accuracy(new double[] {0.5}, new int[] {2}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
