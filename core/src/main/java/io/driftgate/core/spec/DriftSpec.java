package io.driftgate.core.spec;

import io.driftgate.core.drift.metrics.DriftMetric;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Drift detection settings ({@code drift}); every key is optional.
 *
 * @param window event-time window over which feature profiles are compared (default 10m)
 * @param allowedLateness how late records may arrive for a window (default 1m)
 * @param defaultThreshold per-feature drift score above which a feature counts as drifted (default
 *     0.1)
 * @param driftedShare share of features that must drift for the window to count as drifted (default
 *     0.5)
 * @param consecutiveWindows drifted windows in a row needed to trigger retraining (default 2)
 * @param criticalFeatures features whose drift alone counts as a drifted window
 * @param referenceRecords before a champion exists, the first this many valid records form the
 *     reference profile (default 20000)
 * @param reportsTopic Kafka topic for drift reports (default {@code <topic>.drift-reports})
 * @param requestsTopic Kafka topic for retrain requests (default {@code <model>.retrain-requests})
 * @param metrics per-feature metric overrides (feature name → metric + optional threshold)
 * @param performance how a performance alarm becomes a request ({@code drift.performance})
 */
public record DriftSpec(
    Duration window,
    Duration allowedLateness,
    double defaultThreshold,
    double driftedShare,
    int consecutiveWindows,
    List<String> criticalFeatures,
    long referenceRecords,
    String reportsTopic,
    String requestsTopic,
    Map<String, MetricOverride> metrics,
    Performance performance)
    implements Serializable {

  /**
   * {@code drift.performance}: when the champion's performance alarm (the {@code scoring} section's
   * detector) becomes a {@code performance_drift} request.
   *
   * @param minRecordsAfterChange the request waits until windows that start at or after the alarm's
   *     change point hold this many valid records, and its training range starts at the change
   *     point, so the challenger learns the new relation from enough rows (default 5000; 0: the
   *     first window after the alarm)
   */
  public record Performance(long minRecordsAfterChange) implements Serializable {
    public static final long DEFAULT_MIN_RECORDS_AFTER_CHANGE = 5000;

    public Performance {
      if (minRecordsAfterChange < 0) {
        throw new IllegalArgumentException("minRecordsAfterChange must be >= 0");
      }
    }

    public static Performance defaults() {
      return new Performance(DEFAULT_MIN_RECORDS_AFTER_CHANGE);
    }
  }

  /** With the default {@link Performance} settings. */
  public DriftSpec(
      Duration window,
      Duration allowedLateness,
      double defaultThreshold,
      double driftedShare,
      int consecutiveWindows,
      List<String> criticalFeatures,
      long referenceRecords,
      String reportsTopic,
      String requestsTopic,
      Map<String, MetricOverride> metrics) {
    this(
        window,
        allowedLateness,
        defaultThreshold,
        driftedShare,
        consecutiveWindows,
        criticalFeatures,
        referenceRecords,
        reportsTopic,
        requestsTopic,
        metrics,
        Performance.defaults());
  }

  /**
   * A per-feature metric choice.
   *
   * @param metric psi, jensen_shannon, linf, ks, wasserstein or chi_squared
   * @param threshold distance threshold, or α for ks / chi_squared; null = the metric's default
   */
  public record MetricOverride(String metric, Double threshold) implements Serializable {}

  public static final long DEFAULT_REFERENCE_RECORDS = 20_000;

  /** The drift metrics a spec may name: the registry's ({@link DriftMetric#names()}). */
  public static final List<String> METRIC_NAMES = DriftMetric.names();

  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
  public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofMinutes(1);
  public static final double DEFAULT_THRESHOLD = 0.1;
  public static final double DEFAULT_DRIFTED_SHARE = 0.5;
  public static final int DEFAULT_CONSECUTIVE_WINDOWS = 2;

  public DriftSpec {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(allowedLateness, "allowedLateness");
    criticalFeatures = criticalFeatures == null ? List.of() : List.copyOf(criticalFeatures);
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    performance = performance == null ? Performance.defaults() : performance;
  }

  /** A copy with other {@code drift.performance} settings. */
  public DriftSpec withPerformance(Performance p) {
    return new DriftSpec(
        window,
        allowedLateness,
        defaultThreshold,
        driftedShare,
        consecutiveWindows,
        criticalFeatures,
        referenceRecords,
        reportsTopic,
        requestsTopic,
        metrics,
        p);
  }

  /** The reports topic, defaulted from the input topic. */
  public String reportsTopicOr(String inputTopic) {
    return reportsTopic != null ? reportsTopic : inputTopic + ".drift-reports";
  }

  /** The retrain-request topic, defaulted from the model name. */
  public String requestsTopicOr(String model) {
    return requestsTopic != null ? requestsTopic : model + ".retrain-requests";
  }

  public static DriftSpec defaults() {
    return new DriftSpec(
        DEFAULT_WINDOW,
        DEFAULT_ALLOWED_LATENESS,
        DEFAULT_THRESHOLD,
        DEFAULT_DRIFTED_SHARE,
        DEFAULT_CONSECUTIVE_WINDOWS,
        List.of(),
        DEFAULT_REFERENCE_RECORDS,
        null,
        null,
        Map.of());
  }
}
