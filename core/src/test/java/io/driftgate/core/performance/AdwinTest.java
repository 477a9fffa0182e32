package io.driftgate.core.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ADWIN against the guarantees of Bifet &amp; Gavaldà (SDM 2007), Theorem 3.1, on Bernoulli streams
 * like the paper's experiments: (1) with a constant mean a check cuts with probability ≤ δ; (2) a
 * change of the mean is detected and the window shrinks to the new regime.
 */
class AdwinTest {
  private static final int SEEDS = 100;

  /** Bernoulli values: mean {@code before} until {@code at}, then ramping to {@code after}. */
  static double[] bernoulli(long seed, int n, double before, double after, int at, int ramp) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      double p;
      if (i < at) {
        p = before;
      } else if (ramp > 0 && i < at + ramp) {
        p = before + (after - before) * (i - at + 1) / ramp;
      } else {
        p = after;
      }
      x[i] = rnd.nextDouble() < p ? 1 : 0;
    }
    return x;
  }

  /** Index (0-based) of the first value that made the detector report, or -1. */
  static int firstDetection(ChangeDetector d, double[] x, List<ChangeDetector.Change> out) {
    for (int i = 0; i < x.length; i++) {
      Optional<ChangeDetector.Change> c = d.add(x[i]);
      if (c.isPresent()) {
        out.add(c.get());
        return i;
      }
    }
    return -1;
  }

  @ParameterizedTest(name = "delta {0}")
  @ValueSource(doubles = {0.002, 0.05, 0.3})
  void onAStationaryStreamAFalseCutPerCheckIsRarerThanDelta(double delta) {
    long checks = 0;
    long cuts = 0;
    for (double p : new double[] {0.1, 0.3, 0.5}) {
      for (int s = 0; s < SEEDS; s++) {
        Adwin a = new Adwin(delta);
        double[] x = bernoulli(1000L * s + (long) (p * 10), 10_000, p, p, Integer.MAX_VALUE, 0);
        for (double v : x) {
          if (a.add(v).isPresent()) {
            cuts++;
          }
        }
        checks += x.length / 32;
      }
    }
    // Theorem 3.1 (1): P(cut at a check | constant mean) <= delta.
    assertThat((double) cuts / checks).isLessThanOrEqualTo(delta);
  }

  @Test
  void anAbruptChangeIsDetectedSoonAndTheWindowThenHoldsTheNewRegime() {
    int detected = 0;
    List<Integer> delays = new ArrayList<>();
    for (int s = 0; s < SEEDS; s++) {
      Adwin a = new Adwin(0.002);
      double[] x = bernoulli(s, 7_000, 0.2, 0.6, 5_000, 0);
      List<ChangeDetector.Change> changes = new ArrayList<>();
      int at = firstDetection(a, x, changes);
      if (at < 5_000) {
        continue;
      }
      detected++;
      delays.add(at - 5_000 + 1);
      ChangeDetector.Change c = changes.get(0);
      assertThat(c.detector()).isEqualTo("adwin");
      assertThat(c.increase()).isTrue();
      assertThat(c.meanBefore()).isBetween(0.15, 0.3);
      // At the first report only the oldest buckets that differ significantly are gone (the
      // estimate is rough, buckets of up to 512 values); the report's window is newer than before.
      assertThat(c.changePoint()).isBetween(2L, at + 1L);
      assertThat(c.meanAfter()).isGreaterThan(c.meanBefore());
      for (int i = at + 1; i < x.length; i++) {
        a.add(x[i]);
      }
      // 2,000 values after the change, later cuts have dropped the old regime.
      assertThat(a.width()).isLessThanOrEqualTo(2_000L + 512);
      assertThat(a.mean()).isBetween(0.55, 0.65);
    }
    assertThat(detected).isGreaterThanOrEqualTo(95);
    delays.sort(null);
    // A jump of 0.4 in the mean: the median delay is a few hundred values at most.
    assertThat(delays.get(delays.size() / 2)).isLessThanOrEqualTo(200);
  }

  @Test
  void aGradualChangeIsDetectedDuringOrSoonAfterTheRamp() {
    int inTime = 0;
    for (int s = 0; s < SEEDS; s++) {
      Adwin a = new Adwin(0.002);
      double[] x = bernoulli(7_000 + s, 12_000, 0.2, 0.6, 5_000, 2_000);
      int at = firstDetection(a, x, new ArrayList<>());
      if (at >= 5_000 && at < 7_500) {
        inTime++;
      }
    }
    assertThat(inTime).isGreaterThanOrEqualTo(95);
  }

  @Test
  void aSmallerChangeTakesLonger() {
    long big = 0;
    long small = 0;
    for (int s = 0; s < 30; s++) {
      big +=
          firstDetection(
              new Adwin(0.002), bernoulli(s, 20_000, 0.2, 0.5, 5_000, 0), new ArrayList<>());
      small +=
          firstDetection(
              new Adwin(0.002), bernoulli(s, 20_000, 0.2, 0.3, 5_000, 0), new ArrayList<>());
    }
    assertThat(small).isGreaterThan(big);
  }

  @Test
  void windowStatisticsMatchAPlainComputationOverTheKeptValues() {
    Adwin a = new Adwin(0.002);
    SplittableRandom rnd = new SplittableRandom(3);
    List<Double> all = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      double v = rnd.nextGaussian() * 2 + 5;
      all.add(v);
      a.add(v);
    }
    assertThat(a.width()).isEqualTo(3_000);
    double mean = all.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double var = all.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / all.size();
    assertThat(a.mean()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(a.variance()).isCloseTo(var, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void afterACutTheKeptStatisticsAreThoseOfTheNewestValues() {
    Adwin a = new Adwin(0.002);
    double[] x = new double[4_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = i < 2_000 ? 0 : 10 + (i % 7); // a jump of the mean from 0 to ~13
    }
    List<ChangeDetector.Change> changes = new ArrayList<>();
    int at = firstDetection(a, x, changes);
    assertThat(at).isBetween(2_000, 2_100);
    long w = a.width();
    double mean = 0;
    for (int i = at - (int) w + 1; i <= at; i++) {
      mean += x[i];
    }
    mean /= w;
    assertThat(a.mean()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(changes.get(0).meanBefore()).isEqualTo(0.0);
  }

  @Test
  void memoryGrowsLogarithmically() {
    Adwin a = new Adwin(0.002);
    for (int i = 0; i < 1_000_000; i++) {
      a.add(0.5);
    }
    assertThat(a.width()).isEqualTo(1_000_000);
    assertThat(a.observations()).isEqualTo(1_000_000);
    // M buckets per row, rows of 2^i values: at most M * (log2(n / M) + 2) buckets.
    double bound = 5 * (Math.log(1_000_000 / 5.0) / Math.log(2) + 2);
    assertThat(a.buckets()).isLessThanOrEqualTo((int) bound);
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> new Adwin(0)).hasMessageContaining("delta");
    assertThatThrownBy(() -> new Adwin(0.1, 1, 32, 5)).hasMessageContaining("maxBucketsPerRow");
    assertThatThrownBy(() -> new Adwin(0.1).add(Double.NaN)).hasMessageContaining("finite");
  }
}
