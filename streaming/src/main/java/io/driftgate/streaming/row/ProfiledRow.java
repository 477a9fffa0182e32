package io.driftgate.streaming.row;

/**
 * A valid row as the monitor profiles it: the cleaned record in Avro binary (the lake row schema).
 * Ingestion's {@code LakeEntry} is one; the monitor depends on this, not on the ingest package, so
 * that the pipeline that wires both (ingest) is the only one that knows the other.
 */
public interface ProfiledRow {
  /** The cleaned row, Avro binary in the model's lake row schema. */
  byte[] payload();
}
