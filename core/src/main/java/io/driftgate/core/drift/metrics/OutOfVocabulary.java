package io.driftgate.core.drift.metrics;

import io.driftgate.core.drift.profile.CategoricalProfile;
import io.driftgate.core.drift.profile.ProfiledKind;
import io.driftgate.core.drift.profile.TextProfile;
import java.util.EnumSet;
import java.util.Map;

/**
 * Out-of-vocabulary rate of a text window against the reference: the share of the current window's
 * word occurrences whose word the reference never had (the reference vocabulary is its word counts,
 * exact up to 5,000 distinct words, then its frequent words). Drift at or above {@value
 * #DEFAULT_THRESHOLD} by default: the 95th percentile of the rate between two independent windows
 * of 300 texts of a stationary stream (bench {@code CalibrationBench}, image/text section, 2,000
 * seeds: 0.106 at seed 20240601, 0.105 at 20240602), so that a stationary stream alarms in about 5%
 * of windows at that size; larger windows see fewer new words, so calibrate {@code
 * drift.metrics.<feature>.threshold} on your own stationary windows when they differ much. Before a
 * champion exists this is the vocabulary that matters; with one, its WordPiece vocabulary's unknown
 * rate is the model's view of the same thing.
 */
public final class OutOfVocabulary {
  /** Stationary 95th percentile at 300 texts per window (see the class comment). */
  public static final double DEFAULT_THRESHOLD = 0.105;

  public static final MetricDefinition DEFINITION =
      MetricDefinition.profileDistance(
          DEFAULT_THRESHOLD,
          EnumSet.of(ProfiledKind.TEXT),
          (a, b) -> rate(((TextProfile) a).words(), ((TextProfile) b).words()));

  private OutOfVocabulary() {}

  /** Share of {@code current}'s counted words absent from {@code reference}; 0 when none. */
  public static double rate(CategoricalProfile reference, CategoricalProfile current) {
    Map<String, Long> ref = reference.valueCounts();
    long total = 0;
    long unknown = 0;
    for (Map.Entry<String, Long> e : current.valueCounts().entrySet()) {
      total += e.getValue();
      if (!ref.containsKey(e.getKey())) {
        unknown += e.getValue();
      }
    }
    // words the current side's sketch dropped are rare ones: count them as unknown too
    long other = current.otherCount();
    return total + other == 0 ? 0 : (double) (unknown + other) / (total + other);
  }
}
