package io.driftgate.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.drift.metrics.KolmogorovSmirnov;
import io.driftgate.core.drift.metrics.Psi;
import io.driftgate.core.drift.profile.CategoricalProfile;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.FeatureProfile;
import io.driftgate.core.drift.profile.NumericProfile;
import io.driftgate.core.drift.profile.ProfiledKind;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftComparatorTest {

  private static NumericProfile gaussian(long seed, int n, double shift) {
    Random rnd = new Random(seed);
    NumericProfile p = new NumericProfile();
    for (int i = 0; i < n; i++) {
      p.accumulate(rnd.nextGaussian() + shift);
    }
    return p;
  }

  private static CategoricalProfile cats(long... countsABC) {
    CategoricalProfile p = new CategoricalProfile();
    String[] names = {"a", "b", "c"};
    for (int i = 0; i < countsABC.length; i++) {
      p.accumulate(names[i], countsABC[i]);
    }
    return p;
  }

  private static DatasetProfile ds(long rows, Map<String, ? extends FeatureProfile> fs) {
    return new DatasetProfile(rows, fs);
  }

  @Test
  void chooserFollowsEvidentlyDefaults() {
    assertThat(MetricChooser.automatic(ProfiledKind.NUMERIC, 1000).metric())
        .isEqualTo(DriftMetric.KS);
    assertThat(MetricChooser.automatic(ProfiledKind.NUMERIC, 1001).metric())
        .isEqualTo(DriftMetric.WASSERSTEIN);
    assertThat(MetricChooser.automatic(ProfiledKind.CATEGORICAL, 10).metric())
        .isEqualTo(DriftMetric.CHI_SQUARED);
    MetricChoice js = MetricChooser.automatic(ProfiledKind.CATEGORICAL, 5000);
    assertThat(js.metric()).isEqualTo(DriftMetric.JENSEN_SHANNON);
    assertThat(js.threshold()).isEqualTo(0.1);
    assertThat(MetricChooser.automatic(ProfiledKind.NUMERIC, 10).threshold()).isEqualTo(0.05);
    MetricChoice o =
        MetricChooser.choose(gaussian(1, 10, 0), FeatureOverride.of(DriftMetric.PSI, 0.2));
    assertThat(o).isEqualTo(new MetricChoice(DriftMetric.PSI, 0.2, true));
    assertThatThrownBy(
            () -> MetricChooser.choose(cats(1, 2), FeatureOverride.of(DriftMetric.WASSERSTEIN)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void identicalProfilesDoNotDrift() {
    DatasetProfile ref =
        ds(500, Map.of("x", gaussian(1, 500, 0), "big", gaussian(2, 3000, 0), "c", cats(5, 10)));
    DriftResult r = DriftComparator.compare(ref, ref);
    assertThat(r.evaluatedCount()).isEqualTo(3);
    assertThat(r.driftedCount()).isZero();
    assertThat(r.driftedShare()).isZero();
    FeatureDrift x = r.feature("x");
    assertThat(x.metric()).isEqualTo(DriftMetric.KS);
    assertThat(x.score()).isZero();
    assertThat(x.pValue()).isEqualTo(1.0);
    assertThat(r.feature("big").metric()).isEqualTo(DriftMetric.WASSERSTEIN);
    assertThat(r.feature("big").score()).isZero();
    assertThat(r.feature("big").pValue()).isNull();
    assertThat(r.feature("c").metric()).isEqualTo(DriftMetric.CHI_SQUARED);
  }

  @Test
  void smallShiftedNumericDriftsByKs() {
    NumericProfile ref = gaussian(1, 150, 0);
    NumericProfile cur = gaussian(2, 150, 1.5);
    FeatureDrift fd = new DriftComparator().compareFeature("x", ref, cur, null);
    assertThat(fd.metric()).isEqualTo(DriftMetric.KS);
    assertThat(fd.drifted()).isTrue();
    assertThat(fd.pValue()).isLessThan(0.05);
    // sketches hold all 150 values (n < k): sketch KS equals the KS of the raw values' ECDFs
    assertThat(fd.score())
        .isEqualTo(
            KolmogorovSmirnov.statistic(ref.empiricalDistribution(), cur.empiricalDistribution()));
    FeatureDrift same = new DriftComparator().compareFeature("x", ref, gaussian(3, 150, 0), null);
    assertThat(same.drifted()).isFalse();
  }

  @Test
  void largeNumericUsesNormalisedWasserstein() {
    NumericProfile ref = gaussian(1, 20_000, 0);
    FeatureDrift shifted =
        new DriftComparator().compareFeature("x", ref, gaussian(2, 20_000, 1), null);
    assertThat(shifted.metric()).isEqualTo(DriftMetric.WASSERSTEIN);
    // W1(N(0,1), N(1,1)) = 1, reference std ~1: normalised score ~1 (within sketch error)
    assertThat(shifted.score()).isCloseTo(1.0, within(0.1));
    assertThat(shifted.drifted()).isTrue();
    FeatureDrift same =
        new DriftComparator().compareFeature("x", ref, gaussian(3, 20_000, 0), null);
    assertThat(same.score()).isLessThan(0.1);
    assertThat(same.drifted()).isFalse();
  }

  @Test
  void categoricalSmallUsesChiSquaredLargeUsesJensenShannon() {
    DriftComparator c = new DriftComparator();
    FeatureDrift small = c.compareFeature("c", cats(10, 20), cats(20, 10), null);
    assertThat(small.metric()).isEqualTo(DriftMetric.CHI_SQUARED);
    assertThat(small.score()).isCloseTo(20.0 / 3, within(1e-12)); // see StatisticalTestsTest
    assertThat(small.pValue()).isCloseTo(0.0098233, within(1e-7));
    assertThat(small.drifted()).isTrue();
    FeatureDrift large = c.compareFeature("c", cats(1000, 1000), cats(2000, 0), null);
    assertThat(large.metric()).isEqualTo(DriftMetric.JENSEN_SHANNON);
    assertThat(large.score()).isCloseTo(0.5579230, within(1e-7)); // (.5,.5) vs (1,0)
    assertThat(large.drifted()).isTrue();
    // one-sided category in the current window
    FeatureDrift newCat = c.compareFeature("c", cats(3000), cats(3000, 0, 3000), null);
    assertThat(newCat.score()).isCloseTo(0.5579230, within(1e-7));
  }

  @Test
  void overridesApplyPsiOnReferenceDecilesAndLinfOnCategories() {
    NumericProfile ref = new NumericProfile();
    NumericProfile cur = new NumericProfile();
    for (int i = 1; i <= 100; i++) {
      ref.accumulate(i);
      cur.accumulate(i <= 50 ? 1 : i); // half the mass piles into the first decile
    }
    DatasetProfile r = ds(100, Map.of("x", ref, "c", cats(3, 1)));
    DatasetProfile c = ds(100, Map.of("x", cur, "c", cats(1, 0, 1)));
    DriftResult res =
        DriftComparator.compare(
            r,
            c,
            Map.of(
                "x", FeatureOverride.of(DriftMetric.PSI, 0.25),
                "c", FeatureOverride.of(DriftMetric.LINF)));
    FeatureDrift x = res.feature("x");
    assertThat(x.metric()).isEqualTo(DriftMetric.PSI);
    assertThat(x.threshold()).isEqualTo(0.25);
    // ref deciles: (9,10,...,10,11); cur: [-inf,10) holds 1..9 and the 50 ones-> 50, then
    // [10,20)..[40,50) empty, [50,60) holds 51..59 = 9, then 10,10,10,11
    long[] refCounts = {9, 10, 10, 10, 10, 10, 10, 10, 10, 11};
    long[] curCounts = {50, 0, 0, 0, 0, 9, 10, 10, 10, 11};
    assertThat(x.score()).isCloseTo(Psi.psi(refCounts, curCounts), within(1e-12));
    assertThat(x.drifted()).isTrue();
    assertThat(res.feature("c").metric()).isEqualTo(DriftMetric.LINF);
    assertThat(res.feature("c").score()).isCloseTo(0.5, within(1e-12));
    assertThat(res.driftedFeatures()).containsExactly("c", "x");
    assertThat(res.driftedShare()).isEqualTo(1.0);
  }

  @Test
  void missingEmptyAndMismatchedFeaturesAreReportedNotCounted() {
    NumericProfile withNulls = gaussian(1, 100, 0);
    withNulls.accumulate((Double) null);
    NumericProfile onlyNulls = new NumericProfile().accumulate((Double) null);
    DatasetProfile ref =
        ds(
            101,
            Map.of(
                "ok", withNulls,
                "gone", gaussian(2, 10, 0),
                "empty", gaussian(3, 10, 0),
                "kind", gaussian(4, 10, 0),
                "refEmpty", onlyNulls));
    DatasetProfile cur =
        ds(
            101,
            Map.of(
                "ok", gaussian(5, 100, 3),
                "empty", onlyNulls,
                "kind", cats(1),
                "extra", gaussian(6, 10, 0)));
    DriftResult r = DriftComparator.compare(ref, cur, Map.of());
    assertThat(r.features())
        .extracting(FeatureDrift::feature)
        .containsExactly("empty", "gone", "kind", "ok", "refEmpty");
    assertThat(r.feature("gone").status()).isEqualTo(FeatureDrift.Status.MISSING_IN_CURRENT);
    assertThat(r.feature("empty").status()).isEqualTo(FeatureDrift.Status.EMPTY_CURRENT);
    assertThat(r.feature("empty").currentNullRate()).isEqualTo(1.0);
    assertThat(r.feature("kind").status()).isEqualTo(FeatureDrift.Status.KIND_MISMATCH);
    assertThat(r.feature("refEmpty").status()).isEqualTo(FeatureDrift.Status.EMPTY_REFERENCE);
    assertThat(r.feature("gone").score()).isNaN();
    assertThat(r.feature("ok").referenceNullRate()).isCloseTo(1.0 / 101, within(1e-12));
    assertThat(r.evaluatedCount()).isEqualTo(1);
    assertThat(r.driftedCount()).isEqualTo(1);
    assertThat(r.driftedShare()).isEqualTo(1.0);
    assertThat(r.referenceRows()).isEqualTo(101);
  }

  @Test
  void sketchedCategoricalComparesUnlistedMassAsOther() {
    CategoricalProfile ref = new CategoricalProfile(2, 64);
    CategoricalProfile cur = new CategoricalProfile(2, 64);
    for (String v : new String[] {"a", "b", "c", "d"}) {
      ref.accumulate(v, 1000);
      cur.accumulate(v, 1000);
    }
    FeatureDrift same = new DriftComparator().compareFeature("c", ref, cur, null);
    assertThat(same.score()).isCloseTo(0, within(1e-7));
    cur.accumulate("a", 4000);
    FeatureDrift shifted = new DriftComparator().compareFeature("c", ref, cur, null);
    assertThat(shifted.metric()).isEqualTo(DriftMetric.JENSEN_SHANNON);
    assertThat(shifted.drifted()).isTrue();
  }

  private static double[] gaussianValues(long seed, int n, double shift) {
    Random rnd = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextGaussian() + shift;
    }
    return v;
  }

  private static NumericProfile profile(double[] values, int exactCap) {
    NumericProfile p = new NumericProfile(NumericProfile.DEFAULT_K, exactCap);
    for (double v : values) {
      p.accumulate(v);
    }
    return p;
  }

  @Test
  void ksOnExactValuesEqualsTheRawTestOnceTheSketchesCompact() {
    double[] a = gaussianValues(1, 5000, 0);
    double[] b = gaussianValues(2, 4000, 0.05);
    NumericProfile ra = profile(a, NumericProfile.DEFAULT_EXACT_CAP);
    NumericProfile rb = profile(b, NumericProfile.DEFAULT_EXACT_CAP);
    assertThat(ra.isEstimationMode()).isTrue();
    FeatureDrift fd =
        new DriftComparator().compareFeature("x", ra, rb, FeatureOverride.of(DriftMetric.KS));
    var raw = KolmogorovSmirnov.test(a, b);
    assertThat(fd.score()).isEqualTo(raw.statistic());
    assertThat(fd.pValue()).isEqualTo(raw.pValue());
    // also through serialisation and a merge within the cap
    NumericProfile half1 = profile(java.util.Arrays.copyOfRange(a, 0, 2500), 16_384);
    NumericProfile half2 = profile(java.util.Arrays.copyOfRange(a, 2500, 5000), 16_384);
    NumericProfile merged = NumericProfile.fromBytes(half1.merge(half2).toBytes());
    FeatureDrift viaMerge =
        new DriftComparator().compareFeature("x", merged, rb, FeatureOverride.of(DriftMetric.KS));
    assertThat(viaMerge.pValue()).isEqualTo(raw.pValue());
  }

  @Test
  void ksFallsBackToTheSketchWhenEitherSideDroppedItsExactValues() {
    double[] a = gaussianValues(3, 5000, 0);
    double[] b = gaussianValues(4, 5000, 0);
    NumericProfile ra = profile(a, 1000); // dropped
    NumericProfile rb = profile(b, NumericProfile.DEFAULT_EXACT_CAP); // exact
    assertThat(ra.hasExactValues()).isFalse();
    FeatureDrift fd =
        new DriftComparator().compareFeature("x", ra, rb, FeatureOverride.of(DriftMetric.KS));
    double d = KolmogorovSmirnov.statistic(ra.empiricalDistribution(), rb.empiricalDistribution());
    double sa = DriftComparator.ksSideSize(ra);
    double sb = DriftComparator.ksSideSize(rb);
    assertThat(sa).isLessThan(5000);
    assertThat(fd.score()).isEqualTo(d);
    assertThat(fd.pValue()).isEqualTo(KolmogorovSmirnov.pValue(d, sa * sb / (sa + sb)));
  }

  @Test
  void wassersteinUsesExactValuesWhenBothSidesHaveThem() {
    double[] a = gaussianValues(5, 3000, 0);
    double[] b = gaussianValues(6, 3000, 0.5);
    NumericProfile ra = profile(a, NumericProfile.DEFAULT_EXACT_CAP);
    NumericProfile rb = profile(b, NumericProfile.DEFAULT_EXACT_CAP);
    FeatureDrift fd =
        new DriftComparator()
            .compareFeature("x", ra, rb, FeatureOverride.of(DriftMetric.WASSERSTEIN));
    assertThat(fd.score())
        .isEqualTo(
            io.driftgate.core.drift.metrics.Wasserstein.distance(a, b)
                / Math.max(ra.standardDeviation(), DriftComparator.MIN_STD));
    NumericProfile sketchOnly = profile(a, 0);
    FeatureDrift fs =
        new DriftComparator()
            .compareFeature("x", sketchOnly, rb, FeatureOverride.of(DriftMetric.WASSERSTEIN));
    assertThat(fs.score()).isCloseTo(fd.score(), within(0.05));
  }
}
