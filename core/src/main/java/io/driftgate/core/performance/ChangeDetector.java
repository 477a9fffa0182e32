package io.driftgate.core.performance;

import java.util.Optional;

/**
 * An online detector of a change in the mean of a stream of numbers, such as the champion's
 * per-example error (0/1) or log-loss. Feed it one value per labelled prediction; it reports a
 * {@link Change} when the stream's mean has moved. Implementations are deterministic (no
 * randomness) and not thread-safe: one per stream.
 */
public interface ChangeDetector {
  /**
   * Adds the next value.
   *
   * @return the change detected by this value, if any
   */
  Optional<Change> add(double value);

  /** Values seen since construction. */
  long observations();

  /** The registered name of this detector kind, e.g. {@code adwin}. */
  String name();

  /** The detector's settings, for evidence and reports. */
  java.util.Map<String, Object> parameters();

  /**
   * The running state (settings excluded) as plain numbers, so that a restarted monitor does not
   * relearn the stream: {@link #restore} on a detector with the same settings continues exactly
   * where this one stopped (the same changes at the same observations).
   */
  double[] exportState();

  /**
   * Replaces the running state by one {@link #exportState} returned (same kind and settings).
   *
   * @throws IllegalArgumentException when the state does not fit this detector
   */
  void restore(double[] state);

  /**
   * A detected change.
   *
   * @param detector the detector's name
   * @param detectedAt observation index (1-based) at which the change was reported
   * @param changePoint the detector's estimate of where the new regime began (1-based index of its
   *     first value)
   * @param meanBefore the mean before the change point, as the detector saw it
   * @param meanAfter the mean after the change point
   */
  record Change(
      String detector, long detectedAt, long changePoint, double meanBefore, double meanAfter) {
    /** Observations from the estimated change point to the report. */
    public long delay() {
      return detectedAt - changePoint + 1;
    }

    /** True when the mean went up (an error or loss getting worse). */
    public boolean increase() {
      return meanAfter > meanBefore;
    }
  }
}
