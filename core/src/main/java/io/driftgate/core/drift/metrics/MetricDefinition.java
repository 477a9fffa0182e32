package io.driftgate.core.drift.metrics;

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
 * @param appliesToCategorical false for metrics that need an order (numeric features only)
 * @param onCounts the metric on aligned counts (categories, or bins of a numeric feature); null
 *     when the metric only runs on samples
 * @param onSamples the metric on two numeric samples; null to bin them and use {@code onCounts}
 */
public record MetricDefinition(
    boolean statisticalTest,
    double defaultThreshold,
    boolean appliesToCategorical,
    BiFunction<long[], long[], TestResult> onCounts,
    BiFunction<NumericSample, NumericSample, TestResult> onSamples) {

  /** A distance on aligned counts (numeric features are binned first), for every kind. */
  public static MetricDefinition countDistance(
      double defaultThreshold, BiFunction<long[], long[], Double> distance) {
    return new MetricDefinition(
        false,
        defaultThreshold,
        true,
        (a, b) -> new TestResult(distance.apply(a, b), Double.NaN, Double.NaN),
        null);
  }

  /** A test on aligned counts (numeric features are binned first), for every kind. */
  public static MetricDefinition countTest(
      double alpha, BiFunction<long[], long[], TestResult> test) {
    return new MetricDefinition(true, alpha, true, test, null);
  }

  /** A metric on numeric samples only (it needs an order). */
  public static MetricDefinition numericOnly(
      boolean statisticalTest,
      double defaultThreshold,
      BiFunction<NumericSample, NumericSample, TestResult> onSamples) {
    return new MetricDefinition(statisticalTest, defaultThreshold, false, null, onSamples);
  }
}
