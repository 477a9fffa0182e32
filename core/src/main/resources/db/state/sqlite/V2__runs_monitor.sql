-- Runs, idempotency keys, the drift monitor's state, drift reports, retrain requests and live
-- endpoints: the control plane's state that used to be JSON files on a POSIX disk.
-- Times are epoch milliseconds.

-- Retraining runs (the launcher's run store): one row per run, the run as JSON (RunJson). version
-- is optimistic concurrency: a save names the version it read, so two launchers never overwrite
-- each other's transitions.
CREATE TABLE dg_runs (
  run_key    TEXT    NOT NULL PRIMARY KEY,
  model      TEXT    NOT NULL,
  state      TEXT    NOT NULL,
  version    INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  body       TEXT    NOT NULL
);
CREATE INDEX dg_runs_created ON dg_runs (created_ms, run_key);

-- Every idempotency key a launcher accepted: its primary key de-duplicates requests, also after
-- a run's row is gone.
CREATE TABLE dg_processed_keys (
  idempotency_key TEXT    NOT NULL PRIMARY KEY,
  model           TEXT    NOT NULL,
  processed_ms    INTEGER NOT NULL
);

-- The drift monitor's resumable state, one row per model (optimistic version as for runs).
CREATE TABLE dg_monitor_state (
  model              TEXT    NOT NULL PRIMARY KEY,
  version            INTEGER NOT NULL,
  reference          BLOB,
  reference_complete INTEGER NOT NULL,
  reference_id       TEXT,
  policy_state       TEXT,
  windows            INTEGER NOT NULL,
  last_window_end_ms INTEGER NOT NULL,
  updated_ms         INTEGER NOT NULL
);

-- Every drift report (Avro JSON), one row per report; a replayed window rewrites its row.
CREATE TABLE dg_drift_reports (
  model           TEXT    NOT NULL,
  report_id       TEXT    NOT NULL,
  window_start_ms INTEGER NOT NULL,
  window_end_ms   INTEGER NOT NULL,
  drifted_share   REAL    NOT NULL,
  body            TEXT    NOT NULL,
  written_ms      INTEGER NOT NULL,
  PRIMARY KEY (model, report_id)
);
CREATE INDEX dg_drift_reports_window ON dg_drift_reports (model, window_start_ms, report_id);

-- The retrain request log (Avro JSON), keyed by idempotency key, in the order written.
-- Append-only: a replayed request is not written again, and rows are never updated.
CREATE TABLE dg_retrain_requests (
  seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key       TEXT    NOT NULL UNIQUE,
  model                 TEXT    NOT NULL,
  trigger_window_end_ms INTEGER NOT NULL,
  body                  TEXT    NOT NULL,
  written_ms            INTEGER NOT NULL
);
CREATE TRIGGER dg_retrain_requests_append_only BEFORE UPDATE ON dg_retrain_requests
BEGIN
  SELECT RAISE(ABORT, 'dg_retrain_requests is append-only');
END;

-- Where a running process answers (e.g. launcher/<model> -> its HTTP endpoint), for the CLI.
CREATE TABLE dg_endpoints (
  name         TEXT    NOT NULL PRIMARY KEY,
  url          TEXT    NOT NULL,
  holder       TEXT    NOT NULL,
  published_ms INTEGER NOT NULL
);
