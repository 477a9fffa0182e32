package io.driftgate.core.spec;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Promotion gate ({@code gate}); every key is optional.
 *
 * @param alpha significance level of the challenger-vs-champion test (default 0.05)
 * @param minEffect minimum improvement the challenger must show (default 0.0)
 * @param floors metric name to the minimum value a challenger must reach (insertion order kept)
 * @param forbiddenFeatures features a promoted model must not use
 */
public record GateSpec(
    double alpha, double minEffect, Map<String, Double> floors, List<String> forbiddenFeatures)
    implements Serializable {

  public static final double DEFAULT_ALPHA = 0.05;
  public static final double DEFAULT_MIN_EFFECT = 0.0;

  public GateSpec {
    floors =
        floors == null || floors.isEmpty()
            ? Collections.emptyMap()
            : Collections.unmodifiableMap(new LinkedHashMap<>(floors));
    forbiddenFeatures = forbiddenFeatures == null ? List.of() : List.copyOf(forbiddenFeatures);
  }

  public static GateSpec defaults() {
    return new GateSpec(DEFAULT_ALPHA, DEFAULT_MIN_EFFECT, Map.of(), List.of());
  }
}
