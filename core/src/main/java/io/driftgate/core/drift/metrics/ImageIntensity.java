package io.driftgate.core.drift.metrics;

import io.driftgate.core.drift.profile.ImageProfile;
import io.driftgate.core.drift.profile.ProfiledKind;
import io.driftgate.core.image.ImageSketch;
import java.util.EnumSet;

/**
 * Per-channel intensity statistics of two image windows: the Jensen–Shannon distance of each
 * channel's pixel-intensity histogram (16 bins over [0, 1]), the largest over the channels; drift
 * at or above 0.1. {@link #compare} also gives the channel and the shift of mean brightness in
 * reference standard deviations, for reports.
 */
public final class ImageIntensity {
  /** Intensity distance as a drift metric: on image profiles, drift at or above 0.1. */
  public static final MetricDefinition DEFINITION =
      MetricDefinition.profileDistance(
          0.1,
          EnumSet.of(ProfiledKind.IMAGE),
          (a, b) ->
              compare(((ImageProfile) a).sketch(), ((ImageProfile) b).sketch())
                  .intensityDistance());

  private ImageIntensity() {}

  /** The largest per-channel intensity distance, and the brightness shift in reference SDs. */
  public record Comparison(double intensityDistance, int channel, double brightnessShift) {}

  public static Comparison compare(ImageSketch reference, ImageSketch current) {
    double worst = 0;
    int at = 0;
    for (int c = 0; c < reference.channels(); c++) {
      long[] a = reference.histogram(c);
      long[] b = current.histogram(c);
      if (Counts.total(a, "reference") == 0 || Counts.total(b, "current") == 0) {
        continue;
      }
      double d = JensenShannon.distance(a, b);
      if (d > worst) {
        worst = d;
        at = c;
      }
    }
    double sd = reference.brightnessStd();
    double shift = sd > 0 ? (current.meanBrightness() - reference.meanBrightness()) / sd : 0;
    return new Comparison(worst, at, shift);
  }
}
