package io.driftgate.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The section parsers over the one shared reader: every problem collected, none swallowed. */
class SpecSectionsTest {

  private static SpecException errorsOf(String yaml) {
    try {
      TestSpecs.parse(yaml);
    } catch (SpecException e) {
      return e;
    }
    throw new AssertionError("expected a SpecException for:\n" + yaml);
  }

  @Test
  void oneInvalidTrainingValueIsAnErrorNamingThatKey() {
    SpecException e =
        errorsOf(
            TestSpecs.MINIMAL
                + "training:\n  seed: 7\n  epochs: 3\n  learningRate: -0.1\n  batchSize: 64\n");
    assertThat(e.errors()).extracting(SpecError::key).containsExactly("training.learningRate");
    assertThat(e.getMessage())
        .contains("training.learningRate: value -0.1 is not positive; expected e.g. 0.05");
  }

  @Test
  void validTrainingValuesAreKeptEachFallingBackToItsOwnDefault() {
    TrainingSpec t =
        TestSpecs.parse(TestSpecs.MINIMAL + "training:\n  seed: 7\n  epochs: 3\n").training();
    assertThat(t.seed()).isEqualTo(7);
    assertThat(t.epochs()).isEqualTo(3);
    assertThat(t.learningRate()).isEqualTo(TrainingSpec.DEFAULT_LEARNING_RATE);
    assertThat(t.batchSize()).isEqualTo(TrainingSpec.DEFAULT_BATCH_SIZE);
  }

  @Test
  void problemsInEverySectionAreCollectedTogetherWithDidYouMean() {
    SpecException e =
        errorsOf(
            TestSpecs.MINIMAL
                + "training:\n  epochz: 3\n"
                + "gate:\n  alpha: 2\n"
                + "drift:\n  window: 5\n"
                + "launcher:\n  paralelism: 2\n  maxAttempts: 0\n");
    assertThat(e.errors())
        .extracting(SpecError::key)
        .containsExactly(
            "drift.window",
            "training.epochz",
            "gate.alpha",
            "launcher.paralelism",
            "launcher.maxAttempts");
    assertThat(e.getMessage())
        .contains("training.epochz: unknown key \"epochz\"; allowed keys: seed, epochs")
        .contains("(did you mean \"epochs\"?)")
        .contains("(did you mean \"parallelism\"?)")
        .contains("drift.window: value 5 has no unit");
  }

  @Test
  void anInvalidStateSectionIsReportedNotReplacedByTheLakesDatabase() {
    SpecException e = errorsOf(TestSpecs.MINIMAL + "state:\n  database:\n    url: mysql://db/x\n");
    assertThat(e.errors()).extracting(SpecError::key).containsExactly("state.database.url");
    assertThat(e.getMessage()).contains("state.database.url: value \"mysql://db/x\" is not a");
  }

  @Test
  void theSpecCarriesItsLauncherSectionAndLoadReadsTheSame(@TempDir Path dir) throws Exception {
    String yaml =
        TestSpecs.MINIMAL
                .replace("path: lake", "path: " + TestSpecs.MODULE_DIR.resolve("lake"))
                .replace(
                    "schema: ../schemas",
                    "schema: " + TestSpecs.MODULE_DIR.resolve("..").normalize() + "/schemas")
            + "launcher:\n  parallelism: 3\n  grid: {lr: [0.1, 0.2, 0.3]}\n  tuningTimeout: 2h\n";
    Path f = dir.resolve("driftgate.yaml");
    Files.writeString(f, yaml);
    LauncherConfig fromSpec = SpecLoader.load(f).launcher();
    assertThat(fromSpec).isEqualTo(LauncherConfig.load(f));
    assertThat(fromSpec.parallelism()).isEqualTo(3);
    assertThat(fromSpec.trials()).isEqualTo(3);
    assertThat(fromSpec.tuningTimeout()).isEqualTo(Duration.ofHours(2));
    assertThat(TestSpecs.parse(TestSpecs.MINIMAL).launcher()).isEqualTo(LauncherConfig.defaults());
  }

  @Test
  void theBuilderStartsFromTheDefaultsAndCopiesEveryValue() {
    LauncherConfig c =
        LauncherConfig.builder()
            .backend(LauncherConfig.Backend.KUBERNETES)
            .image("t:1")
            .maxAttempts(5)
            .build();
    assertThat(c.namespace()).isEqualTo(LauncherConfig.defaults().namespace());
    assertThat(c.maxAttempts()).isEqualTo(5);
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(c.withBackend(LauncherConfig.Backend.LOCAL))
        .isEqualTo(c.toBuilder().backend(LauncherConfig.Backend.LOCAL).build());
  }

  @Test
  void aGridParameterGivenTwiceIsRefusedInTheSpecAndOnTheCommandLine() {
    // YAML refuses duplicate mapping keys before the grid parser sees them
    assertThatThrownBy(
            () ->
                TestSpecs.parse(
                    TestSpecs.MINIMAL + "launcher:\n  grid:\n    lr: [0.1]\n    lr: [0.2]\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("duplicate key lr");
    assertThatThrownBy(() -> GridParser.fromArgs("--grid", List.of("lr=0.1", "lr=0.2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--grid lr=0.2: value \"lr\" is given twice")
        .hasMessageContaining("give each parameter once with all its values");
  }

  @Test
  void aGridParameterWithoutValuesIsRefusedInTheSpecAndOnTheCommandLine() {
    assertThatThrownBy(() -> LauncherConfig.parse(Map.of("grid", Map.of("lr", List.of()))))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("launcher.grid.lr: value [] is not a non-empty list");
    assertThatThrownBy(() -> GridParser.fromArgs("--grid", List.of("lr=0.1", "momentum=,")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--grid momentum=,: value [] is not a non-empty list");
    assertThatThrownBy(() -> GridParser.fromArgs("--grid", List.of("lr")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--grid lr: value \"lr\" is not k=v1,v2,...");
  }

  @Test
  void theCommandLineGridKeepsOrderAndTrimsValues() {
    assertThat(GridParser.fromArgs("--grid", List.of("lr=0.05, 0.1", "momentum=0.5,,0.9")))
        .containsExactly(
            Map.entry("lr", List.of("0.05", "0.1")), Map.entry("momentum", List.of("0.5", "0.9")));
    assertThatThrownBy(() -> GridParser.fromArgs("--grid", List.of("lr=0.1,0.1")))
        .hasMessageContaining("holds a value twice");
  }
}
