package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code produce} reads the generator's options through the mixin that {@code demo} (the demo
 * module's DemoCommandTest) shares.
 */
class GeneratorOptionsTest {
  @Test
  void produceReadsTheSharedOptionsWithTheirDefaults() {
    ProduceCommand produce = new ProduceCommand();
    CliEnums.register(new CommandLine(produce)).parseArgs("--seed", "7", "--feature-shift", "2.5");
    assertThat(produce.gen.seed).isEqualTo(7);
    assertThat(produce.gen.featureShift).isEqualTo(2.5);
    assertThat(produce.gen.malformed).isEqualTo(0.01);
    assertThat(produce.gen.labelShift).isNull();
  }
}
