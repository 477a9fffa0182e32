-- Named leases: which process leads (e.g. the launcher) where no Kubernetes Lease is at hand.
-- A holder renews before expires_at_ms; another may take the lease once it has expired.
CREATE TABLE dg_leases (
  name          TEXT   NOT NULL PRIMARY KEY,
  holder        TEXT   NOT NULL,
  acquired_ms   BIGINT NOT NULL,
  renewed_ms    BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  transitions   BIGINT NOT NULL DEFAULT 0
);
