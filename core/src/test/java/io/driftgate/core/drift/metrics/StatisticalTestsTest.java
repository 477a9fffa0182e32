package io.driftgate.core.drift.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

class StatisticalTestsTest {

  @Test
  void ksStatisticHandComputed() {
    // a = {1,2,3,4}, b = {3,4,5,6}; F_a(2) = 0.5, F_b(2) = 0 -> 0.5; F_a(3)=0.75, F_b(3)=0.25 ->
    // 0.5
    assertThat(KolmogorovSmirnov.statistic(new double[] {1, 2, 3, 4}, new double[] {3, 4, 5, 6}))
        .isEqualTo(0.5);
  }

  @Test
  void ksDisjointSupportsIsOneAndIdenticalIsZero() {
    assertThat(KolmogorovSmirnov.statistic(new double[] {1, 2}, new double[] {3, 4})).isEqualTo(1);
    TestResult same = KolmogorovSmirnov.test(new double[] {1, 2, 3}, new double[] {3, 2, 1});
    assertThat(same.statistic()).isZero();
    assertThat(same.pValue()).isEqualTo(1.0);
  }

  @Test
  void ksConstantInputs() {
    assertThat(KolmogorovSmirnov.statistic(new double[] {5, 5, 5}, new double[] {5, 5})).isZero();
    assertThat(KolmogorovSmirnov.statistic(new double[] {5, 5, 5}, new double[] {6})).isEqualTo(1);
  }

  @Test
  void ksIsSymmetric() {
    Random rnd = new Random(3);
    double[] a = rnd.doubles(57).toArray();
    double[] b = rnd.doubles(91).map(x -> x * 1.3).toArray();
    assertThat(KolmogorovSmirnov.statistic(a, b)).isEqualTo(KolmogorovSmirnov.statistic(b, a));
  }

  @Test
  void ksRejectsEmptyAndNaN() {
    assertThatThrownBy(() -> KolmogorovSmirnov.test(new double[] {}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> KolmogorovSmirnov.statistic(new double[] {Double.NaN}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void kolmogorovDistributionKnownValues() {
    // Q_KS(1) = 2 (e^-2 - e^-8 + e^-18 - ...) = 0.2699996717 (scipy.special.kolmogorov(1.0))
    double q1 = 2 * (Math.exp(-2) - Math.exp(-8) + Math.exp(-18) - Math.exp(-32));
    assertThat(KolmogorovSmirnov.kolmogorovQ(1.0)).isCloseTo(q1, within(1e-12));
    assertThat(q1).isCloseTo(0.2699996717, within(1e-10));
    // 1.36 is the classical 5% critical value: Q = 0.0494858768
    assertThat(KolmogorovSmirnov.kolmogorovQ(1.36)).isCloseTo(0.0494858768, within(1e-9));
    // small lambda goes through the theta-function branch: Q(0.5) = 0.9639452437
    assertThat(KolmogorovSmirnov.kolmogorovQ(0.5)).isCloseTo(0.9639452437, within(1e-9));
    assertThat(KolmogorovSmirnov.kolmogorovQ(0)).isEqualTo(1.0);
    assertThat(KolmogorovSmirnov.kolmogorovQ(0.05)).isEqualTo(1.0);
  }

  @Test
  void kolmogorovDistributionMatchesCommonsMathSeriesAndIsMonotone() {
    KolmogorovSmirnovTest cm = new KolmogorovSmirnovTest();
    double prev = 1.0;
    for (double lambda = 0.3; lambda <= 3.0; lambda += 0.01) {
      double q = KolmogorovSmirnov.kolmogorovQ(lambda);
      assertThat(q).isCloseTo(1 - cm.ksSum(lambda, 1e-20, 100_000), within(1e-10));
      assertThat(q).isLessThanOrEqualTo(prev);
      prev = q;
    }
  }

  @Test
  void ksPValueUsesEffectiveNCorrection() {
    // n = m = 100 -> n_e = 50; D = 0.2
    // lambda = (sqrt(50) + 0.12 + 0.11/sqrt(50)) * 0.2 = (7.0710678 + 0.12 + 0.0155563) * 0.2
    //        = 1.4413248; Q_KS(1.4413248) = 0.0313767
    assertThat(KolmogorovSmirnov.effectiveN(100, 100)).isEqualTo(50.0);
    double lambda = (Math.sqrt(50) + 0.12 + 0.11 / Math.sqrt(50)) * 0.2;
    assertThat(lambda).isCloseTo(1.4413248, within(1e-7));
    assertThat(KolmogorovSmirnov.pValue(0.2, 50)).isCloseTo(0.0313767, within(1e-7));
    // two samples of 100 whose ECDFs differ by exactly 0.2: {0..99} vs {20..119}
    double[] a = new double[100];
    double[] b = new double[100];
    for (int i = 0; i < 100; i++) {
      a[i] = i;
      b[i] = i + 20;
    }
    TestResult t = KolmogorovSmirnov.test(a, b);
    assertThat(t.statistic()).isCloseTo(0.2, within(1e-12));
    assertThat(t.pValue()).isCloseTo(0.0313767, within(1e-7));
    assertThat(t.degreesOfFreedom()).isEqualTo(50.0);
  }

  @Test
  void ksOnShiftedNormalsDetectsAndSameDistributionDoesNot() {
    Random rnd = new Random(11);
    double[] a = new double[5000];
    double[] b = new double[5000];
    double[] c = new double[5000];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextGaussian();
      b[i] = rnd.nextGaussian() + 1;
      c[i] = rnd.nextGaussian();
    }
    // population D for N(0,1) vs N(1,1) = 2 Phi(0.5) - 1 = erf(0.5 / sqrt 2) = 0.3829
    TestResult shifted = KolmogorovSmirnov.test(a, b);
    assertThat(shifted.statistic()).isCloseTo(Erf.erf(0.5 / Math.sqrt(2)), within(0.03));
    assertThat(shifted.pValue()).isLessThan(1e-10);
    assertThat(KolmogorovSmirnov.test(a, c).pValue()).isGreaterThan(0.01);
  }

  @Test
  void ksFromWeightedDistributionsMatchesRawValues() {
    // {1,1,2,3} as items {1,2,3} with cumulative weights {2,3,4}
    EmpiricalDistribution w =
        EmpiricalDistribution.ofWeighted(new double[] {1, 2, 3}, new double[] {2, 3, 4}, 4);
    EmpiricalDistribution raw = EmpiricalDistribution.ofValues(new double[] {3, 1, 2, 1});
    EmpiricalDistribution other = EmpiricalDistribution.ofValues(new double[] {2, 2.5, 4});
    assertThat(w.cdf(1)).isEqualTo(0.5);
    assertThat(w.cdf(0.5)).isEqualTo(0.0);
    assertThat(w.cdf(2.5)).isEqualTo(0.75);
    assertThat(KolmogorovSmirnov.test(w, other)).isEqualTo(KolmogorovSmirnov.test(raw, other));
  }

  @Test
  void chiSquaredTwoByTwoTextbook() {
    // ref (10, 20), cur (20, 10): R = C = 30, N = 60, column totals 30, 30 -> every E = 15
    // X2 = 4 * (5^2 / 15) = 6.6667, df = 1, p = P(chi2_1 >= 6.6667) = erfc(sqrt(6.6667/2))
    //    = 0.0098233 (scipy chi2_contingency(correction=False))
    TestResult t = ChiSquared.homogeneity(new long[] {10, 20}, new long[] {20, 10});
    assertThat(t.statistic()).isCloseTo(20.0 / 3, within(1e-12));
    assertThat(t.degreesOfFreedom()).isEqualTo(1);
    assertThat(t.pValue()).isCloseTo(Erf.erfc(Math.sqrt(10.0 / 3)), within(1e-12));
    assertThat(t.pValue()).isCloseTo(0.0098233, within(1e-7));
  }

  @Test
  void chiSquaredTwoByThreeClosedForm() {
    // ref (10, 20, 30), cur (30, 20, 10): R = C = 60, column totals 40 each -> every E = 20
    // X2 = 2 * (10^2/20 + 0 + 10^2/20) = 20, df = 2; for df = 2, P(X >= x) = exp(-x/2) = e^-10
    TestResult t = ChiSquared.homogeneity(new long[] {10, 20, 30}, new long[] {30, 20, 10});
    assertThat(t.statistic()).isCloseTo(20, within(1e-12));
    assertThat(t.degreesOfFreedom()).isEqualTo(2);
    assertThat(t.pValue()).isCloseTo(Math.exp(-10), within(1e-15));
  }

  @Test
  void chiSquaredOneSidedCategoryAndAbsentCategories() {
    // ref {a:10}, cur {a:5, b:5}: n = (15, 5), E_ref = E_cur = (7.5, 2.5)
    // X2 = 2 * (2.5^2/7.5) + 2 * (2.5^2/2.5) = 1.6667 + 5 = 6.6667, df = 1
    TestResult t = ChiSquared.homogeneity(Map.of("a", 10L), Map.of("a", 5L, "b", 5L));
    assertThat(t.statistic()).isCloseTo(20.0 / 3, within(1e-12));
    assertThat(t.degreesOfFreedom()).isEqualTo(1);
    // a category absent on both sides is dropped from df
    TestResult withZero = ChiSquared.homogeneity(new long[] {10, 20, 0}, new long[] {20, 10, 0});
    assertThat(withZero.degreesOfFreedom()).isEqualTo(1);
    assertThat(withZero.statistic()).isCloseTo(20.0 / 3, within(1e-12));
  }

  @Test
  void chiSquaredIdenticalAndSingleCategory() {
    TestResult same = ChiSquared.homogeneity(new long[] {5, 10}, new long[] {10, 20});
    assertThat(same.statistic()).isCloseTo(0, within(1e-12));
    assertThat(same.pValue()).isCloseTo(1, within(1e-12));
    TestResult single = ChiSquared.homogeneity(new long[] {5}, new long[] {9});
    assertThat(single.pValue()).isEqualTo(1.0);
    assertThat(single.degreesOfFreedom()).isZero();
    assertThatThrownBy(() -> ChiSquared.homogeneity(new long[] {0, 0}, new long[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
