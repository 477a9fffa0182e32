package io.driftgate.core.drift.metrics;

import io.driftgate.core.drift.profile.ProfiledKind;
import io.driftgate.core.drift.profile.TextProfile;
import io.driftgate.core.text.TextSketch;
import java.util.EnumSet;

/**
 * Jensen–Shannon distance between the token distributions of two text windows over a hashed
 * vocabulary (words hashed into 1024 buckets: {@link TextSketch}); drift at or above {@value
 * #DEFAULT_THRESHOLD} by default. 0 when either side has no token.
 *
 * <p>The default is calibrated (bench {@code CalibrationBench}, image/text section): the 95th
 * percentile of the distance between two independent windows of 300 texts of a stationary stream
 * (2,000 seeds: 0.270), so that a stationary stream alarms in about 5% of windows at that size. The
 * distance of two samples of one distribution shrinks as the windows grow and depends on the
 * vocabulary: set {@code drift.metrics.<feature>.threshold} from your own stationary windows when
 * they are much larger or smaller.
 */
public final class TokenDistance {
  /** Stationary 95th percentile at 300 texts per window (see the class comment). */
  public static final double DEFAULT_THRESHOLD = 0.27;

  public static final MetricDefinition DEFINITION =
      MetricDefinition.profileDistance(
          DEFAULT_THRESHOLD,
          EnumSet.of(ProfiledKind.TEXT),
          (a, b) -> distance(((TextProfile) a).sketch(), ((TextProfile) b).sketch()));

  private TokenDistance() {}

  public static double distance(TextSketch reference, TextSketch current) {
    return safe(reference.tokenCounts(), current.tokenCounts());
  }

  /** Jensen–Shannon distance, 0 when either side is empty (nothing to compare). */
  static double safe(long[] a, long[] b) {
    if (Counts.total(a, "reference") == 0 || Counts.total(b, "current") == 0) {
      return 0;
    }
    return JensenShannon.distance(a, b);
  }
}
