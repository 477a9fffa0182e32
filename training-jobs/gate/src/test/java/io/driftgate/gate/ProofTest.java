package io.driftgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.gate.CheckResult;
import io.driftgate.core.gate.CheckResult.Status;
import io.driftgate.core.gate.Gate;
import io.driftgate.core.gate.RankPolicy;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.lake.CommittedLakes;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate rejects a label leak and promotes a genuinely better model after drift. */
class ProofTest {
  @TempDir Path dir;

  @Test
  void aChallengerThatReadsALeakedLabelCopyIsRejectedByTheForbiddenFeatureCheck() throws Exception {
    Path spec = GateLakes.leakySpec(dir.resolve("spec"));
    CommittedLakes.Lake lake = GateLakes.write(dir.resolve("lake"), spec, 31, 3000, null);
    Path leaky = GateLakes.train(lake, dir.resolve("leaky"), lake.from(), lake.to(), 1);
    GateOutcome o =
        GateRunner.run(
            GateRequest.builder()
                .setSpec(spec)
                .optLake(lake.root())
                .setChallenger(leaky)
                .optExplainPoints(100)
                .build());
    System.out.println("leaky challenger:\n  " + String.join("\n  ", o.report().reasons()));
    CheckResult forbidden = o.report().check(Gate.FORBIDDEN_FEATURES).orElseThrow();
    assertThat(o.promote()).isFalse();
    assertThat(forbidden.status()).isEqualTo(Status.FAIL);
    assertThat(forbidden.detail()).contains(GateLakes.LEAK, "> max 0.05");
    assertThat(forbidden.numbers().get("share." + GateLakes.LEAK)).isGreaterThan(0.3);
    // The leak is the most important feature by far: the model learned the label copy.
    assertThat(GateReportHtml.order(o.challengerImportance())[0])
        .isEqualTo(o.featureNames().indexOf(GateLakes.LEAK));
    assertThat(o.challengerMetrics().get("auc")).isGreaterThan(0.99);
  }

  @Test
  void aChallengerTrainedAfterDriftBeatsTheChampionOnPostDriftDataAndIsPromoted() {
    int n = 6000;
    CommittedLakes.Lake lake =
        GateLakes.write(
            dir.resolve("lake"), GateLakes.SPEC, 41, n, DriftConfig.abrupt(n / 2, 1.0, 1.0));
    long cut = lake.timeOf(n / 2);
    Path champion = GateLakes.train(lake, dir.resolve("champion"), lake.from(), cut, 1, 4);
    Path challenger = GateLakes.train(lake, dir.resolve("challenger"), cut, lake.to(), 2, 4);
    GateOutcome o =
        GateRunner.run(
            GateRequest.builder()
                .setSpec(GateLakes.SPEC)
                .optLake(lake.root())
                .setChallenger(challenger)
                .optChampion(champion)
                .optExplainPoints(100)
                .build());
    System.out.println("post-drift challenger:\n  " + String.join("\n  ", o.report().reasons()));
    System.out.println("  metric deltas " + o.metricDeltas());
    assertThat(o.validationFrom()).isGreaterThanOrEqualTo(cut);
    assertThat(o.lakeSnapshot()).isEqualTo(lake.lastSnapshot());
    CheckResult cc = o.report().check(Gate.CHAMPION_CHALLENGER).orElseThrow();
    assertThat(cc.status()).isEqualTo(Status.PASS);
    assertThat(cc.numbers().get("ciLow")).isGreaterThan(0.0);
    assertThat(o.metricDeltas().get("auc")).isGreaterThan(0.0);
    assertThat(o.promote()).as(String.join("\n", o.report().reasons())).isTrue();
    // Concept drift reorders the importances: under the default WARN policy that is reported,
    // not blocking; the strict policy blocks exactly on rank stability.
    assertThat(o.config().rankPolicy()).isEqualTo(RankPolicy.WARN);
    assertThat(o.report().check(Gate.RANK_STABILITY).orElseThrow().status())
        .isIn(Status.PASS, Status.WARN);
    GateOutcome strict =
        GateRunner.run(
            GateRequest.builder()
                .setSpec(GateLakes.SPEC)
                .optLake(lake.root())
                .setChallenger(challenger)
                .optChampion(champion)
                .optExplainPoints(100)
                .optRankPolicy(RankPolicy.FAIL)
                .build());
    System.out.println(
        "  strict rank policy: "
            + strict.report().check(Gate.RANK_STABILITY).orElseThrow().reason());
    assertThat(strict.report().check(Gate.CHAMPION_CHALLENGER).orElseThrow().status())
        .isEqualTo(Status.PASS);

    // And the other way round: the stale model does not get back in on the new data.
    GateOutcome back =
        GateRunner.run(
            GateRequest.builder()
                .setSpec(GateLakes.SPEC)
                .optLake(lake.root())
                .setChallenger(champion)
                .optChampion(challenger)
                .optRange(o.validationFrom(), o.validationTo())
                .optExplainPoints(50)
                .build());
    assertThat(back.promote()).isFalse();
    assertThat(back.report().check(Gate.CHAMPION_CHALLENGER).orElseThrow().status())
        .isEqualTo(Status.FAIL);
  }
}
