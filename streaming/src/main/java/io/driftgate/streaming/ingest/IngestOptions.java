package io.driftgate.streaming.ingest;

import org.apache.beam.sdk.options.StreamingOptions;

/** Options of the ingestion pipeline, composed from small interfaces. */
public interface IngestOptions
    extends SpecOptions, KafkaOptions, LakeOptions, RunOptions, StreamingOptions {}
