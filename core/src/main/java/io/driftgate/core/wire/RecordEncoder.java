package io.driftgate.core.wire;

import java.io.Serializable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Encodes a record with a fixed writer schema into a framed value (header + Avro binary body).
 * Implementations from {@link RecordEncoders} are serializable and thread-safe.
 */
public interface RecordEncoder extends Serializable {

  /** Encodes {@code record}, which must conform to {@link #writerSchema()}. */
  byte[] encode(GenericRecord record);

  /** The wire format this encoder writes. */
  WireFormat format();

  /** The writer schema. */
  Schema writerSchema();
}
