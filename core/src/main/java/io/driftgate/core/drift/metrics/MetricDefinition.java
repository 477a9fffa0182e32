package io.driftgate.core.drift.metrics;

import io.driftgate.core.drift.profile.FeatureProfile;
import io.driftgate.core.drift.profile.ProfiledKind;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Everything driftgate needs to know about one drift metric: whether it is a test (a p-value, drift
 * below the threshold) or a distance (drift at or above it), its default threshold, the feature
 * kinds it applies to, and how to compute it. Each metric's class declares its definition as a
 * {@code DEFINITION} constant; {@link DriftMetric} lists them, and the spec's allowed names, the
 * comparator, the automatic chooser's kind check and the CLI's help derive from that list.
 *
 * @param statisticalTest true for p-value based tests
 * @param defaultThreshold the threshold when none is configured (an alpha for tests)
 * @param kinds the feature kinds the metric applies to
 * @param onCounts the metric on aligned counts (categories, or bins of a numeric feature); null
 *     when the metric only runs on samples or profiles
 * @param onSamples the metric on two numeric samples; null to bin them and use {@code onCounts}
 * @param onProfiles the metric on two whole profiles of its kind (image and text metrics); null for
 *     the others
 */
public record MetricDefinition(
    boolean statisticalTest,
    double defaultThreshold,
    Set<ProfiledKind> kinds,
    BiFunction<long[], long[], TestResult> onCounts,
    BiFunction<NumericSample, NumericSample, TestResult> onSamples,
    BiFunction<FeatureProfile, FeatureProfile, TestResult> onProfiles) {

  public MetricDefinition {
    kinds = Set.copyOf(kinds);
  }

  /** Whether the metric applies to categorical features (it needs no order). */
  public boolean appliesToCategorical() {
    return kinds.contains(ProfiledKind.CATEGORICAL);
  }

  /** A distance on aligned counts (numeric features are binned first), numeric and categorical. */
  public static MetricDefinition countDistance(
      double defaultThreshold, BiFunction<long[], long[], Double> distance) {
    return new MetricDefinition(
        false,
        defaultThreshold,
        EnumSet.of(ProfiledKind.NUMERIC, ProfiledKind.CATEGORICAL),
        (a, b) -> new TestResult(distance.apply(a, b), Double.NaN, Double.NaN),
        null,
        null);
  }

  /** A test on aligned counts (numeric features are binned first), numeric and categorical. */
  public static MetricDefinition countTest(
      double alpha, BiFunction<long[], long[], TestResult> test) {
    return new MetricDefinition(
        true, alpha, EnumSet.of(ProfiledKind.NUMERIC, ProfiledKind.CATEGORICAL), test, null, null);
  }

  /** A metric on numeric samples only (it needs an order). */
  public static MetricDefinition numericOnly(
      boolean statisticalTest,
      double defaultThreshold,
      BiFunction<NumericSample, NumericSample, TestResult> onSamples) {
    return new MetricDefinition(
        statisticalTest, defaultThreshold, EnumSet.of(ProfiledKind.NUMERIC), null, onSamples, null);
  }

  /**
   * A distance on two profiles of the given kinds (image or text); the function gets profiles of
   * the feature's kind.
   */
  public static MetricDefinition profileDistance(
      double defaultThreshold,
      Set<ProfiledKind> kinds,
      BiFunction<FeatureProfile, FeatureProfile, Double> distance) {
    return new MetricDefinition(
        false,
        defaultThreshold,
        kinds,
        null,
        null,
        (a, b) -> new TestResult(distance.apply(a, b), Double.NaN, Double.NaN));
  }

  /** A test on two profiles of the given kinds. */
  public static MetricDefinition profileTest(
      double alpha,
      Set<ProfiledKind> kinds,
      BiFunction<FeatureProfile, FeatureProfile, TestResult> test) {
    return new MetricDefinition(true, alpha, kinds, null, null, test);
  }
}
