package io.driftgate.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MaximumMeanDiscrepancyTest {

  private static double[][] gaussian(Random r, int n, int dim, double shift) {
    double[][] out = new double[n][dim];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < dim; k++) {
        out[i][k] = r.nextGaussian() + (k == 0 ? shift : 0);
      }
    }
    return out;
  }

  @Test
  void holdsItsLevelOnSamplesOfOneDistribution() {
    int seeds = 120;
    int rejections = 0;
    for (int s = 0; s < seeds; s++) {
      Random r = new Random(1000 + s);
      MaximumMeanDiscrepancy.Result res =
          MaximumMeanDiscrepancy.test(gaussian(r, 60, 6, 0), gaussian(r, 60, 6, 0), 99, s);
      assertThat(res.pValue()).isBetween(0.01, 1.0);
      if (res.pValue() <= 0.05) {
        rejections++;
      }
    }
    // α = 0.05: 6 expected of 120; a binomial 99.9% band is about 0..15.
    assertThat(rejections).isBetween(0, 15);
  }

  @Test
  void detectsAShiftOfOneFeatureByFourFifthsOfAStandardDeviation() {
    int detected = 0;
    for (int s = 0; s < 20; s++) {
      Random r = new Random(s);
      MaximumMeanDiscrepancy.Result res =
          MaximumMeanDiscrepancy.test(gaussian(r, 100, 6, 0), gaussian(r, 100, 6, 0.8), 99, s);
      if (res.pValue() <= 0.05) {
        detected++;
      }
    }
    assertThat(detected).isGreaterThanOrEqualTo(18);
  }

  @Test
  void isDeterministicForASeedAndZeroOnIdenticalPoints() {
    Random r = new Random(4);
    double[][] a = gaussian(r, 30, 3, 0);
    double[][] b = gaussian(r, 30, 3, 1);
    assertThat(MaximumMeanDiscrepancy.test(a, b, 50, 7))
        .isEqualTo(MaximumMeanDiscrepancy.test(a, b, 50, 7));
    double[][] same = new double[10][3];
    MaximumMeanDiscrepancy.Result flat = MaximumMeanDiscrepancy.test(same, same, 20, 1);
    assertThat(flat.mmd2()).isEqualTo(0.0);
    assertThat(flat.pValue()).isEqualTo(1.0);
  }

  @Test
  void refusesTooSmallOrRaggedSamples() {
    assertThatThrownBy(() -> MaximumMeanDiscrepancy.test(new double[1][2], new double[3][2], 9, 1))
        .hasMessageContaining("at least 2");
    assertThatThrownBy(
            () ->
                MaximumMeanDiscrepancy.test(
                    new double[][] {{1, 2}, {3, 4}}, new double[][] {{1}, {2}}, 9, 1))
        .hasMessageContaining("values");
  }
}
