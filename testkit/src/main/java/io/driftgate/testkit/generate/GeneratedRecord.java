package io.driftgate.testkit.generate;

import io.driftgate.schemas.ErrorKind;

/**
 * One generated Kafka record.
 *
 * @param key Kafka key: the event id in UTF-8
 * @param value Kafka value: the framed Avro record (possibly malformed on purpose)
 * @param eventTimeMillis event time; use it as the Kafka record timestamp
 * @param expectedError how driftgate must classify the record under the example spec, or null when
 *     the record is valid
 * @param drifted whether the record was drawn from the drifted concept
 * @param label the record's true label (0/1), whether or not the record carries it ({@link
 *     GeneratorConfig#labelsApart()})
 */
public record GeneratedRecord(
    byte[] key,
    byte[] value,
    long eventTimeMillis,
    ErrorKind expectedError,
    boolean drifted,
    int label) {

  /** True when the record is valid (no expected error). */
  public boolean valid() {
    return expectedError == null;
  }

  /** The event id (the key as a string). */
  public String eventId() {
    return new String(key, java.nio.charset.StandardCharsets.UTF_8);
  }
}
