package io.driftgate.core.spec;

import io.driftgate.core.performance.ChangeDetectors;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code scoring}: the champion scoring stage and its performance monitor. */
final class ScoringSection {
  static final List<String> KEYS =
      List.of("enabled", "pollInterval", "batchSize", "threshold", "metric", "detector", "labels");
  static final List<String> LABELS_KEYS = List.of("topic", "maxDelay");

  private ScoringSection() {}

  /**
   * {@code scoring}: absent means no scoring stage; {@code detector} is a detector name or a
   * mapping {@code {name: adwin, delta: 0.002}} of its settings.
   */
  static ScoringSpec parse(SpecReader r, Map<String, Object> root) {
    Map<String, Object> m = r.section(root, "", "scoring", false, KEYS);
    if (m == null) {
      return ScoringSpec.disabled();
    }
    String p = "scoring";
    Boolean enabled = r.bool(m, p, "enabled", true);
    Duration poll = r.duration(m, p, "pollInterval", ScoringSpec.DEFAULT_POLL_INTERVAL, false);
    Long batch = r.whole(m, p, "batchSize", (long) ScoringSpec.DEFAULT_BATCH_SIZE, 1, 1_000_000);
    Double threshold = r.number(m, p, "threshold", ScoringSpec.DEFAULT_THRESHOLD);
    if (threshold != null && !(threshold > 0 && threshold < 1)) {
      r.err(p + ".threshold", threshold, "is out of range", "expected a probability in (0, 1)");
      threshold = ScoringSpec.DEFAULT_THRESHOLD;
    }
    String metric = r.string(m, p, "metric", false, ScoringSpec.ERROR);
    if (metric == null) {
      metric = ScoringSpec.ERROR;
    } else if (!metric.equals(ScoringSpec.ERROR) && !metric.equals(ScoringSpec.LOG_LOSS)) {
      r.err(p + ".metric", metric, "is not supported", "allowed: error, logloss");
      metric = ScoringSpec.ERROR;
    }
    String detector = ScoringSpec.DEFAULT_DETECTOR;
    Map<String, String> settings = new LinkedHashMap<>();
    Object d = m.get("detector");
    if (d instanceof String name) {
      detector = name.trim();
    } else if (d instanceof Map<?, ?> dm) {
      for (Map.Entry<?, ?> e : dm.entrySet()) {
        String k = String.valueOf(e.getKey());
        if (k.equals("name")) {
          detector = String.valueOf(e.getValue()).trim();
        } else {
          settings.put(k, String.valueOf(e.getValue()));
        }
      }
    } else if (d != null) {
      r.err(
          p + ".detector",
          d,
          "is not a detector",
          "write a name (adwin, page-hinkley) or a mapping such as {name: adwin, delta: 0.002}");
    }
    try {
      ChangeDetectors.create(detector, settings);
    } catch (IllegalArgumentException e) {
      r.err(
          p + ".detector",
          d,
          "is not a valid detector (" + e.getMessage() + ")",
          "use one of " + ChangeDetectors.names() + " with numeric settings");
      detector = ScoringSpec.DEFAULT_DETECTOR;
      settings.clear();
    }
    Map<String, Object> labels = r.section(m, p, "labels", false, LABELS_KEYS);
    String labelsTopic = r.string(labels, p + ".labels", "topic", labels != null, "flights.labels");
    Duration maxDelay =
        r.duration(labels, p + ".labels", "maxDelay", ScoringSpec.DEFAULT_LABELS_MAX_DELAY, false);
    return new ScoringSpec(
        enabled,
        poll == null ? ScoringSpec.DEFAULT_POLL_INTERVAL : poll,
        batch == null ? ScoringSpec.DEFAULT_BATCH_SIZE : batch.intValue(),
        threshold == null ? ScoringSpec.DEFAULT_THRESHOLD : threshold,
        metric,
        detector,
        settings,
        labelsTopic,
        maxDelay);
  }
}
