package io.driftgate.core.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Page-Hinkley test against its definition (Gama et al. 2014, §3.2) and its parameters. */
class PageHinkleyTest {

  /** The statistic written out from the definition, value by value, for a reference. */
  static int referenceAlarm(double[] x, double delta, double lambda) {
    double sumX = 0;
    double m = 0;
    double min = 0;
    for (int t = 1; t <= x.length; t++) {
      sumX += x[t - 1];
      m += x[t - 1] - sumX / t - delta;
      min = Math.min(min, m);
      if (m - min > lambda) {
        return t;
      }
    }
    return -1;
  }

  static int firstAlarm(ChangeDetector d, double[] x, List<ChangeDetector.Change> out) {
    for (int i = 0; i < x.length; i++) {
      Optional<ChangeDetector.Change> c = d.add(x[i]);
      if (c.isPresent()) {
        out.add(c.get());
        return i + 1;
      }
    }
    return -1;
  }

  @Test
  void aStepAlarmsWhereTheDefinitionSaysAndEstimatesTheStep() {
    double[] x = new double[400];
    for (int i = 100; i < x.length; i++) {
      x[i] = 1;
    }
    // After the step m_T = Σ_{t=101..T} 100/t ≈ 100 ln(T/100): over λ = 10 at T = 111.
    int expected = referenceAlarm(x, 0, 10);
    assertThat(expected).isEqualTo(111);
    List<ChangeDetector.Change> changes = new ArrayList<>();
    assertThat(firstAlarm(new PageHinkley(0, 10, 1, PageHinkley.Direction.INCREASE), x, changes))
        .isEqualTo(expected);
    ChangeDetector.Change c = changes.get(0);
    assertThat(c.changePoint()).isEqualTo(101);
    assertThat(c.meanBefore()).isEqualTo(0.0);
    assertThat(c.meanAfter()).isEqualTo(1.0);
    assertThat(c.delay()).isEqualTo(11);
  }

  @Test
  void matchesTheDefinitionOnNoisyStreams() {
    for (int s = 0; s < 50; s++) {
      double[] x = AdwinTest.bernoulli(s, 6_000, 0.2, 0.5, 3_000, 0);
      int expected = referenceAlarm(x, 0.005, 50);
      assertThat(firstAlarm(PageHinkley.forErrorRate(), x, new ArrayList<>()))
          .as("seed %d", s)
          .isEqualTo(expected);
    }
  }

  @Test
  void aJumpOfDeltaMeanIsCaughtAfterAboutLambdaOverTheExcess() {
    // Jump of Δ = 0.3 with δ = 0.005, λ = 50: about λ / (Δ − δ) ≈ 170 values (the running mean
    // rises slowly after a long clean history, so not much later).
    List<Integer> delays = new ArrayList<>();
    for (int s = 0; s < 100; s++) {
      double[] x = AdwinTest.bernoulli(s, 8_000, 0.2, 0.5, 5_000, 0);
      int at = firstAlarm(PageHinkley.forErrorRate(), x, new ArrayList<>());
      if (at > 5_000) {
        delays.add(at - 5_000);
      }
    }
    assertThat(delays).hasSizeGreaterThanOrEqualTo(90);
    delays.sort(null);
    double predicted = 50 / (0.3 - 0.005);
    assertThat((double) delays.get(delays.size() / 2)).isBetween(0.5 * predicted, 1.5 * predicted);
  }

  @Test
  void aLargerLambdaGivesFewerFalseAlarmsAndLaterDetection() {
    int[] falseAlarms = new int[2];
    long[] delay = new long[2];
    double[] lambdas = {20, 80};
    for (int k = 0; k < 2; k++) {
      for (int s = 0; s < 100; s++) {
        PageHinkley ph = new PageHinkley(0.005, lambdas[k], 30, PageHinkley.Direction.INCREASE);
        double[] x = AdwinTest.bernoulli(500 + s, 10_000, 0.2, 0.5, 5_000, 0);
        boolean found = false;
        for (int i = 0; i < x.length; i++) {
          if (ph.add(x[i]).isPresent()) {
            if (i < 5_000) {
              falseAlarms[k]++;
            } else if (!found) {
              delay[k] += i - 5_000;
              found = true;
            }
          }
        }
      }
    }
    assertThat(falseAlarms[1]).isLessThan(falseAlarms[0]);
    assertThat(delay[1]).isGreaterThan(delay[0]);
  }

  @Test
  void directionsAreMirrored() {
    double[] up = new double[300];
    double[] down = new double[300];
    for (int i = 0; i < 300; i++) {
      up[i] = i < 100 ? 0 : 1;
      down[i] = i < 100 ? 1 : 0;
    }
    assertThat(
            firstAlarm(
                new PageHinkley(0, 10, 1, PageHinkley.Direction.DECREASE), up, new ArrayList<>()))
        .isEqualTo(-1);
    List<ChangeDetector.Change> c = new ArrayList<>();
    assertThat(firstAlarm(new PageHinkley(0, 10, 1, PageHinkley.Direction.DECREASE), down, c))
        .isEqualTo(111);
    assertThat(c.get(0).increase()).isFalse();
    assertThat(
            firstAlarm(
                new PageHinkley(0, 10, 1, PageHinkley.Direction.BOTH), down, new ArrayList<>()))
        .isEqualTo(111);
  }

  @Test
  void aConstantStreamNeverAlarmsAndAnAlarmStartsAfresh() {
    PageHinkley ph = new PageHinkley(0, 1, 1, PageHinkley.Direction.BOTH);
    for (int i = 0; i < 10_000; i++) {
      assertThat(ph.add(0.25)).isEmpty();
    }
    double[] x = new double[300];
    for (int i = 100; i < 300; i++) {
      x[i] = 1;
    }
    PageHinkley again = new PageHinkley(0, 10, 1, PageHinkley.Direction.INCREASE);
    assertThat(firstAlarm(again, x, new ArrayList<>())).isEqualTo(111);
    assertThat(again.increaseStatistic()).isZero(); // reset at the alarm
  }

  @Test
  void registryBuildsBothAndNamesBadSettings() {
    assertThat(ChangeDetectors.names()).containsExactly("adwin", "page-hinkley");
    assertThat(ChangeDetectors.create("page-hinkley", Map.of("lambda", "25")).parameters())
        .containsEntry("lambda", 25.0)
        .containsEntry("direction", "increase");
    assertThat(ChangeDetectors.create("adwin", Map.of()).parameters())
        .containsEntry("delta", 0.002);
    assertThatThrownBy(() -> ChangeDetectors.create("cusum", Map.of()))
        .hasMessageContaining("unknown detector 'cusum'")
        .hasMessageContaining("adwin");
    assertThatThrownBy(() -> ChangeDetectors.create("adwin", Map.of("delta", "lots")))
        .hasMessageContaining("performance.adwin.delta")
        .hasMessageContaining("'lots'");
    assertThatThrownBy(() -> ChangeDetectors.create("adwin", Map.of("delta", 2)))
        .hasMessageContaining("performance.adwin")
        .hasMessageContaining("(0, 1)");
    assertThatThrownBy(() -> ChangeDetectors.create("page-hinkley", Map.of("direction", "up")))
        .hasMessageContaining("increase, decrease or both");
  }
}
