package io.driftgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.gate.CheckResult.Status;
import io.driftgate.core.gate.Gate;
import io.driftgate.core.testing.CommittedLakes;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateRunnerTest {
  @TempDir static Path shared;
  static CommittedLakes.Lake lake;
  static Path modelA;
  static Path modelB;

  @BeforeAll
  static void setUp() {
    long t0 = System.nanoTime();
    lake = GateLakes.write(shared.resolve("lake"), GateLakes.SPEC, 5, 4000, null);
    modelA = GateLakes.train(lake, shared.resolve("a"), lake.from(), lake.to(), 1);
    modelB = GateLakes.train(lake, shared.resolve("b"), lake.from(), lake.to(), 2);
    System.out.printf("lake + 2 models: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void firstModelWithoutChampionPassesAndIsAdditive() {
    GateOutcome o =
        GateRunner.run(
            GateRequest.builder()
                .setSpec(GateLakes.SPEC)
                .optLake(lake.root())
                .setChallenger(modelA)
                .build());
    System.out.println(String.join("\n", o.report().reasons()) + "\n" + o.millis() + " ms");
    assertThat(o.featureNames()).hasSize(7);
    assertThat(o.report().check(Gate.ADDITIVITY).orElseThrow().status()).isEqualTo(Status.PASS);
    assertThat(o.report().check(Gate.CHAMPION_CHALLENGER).orElseThrow().status())
        .isEqualTo(Status.SKIPPED);
    assertThat(o.validationRows()).isEqualTo(1200);
  }

  @Test
  void scoresBothModelsOnTheSameRows() {
    GateOutcome o =
        GateRunner.run(
            GateRequest.builder()
                .setSpec(GateLakes.SPEC)
                .optLake(lake.root())
                .setChallenger(modelB)
                .optChampion(modelA)
                .build());
    System.out.println(String.join("\n", o.report().reasons()) + "\n" + o.millis() + " ms");
    assertThat(o.championImportanceSource()).isEqualTo("recomputed");
    assertThat(o.report().check(Gate.CHAMPION_CHALLENGER).orElseThrow().numbers().get("n"))
        .isEqualTo(1200.0);
  }
}
