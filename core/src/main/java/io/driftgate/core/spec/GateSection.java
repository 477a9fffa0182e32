package io.driftgate.core.spec;

import io.driftgate.core.gate.GateConfig;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code gate} into the gate's one settings record, {@link GateConfig}: the spec sets the
 * test's alpha and minimum effect, the floors and the forbidden features; the rest keep their
 * defaults until a gate request sets them.
 */
final class GateSection {
  private static final GateConfig DEFAULTS = GateConfig.defaults();

  static final List<String> KEYS = List.of("alpha", "minEffect", "floors", "forbiddenFeatures");

  private GateSection() {}

  static GateConfig parse(SpecReader r, Map<String, Object> root) {
    Map<String, Object> m = r.section(root, "", "gate", false, KEYS);
    if (m == null) {
      return GateConfig.defaults();
    }
    Double alpha = r.number(m, "gate", "alpha", DEFAULTS.alpha());
    if (alpha <= 0 || alpha >= 1) {
      r.err("gate.alpha", m.get("alpha"), "is outside (0, 1)", "expected e.g. 0.05");
      alpha = DEFAULTS.alpha();
    }
    Double minEffect = r.number(m, "gate", "minEffect", DEFAULTS.minEffect());
    if (minEffect < 0) {
      r.err("gate.minEffect", m.get("minEffect"), "is negative", "expected 0 or more, e.g. 0.01");
      minEffect = DEFAULTS.minEffect();
    }
    Map<String, Double> floors = new LinkedHashMap<>();
    Object fv = m.get("floors");
    if (fv != null) {
      if (fv instanceof Map<?, ?> fm) {
        for (Map.Entry<?, ?> e : fm.entrySet()) {
          String metric = String.valueOf(e.getKey());
          Double d = r.toDouble("gate.floors." + metric, e.getValue());
          if (d != null) {
            floors.put(metric, d);
          }
        }
      } else {
        r.err(
            "gate.floors",
            fv,
            "is not a mapping",
            "write metric: minimum pairs, e.g. floors: {auc: 0.7}");
      }
    }
    List<String> forbidden = r.strings(m, "gate", "forbiddenFeatures");
    return GateConfig.builder()
        .alpha(alpha)
        .minEffect(minEffect)
        .floors(floors)
        .forbiddenFeatures(new LinkedHashSet<>(forbidden))
        .build();
  }

  /** Floors that only a binary model's metrics have ({@code Metrics.all}'s binary views). */
  static final List<String> BINARY_ONLY_FLOORS =
      List.of("auc", "roc_auc", "precision", "recall", "f1");

  /**
   * A floor on a binary-only metric (AUC, precision, recall, F1) is an error for a multiclass label
   * (a multiclass model has accuracy = top1, top5 and log_loss), unless its declared classes are
   * only 0 and 1 (the trainer then makes a binary model).
   */
  static void checkFloors(SpecReader r, GateConfig gate, LabelSpec label) {
    if (label == null || label.kind() != LabelKind.MULTICLASS) {
      return;
    }
    if (!label.classes().isEmpty() && label.classes().stream().allMatch(c -> c <= 1)) {
      return;
    }
    for (Map.Entry<String, Double> f : gate.floors().entrySet()) {
      if (BINARY_ONLY_FLOORS.contains(f.getKey())) {
        r.err(
            "gate.floors." + f.getKey(),
            f.getValue(),
            "is a floor on a binary-only metric, and label.kind is multiclass (a multiclass"
                + " model has no "
                + f.getKey()
                + ")",
            "fix: floor accuracy (= top1), top5 or log_loss instead, e.g. floors: {accuracy: "
                + f.getValue()
                + "}");
      }
    }
  }
}
