package io.driftgate.core.drift;

import io.driftgate.core.drift.metrics.Counts;
import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.drift.metrics.NumericSample;
import io.driftgate.core.drift.metrics.TestResult;
import io.driftgate.core.drift.metrics.Wasserstein;
import io.driftgate.core.drift.profile.BinEdges;
import io.driftgate.core.drift.profile.CategoricalProfile;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.FeatureProfile;
import io.driftgate.core.drift.profile.NumericProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares a current {@link DatasetProfile} with a reference, feature by feature.
 *
 * <ul>
 *   <li>Every feature of the reference is compared; features only in the current profile are
 *       ignored.
 *   <li>Numeric KS and Wasserstein use the exact values when both profiles still hold them ({@link
 *       NumericProfile#hasExactValues()}, up to {@link NumericProfile#exactCap()} values per side),
 *       which gives exactly the raw-value test; otherwise the KLL sketches' weighted items as
 *       empirical distributions, evaluated on the union of both sketches' quantile points, with the
 *       KS p-value's sample sizes reduced for sketch noise ({@link #ksSideSize}). Wasserstein is
 *       divided by {@code max(reference std, }{@value #MIN_STD}{@code )} (Evidently's {@code
 *       wasserstein_distance_norm} floor).
 *   <li>Numeric PSI, Jensen–Shannon, L-inf and chi-squared use counts in bins from the reference
 *       deciles ({@link BinEdges#fromQuantiles}).
 *   <li>Categorical metrics use value counts over the union of categories; when either side has
 *       spilled to a frequent-items sketch, its unlisted mass is compared as one extra category
 *       {@value #OTHER_CATEGORY}.
 * </ul>
 */
public final class DriftComparator {
  /** Floor for the reference standard deviation when normalising Wasserstein. */
  public static final double MIN_STD = Wasserstein.MIN_STD;

  /** Bucket name for the unlisted mass of sketched categorical profiles. */
  public static final String OTHER_CATEGORY = "\u0000__other__";

  private final int bins;

  /** A comparator binning numerics into {@link BinEdges#DEFAULT_BINS} reference bins. */
  public DriftComparator() {
    this(BinEdges.DEFAULT_BINS);
  }

  /** A comparator binning numerics into {@code bins} reference-quantile bins. */
  public DriftComparator(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1");
    }
    this.bins = bins;
  }

  /** Compares with default settings. */
  public static DriftResult compare(
      DatasetProfile reference, DatasetProfile current, Map<String, FeatureOverride> overrides) {
    return new DriftComparator().compareProfiles(reference, current, overrides);
  }

  /** Compares with default settings and automatic metrics. */
  public static DriftResult compare(DatasetProfile reference, DatasetProfile current) {
    return compare(reference, current, Map.of());
  }

  /** Compares {@code current} with {@code reference}; {@code overrides} is keyed by feature. */
  public DriftResult compareProfiles(
      DatasetProfile reference, DatasetProfile current, Map<String, FeatureOverride> overrides) {
    List<FeatureDrift> out = new ArrayList<>();
    int evaluated = 0;
    int drifted = 0;
    for (Map.Entry<String, FeatureProfile> e : reference.features().entrySet()) {
      FeatureDrift fd =
          compareFeature(
              e.getKey(),
              e.getValue(),
              current.features().get(e.getKey()),
              overrides == null ? null : overrides.get(e.getKey()));
      out.add(fd);
      if (fd.status() == FeatureDrift.Status.OK) {
        evaluated++;
        if (fd.drifted()) {
          drifted++;
        }
      }
    }
    double share = evaluated == 0 ? 0.0 : drifted / (double) evaluated;
    return new DriftResult(
        reference.rowCount(), current.rowCount(), out, evaluated, drifted, share);
  }

  /** Compares one feature; {@code current} and {@code override} may be null. */
  public FeatureDrift compareFeature(
      String name, FeatureProfile reference, FeatureProfile current, FeatureOverride override) {
    MetricChoice choice = MetricChooser.choose(reference, override);
    double refNull = reference.nullRate();
    double curNull = current == null ? Double.NaN : current.nullRate();
    long refN = reference.validCount();
    long curN = current == null ? 0 : current.validCount();
    FeatureDrift.Status status;
    if (refN == 0) {
      status = FeatureDrift.Status.EMPTY_REFERENCE;
    } else if (current == null) {
      status = FeatureDrift.Status.MISSING_IN_CURRENT;
    } else if (current.kind() != reference.kind()) {
      status = FeatureDrift.Status.KIND_MISMATCH;
    } else if (curN == 0) {
      status = FeatureDrift.Status.EMPTY_CURRENT;
    } else {
      status = FeatureDrift.Status.OK;
    }
    if (status != FeatureDrift.Status.OK) {
      return new FeatureDrift(
          name,
          reference.kind(),
          status,
          choice.metric(),
          Double.NaN,
          choice.threshold(),
          null,
          false,
          refNull,
          curNull,
          refN,
          curN);
    }
    DriftMetric metric = choice.metric();
    TestResult r;
    if (metric.onProfiles()) {
      r = metric.onProfiles(reference, current);
    } else if (reference instanceof NumericProfile rn && current instanceof NumericProfile cn) {
      if (metric.onSamples()) {
        boolean exact = bothExact(rn, cn);
        r = metric.onSamples(sample(rn, exact), sample(cn, exact));
      } else {
        double[] edges = BinEdges.fromQuantiles(rn, bins);
        r = metric.onCounts(rn.histogram(edges), cn.histogram(edges));
      }
    } else {
      CategoricalProfile rc = (CategoricalProfile) reference;
      CategoricalProfile cc = (CategoricalProfile) current;
      Counts.Aligned al = Counts.align(withOther(rc), withOther(cc));
      r = metric.onCounts(al.a(), al.b());
    }
    double score = r.statistic();
    Double p = metric.isStatisticalTest() ? r.pValue() : null;
    boolean isDrift = metric.isDrift(metric.isStatisticalTest() ? p : score, choice.threshold());
    return new FeatureDrift(
        name,
        reference.kind(),
        status,
        metric,
        score,
        choice.threshold(),
        p,
        isDrift,
        refNull,
        curNull,
        refN,
        curN);
  }

  /** One side of a numeric comparison; raw values only when both sides hold theirs. */
  private static NumericSample sample(NumericProfile p, boolean exact) {
    return new NumericSample(
        // Sorted: the metrics sort their input, and a sorted array sorts in one pass.
        exact ? p.sortedExactValues() : null,
        // The exact values' distribution is kept by the profile: a reference makes it once.
        exact ? p.exactDistribution() : p.empiricalDistribution(),
        ksSideSize(p),
        p.standardDeviation());
  }

  /**
   * Whether both profiles still hold their exact values ({@link NumericProfile#hasExactValues()}):
   * KS and Wasserstein then run on the raw values, exactly as on the original samples.
   */
  static boolean bothExact(NumericProfile a, NumericProfile b) {
    return a.hasExactValues() && b.hasExactValues();
  }

  /**
   * Sketch noise of a KLL profile, as a sample size: a sketch in estimation mode reports a CDF
   * equal to the exact empirical CDF plus an error process whose 95th-percentile sup is about as
   * large as the one-sample KS critical value {@code 1.358 / sqrt(n_k)} with {@code n_k = }{@value
   * #KLL_NOISE_C}{@code / eps^2} ({@code eps} = {@link NumericProfile#normalizedRankError()}; n_k
   * about 18,000 at k = 200). Measured by {@code bench drift.CalibrationBench} (KLL error table);
   * validated at k = 200 only.
   */
  static final double KLL_NOISE_C = 3.2;

  /**
   * The sample size a KS test may credit to one side: {@code 1 / (1/n + 1/n_k)} in estimation mode,
   * n while the sketch is exact. Without this, the KS p-value treats sketch error as signal and
   * false alarms grow with n (24% at n = 10^4, 100% at n = 10^5 per side at alpha = 0.05).
   */
  static double ksSideSize(NumericProfile p) {
    double n = p.validCount();
    double eps = p.normalizedRankError();
    return eps == 0 ? n : 1.0 / (1.0 / n + eps * eps / KLL_NOISE_C);
  }

  private static Map<String, Long> withOther(CategoricalProfile p) {
    if (p.isExact()) {
      return p.valueCounts();
    }
    TreeMap<String, Long> m = new TreeMap<>(p.valueCounts());
    m.put(OTHER_CATEGORY, p.otherCount());
    return m;
  }
}
