package io.driftgate.core.ingest;

import java.io.Serializable;

/**
 * Where a record was read from.
 *
 * @param topic Kafka topic
 * @param partition Kafka partition
 * @param offset offset within the partition
 * @param timestampMillis Kafka record timestamp, epoch milliseconds
 */
public record SourceRef(String topic, int partition, long offset, long timestampMillis)
    implements Serializable {}
