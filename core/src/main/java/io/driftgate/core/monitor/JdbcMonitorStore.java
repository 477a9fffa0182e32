package io.driftgate.core.monitor;

import io.driftgate.core.state.StaleStateException;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A model's monitor in the state database: {@code dg_monitor_state} (one row per model, with an
 * optimistic {@code version}), {@code dg_drift_reports} (one row per report, Avro JSON) and {@code
 * dg_retrain_requests} (the append-only request log, keyed by idempotency key).
 *
 * <p>Opens a connection per call and holds none in between, so an object of it may live in a
 * long-running engine task.
 */
public final class JdbcMonitorStore implements MonitorStore {
  private final StateDatabase db;
  private final String model;
  private final Clock clock;

  /** The state version this store last loaded or saved; 0: none stored when it looked. */
  private Long version;

  public JdbcMonitorStore(StateDatabase db, String model) {
    this(db, model, Clock.systemUTC());
  }

  /**
   * @param clock stamps reports and requests with when they were written
   */
  public JdbcMonitorStore(StateDatabase db, String model, Clock clock) {
    this.db = Objects.requireNonNull(db, "db");
    this.model = Objects.requireNonNull(model, "model");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String model() {
    return model;
  }

  public StateDatabase database() {
    return db;
  }

  @Override
  public synchronized MonitorState load() {
    record Loaded(long version, MonitorState state) {}
    Loaded loaded =
        db.transaction(
            c -> {
              try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT version, reference, reference_complete, reference_id, policy_state,"
                          + " windows, last_window_end_ms, performance_state FROM dg_monitor_state"
                          + " WHERE model = ?")) {
                s.setString(1, model);
                try (ResultSet r = s.executeQuery()) {
                  if (!r.next()) {
                    return new Loaded(0, MonitorState.initial());
                  }
                  return new Loaded(
                      r.getLong(1),
                      new MonitorState(
                          r.getBytes(2),
                          r.getBoolean(3),
                          r.getString(4),
                          r.getString(5),
                          r.getLong(6),
                          r.getLong(7),
                          r.getString(8)));
                }
              }
            });
    version = loaded.version();
    return loaded.state();
  }

  @Override
  public synchronized void save(MonitorState state) {
    long expected = version == null ? 0 : version;
    long now = clock.millis();
    boolean saved =
        db.transaction(
            c -> {
              if (expected == 0) {
                try (PreparedStatement insert =
                    c.prepareStatement(
                        "INSERT INTO dg_monitor_state (model, version, reference,"
                            + " reference_complete, reference_id, policy_state, windows,"
                            + " last_window_end_ms, updated_ms, performance_state)"
                            + " VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model) DO NOTHING")) {
                  insert.setString(1, model);
                  insert.setBytes(2, state.reference());
                  insert.setBoolean(3, state.referenceComplete());
                  insert.setString(4, state.referenceId());
                  insert.setString(5, state.policyStateJson());
                  insert.setLong(6, state.windows());
                  insert.setLong(7, state.lastWindowEnd());
                  insert.setLong(8, now);
                  insert.setString(9, state.performanceStateJson());
                  return insert.executeUpdate() == 1;
                }
              }
              try (PreparedStatement update =
                  c.prepareStatement(
                      "UPDATE dg_monitor_state SET version = version + 1, reference = ?,"
                          + " reference_complete = ?, reference_id = ?, policy_state = ?,"
                          + " windows = ?, last_window_end_ms = ?, updated_ms = ?,"
                          + " performance_state = ? WHERE model = ? AND version = ?")) {
                update.setBytes(1, state.reference());
                update.setBoolean(2, state.referenceComplete());
                update.setString(3, state.referenceId());
                update.setString(4, state.policyStateJson());
                update.setLong(5, state.windows());
                update.setLong(6, state.lastWindowEnd());
                update.setLong(7, now);
                update.setString(8, state.performanceStateJson());
                update.setString(9, model);
                update.setLong(10, expected);
                return update.executeUpdate() == 1;
              }
            });
    if (!saved) {
      throw new StaleStateException(
          "the monitor state of "
              + model
              + " in "
              + db.describe()
              + " was saved by another monitor since this one "
              + (expected == 0 ? "found none" : "read version " + expected)
              + " (is a second pipeline monitoring "
              + model
              + "?); nothing written");
    }
    version = expected + 1;
  }

  /** A report or request of another model is a caller's mistake: nothing of it is written. */
  private void requireModel(String what, CharSequence id, CharSequence itsModel) {
    if (itsModel == null || !model.contentEquals(itsModel)) {
      throw new IllegalArgumentException(
          what + " " + id + " is of model " + itsModel + ", not " + model);
    }
  }

  @Override
  public void writeReports(List<DriftReport> reports) {
    for (DriftReport report : reports) {
      requireModel("report", report.getReportId(), report.getModel());
    }
    if (reports.isEmpty()) {
      return;
    }
    List<String> bodies = reports.stream().map(AvroJson::write).toList();
    long now = clock.millis();
    db.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO dg_drift_reports (model, report_id, window_start_ms,"
                      + " window_end_ms, drifted_share, body, written_ms)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model, report_id) DO UPDATE"
                      + " SET window_start_ms = excluded.window_start_ms,"
                      + " window_end_ms = excluded.window_end_ms,"
                      + " drifted_share = excluded.drifted_share, body = excluded.body")) {
            for (int i = 0; i < reports.size(); i++) {
              DriftReport report = reports.get(i);
              s.setString(1, model);
              s.setString(2, report.getReportId());
              s.setLong(3, report.getWindowStart().toEpochMilli());
              s.setLong(4, report.getWindowEnd().toEpochMilli());
              s.setDouble(5, report.getDriftedShare());
              s.setString(6, bodies.get(i));
              s.setLong(7, now);
              // One at a time, not addBatch: a window's late revision in the same list must
              // replace the earlier one in order.
              s.executeUpdate();
            }
            return reports.size();
          }
        });
  }

  @Override
  public boolean writeRequest(RetrainRequest request) {
    requireModel("request", request.getIdempotencyKey(), request.getModel());
    String body = AvroJson.write(request);
    long now = clock.millis();
    return db.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO dg_retrain_requests (idempotency_key, model,"
                      + " trigger_window_end_ms, body, written_ms) VALUES (?, ?, ?, ?, ?)"
                      + " ON CONFLICT (idempotency_key) DO NOTHING")) {
            s.setString(1, request.getIdempotencyKey());
            s.setString(2, model);
            s.setLong(3, request.getTriggerWindowEnd().toEpochMilli());
            s.setString(4, body);
            s.setLong(5, now);
            return s.executeUpdate() == 1;
          }
        });
  }

  @Override
  public List<Written<DriftReport>> reportLog() {
    return log(
        "SELECT report_id, body, written_ms FROM dg_drift_reports WHERE model = ?"
            + " ORDER BY window_start_ms, report_id",
        "drift report ",
        DriftReport.getClassSchema(),
        DriftReport.class);
  }

  @Override
  public List<Written<RetrainRequest>> requestLog() {
    return log(
        "SELECT idempotency_key, body, written_ms FROM dg_retrain_requests"
            + " WHERE model = ? ORDER BY seq",
        "retrain request ",
        RetrainRequest.getClassSchema(),
        RetrainRequest.class);
  }

  /** This model's rows of {@code sql} (id, JSON body, written_ms), as written records. */
  private <T extends org.apache.avro.specific.SpecificRecord> List<Written<T>> log(
      String sql, String what, org.apache.avro.Schema schema, Class<T> type) {
    return db.transaction(
        c -> {
          List<Written<T>> out = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, model);
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                out.add(
                    new Written<>(
                        parse(what + r.getString(1), r.getString(2), schema, type),
                        Instant.ofEpochMilli(r.getLong(3))));
              }
            }
          }
          return out;
        });
  }

  private <T extends org.apache.avro.specific.SpecificRecord> T parse(
      String what, String json, org.apache.avro.Schema schema, Class<T> type) {
    try {
      return AvroJson.read(json, schema, type);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          what + " in " + db.describe() + " is corrupt: " + e.getMessage(), e);
    }
  }
}
