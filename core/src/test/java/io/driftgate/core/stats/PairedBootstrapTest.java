package io.driftgate.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

  static double[] losses(int n, long seed) {
    Random r = new Random(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = -Math.log(0.05 + 0.9 * r.nextDouble());
    }
    return out;
  }

  @Test
  void identicalLossesGiveZeroIntervalAndPOne() {
    double[] l = losses(200, 1);
    BootstrapResult r = PairedBootstrap.test(l, l.clone(), 500, 7, 0.05);
    assertThat(r.meanDiff()).isZero();
    assertThat(r.ciContains(0)).isTrue();
    assertThat(r.pValue()).isEqualTo(1.0);
    assertThat(r.significant(0.05)).isFalse();
    assertThat(r.n()).isEqualTo(200);
    assertThat(r.resamples()).isEqualTo(500);
    assertThat(r.seed()).isEqualTo(7);
  }

  @Test
  void exchangedLossesAreNotSignificant() {
    // challenger sees the champion's losses in another order: same mean, no real difference
    double[] champ = losses(300, 2);
    double[] chal = new double[champ.length];
    for (int i = 0; i < champ.length; i++) {
      chal[i] = champ[(i + 150) % champ.length];
    }
    BootstrapResult r = PairedBootstrap.test(champ, chal, 1000, 3, 0.05);
    assertThat(r.meanDiff()).isCloseTo(0.0, within(1e-12));
    assertThat(r.ciLow()).isNegative();
    assertThat(r.ciHigh()).isPositive();
    assertThat(r.pValue()).isBetween(0.2, 0.8);
  }

  @Test
  void clearlyBetterChallengerIsSignificant() {
    double[] champ = losses(400, 4);
    double[] noise = losses(400, 5);
    double[] chal = new double[champ.length];
    for (int i = 0; i < champ.length; i++) {
      chal[i] = champ[i] * 0.7 + 0.05 * noise[i];
    }
    BootstrapResult r = PairedBootstrap.test(champ, chal, 1000, 11, 0.05);
    assertThat(r.meanDiff()).isPositive();
    assertThat(r.pValue()).isLessThan(0.01).isEqualTo(1.0 / 1001);
    assertThat(r.ciLow()).isPositive();
    assertThat(r.ciContains(r.meanDiff())).isTrue();
    // worse challenger: p near 1
    BootstrapResult worse = PairedBootstrap.test(chal, champ, 1000, 11, 0.05);
    assertThat(worse.pValue()).isEqualTo(1.0);
    assertThat(worse.meanDiff()).isCloseTo(-r.meanDiff(), within(1e-12));
  }

  @Test
  void intervalMatchesNormalTheoryForLargeSample() {
    double[] champ = losses(2000, 8);
    double[] chal = losses(2000, 9);
    BootstrapResult r = PairedBootstrap.test(champ, chal, 1000, 1, 0.05);
    double mean = 0;
    for (int i = 0; i < champ.length; i++) {
      mean += champ[i] - chal[i];
    }
    mean /= champ.length;
    double var = 0;
    for (int i = 0; i < champ.length; i++) {
      double d = champ[i] - chal[i] - mean;
      var += d * d;
    }
    double se = Math.sqrt(var / (champ.length - 1) / champ.length);
    assertThat(r.meanDiff()).isCloseTo(mean, within(1e-12));
    assertThat(r.ciHigh() - r.ciLow()).isCloseTo(2 * 1.96 * se, within(0.15 * 2 * 1.96 * se));
  }

  @Test
  void deterministicBySeed() {
    double[] a = losses(100, 1);
    double[] b = losses(100, 2);
    BootstrapResult r1 = PairedBootstrap.test(a, b, 300, 42, 0.1);
    assertThat(PairedBootstrap.test(a, b, 300, 42, 0.1)).isEqualTo(r1);
    assertThat(PairedBootstrap.test(a, b, 300, 43, 0.1).ciLow()).isNotEqualTo(r1.ciLow());
  }

  @Test
  void rejectsUnpairedInput() {
    assertThatThrownBy(() -> PairedBootstrap.test(new double[3], new double[4], 10, 1, 0.05))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
