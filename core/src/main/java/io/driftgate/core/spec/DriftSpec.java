package io.driftgate.core.spec;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
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
 */
public record DriftSpec(
    Duration window,
    Duration allowedLateness,
    double defaultThreshold,
    double driftedShare,
    int consecutiveWindows,
    List<String> criticalFeatures)
    implements Serializable {

  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
  public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofMinutes(1);
  public static final double DEFAULT_THRESHOLD = 0.1;
  public static final double DEFAULT_DRIFTED_SHARE = 0.5;
  public static final int DEFAULT_CONSECUTIVE_WINDOWS = 2;

  public DriftSpec {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(allowedLateness, "allowedLateness");
    criticalFeatures = criticalFeatures == null ? List.of() : List.copyOf(criticalFeatures);
  }

  public static DriftSpec defaults() {
    return new DriftSpec(
        DEFAULT_WINDOW,
        DEFAULT_ALLOWED_LATENESS,
        DEFAULT_THRESHOLD,
        DEFAULT_DRIFTED_SHARE,
        DEFAULT_CONSECUTIVE_WINDOWS,
        List.of());
  }
}
