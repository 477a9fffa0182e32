package io.driftgate.streaming.ingest;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.options.Validation;

/** Options of the ingestion pipeline, composed from small interfaces. */
public interface IngestOptions extends IngestOptions.SpecOptions, IngestOptions.KafkaOptions,
    IngestOptions.LakeOptions, IngestOptions.RunOptions, StreamingOptions {

  /** Which model spec to run. */
  interface SpecOptions extends PipelineOptions {
    @Description("Path to the model spec (driftgate.yaml).")
    @Validation.Required
    String getSpec();

    void setSpec(String spec);
  }

  /** Where Kafka is. */
  interface KafkaOptions extends PipelineOptions {
    @Description("Kafka bootstrap servers; overrides source.kafka.bootstrapServers of the spec.")
    String getBootstrapServers();

    void setBootstrapServers(String servers);

    @Description("Publish dead letters to source.kafka.deadLetterTopic as well as to the lake.")
    @Default.Boolean(true)
    Boolean getPublishDeadLetters();

    void setPublishDeadLetters(Boolean publish);
  }

  /** Where the lake is. */
  interface LakeOptions extends PipelineOptions {
    @Description("Lake directory; overrides lake.path of the spec.")
    String getLakePath();

    void setLakePath(String path);
  }

  /** How long to run. */
  interface RunOptions extends PipelineOptions {
    @Description("Read this many records, commit them and finish; 0 runs until stopped.")
    @Default.Long(0)
    Long getMaxRecords();

    void setMaxRecords(Long n);

    @Description(
        "Read everything the topic holds now beyond the group's committed offsets, commit it to"
            + " the lake and finish.")
    @Default.Boolean(false)
    Boolean getUntilCaughtUp();

    void setUntilCaughtUp(Boolean untilCaughtUp);
  }
}
