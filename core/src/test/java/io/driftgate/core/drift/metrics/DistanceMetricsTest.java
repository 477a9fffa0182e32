package io.driftgate.core.drift.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DistanceMetricsTest {
  private static final double EPS = 1e-12;

  @Test
  void psiHandComputed() {
    // r = (0.5, 0.5), c = (0.25, 0.75)
    // PSI = (0.25-0.5) ln(0.25/0.5) + (0.75-0.5) ln(0.75/0.5) = 0.25 ln 2 + 0.25 ln 1.5 = 0.25 ln 3
    assertThat(Psi.psi(new long[] {50, 50}, new long[] {25, 75}))
        .isCloseTo(0.25 * Math.log(3), within(EPS));
  }

  @Test
  void psiEmptyBinUsesEpsilon() {
    // r = (1, 0 -> 1e-4), c = (0.5, 0.5)
    // PSI = (0.5-1) ln(0.5/1) + (0.5-1e-4) ln(0.5/1e-4) = 0.5 ln 2 + 0.4999 ln 5000
    double expected = 0.5 * Math.log(2) + (0.5 - Psi.EPSILON) * Math.log(0.5 / Psi.EPSILON);
    assertThat(Psi.psi(new long[] {100, 0}, new long[] {50, 50})).isCloseTo(expected, within(EPS));
    assertThat(expected).isCloseTo(4.604318, within(1e-6));
  }

  @Test
  void psiZeroForIdenticalProportions() {
    assertThat(Psi.psi(new long[] {1, 2, 3}, new long[] {10, 20, 30})).isCloseTo(0, within(EPS));
  }

  @Test
  void countMetricsRejectEmptyAndMismatchedInput() {
    assertThatThrownBy(() -> Psi.psi(new long[] {0, 0}, new long[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> JensenShannon.distance(new long[] {}, new long[] {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LInfinity.distance(new long[] {1}, new long[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JensenShannon.distance(new long[] {-1, 2}, new long[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LInfinity.distance(Map.of(), Map.of("a", 1L)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jensenShannonHandComputed() {
    // p = (0.5, 0.5), q = (1, 0), m = (0.75, 0.25)
    // KL(p||m) = 0.5 log2(0.5/0.75) + 0.5 log2(0.5/0.25) = 0.5 (-0.5849625) + 0.5 = 0.2075187
    // KL(q||m) = log2(1/0.75) = 0.4150375
    // JSD = (0.2075187 + 0.4150375) / 2 = 0.3112781, distance = sqrt = 0.5579230
    double kl1 = 0.5 * log2(0.5 / 0.75) + 0.5 * log2(0.5 / 0.25);
    double kl2 = log2(1 / 0.75);
    double expected = Math.sqrt((kl1 + kl2) / 2);
    assertThat(JensenShannon.distance(new long[] {1, 1}, new long[] {2, 0}))
        .isCloseTo(expected, within(EPS));
    assertThat(expected).isCloseTo(0.5579230, within(1e-7)); // scipy jensenshannon(base=2)
  }

  @Test
  void jensenShannonDisjointIsOneIdenticalIsZero() {
    assertThat(JensenShannon.distance(Map.of("a", 5L), Map.of("b", 7L))).isEqualTo(1.0);
    assertThat(JensenShannon.distance(new long[] {3, 1, 4}, new long[] {6, 2, 8}))
        .isCloseTo(0, within(1e-7));
  }

  @Test
  void lInfinityHandComputedOverUnionOfCategories() {
    // a: {x:3, y:1} -> (0.75, 0.25, 0); b: {x:1, z:1} -> (0.5, 0, 0.5)
    // |diff| = (0.25, 0.25, 0.5) -> max 0.5 (z only on one side)
    assertThat(LInfinity.distance(Map.of("x", 3L, "y", 1L), Map.of("x", 1L, "z", 1L)))
        .isCloseTo(0.5, within(EPS));
    assertThat(LInfinity.distance(Map.of("x", 2L), Map.of("x", 9L))).isEqualTo(0.0);
    assertThat(LInfinity.distance(Map.of("x", 2L), Map.of("y", 9L))).isEqualTo(1.0);
  }

  @Test
  void distancesAreSymmetricOnRandomCounts() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      long[] a = new long[5];
      long[] b = new long[5];
      for (int i = 0; i < 5; i++) {
        a[i] = rnd.nextInt(20);
        b[i] = rnd.nextInt(20);
      }
      a[0]++;
      b[1]++;
      double js = JensenShannon.distance(a, b);
      assertThat(js).isCloseTo(JensenShannon.distance(b, a), within(EPS)).isBetween(0.0, 1.0);
      assertThat(LInfinity.distance(a, b)).isCloseTo(LInfinity.distance(b, a), within(EPS));
    }
  }

  @Test
  void driftMetricKindsAndDirections() {
    assertThat(DriftMetric.KS.isStatisticalTest()).isTrue();
    assertThat(DriftMetric.CHI_SQUARED.isStatisticalTest()).isTrue();
    assertThat(DriftMetric.PSI.isStatisticalTest()).isFalse();
    assertThat(DriftMetric.JENSEN_SHANNON.isStatisticalTest()).isFalse();
    assertThat(DriftMetric.LINF.isStatisticalTest()).isFalse();
    assertThat(DriftMetric.WASSERSTEIN.isStatisticalTest()).isFalse();
    assertThat(DriftMetric.KS.isDrift(0.01, 0.05)).isTrue();
    assertThat(DriftMetric.KS.isDrift(0.2, 0.05)).isFalse();
    assertThat(DriftMetric.JENSEN_SHANNON.isDrift(0.1, 0.1)).isTrue();
    assertThat(DriftMetric.JENSEN_SHANNON.isDrift(0.09, 0.1)).isFalse();
    assertThat(DriftMetric.PSI.isDrift(Double.NaN, 0.1)).isFalse();
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
