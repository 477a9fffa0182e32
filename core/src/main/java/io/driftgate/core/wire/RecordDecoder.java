package io.driftgate.core.wire;

import java.io.Serializable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Decodes one framed record value (a Kafka record value) into a record in the reader schema.
 *
 * <p>Implementations from {@link RecordDecoders} are serializable (they hold schema JSON and
 * rebuild their Avro readers lazily) and thread-safe. String fields come out as {@link String};
 * logical types are not converted (timestamp-millis stays a {@code long}).
 */
public interface RecordDecoder extends Serializable {

  /**
   * Decodes {@code value}; the result always has the reader schema (resolved from the writer schema
   * named by the header).
   *
   * @throws DecodeException with kind CORRUPT_BYTES, TRUNCATED, BAD_HEADER or UNKNOWN_SCHEMA
   */
  GenericRecord decode(byte[] value) throws DecodeException;

  /** The wire format this decoder reads. */
  WireFormat format();

  /** The reader schema every decoded record has. */
  Schema readerSchema();
}
