package io.driftgate.core.monitor;

import io.driftgate.core.drift.profile.DatasetProfile;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where the drift monitor reads back the window profiles it stored (the lake's {@code
 * window_profiles} table in the streaming job), to re-base its reference on a promoted run's
 * training range ({@link ReferenceRebase}). A narrow read-only lookup, so the monitor stays
 * engine-free.
 */
@FunctionalInterface
public interface WindowProfileSource {

  /**
   * One stored profile of one window: an on-time pane or a late revision (panes accumulate, so a
   * later pane of a window holds all of an earlier one's rows).
   *
   * @param start inclusive window start
   * @param end exclusive window end
   * @param profile the window's profile, as the monitor compared it
   */
  record Window(Instant start, Instant end, DatasetProfile profile) {
    public Window {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(profile, "profile");
    }
  }

  /**
   * Every stored window profile (every pane) of a window that starts at or after {@code from} and
   * ends at or before {@code to}; none when nothing is stored.
   */
  List<Window> windows(Instant from, Instant to);

  /** Nothing stored (a monitor without a lake to keep its window profiles in). */
  static WindowProfileSource none() {
    return (from, to) -> List.of();
  }
}
