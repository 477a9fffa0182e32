package io.driftgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.gate.Gate;
import io.driftgate.testkit.lake.CommittedLakes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A/A test: models trained on the same data with different seeds are the same model up to noise, so
 * the gate (as configured in the example spec) must promote one over another at most about alpha of
 * the time.
 */
class AaTest {
  @TempDir Path dir;

  @Test
  void sameDataDifferentSeedsIsRarelyPromoted() {
    long t0 = System.nanoTime();
    CommittedLakes.Lake lake = GateLakes.write(dir.resolve("lake"), GateLakes.SPEC, 21, 3000, null);
    int k = 6;
    List<Path> models = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      models.add(GateLakes.train(lake, dir.resolve("m" + i), lake.from(), lake.to(), 100 + i, 12));
    }
    long trained = System.nanoTime();
    int runs = 0;
    int promoted = 0;
    double alpha = 0;
    List<String> lines = new ArrayList<>();
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        if (a == b) {
          continue;
        }
        GateOutcome o =
            GateRunner.run(
                GateRequest.builder()
                    .setSpec(GateLakes.SPEC)
                    .optLake(lake.root())
                    .setChallenger(models.get(b))
                    .optChampion(models.get(a))
                    .optExplainPoints(20)
                    .optBackground(GateRequest.BackgroundMethod.SAMPLE, 8)
                    .optBootstrapResamples(500)
                    .optSeed(1000 + runs)
                    .build());
        alpha = o.config().alpha();
        var cc = o.report().check(Gate.CHAMPION_CHALLENGER).orElseThrow();
        lines.add(
            String.format(
                Locale.ROOT,
                "%d vs %d: diff %.4f p %.3f -> %s",
                b,
                a,
                cc.numbers().get("meanDiff"),
                cc.numbers().get("pValue"),
                o.promote()
                    ? "PROMOTE"
                    : "reject ("
                        + o
                            .report()
                            .withStatus(io.driftgate.core.gate.CheckResult.Status.FAIL)
                            .stream()
                            .map(c -> c.name())
                            .toList()
                        + ")"));
        runs++;
        if (o.promote()) {
          promoted++;
        }
      }
    }
    double rate = promoted / (double) runs;
    System.out.println(String.join("\n", lines));
    System.out.printf(
        Locale.ROOT,
        "A/A: %d of %d gate runs promoted (rate %.3f, alpha %.2f); training %d ms, gating %d ms%n",
        promoted,
        runs,
        rate,
        alpha,
        (trained - t0) / 1_000_000,
        (System.nanoTime() - trained) / 1_000_000);
    assertThat(runs).isEqualTo(30);
    assertThat(rate).isLessThanOrEqualTo(alpha + 0.05);
  }
}
