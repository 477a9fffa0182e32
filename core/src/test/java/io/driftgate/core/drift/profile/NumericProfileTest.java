package io.driftgate.core.drift.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.driftgate.core.drift.metrics.EmpiricalDistribution;
import io.driftgate.core.drift.metrics.KolmogorovSmirnov;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NumericProfileTest {

  private static NumericProfile of(double... values) {
    NumericProfile p = new NumericProfile();
    for (double v : values) {
      p.accumulate(v);
    }
    return p;
  }

  @Test
  void countsNullsNanAndInfinitiesSeparately() {
    NumericProfile p = of(1, 2, Double.NaN, Double.POSITIVE_INFINITY);
    p.accumulate((Double) null);
    p.accumulateRaw(3L);
    p.accumulateRaw(null);
    assertThat(p.count()).isEqualTo(7);
    assertThat(p.nullCount()).isEqualTo(2);
    assertThat(p.nanCount()).isEqualTo(1);
    assertThat(p.infiniteCount()).isEqualTo(1);
    assertThat(p.validCount()).isEqualTo(3);
    assertThat(p.nullRate()).isCloseTo(2.0 / 7, within(1e-12));
    assertThat(p.min()).isEqualTo(1);
    assertThat(p.max()).isEqualTo(3);
    assertThatThrownBy(() -> p.accumulateRaw("x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void momentsAreExact() {
    NumericProfile p = of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    // mean 5.5, population variance = (n^2 - 1) / 12 = 99/12 = 8.25
    assertThat(p.mean()).isCloseTo(5.5, within(1e-12));
    assertThat(p.standardDeviation()).isCloseTo(Math.sqrt(8.25), within(1e-12));
    NumericProfile empty = new NumericProfile();
    assertThat(empty.mean()).isNaN();
    assertThat(empty.min()).isNaN();
    assertThatThrownBy(() -> empty.quantile(0.5)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void histogramExactForSmallStreamsAndClampsOutliers() {
    NumericProfile p = of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    // [-inf,3) = {1,2}; [3,7) = {3,4,5,6}; [7,+inf) = {7..10}
    assertThat(p.histogram(new double[] {Double.NEGATIVE_INFINITY, 3, 7, Double.POSITIVE_INFINITY}))
        .containsExactly(2, 4, 4);
    // finite edges: values below 2 go to the first bin, values at/after 8 to the last
    assertThat(p.histogram(new double[] {2, 5, 8})).containsExactly(4, 6);
    assertThat(p.histogram(new double[] {0, 100})).containsExactly(10);
    assertThat(new NumericProfile().histogram(new double[] {0, 1, 2})).containsExactly(0, 0);
    assertThatThrownBy(() -> p.histogram(new double[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mergeEqualsSingleAccumulationAndIsOrderIndependent() {
    Random rnd = new Random(1);
    double[] all = rnd.doubles(3000).map(x -> x * 100).toArray();
    NumericProfile a = new NumericProfile();
    NumericProfile b = new NumericProfile();
    NumericProfile c = new NumericProfile();
    NumericProfile whole = new NumericProfile();
    for (int i = 0; i < all.length; i++) {
      (i % 3 == 0 ? a : i % 3 == 1 ? b : c).accumulate(all[i]);
      whole.accumulate(all[i]);
    }
    a.accumulate((Double) null);
    whole.accumulate((Double) null);
    NumericProfile left = a.merge(b).merge(c);
    NumericProfile right = c.merge(b.merge(a));
    for (NumericProfile m : new NumericProfile[] {left, right}) {
      assertThat(m.count()).isEqualTo(whole.count());
      assertThat(m.nullCount()).isEqualTo(1);
      assertThat(m.validCount()).isEqualTo(3000);
      assertThat(m.min()).isEqualTo(whole.min());
      assertThat(m.max()).isEqualTo(whole.max());
      assertThat(m.mean()).isCloseTo(whole.mean(), within(1e-9));
      assertThat(m.standardDeviation()).isCloseTo(whole.standardDeviation(), within(1e-9));
      // KLL normalised rank error at k=200 is ~1.3%; ranks of merged medians stay close
      assertThat(m.quantile(0.5)).isCloseTo(whole.quantile(0.5), within(3.0));
    }
    // operands are not mutated
    assertThat(a.validCount()).isEqualTo(1000);
  }

  @Test
  void quantilesOfLargeStreamWithinRankError() {
    NumericProfile p = new NumericProfile();
    Random rnd = new Random(9);
    for (int i = 0; i < 100_000; i++) {
      p.accumulate(rnd.nextDouble());
    }
    assertThat(p.quantile(0.5)).isCloseTo(0.5, within(0.02));
    assertThat(p.quantile(0.9)).isCloseTo(0.9, within(0.02));
    long[] h =
        p.histogram(new double[] {Double.NEGATIVE_INFINITY, 0.25, 0.5, Double.POSITIVE_INFINITY});
    assertThat(h[0] + h[1] + h[2]).isEqualTo(100_000);
    assertThat(h[0]).isCloseTo(25_000, within(2_000L));
  }

  @Test
  void bytesRoundTrip() {
    NumericProfile p = of(3, 1, 4, 1, 5, 9, 2, 6, Double.NaN);
    p.accumulate((Double) null);
    NumericProfile r = NumericProfile.fromBytes(p.toBytes());
    assertThat(r.count()).isEqualTo(p.count());
    assertThat(r.nullCount()).isEqualTo(1);
    assertThat(r.nanCount()).isEqualTo(1);
    assertThat(r.mean()).isEqualTo(p.mean());
    assertThat(r.standardDeviation()).isEqualTo(p.standardDeviation());
    assertThat(r.quantile(0.5)).isEqualTo(p.quantile(0.5));
    assertThat(r.k()).isEqualTo(p.k());
    assertThat(r.toBytes()).isEqualTo(p.toBytes());
    assertThat(FeatureProfile.fromBytes(p.toBytes())).isInstanceOf(NumericProfile.class);
    assertThat(NumericProfile.fromBytes(new NumericProfile(64).toBytes()).isEmpty()).isTrue();
  }

  @Test
  void empiricalDistributionOfExactSketchEqualsRawValues() {
    double[] a = {3, 1, 4, 1, 5, 9, 2, 6};
    double[] b = {2, 7, 1, 8, 2, 8};
    NumericProfile pa = of(a);
    NumericProfile pb = of(b);
    EmpiricalDistribution ea = pa.empiricalDistribution();
    assertThat(ea.sampleSize()).isEqualTo(8);
    assertThat(ea.cdf(1)).isEqualTo(0.25);
    assertThat(KolmogorovSmirnov.test(ea, pb.empiricalDistribution()))
        .isEqualTo(KolmogorovSmirnov.test(a, b));
  }

  @Test
  void binEdgesFromDecilesAndConstantReference() {
    NumericProfile p = new NumericProfile();
    for (int i = 1; i <= 100; i++) {
      p.accumulate(i);
    }
    double[] edges = BinEdges.deciles(p);
    // exact sketch, inclusive quantile at rank i/10 of 1..100 is 10 i
    assertThat(edges)
        .containsExactly(
            Double.NEGATIVE_INFINITY, 10, 20, 30, 40, 50, 60, 70, 80, 90, Double.POSITIVE_INFINITY);
    assertThat(p.histogram(edges)).containsExactly(9, 10, 10, 10, 10, 10, 10, 10, 10, 11);
    NumericProfile constant = of(7, 7, 7);
    assertThat(BinEdges.deciles(constant))
        .containsExactly(Double.NEGATIVE_INFINITY, 7, Double.POSITIVE_INFINITY);
    assertThat(constant.histogram(BinEdges.deciles(constant))).containsExactly(0, 3);
    assertThatThrownBy(() -> BinEdges.deciles(new NumericProfile()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
