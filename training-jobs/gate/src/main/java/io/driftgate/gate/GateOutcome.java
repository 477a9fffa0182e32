package io.driftgate.gate;

import io.driftgate.core.explain.Explanation;
import io.driftgate.core.gate.CheckResult;
import io.driftgate.core.gate.GateConfig;
import io.driftgate.core.gate.GateReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one gate run produced: the report and the evidence behind it (for the HTML report and
 * the ledger).
 *
 * @param model model name (the spec's {@code model})
 * @param report the gate's verdict, check by check
 * @param config the settings it ran with
 * @param challengerDir the challenger's directory
 * @param championDir the champion's directory, or null
 * @param validationFrom inclusive start of the validation rows (epoch millis)
 * @param validationTo exclusive end
 * @param validationRows number of rows both models were scored on
 * @param lakeSnapshot the lake snapshot (records table) the rows were read from
 * @param challengerMetrics challenger metrics on those rows ({@link
 *     io.driftgate.core.stats.Metrics} names)
 * @param championMetrics champion metrics on the same rows; empty without a champion
 * @param featureNames the SHAP players: the challenger's spec features
 * @param explanations challenger SHAP explanations (first seed), one φ per feature
 * @param explainedValues feature value per explained point and feature, scaled to [0, 1] for
 *     colouring (numeric: rank among the points; categorical: category index / vocabulary), NaN
 *     when missing
 * @param challengerImportance mean |φ| (first seed)
 * @param challengerImportanceOtherSeed mean |φ| with the second seed
 * @param championImportance the champion's mean |φ| by challenger feature (0 for features it does
 *     not use), or null
 * @param championImportanceSource {@code stored} (its gate/importance.json), {@code recomputed}, or
 *     null
 * @param millis wall time of the run
 * @param evaluation both models' scores on the validation rows (for the curves), or null
 * @param trigger what triggered the gated run (for the link to its drift evidence), or null
 * @param attributions an image or text challenger's attributions on a few validation samples (the
 *     report's overlays and highlighted tokens), or null
 */
public record GateOutcome(
    String model,
    GateReport report,
    GateConfig config,
    Path challengerDir,
    Path championDir,
    long validationFrom,
    long validationTo,
    int validationRows,
    Long lakeSnapshot,
    Map<String, Double> challengerMetrics,
    Map<String, Double> championMetrics,
    List<String> featureNames,
    List<Explanation> explanations,
    double[][] explainedValues,
    double[] challengerImportance,
    double[] challengerImportanceOtherSeed,
    double[] championImportance,
    String championImportanceSource,
    long millis,
    Evaluation evaluation,
    TriggerEvidence trigger,
    Attributions attributions) {

  /** Attributions of an image or text challenger (either list may be empty). */
  public record Attributions(
      List<AttributionHtml.ImageCase> images, List<AttributionHtml.TextCase> texts) {
    public Attributions {
      images = List.copyOf(images);
      texts = List.copyOf(texts);
    }
  }

  public boolean promote() {
    return report.promote();
  }

  /** Challenger minus champion per metric both have; empty without a champion. */
  public Map<String, Double> metricDeltas() {
    Map<String, Double> d = new LinkedHashMap<>();
    challengerMetrics.forEach(
        (k, v) -> {
          Double c = championMetrics.get(k);
          if (c != null) {
            d.put(k, v - c);
          }
        });
    return d;
  }

  /** A JSON-compatible summary (no NaN or infinities) for the ledger and {@code gate/report}. */
  public Map<String, Object> summary() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("promote", promote());
    m.put("validationFrom", validationFrom);
    m.put("validationTo", validationTo);
    m.put("validationRows", validationRows);
    m.put("lakeSnapshot", lakeSnapshot);
    List<Map<String, Object>> checks = new ArrayList<>();
    for (CheckResult c : report.checks()) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("name", c.name());
      cm.put("status", c.status().name());
      cm.put("detail", c.detail());
      cm.put("numbers", finite(c.numbers()));
      checks.add(cm);
    }
    m.put("checks", checks);
    m.put("challengerMetrics", finite(challengerMetrics));
    m.put("championMetrics", finite(championMetrics));
    m.put("metricDeltas", finite(metricDeltas()));
    Map<String, Object> imp = new LinkedHashMap<>();
    for (int i = 0; i < featureNames.size(); i++) {
      imp.put(featureNames.get(i), fin(challengerImportance[i]));
    }
    m.put("importance", imp);
    return m;
  }

  static Map<String, Object> finite(Map<String, Double> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, fin(v)));
    return out;
  }

  static Object fin(Double v) {
    return v == null || v.isNaN() || v.isInfinite() ? null : v;
  }
}
