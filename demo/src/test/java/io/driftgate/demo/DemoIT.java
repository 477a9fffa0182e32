package io.driftgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo, smaller: broker + producer + Beam on local Flink + lake, balanced at the end. */
class DemoIT {
  @TempDir Path work;

  @Test
  void demoAccountsForEveryRecord() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    GeneratorConfig gen =
        GeneratorConfig.builder()
            .seed(5)
            .count(30_000)
            .startTimeMillis(1767571200000L)
            .eventSpacingMillis(1000)
            .malformedFraction(0.01)
            .v1Fraction(0.05)
            .build();
    Demo.Result r =
        Demo.run(
            SpecLoader.load(Path.of("../examples/flight-delay/driftgate.yaml")),
            gen,
            4,
            work,
            new PrintStream(text, true, StandardCharsets.UTF_8),
            false,
            "--parallelism=2");
    assertThat(r.balanced()).isTrue();
    assertThat(r.lakeRows() + r.deadLetters()).isEqualTo(30_000);
    assertThat(r.deadLettersByKind()).hasSize(7);
    assertThat(r.dataFiles()).isPositive();
    assertThat(text.toString(StandardCharsets.UTF_8)).contains("accounting", "OK", "lake rows");
  }
}
