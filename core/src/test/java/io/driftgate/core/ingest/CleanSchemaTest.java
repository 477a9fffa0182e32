package io.driftgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.TestSpecs;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CleanSchemaTest {

  static Schema nullable(Schema.Type t) {
    return Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(t));
  }

  @Test
  void exampleShape() {
    Schema s = CleanSchema.of(TestSpecs.example());
    assertThat(s.getName()).isEqualTo("FlightDelayRow");
    assertThat(s.getNamespace()).isEqualTo("io.driftgate.lake");
    assertThat(s.getFields().stream().map(Schema.Field::name).toList())
        .containsExactly(
            "id",
            "event_time",
            "event_date",
            "event_hour",
            "distance_km",
            "dep_hour",
            "dep_delay_min",
            "origin",
            "destination",
            "weather",
            "carrier",
            "delayed",
            "_source_partition",
            "_source_offset",
            "_source_timestamp");
    assertThat(s.getField("id").schema()).isEqualTo(nullable(Schema.Type.STRING));
    assertThat(s.getField("event_time").schema().getType()).isEqualTo(Schema.Type.LONG);
    assertThat(s.getField("event_time").schema().getLogicalType())
        .isEqualTo(LogicalTypes.timestampMillis());
    assertThat(s.getField("event_date").schema().getType()).isEqualTo(Schema.Type.STRING);
    assertThat(s.getField("event_hour").schema().getType()).isEqualTo(Schema.Type.INT);
    for (String numeric : List.of("distance_km", "dep_hour", "dep_delay_min")) {
      assertThat(s.getField(numeric).schema()).isEqualTo(nullable(Schema.Type.DOUBLE));
      assertThat(s.getField(numeric).defaultVal())
          .isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
    }
    for (String cat : List.of("origin", "destination", "weather", "carrier")) {
      assertThat(s.getField(cat).schema()).isEqualTo(nullable(Schema.Type.STRING));
    }
    assertThat(s.getField("delayed").schema()).isEqualTo(nullable(Schema.Type.INT));
    assertThat(s.getField("_source_partition").schema().getType()).isEqualTo(Schema.Type.INT);
    assertThat(s.getField("_source_offset").schema().getType()).isEqualTo(Schema.Type.LONG);
    assertThat(s.getField("_source_timestamp").schema().getLogicalType())
        .isEqualTo(LogicalTypes.timestampMillis());
    assertThat(s.getFields()).allSatisfy(f -> assertThat(f.doc()).isNotBlank());
    assertThat(s.getDoc()).contains("flight-delay");
    // the schema round-trips through its JSON form
    assertThat(new Schema.Parser().parse(s.toString())).isEqualTo(s);
  }

  @Test
  void regressionLabelIsDouble() {
    ModelSpec spec = TestSpecs.parse(TestSpecs.MINIMAL.replace("kind: binary", "kind: regression"));
    Schema s = CleanSchema.of(spec);
    assertThat(s.getField("delayed").schema()).isEqualTo(nullable(Schema.Type.DOUBLE));
    assertThat(s.getField("id").doc()).contains("always null");
  }

  @Test
  void recordNames() {
    assertThat(CleanSchema.recordName("flight-delay")).isEqualTo("FlightDelayRow");
    assertThat(CleanSchema.recordName("churn")).isEqualTo("ChurnRow");
    assertThat(CleanSchema.recordName("a-b2-c")).isEqualTo("AB2CRow");
  }
}
