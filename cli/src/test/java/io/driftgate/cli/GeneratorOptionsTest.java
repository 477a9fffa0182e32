package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code produce} and {@code demo} read the generator's options through one mixin. */
class GeneratorOptionsTest {
  @Test
  void bothCommandsReadTheSameOptionsWithTheSameDefaults() {
    ProduceCommand produce = new ProduceCommand();
    CliEnums.register(new CommandLine(produce)).parseArgs("--seed", "7", "--feature-shift", "2.5");
    DemoCommand demo = new DemoCommand();
    CliEnums.register(new CommandLine(demo))
        .parseArgs("--malformed", "0.2", "--label-shift", "0.5");
    assertThat(produce.gen.seed).isEqualTo(7);
    assertThat(produce.gen.featureShift).isEqualTo(2.5);
    assertThat(produce.gen.malformed).isEqualTo(0.01);
    assertThat(demo.gen.seed).isEqualTo(42);
    assertThat(demo.gen.malformed).isEqualTo(0.2);
    assertThat(demo.gen.labelShift).isEqualTo(0.5);
    assertThat(demo.gen.featureShift).isEqualTo(produce.gen.labelShift);
  }
}
