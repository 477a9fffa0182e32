package io.driftgate.core.monitor;

import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import java.time.Instant;
import java.util.List;

/**
 * What the drift monitor of one model keeps: its resumable {@link MonitorState}, every {@link
 * DriftReport} and the log of {@link RetrainRequest}s it emitted. The streaming monitor writes it;
 * {@code driftgate monitor --status}, the launcher's {@code --dry-run}, the demo and the ingest's
 * stop condition read it. Implemented on the state database ({@link JdbcMonitorStore}).
 */
public interface MonitorStore {

  /**
   * A stored report or request and when it was written.
   *
   * @param value the record
   * @param writtenAt when the monitor wrote it (its clock)
   */
  record Written<T>(T value, Instant writtenAt) {}

  /** The monitor store of {@code model} in a spec's {@code state} database. */
  static MonitorStore open(StateSpec state, String model) {
    return new JdbcMonitorStore(StateDatabase.open(state), model);
  }

  /** The model whose monitor this is. */
  String model();

  /** The saved state, or {@link MonitorState#initial()} when none was saved. */
  MonitorState load();

  /**
   * Saves the state.
   *
   * @throws io.driftgate.core.state.StaleStateException when another monitor saved a state of this
   *     model since this store last loaded or saved it (two pipelines running one model)
   */
  void save(MonitorState state);

  /** Stores a report; a report with the same id (a replayed window) replaces it. */
  default void writeReport(DriftReport report) {
    writeReports(List.of(report));
  }

  /**
   * Stores reports in one write, in order; a report with the same id (a replayed window) replaces
   * it. The streaming monitor writes a bundle's reports this way: one transaction per window held
   * the pipeline up while windows closed by the hundred in a replay.
   */
  void writeReports(List<DriftReport> reports);

  /**
   * Appends a request to the log unless its idempotency key is there (a replay).
   *
   * @return true when appended
   */
  boolean writeRequest(RetrainRequest request);

  /** Reports in window order (a window's late revisions after it). */
  List<Written<DriftReport>> reportLog();

  /** Requests in the order they were first written. */
  List<Written<RetrainRequest>> requestLog();

  /** {@link #reportLog()} without the times. */
  default List<DriftReport> reports() {
    return reportLog().stream().map(Written::value).toList();
  }

  /** {@link #requestLog()} without the times. */
  default List<RetrainRequest> requests() {
    return requestLog().stream().map(Written::value).toList();
  }
}
