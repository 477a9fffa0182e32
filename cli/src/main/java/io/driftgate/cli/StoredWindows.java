package io.driftgate.cli;

import io.driftgate.core.drift.FeatureOverride;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.monitor.DriftMonitor;
import io.driftgate.core.monitor.MonitorState;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DriftReport;
import java.time.Instant;
import java.util.Map;

/**
 * A window the monitor judged, with the profiles it stored for it: the window's last report in the
 * state database names the window's and the reference's profile ids in the lake's {@code
 * window_profiles} table ({@code driftgate drift --window}).
 */
final class StoredWindows {
  private StoredWindows() {}

  /** The window's and its reference's stored profiles, and the monitor's metric choice. */
  record Pair(
      String reportId,
      String referenceId,
      DatasetProfile reference,
      DatasetProfile current,
      Map<String, FeatureOverride> monitorOverrides) {}

  /**
   * The window of {@code spec}'s monitor that starts at {@code start}.
   *
   * @throws IllegalArgumentException when the monitor has no report of that window or the lake no
   *     profile of it or its reference (the message says which)
   */
  static Pair find(ModelSpec spec, Instant start) {
    DriftReport report = null;
    for (DriftReport r : MonitorStore.open(spec.state(), spec.model()).reports()) {
      if (r.getWindowStart().equals(start)) {
        report = r; // the last revision (a late pane's report follows the on-time one)
      }
    }
    if (report == null) {
      throw new IllegalArgumentException(
          "--window "
              + start
              + ": the monitor of "
              + spec.model()
              + " stored no report of a window starting then ("
              + spec.state().describe()
              + "); driftgate report lists its windows");
    }
    Map<String, DatasetProfile> profiles = ReportCommand.storedProfiles(spec);
    DatasetProfile current = profiles.get(report.getReportId());
    DatasetProfile reference = profiles.get(report.getReferenceId());
    if (current == null || reference == null) {
      throw new IllegalArgumentException(
          "--window "
              + start
              + ": no stored profile of "
              + (current == null ? "report " + report.getReportId() : "")
              + (current == null && reference == null ? " or of " : "")
              + (reference == null ? "reference " + report.getReferenceId() : "")
              + " in the lake's window_profiles table (the monitor stores them when it writes"
              + " the lake's drift_reports); compare lake ranges with --reference and --current");
    }
    DriftMonitor monitor = new DriftMonitor(spec, MonitorState.initial());
    monitor.useReference(reference, report.getReferenceId());
    return new Pair(
        report.getReportId(), report.getReferenceId(), reference, current, monitor.overrides());
  }
}
