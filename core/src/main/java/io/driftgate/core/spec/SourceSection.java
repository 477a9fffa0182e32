package io.driftgate.core.spec;

import io.driftgate.core.wire.WireFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Parses {@code source} and {@code source.kafka}: where the raw records come from. */
final class SourceSection {
  static final List<String> KEYS =
      List.of("kafka", "format", "schema", "schemaHistory", "schemaRegistryDir", "maxRecordBytes");
  static final List<String> KAFKA_KEYS =
      List.of(
          "bootstrapServers",
          "topic",
          "consumerGroup",
          "deadLetterTopic",
          "properties",
          "createTopics");

  /** Kafka client property names: dotted lower-case words, e.g. {@code security.protocol}. */
  private static final Pattern KAFKA_PROPERTY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** The section as read; the schema paths are needed for the schema checks even on errors. */
  record Read(
      String bootstrap,
      String topic,
      String group,
      String deadLetterTopic,
      Map<String, String> properties,
      Boolean createTopics,
      WireFormat format,
      Path schema,
      List<Path> history,
      Path registryDir,
      int maxRecordBytes) {

    /** The spec section; defaults of the consumer group and dead-letter topic name the model. */
    SourceSpec build(String model) {
      KafkaSourceSpec kafka =
          new KafkaSourceSpec(
              bootstrap,
              topic,
              group != null ? group : "driftgate-ingest-" + model,
              deadLetterTopic != null ? deadLetterTopic : topic + ".deadletters",
              properties,
              createTopics);
      return new SourceSpec(kafka, format, schema, history, registryDir, maxRecordBytes);
    }
  }

  private SourceSection() {}

  static Read parse(SpecReader r, Map<String, Object> root) {
    Map<String, Object> src = r.section(root, "", "source", true, KEYS);
    Map<String, Object> kafka = r.section(src, "source", "kafka", true, KAFKA_KEYS);
    String p = "source.kafka";
    return new Read(
        r.string(kafka, p, "bootstrapServers", true, "localhost:9092"),
        r.string(kafka, p, "topic", true, "flights"),
        r.string(kafka, p, "consumerGroup", false, "my-group"),
        r.string(kafka, p, "deadLetterTopic", false, "flights.deadletters"),
        kafkaProperties(r, kafka),
        r.bool(kafka, p, "createTopics", false),
        r.choice(
            src,
            "source",
            "format",
            WireFormat.SINGLE_OBJECT,
            WireFormat::fromConfigName,
            WireFormat.allowedNames()),
        r.path(src, "source", "schema", true, "schemas/MyEvent.avsc"),
        r.pathList(src, "source", "schemaHistory"),
        r.path(src, "source", "schemaRegistryDir", false, "registry"),
        r.wholeInt(
            src,
            "source",
            "maxRecordBytes",
            SourceSpec.DEFAULT_MAX_RECORD_BYTES,
            1,
            Integer.MAX_VALUE));
  }

  /** {@code source.kafka.properties}: Kafka client property name to a scalar value. */
  private static Map<String, String> kafkaProperties(SpecReader r, Map<String, Object> kafkaMap) {
    Map<String, String> out = new TreeMap<>();
    Object v = kafkaMap == null ? null : kafkaMap.get("properties");
    if (v == null) {
      return out;
    }
    String example = "e.g. properties: {security.protocol: SASL_SSL, sasl.mechanism: OAUTHBEARER}";
    if (!(v instanceof Map<?, ?> m)) {
      r.err(
          "source.kafka.properties",
          v,
          "is not a mapping",
          "write Kafka client property: value pairs, " + example);
      return out;
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String name = String.valueOf(e.getKey());
      String key = "source.kafka.properties." + name;
      Object value = e.getValue();
      if (!(e.getKey() instanceof String) || !KAFKA_PROPERTY.matcher(name).matches()) {
        r.err(
            "source.kafka.properties",
            e.getKey(),
            "is not a Kafka client property name",
            "use the client's dotted property names, " + example);
      } else if (KafkaSourceSpec.DRIFTGATE_OWNED_PROPERTIES.contains(name)) {
        r.err(
            key,
            value,
            "sets a property driftgate owns",
            "remove it; driftgate sets "
                + String.join(", ", KafkaSourceSpec.DRIFTGATE_OWNED_PROPERTIES)
                + " itself (bootstrap servers and group come from source.kafka.bootstrapServers"
                + " and source.kafka.consumerGroup)");
      } else if (value instanceof Map<?, ?> || value instanceof List<?>) {
        r.err(
            key,
            value,
            "is not a scalar",
            "write one string, number or boolean; nested keys are not expanded, write the"
                + " full dotted name as the key, e.g. sasl.mechanism: PLAIN");
      } else if (value == null || value.toString().isBlank()) {
        r.err(
            key,
            value,
            "is empty",
            "write a value, or remove the key to keep the client's default");
      } else {
        out.put(name, value.toString().trim());
      }
    }
    return out;
  }
}
