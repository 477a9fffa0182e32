package io.driftgate.streaming.ingest;

import io.driftgate.core.spec.KafkaSourceSpec;
import io.driftgate.core.spec.ModelSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the ingestion pipeline needs, resolved from the spec plus command-line overrides.
 *
 * @param spec the model spec (Kafka source, schemas, rules, lake settings)
 * @param bootstrapServers Kafka to read from (the spec's, unless overridden)
 * @param lakeRoot lake directory (the spec's, unless overridden)
 * @param publishDeadLetters also publish dead letters to the spec's dead-letter topic
 * @param monitor run the drift monitor on the valid rows (reports, retrain requests)
 */
public record IngestConfig(
    ModelSpec spec,
    String bootstrapServers,
    Path lakeRoot,
    boolean publishDeadLetters,
    boolean monitor) {

  public IngestConfig {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(lakeRoot, "lakeRoot");
  }

  /** The spec's own settings, unbounded, dead letters published. */
  public static IngestConfig of(ModelSpec spec) {
    return new IngestConfig(
        spec, spec.source().kafka().bootstrapServers(), spec.lake().path(), true, true);
  }

  public IngestConfig withBootstrapServers(String servers) {
    return new IngestConfig(spec, servers, lakeRoot, publishDeadLetters, monitor);
  }

  public IngestConfig withLakeRoot(Path root) {
    return new IngestConfig(spec, bootstrapServers, root, publishDeadLetters, monitor);
  }

  public IngestConfig withPublishDeadLetters(boolean publish) {
    return new IngestConfig(spec, bootstrapServers, lakeRoot, publish, monitor);
  }

  public IngestConfig withMonitor(boolean on) {
    return new IngestConfig(spec, bootstrapServers, lakeRoot, publishDeadLetters, on);
  }

  /**
   * The lake's Iceberg catalog: the spec's {@code lake.catalog}, else the embedded one under the
   * (possibly overridden) lake root.
   */
  public io.driftgate.core.lake.LakeCatalog lakeCatalog() {
    return spec.lake().hasConfiguredCatalog()
        ? spec.lake().catalog()
        : io.driftgate.core.lake.LakeCatalog.embedded(lakeRoot);
  }

  /**
   * The state database (monitor state, reports, requests): the spec's {@code state} section, else
   * the database of {@link #lakeCatalog()} (so that a lake root override moves it too).
   */
  public io.driftgate.core.spec.StateSpec stateSpec() {
    return spec.hasConfiguredState()
        ? spec.state()
        : io.driftgate.core.spec.StateSpec.of(lakeCatalog());
  }

  /** Opens a read view of the lake this configuration writes. */
  public io.driftgate.core.lake.Lake openLake() {
    return io.driftgate.core.lake.Lake.open(lakeCatalog(), spec.model());
  }

  public String topic() {
    return spec.source().kafka().topic();
  }

  /** The spec's extra Kafka client properties ({@code source.kafka.properties}). */
  public Map<String, String> kafkaProperties() {
    return spec.source().kafka().properties();
  }

  /** {@code bootstrap.servers} (possibly overridden) plus the spec's extra client properties. */
  public Map<String, Object> clientProperties() {
    return KafkaSourceSpec.clientProperties(bootstrapServers, kafkaProperties());
  }

  public String consumerGroup() {
    return spec.source().kafka().consumerGroup();
  }
}
