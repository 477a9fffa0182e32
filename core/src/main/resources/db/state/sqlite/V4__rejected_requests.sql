-- Retrain requests the launcher could not take (undecodable bytes, a key that is not a key): kept
-- whole, so that they can be inspected and replayed, instead of a log line. One row per Kafka
-- record; a re-delivered record is not written again.
CREATE TABLE dg_rejected_requests (
  source_topic     TEXT    NOT NULL,
  source_partition INTEGER NOT NULL,
  source_offset    INTEGER NOT NULL,
  model            TEXT    NOT NULL,
  original_key     BLOB,
  original_bytes   BLOB    NOT NULL,
  error_kind       TEXT    NOT NULL,
  message          TEXT    NOT NULL,
  source_ms        INTEGER NOT NULL,
  rejected_ms      INTEGER NOT NULL,
  PRIMARY KEY (source_topic, source_partition, source_offset)
);
CREATE INDEX dg_rejected_requests_model ON dg_rejected_requests (model, rejected_ms);
