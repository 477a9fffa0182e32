package io.driftgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code driftgate demo}: the CLI's tree plus demo, with the generator options produce shares. */
class DemoCommandTest {
  @Test
  void demoReadsTheSharedGeneratorOptions() {
    CommandLine cl = DemoMain.commandLine();
    CommandLine.ParseResult parsed =
        cl.parseArgs("demo", "--malformed", "0.2", "--label-shift", "0.5");
    DemoCommand demo = (DemoCommand) parsed.subcommand().commandSpec().userObject();
    assertThat(demo.gen.seed).isEqualTo(42);
    assertThat(demo.gen.malformed).isEqualTo(0.2);
    assertThat(demo.gen.labelShift).isEqualTo(0.5);
    assertThat(demo.gen.featureShift).isNull();
    assertThat(demo.gen.featureShift(1.0)).isEqualTo(1.0);
  }

  @Test
  void theDemoTreeKeepsEveryCliCommand() {
    CommandLine demoTree = DemoMain.commandLine();
    assertThat(demoTree.getSubcommands().keySet())
        .contains("demo")
        .containsAll(io.driftgate.cli.Main.commandLine().getSubcommands().keySet());
    assertThat(io.driftgate.cli.Main.commandLine().getSubcommands()).doesNotContainKey("demo");
  }
}
