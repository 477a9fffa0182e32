package io.driftgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.gate.CheckResult.Status;
import io.driftgate.core.gate.Gate;
import io.driftgate.testkit.lake.CommittedLakes;
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
    // The challenger's training snapshot.
    assertThat(o.lakeSnapshot()).isEqualTo(lake.lastSnapshot());
    assertThat(o.summary()).containsEntry("lakeSnapshot", lake.lastSnapshot());
  }

  @Test
  void readsTheChallengersTrainingSnapshotWhileMoreDataIsCommitted() {
    GateRequest request =
        GateRequest.builder()
            .setSpec(GateLakes.SPEC)
            .optLake(lake.root())
            .setChallenger(modelB)
            .optChampion(modelA)
            .optExplainPoints(20)
            .optBootstrapResamples(200)
            .build();
    GateOutcome before = GateRunner.run(request);
    // Ingestion commits more rows, inside the challenger's validation range, from a new partition.
    long appended = GateLakes.append(lake.root(), 77, 4000, 6);
    GateOutcome after = GateRunner.run(request);
    assertThat(after.lakeSnapshot())
        .isEqualTo(before.lakeSnapshot())
        .isEqualTo(lake.lastSnapshot());
    assertThat(after.validationRows()).isEqualTo(before.validationRows()).isEqualTo(1200);
    assertThat(after.challengerMetrics()).isEqualTo(before.challengerMetrics());
    assertThat(after.championMetrics()).isEqualTo(before.championMetrics());
    assertThat(after.promote()).isEqualTo(before.promote());

    // Asked for the new snapshot, the gate sees the new rows too.
    GateOutcome current = GateRunner.run(request.toBuilder().optSnapshot(appended).build());
    assertThat(current.lakeSnapshot()).isEqualTo(appended);
    assertThat(current.validationFrom()).isEqualTo(before.validationFrom());
    assertThat(current.validationRows()).isGreaterThan(before.validationRows());
    assertThat(current.challengerMetrics()).isNotEqualTo(before.challengerMetrics());

    // An earlier snapshot with an explicit range; a snapshot the lake does not have is refused.
    long first = lake.snapshots().get(0);
    GateOutcome early =
        GateRunner.run(
            request.toBuilder().optSnapshot(first).optRange(lake.from(), lake.to()).build());
    assertThat(early.lakeSnapshot()).isEqualTo(first);
    assertThat(early.validationRows()).isEqualTo(1000); // partition 0's first commit
    assertThatThrownBy(() -> GateRunner.run(request.toBuilder().optSnapshot(5L).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snapshot 5 does not exist");
  }

  @Test
  void refusesALakeWithoutTheChallengersTrainingSnapshot(@TempDir Path tmp) {
    CommittedLakes.Lake other = GateLakes.write(tmp.resolve("other"), GateLakes.SPEC, 5, 400, null);
    GateRequest.Builder b =
        GateRequest.builder()
            .setSpec(GateLakes.SPEC)
            .optLake(other.root())
            .setChallenger(modelA)
            .optExplainPoints(10)
            .optBootstrapResamples(100);
    assertThatThrownBy(() -> GateRunner.run(b.build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "does not hold the challenger's training snapshot " + lake.lastSnapshot());
    // Given explicitly, a snapshot of that lake is read.
    GateOutcome o =
        GateRunner.run(
            b.optSnapshot(other.lastSnapshot()).optRange(other.from(), other.to()).build());
    assertThat(o.lakeSnapshot()).isEqualTo(other.lastSnapshot());
    assertThat(o.validationRows()).isEqualTo(400);
    assertThatThrownBy(() -> GateRunner.run(b.optLake(tmp.resolve("none")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no committed data");
    assertThat(tmp.resolve("none")).doesNotExist();
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
