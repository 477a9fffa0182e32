package io.driftgate.core.drift;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Outcome of comparing a current window with a reference.
 *
 * @param referenceRows rows in the reference
 * @param currentRows rows in the current window
 * @param features per-feature drift, sorted by feature name
 * @param evaluatedCount features with status OK
 * @param driftedCount features that drifted
 * @param driftedShare {@code driftedCount / evaluatedCount}, 0 when nothing was evaluated
 */
public record DriftResult(
    long referenceRows,
    long currentRows,
    List<FeatureDrift> features,
    int evaluatedCount,
    int driftedCount,
    double driftedShare) {

  public DriftResult {
    features = List.copyOf(features);
  }

  /** Names of the drifted features, in name order. */
  public Set<String> driftedFeatures() {
    Set<String> s = new LinkedHashSet<>();
    for (FeatureDrift f : features) {
      if (f.drifted()) {
        s.add(f.feature());
      }
    }
    return s;
  }

  /** The drift of one feature, or null. */
  public FeatureDrift feature(String name) {
    return features.stream().filter(f -> f.feature().equals(name)).findFirst().orElse(null);
  }
}
