package io.driftgate.streaming.ingest;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Where Kafka is. */
public interface KafkaOptions extends PipelineOptions {
  @Description("Kafka bootstrap servers; overrides source.kafka.bootstrapServers of the spec.")
  String getBootstrapServers();

  void setBootstrapServers(String servers);

  @Description("Publish dead letters to source.kafka.deadLetterTopic as well as to the lake.")
  @Default.Boolean(true)
  Boolean getPublishDeadLetters();

  void setPublishDeadLetters(Boolean publish);

  @Description(
      "Run the drift monitor inside the pipeline: window profiles, drift reports (topic + lake),"
          + " retrain requests.")
  @Default.Boolean(true)
  Boolean getMonitor();

  void setMonitor(Boolean monitor);
}
