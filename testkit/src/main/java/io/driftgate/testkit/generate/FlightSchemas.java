package io.driftgate.testkit.generate;

import io.driftgate.core.wire.RecordDecoder;
import io.driftgate.core.wire.RecordDecoders;
import io.driftgate.core.wire.WireFormat;
import io.driftgate.schemas.FlightEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The demo FlightEvent schemas and their Confluent ids (as in {@code
 * examples/flight-delay/registry}).
 */
public final class FlightSchemas {
  /** Confluent id of schema version 1 ({@code registry/1.avsc}). */
  public static final int CONFLUENT_ID_V1 = 1;

  /** Confluent id of schema version 2 ({@code registry/2.avsc}). */
  public static final int CONFLUENT_ID_V2 = 2;

  /** A Confluent id nobody knows, used for UNKNOWN_SCHEMA records. */
  public static final int CONFLUENT_ID_UNKNOWN = 9999;

  /** Classpath resource of the version-1 schema (in the schemas jar). */
  public static final String V1_RESOURCE = "avro/history/FlightEvent.v1.avsc";

  private static final Schema V1 = load(V1_RESOURCE);
  private static final Schema UNKNOWN = buildUnknown();

  private FlightSchemas() {}

  /** Version 2 (current, with {@code carrier}). */
  public static Schema v2() {
    return FlightEvent.getClassSchema();
  }

  /** Version 1 (no {@code carrier}). */
  public static Schema v1() {
    return V1;
  }

  /** A "version 3" no reader knows (v2 plus a field), used for UNKNOWN_SCHEMA records. */
  public static Schema unknownVersion() {
    return UNKNOWN;
  }

  /** Id-to-schema table of the example registry: 1 -> v1, 2 -> v2. */
  public static Map<Integer, Schema> registry() {
    Map<Integer, Schema> m = new LinkedHashMap<>();
    m.put(CONFLUENT_ID_V1, v1());
    m.put(CONFLUENT_ID_V2, v2());
    return m;
  }

  /** The decoder the example spec implies: reader v2, older writer v1. */
  public static RecordDecoder decoder(WireFormat format) {
    return switch (format) {
      case SINGLE_OBJECT -> RecordDecoders.singleObject(v2(), List.of(v1()));
      case CONFLUENT -> RecordDecoders.confluent(v2(), registry());
    };
  }

  private static Schema load(String resource) {
    try (InputStream in = FlightSchemas.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Schema buildUnknown() {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : v2().getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    Schema optionalString =
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
    fields.add(
        new Schema.Field(
            "aircraft",
            optionalString,
            "Not in any known version.",
            Schema.Field.NULL_DEFAULT_VALUE));
    return Schema.createRecord(
        "FlightEvent", "Unknown version 3, for tests.", "io.driftgate.schemas", false, fields);
  }
}
