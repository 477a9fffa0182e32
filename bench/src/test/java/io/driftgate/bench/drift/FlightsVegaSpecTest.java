package io.driftgate.bench.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class FlightsVegaSpecTest {
  private static Path example(String file) {
    Path p = Path.of("../examples/flights-vega", file);
    return Files.exists(p) ? p : Path.of("examples/flights-vega", file);
  }

  @Test
  void specLoads() {
    ModelSpec spec = SpecLoader.load(example("driftgate.yaml"));
    assertEquals("flights-vega", spec.model());
    assertEquals("date", spec.eventTimeField());
    assertEquals("delayed", spec.label().field());
    assertEquals(List.of("delay", "distance", "origin", "destination"), spec.featureNames());
    assertTrue(spec.feature("delay").map(FeatureSpec::isNumeric).orElse(false));
    assertTrue(spec.feature("origin").map(FeatureSpec::isCategorical).orElse(false));
    assertEquals(Duration.ofDays(1), spec.drift().window());
    assertEquals(0.5, spec.drift().driftedShare());
    assertEquals(2, spec.drift().consecutiveWindows());
  }

  @Test
  void everySchemaFieldIsDocumented() throws Exception {
    Schema s = new Schema.Parser().parse(Files.readString(example("FlightRecord.avsc")));
    assertFalse(s.getDoc() == null || s.getDoc().isBlank());
    for (Schema.Field f : s.getFields()) {
      assertFalse(f.doc() == null || f.doc().isBlank(), f.name() + " has no doc");
    }
  }
}
