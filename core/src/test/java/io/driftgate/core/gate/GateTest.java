package io.driftgate.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftgate.core.explain.Background;
import io.driftgate.core.explain.ExactShap;
import io.driftgate.core.explain.Explanation;
import io.driftgate.core.explain.GlobalImportance;
import io.driftgate.core.gate.CheckResult.Status;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GateTest {

  static final List<String> NAMES = List.of("income", "age", "tenure", "region", "gender");
  static final double[] W = {2.0, -1.2, 0.6, 0.3, 0.02};

  static double[][] gaussian(int n, int d, long seed) {
    Random r = new Random(seed);
    double[][] out = new double[n][d];
    for (double[] row : out) {
      for (int j = 0; j < d; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return out;
  }

  /** Real explanations of a logistic model from ExactShap. */
  static List<Explanation> explanations(double[] w) {
    ExactShap shap =
        new ExactShap(
            rows -> {
              double[] out = new double[rows.length];
              for (int i = 0; i < rows.length; i++) {
                double z = 0;
                for (int j = 0; j < w.length; j++) {
                  z += w[j] * rows[i][j];
                }
                out[i] = 1 / (1 + Math.exp(-z));
              }
              return out;
            },
            Background.of(gaussian(20, w.length, 1)));
    return shap.explainAll(gaussian(30, w.length, 2));
  }

  static double[] losses(int n, long seed, double scale) {
    Random r = new Random(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = scale * -Math.log(0.05 + 0.9 * r.nextDouble());
    }
    return out;
  }

  static boolean[] correct(double[] loss) {
    boolean[] c = new boolean[loss.length];
    for (int i = 0; i < loss.length; i++) {
      c[i] = loss[i] < Math.log(2);
    }
    return c;
  }

  static GateConfig config() {
    return GateConfig.builder()
        .forbiddenFeatures(Set.of("gender"))
        .floors(Map.of("auc", 0.7, "accuracy", 0.6))
        .seed(17)
        .build();
  }

  /** Everything good: challenger's loss is 80% of the champion's on the same examples. */
  static GateInputs good() {
    List<Explanation> es = explanations(W);
    double[] imp = GlobalImportance.meanAbs(es).values();
    double[] otherSeed = imp.clone();
    otherSeed[0] *= 1.05;
    double[] champLoss = losses(300, 3, 1.0);
    double[] chalLoss = new double[champLoss.length];
    double[] noise = losses(300, 4, 0.05);
    for (int i = 0; i < chalLoss.length; i++) {
      chalLoss[i] = 0.8 * champLoss[i] + noise[i];
    }
    return new GateInputs(
        NAMES,
        es,
        otherSeed,
        explanationsImportance(new double[] {1.8, -1.3, 0.5, 0.25, 0.01}),
        champLoss,
        chalLoss,
        correct(champLoss),
        correct(chalLoss),
        Map.of("auc", 0.83, "accuracy", 0.78, "f1", 0.7));
  }

  static double[] explanationsImportance(double[] w) {
    return GlobalImportance.meanAbs(explanations(w)).values();
  }

  static GateInputs with(
      GateInputs g,
      List<Explanation> es,
      double[] otherSeed,
      double[] champImp,
      double[] champLoss,
      double[] chalLoss,
      Map<String, Double> metrics) {
    return new GateInputs(
        g.featureNames(),
        es,
        otherSeed,
        champImp,
        champLoss,
        chalLoss,
        g.championCorrect(),
        g.challengerCorrect(),
        metrics);
  }

  static CheckResult check(GateReport r, String name) {
    return r.check(name).orElseThrow();
  }

  @Test
  void everythingPassesWithAChampion() {
    GateReport r = Gate.evaluate(config(), good());
    assertThat(r.checks())
        .extracting(CheckResult::name)
        .containsExactly(
            "additivity",
            "forbidden-features",
            "rank-stability",
            "seed-stability",
            "champion-challenger",
            "floors");
    assertThat(r.checks()).allMatch(c -> c.status() == Status.PASS, "all PASS: " + r.reasons());
    assertThat(r.promote()).isTrue();
    assertThat(r.reasons()).hasSize(6).allMatch(s -> s.startsWith("PASS "));
    assertThat(check(r, Gate.ADDITIVITY).numbers().get("maxError")).isLessThan(1e-12);
    assertThat(check(r, Gate.FORBIDDEN_FEATURES).numbers().get("share")).isBetween(0.0, 0.05);
    assertThat(check(r, Gate.RANK_STABILITY).numbers().get("ndcg")).isEqualTo(1.0);
    assertThat(check(r, Gate.SEED_STABILITY).numbers().get("kendallTau")).isEqualTo(1.0);
    Map<String, Double> cc = check(r, Gate.CHAMPION_CHALLENGER).numbers();
    assertThat(cc.get("meanDiff")).isPositive();
    assertThat(cc.get("ciLow")).isPositive().isLessThan(cc.get("ciHigh"));
    assertThat(cc.get("pValue")).isLessThanOrEqualTo(0.05);
    assertThat(cc.get("n")).isEqualTo(300);
    assertThat(cc.get("resamples")).isEqualTo(1000);
    assertThat(cc.get("seed")).isEqualTo(17);
    assertThat(cc).containsKeys("mcnemar.b", "mcnemar.c", "mcnemar.pValue");
    assertThat(check(r, Gate.CHAMPION_CHALLENGER).detail()).contains("n=300", "seed=17", "CI [");
  }

  @Test
  void deterministic() {
    assertThat(Gate.evaluate(config(), good())).isEqualTo(Gate.evaluate(config(), good()));
  }

  @Test
  void additivityFails() {
    GateInputs g = good();
    List<Explanation> es = new java.util.ArrayList<>(g.challengerExplanations());
    Explanation e = es.get(4);
    double[] phi = e.phi();
    phi[1] += 1e-3; // breaks Σφ = f(x) − E f
    es.set(4, new Explanation(phi, e.baseValue(), e.fx()));
    GateReport r =
        Gate.evaluate(
            config(),
            with(
                g,
                es,
                g.challengerImportanceOtherSeed(),
                g.championImportance(),
                g.championLoss(),
                g.challengerLoss(),
                g.challengerMetrics()));
    CheckResult a = check(r, Gate.ADDITIVITY);
    assertThat(a.status()).isEqualTo(Status.FAIL);
    assertThat(a.numbers().get("maxError")).isCloseTo(1e-3, within(1e-9));
    assertThat(a.detail()).contains("worst #4");
    assertThat(r.promote()).isFalse();
    // a looser tolerance accepts it
    GateConfig loose = config().toBuilder().additivityTolerance(1e-2).build();
    assertThat(
            check(
                    Gate.evaluate(
                        loose,
                        with(
                            g,
                            es,
                            g.challengerImportanceOtherSeed(),
                            g.championImportance(),
                            g.championLoss(),
                            g.challengerLoss(),
                            g.challengerMetrics())),
                    Gate.ADDITIVITY)
                .status())
        .isEqualTo(Status.PASS);
  }

  @Test
  void forbiddenFeatureShareFails() {
    GateInputs g = good();
    double[] leaky = {2.0, -1.2, 0.6, 0.3, 1.5}; // the model leans on gender
    GateReport r =
        Gate.evaluate(
            config(), with(g, explanations(leaky), null, null, null, null, g.challengerMetrics()));
    CheckResult f = check(r, Gate.FORBIDDEN_FEATURES);
    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.numbers().get("share")).isGreaterThan(0.05);
    assertThat(f.numbers().get("share.gender")).isEqualTo(f.numbers().get("share"));
    assertThat(r.promote()).isFalse();
    // unconfigured: skipped
    GateConfig none = config().toBuilder().forbiddenFeatures(Set.of()).build();
    assertThat(check(Gate.evaluate(none, g), Gate.FORBIDDEN_FEATURES).status())
        .isEqualTo(Status.SKIPPED);
  }

  @Test
  void rankStabilityFailsOrWarnsByPolicy() {
    GateInputs g = good();
    // the champion ranked the features in the opposite order
    double[] imp = GlobalImportance.meanAbs(g.challengerExplanations()).values();
    double[] reversed = new double[imp.length];
    for (int i = 0; i < imp.length; i++) {
      reversed[i] = 1.0 / (imp[i] + 1e-6);
    }
    GateInputs in =
        with(
            g,
            g.challengerExplanations(),
            g.challengerImportanceOtherSeed(),
            reversed,
            g.championLoss(),
            g.challengerLoss(),
            g.challengerMetrics());
    GateReport fail = Gate.evaluate(config(), in);
    assertThat(check(fail, Gate.RANK_STABILITY).status()).isEqualTo(Status.FAIL);
    assertThat(check(fail, Gate.RANK_STABILITY).numbers().get("ndcg")).isLessThan(0.9);
    assertThat(fail.promote()).isFalse();
    GateReport warn = Gate.evaluate(config().toBuilder().rankPolicy(RankPolicy.WARN).build(), in);
    assertThat(check(warn, Gate.RANK_STABILITY).status()).isEqualTo(Status.WARN);
    assertThat(warn.promote()).isTrue();
    assertThat(warn.withStatus(Status.WARN)).hasSize(1);
  }

  @Test
  void seedStabilityFails() {
    GateInputs g = good();
    double[] imp = GlobalImportance.meanAbs(g.challengerExplanations()).values();
    double[] shuffled = {imp[3], imp[4], imp[0], imp[2], imp[1]};
    GateReport r =
        Gate.evaluate(
            config(),
            with(
                g,
                g.challengerExplanations(),
                shuffled,
                g.championImportance(),
                g.championLoss(),
                g.challengerLoss(),
                g.challengerMetrics()));
    CheckResult s = check(r, Gate.SEED_STABILITY);
    assertThat(s.status()).isEqualTo(Status.FAIL);
    assertThat(s.numbers().get("kendallTau")).isLessThan(0.9);
    assertThat(r.promote()).isFalse();
    GateReport skipped =
        Gate.evaluate(
            config(),
            with(
                g,
                g.challengerExplanations(),
                null,
                g.championImportance(),
                g.championLoss(),
                g.challengerLoss(),
                g.challengerMetrics()));
    assertThat(check(skipped, Gate.SEED_STABILITY).status()).isEqualTo(Status.SKIPPED);
  }

  @Test
  void championChallengerFailsWhenNotSignificantOrTooSmall() {
    GateInputs g = good();
    // the same losses: no improvement
    GateReport same =
        Gate.evaluate(
            config(),
            with(
                g,
                g.challengerExplanations(),
                g.challengerImportanceOtherSeed(),
                g.championImportance(),
                g.championLoss(),
                g.championLoss(),
                g.challengerMetrics()));
    CheckResult c = check(same, Gate.CHAMPION_CHALLENGER);
    assertThat(c.status()).isEqualTo(Status.FAIL);
    assertThat(c.numbers().get("pValue")).isEqualTo(1.0);
    assertThat(same.promote()).isFalse();
    // significant, but smaller than the required effect
    double meanDiff =
        check(Gate.evaluate(config(), g), Gate.CHAMPION_CHALLENGER).numbers().get("meanDiff");
    GateConfig demanding = config().toBuilder().minEffect(meanDiff * 2).build();
    CheckResult small = check(Gate.evaluate(demanding, g), Gate.CHAMPION_CHALLENGER);
    assertThat(small.status()).isEqualTo(Status.FAIL);
    assertThat(small.numbers().get("pValue")).isLessThanOrEqualTo(0.05);
    assertThat(small.detail()).contains("< min effect");
    // unpaired losses
    GateReport unpaired =
        Gate.evaluate(
            config(),
            with(
                g,
                g.challengerExplanations(),
                g.challengerImportanceOtherSeed(),
                g.championImportance(),
                g.championLoss(),
                losses(299, 1, 1),
                g.challengerMetrics()));
    assertThat(check(unpaired, Gate.CHAMPION_CHALLENGER).status()).isEqualTo(Status.FAIL);
    assertThat(check(unpaired, Gate.CHAMPION_CHALLENGER).detail()).contains("not paired");
  }

  @Test
  void floorsFailBelowOrMissing() {
    GateInputs g = good();
    GateReport low =
        Gate.evaluate(
            config(),
            with(
                g,
                g.challengerExplanations(),
                g.challengerImportanceOtherSeed(),
                g.championImportance(),
                g.championLoss(),
                g.challengerLoss(),
                Map.of("auc", 0.65, "accuracy", 0.9)));
    CheckResult f = check(low, Gate.FLOORS);
    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.detail()).isEqualTo("accuracy 0.9 ≥ 0.6, auc 0.65 < 0.7");
    assertThat(low.promote()).isFalse();
    GateReport missing =
        Gate.evaluate(
            config(),
            with(
                g,
                g.challengerExplanations(),
                g.challengerImportanceOtherSeed(),
                g.championImportance(),
                g.championLoss(),
                g.challengerLoss(),
                Map.of("accuracy", 0.9)));
    assertThat(check(missing, Gate.FLOORS).status()).isEqualTo(Status.FAIL);
    assertThat(check(missing, Gate.FLOORS).detail()).contains("auc missing");
  }

  @Test
  void firstModelWithoutChampion() {
    GateInputs g = good();
    GateInputs first =
        new GateInputs(
            NAMES,
            g.challengerExplanations(),
            g.challengerImportanceOtherSeed(),
            null,
            null,
            g.challengerLoss(),
            null,
            g.challengerCorrect(),
            g.challengerMetrics());
    assertThat(first.hasChampion()).isFalse();
    GateReport r = Gate.evaluate(config(), first);
    assertThat(check(r, Gate.RANK_STABILITY).status()).isEqualTo(Status.SKIPPED);
    assertThat(check(r, Gate.CHAMPION_CHALLENGER).status()).isEqualTo(Status.SKIPPED);
    assertThat(check(r, Gate.CHAMPION_CHALLENGER).detail()).contains("no champion");
    assertThat(check(r, Gate.ADDITIVITY).status()).isEqualTo(Status.PASS);
    assertThat(check(r, Gate.FLOORS).status()).isEqualTo(Status.PASS);
    assertThat(r.promote()).isTrue();
    assertThat(r.reasons()).filteredOn(s -> s.startsWith("SKIPPED")).hasSize(2);
    // still held to the floors
    GateReport weak =
        Gate.evaluate(
            config(),
            new GateInputs(
                NAMES,
                g.challengerExplanations(),
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of("auc", 0.5, "accuracy", 0.5)));
    assertThat(weak.promote()).isFalse();
    assertThat(weak.withStatus(Status.FAIL))
        .extracting(CheckResult::name)
        .containsExactly("floors");
  }

  @Test
  void noExplanationsFails() {
    GateReport r =
        Gate.evaluate(
            config(),
            new GateInputs(
                NAMES,
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of("auc", 0.9, "accuracy", 0.9)));
    assertThat(check(r, Gate.ADDITIVITY).status()).isEqualTo(Status.FAIL);
    assertThat(check(r, Gate.FORBIDDEN_FEATURES).status()).isEqualTo(Status.FAIL);
    assertThat(r.promote()).isFalse();
  }
}
