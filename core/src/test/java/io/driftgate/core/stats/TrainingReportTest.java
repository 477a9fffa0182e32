package io.driftgate.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trainer's validation metrics, computed by the one metrics class. */
class TrainingReportTest {
  @Test
  void binaryMetricsByHand() {
    float[] p = {0.9f, 0.8f, 0.3f, 0.6f, 0.2f, 0.1f};
    int[] y = {1, 1, 1, 0, 0, 0};
    Map<String, Double> m = Metrics.trainingReport(p, y);
    // Predictions at 0.5: 1,1,0,1,0,0 -> tp 2, fn 1, fp 1, tn 2.
    assertThat(m.get("accuracy")).isCloseTo(4 / 6.0, within(1e-12));
    assertThat(m.get("precision")).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(m.get("recall")).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(m.get("f1")).isCloseTo(2 / 3.0, within(1e-12));
    // Pairs (pos, neg) ranked right: 0.9 and 0.8 beat all 3; 0.3 beats 0.2 and 0.1 -> 8 of 9.
    assertThat(m.get("roc_auc")).isCloseTo(8 / 9.0, within(1e-12));
    double ll =
        -(Math.log(0.9)
                + Math.log(0.8)
                + Math.log(0.3)
                + Math.log(0.4)
                + Math.log(0.8)
                + Math.log(0.9))
            / 6;
    assertThat(m.get("log_loss")).isCloseTo(ll, within(1e-6));
    assertThat(m.get("majority_rate")).isEqualTo(0.5);
    // the stored names read as this class's names
    assertThat(Metrics.canonical("roc_auc")).isEqualTo(Metrics.AUC);
    assertThat(Metrics.canonical("log_loss")).isEqualTo(Metrics.LOG_LOSS);
    assertThat(m.get(Metrics.TRAINER_AUC))
        .isEqualTo(Metrics.rocAuc(new double[] {0.9, 0.8, 0.3, 0.6, 0.2, 0.1}, y));
  }

  @Test
  void logLossIsClippedAtTheOneEpsilon() {
    // a saturated wrong prediction costs about -log(1e-15) = 34.5, as in the gate's per-example
    // loss; the trainer's old 1e-7 clip made it -log(1e-7) = 16.1
    Map<String, Double> m = Metrics.trainingReport(new float[] {1f, 0f}, new int[] {0, 0});
    assertThat(m.get(Metrics.TRAINER_LOG_LOSS))
        .isBetween(34.0 / 2, 35.0 / 2)
        .isCloseTo(Metrics.logLoss(new double[] {1, 0}, new int[] {0, 0}), within(1e-12));
  }

  @Test
  void aucCountsTiesAsHalf() {
    assertThat(Metrics.rocAuc(new double[] {0.5, 0.5}, new int[] {1, 0})).isEqualTo(0.5);
    assertThat(Metrics.rocAuc(new double[] {0.1, 0.2}, new int[] {1, 1})).isNaN();
  }

  @Test
  void multiclassTopK() {
    // 3 rows, 6 classes.
    float[] p = {
      0.5f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, // label 0: top1
      0.30f, 0.25f, 0.2f, 0.1f, 0.1f, 0.05f, // label 4: rank 4 -> top5 only
      0.3f, 0.25f, 0.2f, 0.12f, 0.11f, 0.02f // label 5: rank 6 -> neither
    };
    Map<String, Double> m = Metrics.multiclassReport(p, new int[] {0, 4, 5}, 6);
    assertThat(m.get("top1")).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(m.get("top5")).isCloseTo(2 / 3.0, within(1e-12));
  }
}
