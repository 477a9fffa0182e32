package io.driftgate.core.gate;

import io.driftgate.core.explain.Explanation;
import io.driftgate.core.explain.GlobalImportance;
import io.driftgate.core.gate.CheckResult.Status;
import io.driftgate.core.stats.BootstrapResult;
import io.driftgate.core.stats.McNemar;
import io.driftgate.core.stats.McNemarResult;
import io.driftgate.core.stats.PairedBootstrap;
import io.driftgate.core.stats.RankMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SHAP validation gate and champion/challenger test: a pure, deterministic function of its
 * config and inputs. Checks, in order: {@value #ADDITIVITY}, {@value #FORBIDDEN_FEATURES}, {@value
 * #RANK_STABILITY} (nDCG vs champion), {@value #SEED_STABILITY} (Kendall τ across seeds), {@value
 * #CHAMPION_CHALLENGER} (paired bootstrap on per-example loss) and {@value #FLOORS}.
 */
public final class Gate {

  public static final String ADDITIVITY = "additivity";
  public static final String FORBIDDEN_FEATURES = "forbidden-features";
  public static final String RANK_STABILITY = "rank-stability";
  public static final String SEED_STABILITY = "seed-stability";
  public static final String CHAMPION_CHALLENGER = "champion-challenger";
  public static final String FLOORS = "floors";

  private Gate() {}

  /** Runs every check; {@link GateReport#promote()} is true when none failed. */
  public static GateReport evaluate(GateConfig config, GateInputs inputs) {
    double[] importance = importance(inputs);
    List<CheckResult> checks = new ArrayList<>();
    checks.add(additivity(config, inputs));
    checks.add(forbidden(config, inputs, importance));
    checks.add(rankStability(config, inputs, importance));
    checks.add(seedStability(config, inputs, importance));
    checks.add(championChallenger(config, inputs));
    checks.add(floors(config, inputs));
    return new GateReport(checks);
  }

  /** Challenger mean |φ|, or null when the explanations are missing or do not fit the features. */
  private static double[] importance(GateInputs in) {
    List<Explanation> es = in.challengerExplanations();
    if (es.isEmpty()) {
      return null;
    }
    for (Explanation e : es) {
      if (e.size() != in.featureNames().size()) {
        return null;
      }
    }
    return GlobalImportance.meanAbs(es).values();
  }

  private static String noImportance(GateInputs in) {
    return in.challengerExplanations().isEmpty()
        ? "no challenger explanations"
        : "explanations do not have one value per feature (" + in.featureNames().size() + ")";
  }

  static CheckResult additivity(GateConfig cfg, GateInputs in) {
    List<Explanation> es = in.challengerExplanations();
    Map<String, Double> nums = new LinkedHashMap<>();
    nums.put("tolerance", cfg.additivityTolerance());
    nums.put("explanations", (double) es.size());
    if (es.isEmpty()) {
      return new CheckResult(ADDITIVITY, Status.FAIL, "no challenger explanations", nums);
    }
    double max = 0;
    double sum = 0;
    int worst = 0;
    for (int i = 0; i < es.size(); i++) {
      double err = es.get(i).additivityError();
      if (!(err <= max) || Double.isNaN(err)) {
        max = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
        worst = i;
      }
      sum += err;
    }
    nums.put("maxError", max);
    nums.put("meanError", sum / es.size());
    boolean ok = max <= cfg.additivityTolerance();
    String detail =
        fmt(
            "max |Σφ − (f(x) − E f)| = %s %s tolerance %s over %d explanations (worst #%d)",
            num(max), ok ? "≤" : ">", num(cfg.additivityTolerance()), es.size(), worst);
    return new CheckResult(ADDITIVITY, ok ? Status.PASS : Status.FAIL, detail, nums);
  }

  static CheckResult forbidden(GateConfig cfg, GateInputs in, double[] importance) {
    Map<String, Double> nums = new LinkedHashMap<>();
    nums.put("maxShare", cfg.maxForbiddenShare());
    if (cfg.forbiddenFeatures().isEmpty()) {
      return new CheckResult(
          FORBIDDEN_FEATURES, Status.SKIPPED, "no forbidden features configured", nums);
    }
    if (importance == null) {
      return new CheckResult(FORBIDDEN_FEATURES, Status.FAIL, noImportance(in), nums);
    }
    double total = 0;
    for (double v : importance) {
      total += v;
    }
    double forbidden = 0;
    List<String> present = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    for (String f : cfg.forbiddenFeatures()) {
      int i = in.featureNames().indexOf(f);
      if (i < 0) {
        absent.add(f);
        continue;
      }
      present.add(f);
      double share = total > 0 ? importance[i] / total : 0;
      nums.put("share." + f, share);
      forbidden += importance[i];
    }
    double share = total > 0 ? forbidden / total : 0;
    nums.put("share", share);
    boolean ok = share <= cfg.maxForbiddenShare();
    String detail =
        fmt(
            "forbidden features %s hold %s of mean |φ| %s max %s",
            present, num(share), ok ? "≤" : ">", num(cfg.maxForbiddenShare()));
    if (!absent.isEmpty()) {
      detail += "; not among the model's features: " + absent;
    }
    return new CheckResult(FORBIDDEN_FEATURES, ok ? Status.PASS : Status.FAIL, detail, nums);
  }

  static CheckResult rankStability(GateConfig cfg, GateInputs in, double[] importance) {
    Map<String, Double> nums = new LinkedHashMap<>();
    nums.put("minNdcg", cfg.minNdcg());
    if (in.championImportance() == null) {
      return new CheckResult(
          RANK_STABILITY, Status.SKIPPED, "no champion importance to compare with", nums);
    }
    if (importance == null) {
      return new CheckResult(RANK_STABILITY, Status.FAIL, noImportance(in), nums);
    }
    int k =
        cfg.ndcgTopK() <= 0 || cfg.ndcgTopK() > importance.length
            ? importance.length
            : cfg.ndcgTopK();
    double ndcg = RankMetrics.ndcg(in.championImportance(), importance, k);
    nums.put("ndcg", ndcg);
    nums.put("k", (double) k);
    boolean ok = ndcg >= cfg.minNdcg();
    String detail =
        fmt(
            "nDCG@%d of the challenger's importance ranking vs the champion's = %s %s min %s",
            k, num(ndcg), ok ? "≥" : "<", num(cfg.minNdcg()));
    return new CheckResult(RANK_STABILITY, ok ? Status.PASS : policy(cfg), detail, nums);
  }

  static CheckResult seedStability(GateConfig cfg, GateInputs in, double[] importance) {
    Map<String, Double> nums = new LinkedHashMap<>();
    nums.put("minKendallTau", cfg.minKendallTau());
    if (in.challengerImportanceOtherSeed() == null) {
      return new CheckResult(
          SEED_STABILITY, Status.SKIPPED, "no second-seed challenger importance", nums);
    }
    if (importance == null) {
      return new CheckResult(SEED_STABILITY, Status.FAIL, noImportance(in), nums);
    }
    double tau = RankMetrics.kendallTau(importance, in.challengerImportanceOtherSeed());
    nums.put("kendallTau", tau);
    if (Double.isNaN(tau)) {
      return new CheckResult(
          SEED_STABILITY,
          policy(cfg),
          "Kendall τ-b undefined: an importance vector is constant",
          nums);
    }
    boolean ok = tau >= cfg.minKendallTau();
    String detail =
        fmt(
            "Kendall τ-b between the challenger's importances from two seeds = %s %s min %s",
            num(tau), ok ? "≥" : "<", num(cfg.minKendallTau()));
    return new CheckResult(SEED_STABILITY, ok ? Status.PASS : policy(cfg), detail, nums);
  }

  static CheckResult championChallenger(GateConfig cfg, GateInputs in) {
    Map<String, Double> nums = new LinkedHashMap<>();
    nums.put("alpha", cfg.alpha());
    nums.put("minEffect", cfg.minEffect());
    if (!in.hasChampion()) {
      return new CheckResult(CHAMPION_CHALLENGER, Status.SKIPPED, "no champion: first model", nums);
    }
    double[] champ = in.championLoss();
    double[] chal = in.challengerLoss();
    if (chal == null || chal.length != champ.length || champ.length == 0) {
      return new CheckResult(
          CHAMPION_CHALLENGER,
          Status.FAIL,
          fmt(
              "losses are not paired: champion %d, challenger %s examples",
              champ.length, chal == null ? "no" : String.valueOf(chal.length)),
          nums);
    }
    BootstrapResult r;
    try {
      r = PairedBootstrap.test(champ, chal, cfg.bootstrapResamples(), cfg.seed(), cfg.alpha());
    } catch (IllegalArgumentException e) {
      return new CheckResult(CHAMPION_CHALLENGER, Status.FAIL, e.getMessage(), nums);
    }
    nums.put("meanDiff", r.meanDiff());
    nums.put("ciLow", r.ciLow());
    nums.put("ciHigh", r.ciHigh());
    nums.put("pValue", r.pValue());
    nums.put("n", (double) r.n());
    nums.put("resamples", (double) r.resamples());
    nums.put("seed", (double) r.seed());
    boolean significant = r.pValue() <= cfg.alpha();
    boolean bigEnough = r.meanDiff() >= cfg.minEffect();
    String detail =
        fmt(
            "mean loss improvement (champion − challenger) %s, %s%% CI [%s, %s], one-sided p %s"
                + " %s alpha %s, %s min effect %s; n=%d, resamples=%d, seed=%d",
            num(r.meanDiff()),
            num(100 * (1 - cfg.alpha())),
            num(r.ciLow()),
            num(r.ciHigh()),
            num(r.pValue()),
            significant ? "≤" : ">",
            num(cfg.alpha()),
            bigEnough ? "≥" : "<",
            num(cfg.minEffect()),
            r.n(),
            r.resamples(),
            r.seed());
    boolean[] cc = in.championCorrect();
    boolean[] xc = in.challengerCorrect();
    if (cc != null && xc != null && cc.length == xc.length) {
      McNemarResult m = McNemar.test(cc, xc);
      nums.put("mcnemar.b", (double) m.b());
      nums.put("mcnemar.c", (double) m.c());
      nums.put("mcnemar.pValue", m.pValue());
      detail +=
          fmt(
              "; McNemar b=%d c=%d p=%s (%s, informational)",
              m.b(), m.c(), num(m.pValue()), m.exact() ? "exact" : "chi²");
    }
    return new CheckResult(
        CHAMPION_CHALLENGER, significant && bigEnough ? Status.PASS : Status.FAIL, detail, nums);
  }

  static CheckResult floors(GateConfig cfg, GateInputs in) {
    Map<String, Double> nums = new LinkedHashMap<>();
    if (cfg.floors().isEmpty()) {
      return new CheckResult(FLOORS, Status.SKIPPED, "no floors configured", nums);
    }
    List<String> parts = new ArrayList<>();
    boolean ok = true;
    for (Map.Entry<String, Double> f : cfg.floors().entrySet()) {
      Double v = in.challengerMetrics().get(f.getKey());
      nums.put("floor." + f.getKey(), f.getValue());
      if (v == null || v.isNaN()) {
        ok = false;
        parts.add(f.getKey() + " missing (floor " + num(f.getValue()) + ")");
        continue;
      }
      nums.put(f.getKey(), v);
      boolean pass = v >= f.getValue();
      ok &= pass;
      parts.add(f.getKey() + " " + num(v) + (pass ? " ≥ " : " < ") + num(f.getValue()));
    }
    return new CheckResult(FLOORS, ok ? Status.PASS : Status.FAIL, String.join(", ", parts), nums);
  }

  private static Status policy(GateConfig cfg) {
    return cfg.rankPolicy() == RankPolicy.FAIL ? Status.FAIL : Status.WARN;
  }

  private static String num(double v) {
    if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
      return String.valueOf(v == 0 ? 0 : v);
    }
    double a = Math.abs(v);
    return a >= 1e-3 && a < 1e6
        ? String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "")
        : String.format(Locale.ROOT, "%.3e", v);
  }

  private static String fmt(String f, Object... args) {
    return String.format(Locale.ROOT, f, args);
  }
}
