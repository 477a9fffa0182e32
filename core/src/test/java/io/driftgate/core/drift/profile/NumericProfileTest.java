package io.driftgate.core.drift.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.driftgate.core.drift.metrics.EmpiricalDistribution;
import io.driftgate.core.drift.metrics.KolmogorovSmirnov;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
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
  void sortedExactValuesFollowEveryChangeOfTheProfile() {
    Random rnd = new Random(7);
    NumericProfile p = new NumericProfile(200, 1000);
    for (int i = 0; i < 500; i++) {
      p.accumulate(rnd.nextGaussian());
    }
    double[] expected = p.exactValues();
    java.util.Arrays.sort(expected);
    double[] first = p.sortedExactValues();
    assertThat(first).containsExactly(expected);
    // A caller's copy: changing it changes nothing the profile hands out next.
    first[0] = 99;
    assertThat(p.sortedExactValues()).containsExactly(expected);
    // New values after a sort are in the next sorted view.
    p.accumulate(-1e9);
    assertThat(p.sortedExactValues()[0]).isEqualTo(-1e9);
    assertThat(p.sortedExactValues()).hasSize(501).isSorted();
    // A merge is a new profile with both sides' values.
    NumericProfile other = new NumericProfile(200, 1000);
    other.accumulate(1e9);
    NumericProfile merged = p.merge(other);
    assertThat(merged.sortedExactValues()).hasSize(502).endsWith(1e9).isSorted();
    // Past the cap the values are gone, sorted or not.
    for (int i = 0; i < 1000; i++) {
      p.accumulate(rnd.nextDouble());
    }
    assertThatThrownBy(p::sortedExactValues).isInstanceOf(IllegalStateException.class);
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

  /** Format-2 bytes of {@code p}, as versions before format 3 wrote them, field by field. */
  private static byte[] formatV2(NumericProfile p) {
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bos)) {
      out.writeByte(FeatureProfile.NUMERIC_TAG);
      out.writeByte(2);
      out.writeInt(p.k());
      out.writeLong(p.count());
      out.writeLong(p.nullCount());
      out.writeLong(p.nanCount());
      out.writeLong(p.infiniteCount());
      out.writeDouble(kept(p, 0)); // mean and m2 as kept (mean() is NaN when empty)
      out.writeDouble(kept(p, 1));
      out.writeDouble(p.min());
      out.writeDouble(p.max());
      byte[] sketch = p.sketchBytes();
      out.writeInt(sketch.length);
      out.write(sketch);
      out.writeInt(p.exactCap());
      out.writeInt(p.hasExactValues() ? (int) p.validCount() : -1);
      for (double v : p.hasExactValues() ? p.exactValues() : new double[0]) {
        out.writeDouble(v);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  /** The profile's mean (0) or m2 (1) as its current bytes hold them, after tag, k and counts. */
  private static double kept(NumericProfile p, int which) {
    return java.nio.ByteBuffer.wrap(p.toBytes()).getDouble(2 + 4 + 4 * 8 + 8 * which);
  }

  /** Format-1 bytes of {@code p}: its format-2 bytes without the trailing exact-value section. */
  private static byte[] formatV1(NumericProfile p) {
    byte[] v2 = formatV2(p);
    int tail = 8 + (p.hasExactValues() ? 8 * (int) p.validCount() : 0);
    byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - tail);
    v1[1] = 1;
    return v1;
  }

  private static NumericProfile gaussians(long seed, int n, int cap) {
    NumericProfile p = new NumericProfile(NumericProfile.DEFAULT_K, cap);
    Random rnd = new Random(seed);
    for (int i = 0; i < n; i++) {
      p.accumulate(rnd.nextGaussian());
    }
    return p;
  }

  @Test
  void keepsExactValuesUpToTheCapThenDropsThem() {
    NumericProfile p = of(3, 1, Double.NaN, 4, Double.NEGATIVE_INFINITY, 1);
    p.accumulate((Double) null);
    assertThat(p.exactCap()).isEqualTo(NumericProfile.DEFAULT_EXACT_CAP);
    assertThat(p.hasExactValues()).isTrue();
    assertThat(p.exactValues()).containsExactly(3, 1, 4, 1);
    assertThat(new NumericProfile().exactValues()).isEmpty();

    NumericProfile capped = gaussians(5, 1000, 1000);
    assertThat(capped.hasExactValues()).isTrue();
    assertThat(capped.exactValues()).hasSize(1000);
    assertThat(capped.isEstimationMode()).isTrue();
    capped.accumulate(Double.NaN); // not a finite value: still exact
    assertThat(capped.hasExactValues()).isTrue();
    capped.accumulate(0.5);
    assertThat(capped.hasExactValues()).isFalse();
    assertThatThrownBy(capped::exactValues).isInstanceOf(IllegalStateException.class);
    capped.accumulate(0.25); // dropped for good
    assertThat(capped.hasExactValues()).isFalse();
    assertThat(capped.validCount()).isEqualTo(1002);

    NumericProfile none = new NumericProfile(64, 0);
    assertThat(none.hasExactValues()).isTrue();
    none.accumulate(1.0);
    assertThat(none.hasExactValues()).isFalse();
    assertThatThrownBy(() -> new NumericProfile(64, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exactValuesGiveTheRawKsTestPastTheSketchesExactRange() {
    Random rnd = new Random(11);
    double[] a = rnd.doubles(5000).map(x -> x * 10).toArray();
    double[] b = rnd.doubles(7000).map(x -> x * 10 + 0.1).toArray();
    NumericProfile pa = of(a);
    NumericProfile pb = of(b);
    assertThat(pa.isEstimationMode()).isTrue();
    assertThat(pa.exactValues()).containsExactly(a);
    assertThat(KolmogorovSmirnov.test(pa.exactValues(), pb.exactValues()))
        .isEqualTo(KolmogorovSmirnov.test(a, b));
  }

  @Test
  void mergeKeepsExactValuesWithinTheCapAndDropsThemPastIt() {
    NumericProfile a = gaussians(1, 600, 1000);
    NumericProfile b = gaussians(2, 400, 1000);
    NumericProfile ab = a.merge(b);
    assertThat(ab.exactCap()).isEqualTo(1000);
    assertThat(ab.hasExactValues()).isTrue();
    double[] expected = new double[1000];
    System.arraycopy(a.exactValues(), 0, expected, 0, 600);
    System.arraycopy(b.exactValues(), 0, expected, 600, 400);
    assertThat(ab.exactValues()).containsExactly(expected);
    // one more value past the cap
    NumericProfile past = ab.merge(of(1.0));
    assertThat(past.validCount()).isEqualTo(1001);
    assertThat(past.hasExactValues()).isFalse();
    assertThat(a.merge(gaussians(3, 401, 1000)).hasExactValues()).isFalse();
    // a side without exact values, or a smaller cap, wins
    assertThat(of(1, 2).merge(gaussians(4, 2000, 1000)).hasExactValues()).isFalse();
    NumericProfile small = of(1, 2).merge(new NumericProfile(200, 1));
    assertThat(small.exactCap()).isEqualTo(1);
    assertThat(small.hasExactValues()).isFalse();
    // operands are not mutated
    assertThat(a.exactValues()).hasSize(600);
    assertThat(ab.merge(new NumericProfile()).exactValues()).containsExactly(expected);
  }

  @Test
  void bytesRoundTripWithExactValues() {
    NumericProfile p = gaussians(7, 3000, 5000);
    p.accumulate(Double.NaN);
    NumericProfile r = NumericProfile.fromBytes(p.toBytes());
    assertThat(r.exactCap()).isEqualTo(5000);
    assertThat(r.exactValues()).containsExactly(p.exactValues());
    assertThat(r.toBytes()).isEqualTo(p.toBytes());
    // growth after reading continues up to the cap
    for (int i = 0; i < 2000; i++) {
      r.accumulate(i);
    }
    assertThat(r.exactValues()).hasSize(5000);
    r.accumulate(1);
    assertThat(r.hasExactValues()).isFalse();

    NumericProfile dropped = gaussians(8, 3000, 100);
    NumericProfile rd = NumericProfile.fromBytes(dropped.toBytes());
    assertThat(rd.hasExactValues()).isFalse();
    assertThat(rd.exactCap()).isEqualTo(100);
    assertThat(rd.validCount()).isEqualTo(3000);
    assertThat(rd.toBytes()).isEqualTo(dropped.toBytes());

    NumericProfile empty = NumericProfile.fromBytes(new NumericProfile(64, 10).toBytes());
    assertThat(empty.exactValues()).isEmpty();
    empty.accumulate(2.5);
    assertThat(empty.exactValues()).containsExactly(2.5);
  }

  @Test
  void bytesAreFormat3TheExactValuesOrTheSketch() throws Exception {
    NumericProfile p = gaussians(11, 700, 5000);
    p.accumulate(Double.NaN);
    p.accumulate((Double) null);
    NumericProfile dropped = gaussians(15, 300, 100);
    for (NumericProfile q : new NumericProfile[] {p, dropped}) {
      java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
      try (java.io.DataOutputStream out = new java.io.DataOutputStream(bos)) {
        out.writeByte(FeatureProfile.NUMERIC_TAG);
        out.writeByte(3);
        out.writeInt(q.k());
        out.writeLong(q.count());
        out.writeLong(q.nullCount());
        out.writeLong(q.nanCount());
        out.writeLong(q.infiniteCount());
        out.writeDouble(q.mean());
        out.writeDouble(q.standardDeviation() * q.standardDeviation() * q.validCount());
        out.writeDouble(q.min());
        out.writeDouble(q.max());
        out.writeInt(q.exactCap());
        if (q.hasExactValues()) {
          out.writeInt((int) q.validCount());
          for (double v : q.exactValues()) {
            out.writeDouble(v);
          }
        } else {
          out.writeInt(-1);
          byte[] sketch = q.sketchBytes();
          out.writeInt(sketch.length);
          out.write(sketch);
        }
      }
      byte[] expected = bos.toByteArray();
      byte[] actual = q.toBytes();
      assertThat(actual).hasSize(expected.length);
      // m2 is written as kept, not recomputed: compare everything but its 8 bytes
      int m2At = 2 + 4 + 4 * 8 + 8;
      assertThat(java.util.Arrays.copyOfRange(actual, 0, m2At))
          .isEqualTo(java.util.Arrays.copyOfRange(expected, 0, m2At));
      assertThat(java.util.Arrays.copyOfRange(actual, m2At + 8, actual.length))
          .isEqualTo(java.util.Arrays.copyOfRange(expected, m2At + 8, expected.length));

      byte[] truncated = java.util.Arrays.copyOf(actual, actual.length - 3);
      assertThatThrownBy(() -> NumericProfile.fromBytes(truncated))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("corrupt numeric profile bytes");
    }
    // the exact values' count must be the finite values'
    byte[] wrongCount = p.toBytes();
    java.nio.ByteBuffer.wrap(wrongCount).putLong(2 + 4 + 8, 2); // two nulls instead of one
    assertThatThrownBy(() -> NumericProfile.fromBytes(wrongCount))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("700 exact values of 699 finite ones");
  }

  @Test
  void readsFormat2Bytes() {
    NumericProfile exact = gaussians(16, 700, 5000);
    exact.accumulate(Double.POSITIVE_INFINITY);
    NumericProfile dropped = gaussians(17, 300, 100);
    for (NumericProfile p : new NumericProfile[] {exact, dropped, new NumericProfile(64, 10)}) {
      byte[] v2 = formatV2(p);
      assertThat(v2[1]).isEqualTo((byte) 2);
      NumericProfile r = NumericProfile.fromBytes(v2);
      assertThat(r.toBytes()).isEqualTo(p.toBytes());
      assertThat(r.hasExactValues()).isEqualTo(p.hasExactValues());
      assertThat(r.validCount()).isEqualTo(p.validCount());
      if (!p.isEmpty()) {
        assertThat(r.sketchBytes()).isEqualTo(p.sketchBytes());
      }
    }
    byte[] inconsistent = formatV2(exact);
    // the exact-value count (after the sketch and cap) disagrees with the sketch's n
    int sizeAt = inconsistent.length - 8 * 700 - 4;
    java.nio.ByteBuffer.wrap(inconsistent).putInt(sizeAt, 699);
    assertThatThrownBy(() -> NumericProfile.fromBytes(inconsistent))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrupt numeric profile bytes");
  }

  @Test
  void theSketchIsTheOneTheExactValuesMakeInArrivalOrder() {
    for (int n : new int[] {0, 1, 199, 200, 201, 1800}) {
      NumericProfile p = gaussians(18 + n, n, 5000);
      assertThat(p.hasExactValues()).isTrue();
      KllDoublesSketch eager = KllDoublesSketch.newHeapInstance(p.k());
      KllRandom.reseed(7);
      for (double v : p.exactValues()) {
        eager.update(v);
      }
      // decided without building the sketch ...
      assertThat(p.isEstimationMode()).as("n = %d", n).isEqualTo(eager.isEstimationMode());
      assertThat(p.normalizedRankError())
          .isEqualTo(eager.isEstimationMode() ? eager.getNormalizedRankError(false) : 0.0);
      // ... and the sketch, once asked for, is the one updated value by value
      KllRandom.reseed(7);
      assertThat(p.sketchBytes()).as("n = %d", n).isEqualTo(eager.toByteArray());
      // kept up to date after it was made
      KllRandom.reseed(8);
      p.accumulate(0.5);
      KllRandom.reseed(8);
      eager.update(0.5);
      assertThat(p.sketchBytes()).isEqualTo(eager.toByteArray());
      assertThat(p.validCount()).isEqualTo(n + 1);
    }
    // past the cap the values made so far go into the sketch first
    NumericProfile capped = gaussians(30, 1000, 1000);
    capped.accumulate(42.0);
    assertThat(capped.hasExactValues()).isFalse();
    assertThat(capped.validCount()).isEqualTo(1001);
    assertThat(capped.quantile(1.0)).isEqualTo(42.0);
    assertThat(capped.quantile(0.5)).isCloseTo(0.0, within(0.15));
  }

  @Test
  void aCopyHasTheSameStateAndLivesApart() {
    NumericProfile p = gaussians(12, 900, 1000);
    p.accumulate(Double.POSITIVE_INFINITY);
    p.accumulate((Double) null);
    NumericProfile c = p.copy();
    assertThat(c.toBytes()).isEqualTo(p.toBytes());
    assertThat(NumericProfile.fromBytes(p.toBytes()).toBytes()).isEqualTo(c.toBytes());
    c.accumulate(42.0);
    assertThat(p.validCount()).isEqualTo(900);
    assertThat(p.exactValues()).hasSize(900).doesNotContain(42.0);
    assertThat(c.exactValues()).hasSize(901).contains(42.0);
    // past the cap the copy drops its exact values, the original keeps them
    for (int i = 0; i < 200; i++) {
      c.accumulate(i);
    }
    assertThat(c.hasExactValues()).isFalse();
    assertThat(p.hasExactValues()).isTrue();
    NumericProfile dropped = gaussians(13, 300, 100);
    assertThat(dropped.copy().toBytes()).isEqualTo(dropped.toBytes());
  }

  @Test
  void theExactDistributionIsTheRawValuesOneAndFollowsTheProfile() {
    NumericProfile p = gaussians(14, 400, 1000);
    EmpiricalDistribution first = p.exactDistribution();
    EmpiricalDistribution raw = EmpiricalDistribution.ofValues(p.exactValues());
    assertThat(first.points()).containsExactly(raw.points());
    for (double x : new double[] {-1, 0, 0.5, 2}) {
      assertThat(first.cdf(x)).isEqualTo(raw.cdf(x));
    }
    assertThat(p.exactDistribution()).isSameAs(first);
    p.accumulate(100.0);
    EmpiricalDistribution after = p.exactDistribution();
    assertThat(after).isNotSameAs(first);
    assertThat(after.sampleSize()).isEqualTo(401);
    assertThat(after.cdf(99.0)).isEqualTo(400 / 401.0);
    assertThatThrownBy(() -> new NumericProfile().exactDistribution())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void readsFormat1Bytes() {
    // small: the sketch is exact, so the exact values are recovered (sorted)
    NumericProfile small = of(3, 1, 4, 1, 5, Double.NaN);
    small.accumulate((Double) null);
    byte[] v1 = formatV1(small);
    assertThat(v1[1]).isEqualTo((byte) 1);
    NumericProfile rs = NumericProfile.fromBytes(v1);
    assertThat(rs.count()).isEqualTo(7);
    assertThat(rs.nullCount()).isEqualTo(1);
    assertThat(rs.nanCount()).isEqualTo(1);
    assertThat(rs.mean()).isEqualTo(small.mean());
    assertThat(rs.exactCap()).isEqualTo(NumericProfile.DEFAULT_EXACT_CAP);
    assertThat(rs.exactValues()).containsExactly(1, 1, 3, 4, 5);
    assertThat(((NumericProfile) FeatureProfile.fromBytes(v1)).validCount()).isEqualTo(5);
    assertThat(NumericProfile.fromBytes(formatV1(new NumericProfile())).exactValues()).isEmpty();

    // large: the sketch compacted, so no exact values
    NumericProfile large = gaussians(9, 5000, NumericProfile.DEFAULT_EXACT_CAP);
    NumericProfile rl = NumericProfile.fromBytes(formatV1(large));
    assertThat(rl.hasExactValues()).isFalse();
    assertThat(rl.validCount()).isEqualTo(5000);
    assertThat(rl.quantile(0.5)).isEqualTo(large.quantile(0.5));
    assertThat(rl.sketchBytes()).isEqualTo(large.sketchBytes());

    byte[] bad = small.toBytes();
    bad[1] = 9;
    assertThatThrownBy(() -> NumericProfile.fromBytes(bad))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
