-- Named leases: which process leads (e.g. the launcher) where no Kubernetes Lease is at hand.
-- A holder renews before expires_at_ms; another may take the lease once it has expired.
CREATE TABLE dg_leases (
  name          TEXT    NOT NULL PRIMARY KEY,
  holder        TEXT    NOT NULL,
  acquired_ms   INTEGER NOT NULL,
  renewed_ms    INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  transitions   INTEGER NOT NULL DEFAULT 0
);
