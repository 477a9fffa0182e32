package io.driftgate.core.drift.metrics;

import io.driftgate.core.drift.profile.ProfiledKind;
import io.driftgate.core.drift.profile.TextProfile;
import io.driftgate.core.text.TextSketch;
import java.util.EnumSet;

/**
 * Jensen–Shannon distance between the token distributions of two text windows over a hashed
 * vocabulary (words hashed into 1024 buckets: {@link TextSketch}); drift at or above 0.1. 0 when
 * either side has no token.
 */
public final class TokenDistance {
  public static final MetricDefinition DEFINITION =
      MetricDefinition.profileDistance(
          0.1,
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
