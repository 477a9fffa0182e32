package io.driftgate.core.drift;

import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.drift.profile.FeatureProfile;
import io.driftgate.core.drift.profile.ProfiledKind;

/**
 * Chooses a drift metric per feature, following Evidently's default data-drift rule ({@code
 * get_stattest} in {@code evidently/calculations/stattests/registry.py}):
 *
 * <ul>
 *   <li>numeric, reference size &lt;= {@value #SMALL_SAMPLE_MAX}: KS, drift when p &lt; 0.05;
 *   <li>numeric, larger: Wasserstein-1 normalised by the reference standard deviation, drift when
 *       &gt;= 0.1;
 *   <li>categorical, reference size &lt;= {@value #SMALL_SAMPLE_MAX}: chi-squared, drift when p
 *       &lt; 0.05;
 *   <li>categorical, larger: Jensen–Shannon distance, drift when &gt;= 0.1;
 *   <li>image and text: MMD on fixed random-projection embeddings, drift when p &lt; 0.05.
 * </ul>
 *
 * Reference size is the reference feature's {@link FeatureProfile#validCount()} (non-null, finite
 * values). An override replaces the metric and, if given, the threshold. (Evidently additionally
 * treats numerics with at most 5 distinct values as categorical; driftgate does not.)
 */
public final class MetricChooser {
  /** Largest reference size treated as "small". */
  public static final long SMALL_SAMPLE_MAX = 1000;

  private MetricChooser() {}

  /** The automatic choice for a feature of {@code kind} with {@code referenceSize} values. */
  public static MetricChoice automatic(ProfiledKind kind, long referenceSize) {
    boolean small = referenceSize <= SMALL_SAMPLE_MAX;
    DriftMetric m =
        switch (kind) {
          case NUMERIC -> small ? DriftMetric.KS : DriftMetric.WASSERSTEIN;
          case CATEGORICAL -> small ? DriftMetric.CHI_SQUARED : DriftMetric.JENSEN_SHANNON;
          case IMAGE, TEXT -> DriftMetric.MMD;
        };
    return new MetricChoice(m, m.defaultThreshold(), false);
  }

  /**
   * The metric for {@code reference}, or the override when not null.
   *
   * @throws IllegalArgumentException if the override's metric does not apply to the kind ({@link
   *     DriftMetric#appliesToCategorical()}: KS and Wasserstein need a numeric feature)
   */
  public static MetricChoice choose(FeatureProfile reference, FeatureOverride override) {
    if (override == null) {
      return automatic(reference.kind(), reference.validCount());
    }
    DriftMetric m = override.metric();
    if (!m.appliesTo(reference.kind())) {
      throw new IllegalArgumentException(
          m
              + " does not apply to a "
              + reference.kind().name().toLowerCase(java.util.Locale.ROOT)
              + " feature");
    }
    double t = override.threshold() == null ? m.defaultThreshold() : override.threshold();
    return new MetricChoice(m, t, true);
  }
}
