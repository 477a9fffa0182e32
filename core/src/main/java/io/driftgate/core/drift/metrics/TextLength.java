package io.driftgate.core.drift.metrics;

import io.driftgate.core.drift.profile.ProfiledKind;
import io.driftgate.core.drift.profile.TextProfile;
import io.driftgate.core.text.TextSketch;
import java.util.EnumSet;

/**
 * Jensen–Shannon distance between the length distributions (words per text, bins doubling: 0, 1,
 * 2–3, 4–7 … 1024+: {@link TextSketch}) of two text windows; drift at or above 0.1.
 */
public final class TextLength {
  public static final MetricDefinition DEFINITION =
      MetricDefinition.profileDistance(
          0.1,
          EnumSet.of(ProfiledKind.TEXT),
          (a, b) -> distance(((TextProfile) a).sketch(), ((TextProfile) b).sketch()));

  private TextLength() {}

  public static double distance(TextSketch reference, TextSketch current) {
    return TokenDistance.safe(reference.lengthCounts(), current.lengthCounts());
  }
}
