package io.driftgate.core.drift.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WassersteinTest {

  @Test
  void pointMassesAreTheirDistance() {
    assertThat(Wasserstein.distance(new double[] {0}, new double[] {3})).isEqualTo(3.0);
    assertThat(Wasserstein.distance(new double[] {-2, -2}, new double[] {1.5})).isEqualTo(3.5);
  }

  @Test
  void shiftedSampleIsTheShift() {
    // every unit of mass moves by exactly 5
    assertThat(Wasserstein.distance(new double[] {0, 1, 3}, new double[] {5, 6, 8}))
        .isCloseTo(5, within(1e-12));
  }

  @Test
  void handComputedUnequalSizes() {
    // a = {0, 2}, b = {1}: F_a - F_b on [0,1) = 0.5 - 0, on [1,2) = 0.5 - 1 -> 0.5 + 0.5 = 1
    assertThat(Wasserstein.distance(new double[] {0, 2}, new double[] {1})).isEqualTo(1.0);
  }

  @Test
  void symmetricZeroForIdenticalAndConstant() {
    Random rnd = new Random(5);
    double[] a = rnd.doubles(100).toArray();
    double[] b = rnd.doubles(73).map(x -> x * 2).toArray();
    assertThat(Wasserstein.distance(a, b)).isCloseTo(Wasserstein.distance(b, a), within(1e-12));
    assertThat(Wasserstein.distance(a, a.clone())).isZero();
    assertThat(Wasserstein.distance(new double[] {4, 4}, new double[] {4})).isZero();
  }

  @Test
  void normalsOneApartAreAboutOne() {
    Random rnd = new Random(42);
    double[] a = new double[20_000];
    double[] b = new double[20_000];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextGaussian();
      b[i] = rnd.nextGaussian() + 1;
    }
    assertThat(Wasserstein.distance(a, b)).isCloseTo(1.0, within(0.05));
  }

  @Test
  void fromHistogramsUniformBins() {
    // all mass uniform on [0,1] vs uniform on [1,2]: W = 1
    double[] edges = {0, 1, 2};
    assertThat(Wasserstein.fromHistograms(edges, new long[] {10, 0}, new long[] {0, 4}))
        .isCloseTo(1.0, within(1e-12));
    // crossing CDFs: a = (0.5, 0.5), b = (0, 1) over [0,1,2] -> d = (0, 0.5, 0): 0.25 + 0.25
    assertThat(Wasserstein.fromHistograms(edges, new long[] {1, 1}, new long[] {0, 3}))
        .isCloseTo(0.5, within(1e-12));
    // edges 0,1,2,3 with a = (1,0,1), b = (0,2,0): d = 0, .5, -.5, 0
    // bin1: linear 0 -> .5: .25; bin2: .5 -> -.5 crosses: (.25+.25)/(2*1) = .25; bin3: .25
    assertThat(
            Wasserstein.fromHistograms(
                new double[] {0, 1, 2, 3}, new long[] {1, 0, 1}, new long[] {0, 2, 0}))
        .isCloseTo(0.75, within(1e-12));
    assertThatThrownBy(
            () ->
                Wasserstein.fromHistograms(
                    new double[] {Double.NEGATIVE_INFINITY, 0, 1},
                    new long[] {1, 1},
                    new long[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromQuantilesMidpointRule() {
    // |0-1| + |1-1| + |2-4| = 3 over 3 levels
    assertThat(Wasserstein.fromQuantiles(new double[] {0, 1, 2}, new double[] {1, 1, 4}))
        .isEqualTo(1.0);
    assertThatThrownBy(() -> Wasserstein.fromQuantiles(new double[] {}, new double[] {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void emptyInputsAreRejected() {
    assertThatThrownBy(() -> Wasserstein.distance(new double[] {}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no values");
  }

  @Test
  void weightedEmpiricalMomentsAndWeightedDistance() {
    EmpiricalDistribution d =
        EmpiricalDistribution.ofWeighted(new double[] {0, 0, 4}, new double[] {1, 3, 4}, 4);
    // {0,0,0,4}: mean 1, variance (3*1 + 9)/4 = 3
    assertThat(d.mean()).isCloseTo(1, within(1e-12));
    assertThat(d.standardDeviation()).isCloseTo(Math.sqrt(3), within(1e-12));
    assertThat(Wasserstein.distance(d, EmpiricalDistribution.ofValues(new double[] {0, 0, 0, 4})))
        .isZero();
  }

  @Test
  void theWalkOverBothSupportsSumsWhatTheMaterialisedUnionSums() {
    Random rnd = new Random(21);
    for (int trial = 0; trial < 50; trial++) {
      double[] a = new double[1 + rnd.nextInt(300)];
      double[] b = new double[1 + rnd.nextInt(300)];
      for (int i = 0; i < a.length; i++) {
        a[i] = Math.round(rnd.nextGaussian() * 20) / 4.0; // ties within and across samples
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = Math.round((rnd.nextGaussian() + 0.3) * 20) / 4.0;
      }
      EmpiricalDistribution da = EmpiricalDistribution.ofValues(a);
      EmpiricalDistribution db = EmpiricalDistribution.ofValues(b);
      double[][] u = EmpiricalDistribution.unionCdfs(da, db);
      double expected = 0;
      for (int i = 0; i + 1 < u[0].length; i++) {
        expected += Math.abs(u[1][i] - u[2][i]) * (u[0][i + 1] - u[0][i]);
      }
      assertThat(Wasserstein.distance(da, db)).isEqualTo(expected);
    }
    EmpiricalDistribution one = EmpiricalDistribution.ofValues(new double[] {2.0});
    assertThat(Wasserstein.distance(one, one)).isZero();
  }
}
