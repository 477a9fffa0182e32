package io.driftgate.core.spec;

import java.nio.file.Path;

/** Spec fixtures for tests, relative to the core module directory. */
public final class TestSpecs {
  public static final Path MODULE_DIR = Path.of("").toAbsolutePath();
  public static final Path EXAMPLE = Path.of("../examples/flight-delay/driftgate.yaml");
  public static final Path READER_SCHEMA = Path.of("../schemas/src/main/avro/FlightEvent.avsc");
  public static final Path V1_SCHEMA =
      Path.of("../schemas/src/main/avro/history/FlightEvent.v1.avsc");

  /** A small valid spec over FlightEvent; tests derive broken variants with String.replace. */
  public static final String MINIMAL =
      """
      model: flight-delay
      source:
        kafka:
          bootstrapServers: localhost:9092
          topic: flights
        format: single-object
        schema: ../schemas/src/main/avro/FlightEvent.avsc
      eventTime:
        field: event_time
      label:
        field: delayed
        kind: binary
      features:
        - name: distance_km
          kind: numeric
          required: true
          min: 0
          max: 20000
        - name: origin
          kind: categorical
          required: true
      lake:
        path: lake
      """;

  private TestSpecs() {}

  public static ModelSpec example() {
    return SpecLoader.load(EXAMPLE);
  }

  public static ModelSpec parse(String yaml) {
    return SpecLoader.parse(yaml, MODULE_DIR);
  }

  /** {@link #MINIMAL} with its features replaced by {@code featuresBlock} (indented by 2). */
  public static ModelSpec withFeatures(String featuresBlock) {
    String head = MINIMAL.substring(0, MINIMAL.indexOf("features:\n") + "features:\n".length());
    return parse(head + featuresBlock + "lake:\n  path: lake\n");
  }
}
