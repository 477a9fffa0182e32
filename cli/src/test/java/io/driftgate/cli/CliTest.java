package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest extends ConsoleCapture {
  @TempDir Path dir;

  @Test
  void helpListsTheSubcommands() {
    assertThat(Main.execute("--help")).isZero();
    // `demo` is the demo module's (DemoMain), on no image
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("kafka", "produce", "ingest", "lake", "launcher");
  }

  @Test
  void aMissingSpecIsAClearErrorNotAStackTrace() {
    int code = Main.execute("lake", "--spec", dir.resolve("nope.yaml").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--spec", "nope.yaml", "does not exist")
        .doesNotContain("Exception");
  }

  @Test
  void aBadSpecNamesKeyValueAndFix() throws Exception {
    Path spec = dir.resolve("driftgate.yaml");
    String example = Files.readString(Path.of("../examples/flight-delay/driftgate.yaml"));
    Files.writeString(
        spec,
        example
            .replace("format: single-object", "format: protobuf")
            .replace(
                "../../schemas", Path.of("../schemas").toAbsolutePath().normalize().toString()));
    int code = Main.execute("lake", "--spec", spec.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("source.format", "protobuf", "single-object", "confluent");
  }

  @Test
  void driftComparesTwoCsvFilesAndFlagsTheShiftedFeature() throws Exception {
    java.util.Random random = new java.util.Random(1);
    StringBuilder ref = new StringBuilder("amount,city\n");
    StringBuilder cur = new StringBuilder("amount,city\n");
    String[] cities = {"oslo", "rome", "lima"};
    for (int i = 0; i < 3000; i++) {
      ref.append(random.nextGaussian()).append(',').append(cities[random.nextInt(3)]).append('\n');
      cur.append(random.nextGaussian() + 1.5)
          .append(',')
          .append(cities[random.nextInt(3)])
          .append('\n');
    }
    Path a = dir.resolve("reference.csv");
    Path b = dir.resolve("current.csv");
    Files.writeString(a, ref);
    Files.writeString(b, cur);
    assertThat(
            Main.execute(
                "drift",
                "--spec",
                dir.resolve("none.yaml").toString(),
                "--reference",
                a.toString(),
                "--current",
                b.toString(),
                "--json"))
        .isZero();
    var json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(out.toString(StandardCharsets.UTF_8));
    var features = json.get("features");
    assertThat(features).hasSize(2);
    for (var f : features) {
      boolean amount = f.get("feature").asText().equals("amount");
      assertThat(f.get("drifted").asBoolean()).as(f.toString()).isEqualTo(amount);
    }
    assertThat(json.get("driftedShare").asDouble()).isEqualTo(0.5);
  }

  @Test
  void driftRejectsAnUnknownMetricByName() throws Exception {
    Path a = dir.resolve("a.csv");
    Files.writeString(a, "x\n1\n2\n");
    int code =
        Main.execute(
            "drift",
            "--spec",
            dir.resolve("none.yaml").toString(),
            "--reference",
            a.toString(),
            "--current",
            a.toString(),
            "--metric",
            "kl");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Invalid value for option '--metric'", "'kl'", "wasserstein", "jensen_shannon");
  }
}
