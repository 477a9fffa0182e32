package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code driftgate drift} on CSV files read with the spec's feature types. */
class DriftCsvTest extends ConsoleCapture {
  @TempDir Path dir;
  Path spec;

  static final String HEADER =
      "distance_km,dep_hour,dep_delay_min,origin,destination,weather,carrier,remark\n";

  @BeforeEach
  void spec() throws Exception {
    spec = dir.resolve("driftgate.yaml");
    Files.createDirectories(dir.resolve("registry")); // the example's source.schemaRegistryDir
    Files.writeString(
        spec,
        Files.readString(Path.of("../examples/flight-delay/driftgate.yaml"))
            .replace(
                "../../schemas", Path.of("../schemas").toAbsolutePath().normalize().toString()));
  }

  /** {@code n} rows; carrier codes drawn from {@code carriers}, each remark quoted. */
  static String rows(Random random, int n, String[] carriers, boolean multiLineRemarks) {
    StringBuilder b = new StringBuilder(HEADER);
    String[] airports = {"ATL", "BOS", "DEN"};
    for (int i = 0; i < n; i++) {
      b.append(500 + random.nextInt(1000))
          .append(',')
          .append(random.nextInt(24))
          .append(',')
          .append(random.nextInt(30))
          .append(',')
          .append(airports[random.nextInt(3)])
          .append(',')
          .append(airports[random.nextInt(3)])
          .append(",clear,")
          .append(carriers[random.nextInt(carriers.length)])
          .append(',')
          .append(
              multiLineRemarks && i % 3 == 0
                  ? "\"gate change, then \"\"delay\"\"\nsee log, line 2\""
                  : "\"ok, on time\"")
          .append('\n');
    }
    return b.toString();
  }

  JsonNode drift(Path reference, Path current) throws Exception {
    int code =
        Main.execute(
            "drift",
            "--spec",
            spec.toString(),
            "--reference",
            reference.toString(),
            "--current",
            current.toString(),
            "--json");
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
  }

  static JsonNode feature(JsonNode result, String name) {
    for (JsonNode f : result.get("features")) {
      if (f.get("feature").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no feature " + name + " in " + result);
  }

  @Test
  void quotedCellsWithCommasAndLineBreaksAreOneCellEach() throws Exception {
    Path a = dir.resolve("reference.csv");
    Path b = dir.resolve("current.csv");
    Files.writeString(a, rows(new Random(1), 1500, new String[] {"AA", "DL"}, true));
    Files.writeString(b, rows(new Random(2), 1500, new String[] {"AA", "DL"}, true));
    JsonNode result = drift(a, b);
    assertThat(result.get("referenceRows").asLong()).isEqualTo(1500);
    assertThat(result.get("currentRows").asLong()).isEqualTo(1500);
    assertThat(feature(result, "distance_km").get("drifted").asBoolean()).isFalse();
    assertThat(feature(result, "carrier").get("drifted").asBoolean()).isFalse();
    assertThat(feature(result, "carrier").get("referenceNullRate").asDouble()).isZero();
  }

  @Test
  void aCategoricalThatLooksNumericStaysAString() throws Exception {
    // The carrier is categorical in the spec: "01" and "1" are different carriers, so a switch
    // from one to the other is drift (read as numbers they would both be 1.0).
    Path a = dir.resolve("reference.csv");
    Path b = dir.resolve("current.csv");
    Files.writeString(a, rows(new Random(1), 1000, new String[] {"01", "02"}, false));
    Files.writeString(b, rows(new Random(2), 1000, new String[] {"1", "2"}, false));
    JsonNode carrier = feature(drift(a, b), "carrier");
    assertThat(carrier.get("metric").asText()).isNotEqualTo("ks").isNotEqualTo("wasserstein");
    assertThat(carrier.get("drifted").asBoolean()).as(carrier.toString()).isTrue();
  }

  @Test
  void aBadNumericCellIsAClearErrorNamingFileLineColumnAndValue() throws Exception {
    Path a = dir.resolve("reference.csv");
    Files.writeString(
        a,
        HEADER
            + "700,5,0,ATL,BOS,clear,AA,\"a remark,\nover two lines\"\n"
            + "900,6,n/a,ATL,BOS,clear,AA,fine\n");
    int code =
        Main.execute(
            "drift",
            "--spec",
            spec.toString(),
            "--reference",
            a.toString(),
            "--current",
            a.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            a
                + " line 4, column 3 (dep_delay_min): \"n/a\" is not a number, and dep_delay_min is"
                + " a numeric feature")
        .doesNotContain("Exception");
  }
}
