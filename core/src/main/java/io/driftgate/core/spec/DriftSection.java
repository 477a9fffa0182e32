package io.driftgate.core.spec;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses {@code drift}: windows, thresholds and per-feature metrics; absent means defaults. */
final class DriftSection {
  static final List<String> KEYS =
      List.of(
          "window",
          "allowedLateness",
          "defaultThreshold",
          "driftedShare",
          "consecutiveWindows",
          "criticalFeatures",
          "referenceRecords",
          "reportsTopic",
          "requestsTopic",
          "metrics",
          "performance");
  static final List<String> METRIC_KEYS = List.of("metric", "threshold");
  static final List<String> PERFORMANCE_KEYS = List.of("minRecordsAfterChange");

  private DriftSection() {}

  static DriftSpec parse(SpecReader r, Map<String, Object> root, Set<String> featureNames) {
    Map<String, Object> m = r.section(root, "", "drift", false, KEYS);
    if (m == null) {
      return DriftSpec.defaults();
    }
    Duration window = r.duration(m, "drift", "window", DriftSpec.DEFAULT_WINDOW, false);
    Duration lateness =
        r.duration(m, "drift", "allowedLateness", DriftSpec.DEFAULT_ALLOWED_LATENESS, true);
    Double threshold = r.number(m, "drift", "defaultThreshold", DriftSpec.DEFAULT_THRESHOLD);
    if (threshold != null && threshold <= 0) {
      r.err(
          "drift.defaultThreshold",
          m.get("defaultThreshold"),
          "is not positive",
          "expected a drift score above 0 such as 0.1");
    }
    Double share = r.number(m, "drift", "driftedShare", DriftSpec.DEFAULT_DRIFTED_SHARE);
    if (share != null && (share <= 0 || share > 1)) {
      r.err(
          "drift.driftedShare",
          m.get("driftedShare"),
          "is outside (0, 1]",
          "expected a fraction of features such as 0.5");
    }
    Long consecutive =
        r.whole(
            m,
            "drift",
            "consecutiveWindows",
            (long) DriftSpec.DEFAULT_CONSECUTIVE_WINDOWS,
            1,
            Integer.MAX_VALUE);
    List<String> critical = r.strings(m, "drift", "criticalFeatures");
    for (int i = 0; i < critical.size(); i++) {
      if (!featureNames.isEmpty() && !featureNames.contains(critical.get(i))) {
        r.err(
            "drift.criticalFeatures[" + i + "]",
            critical.get(i),
            "is not a feature of this spec",
            "features: " + String.join(", ", featureNames));
      }
    }
    Long referenceRecords =
        r.whole(
            m, "drift", "referenceRecords", DriftSpec.DEFAULT_REFERENCE_RECORDS, 1, Long.MAX_VALUE);
    String reportsTopic = r.string(m, "drift", "reportsTopic", false, "flights.drift-reports");
    String requestsTopic =
        r.string(m, "drift", "requestsTopic", false, "flight-delay.retrain-requests");
    Map<String, DriftSpec.MetricOverride> metrics = new LinkedHashMap<>();
    Object rawMetrics = m.get("metrics");
    if (rawMetrics instanceof Map<?, ?> mm) {
      for (Map.Entry<?, ?> e : mm.entrySet()) {
        String feature = String.valueOf(e.getKey());
        String key = "drift.metrics." + feature;
        if (!featureNames.isEmpty() && !featureNames.contains(feature)) {
          r.err(
              key,
              feature,
              "is not a feature of this spec",
              "features: " + String.join(", ", featureNames));
          continue;
        }
        Map<String, Object> one = r.mapping(e.getValue(), key, METRIC_KEYS);
        if (one == null) {
          continue;
        }
        String metric = r.string(one, key, "metric", true, "psi");
        if (metric != null && !DriftSpec.METRIC_NAMES.contains(metric)) {
          r.err(
              key + ".metric",
              metric,
              "is not supported",
              "allowed: " + String.join(", ", DriftSpec.METRIC_NAMES));
          continue;
        }
        Double t = r.number(one, key, "threshold", null);
        if (t != null && t <= 0) {
          r.err(
              key + ".threshold",
              one.get("threshold"),
              "is not positive",
              "expected a threshold such as 0.1 (or an alpha such as 0.05)");
        }
        if (metric != null) {
          metrics.put(feature, new DriftSpec.MetricOverride(metric, t));
        }
      }
    } else if (rawMetrics != null) {
      r.err(
          "drift.metrics",
          rawMetrics,
          "is not a mapping",
          "expected feature: {metric: psi, threshold: 0.2}");
    }
    DriftSpec.Performance performance = DriftSpec.Performance.defaults();
    Map<String, Object> perf = r.section(m, "drift", "performance", false, PERFORMANCE_KEYS);
    if (perf != null) {
      Long minAfter =
          r.whole(
              perf,
              "drift.performance",
              "minRecordsAfterChange",
              DriftSpec.Performance.DEFAULT_MIN_RECORDS_AFTER_CHANGE,
              0,
              Long.MAX_VALUE);
      performance = new DriftSpec.Performance(minAfter);
    }
    return new DriftSpec(
        window,
        lateness,
        threshold,
        share,
        consecutive.intValue(),
        critical,
        referenceRecords,
        reportsTopic,
        requestsTopic,
        metrics,
        performance);
  }
}
