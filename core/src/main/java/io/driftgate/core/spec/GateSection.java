package io.driftgate.core.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code gate}: the promotion gate's test, floors and forbidden features. */
final class GateSection {
  static final List<String> KEYS = List.of("alpha", "minEffect", "floors", "forbiddenFeatures");

  private GateSection() {}

  static GateSpec parse(SpecReader r, Map<String, Object> root) {
    Map<String, Object> m = r.section(root, "", "gate", false, KEYS);
    if (m == null) {
      return GateSpec.defaults();
    }
    Double alpha = r.number(m, "gate", "alpha", GateSpec.DEFAULT_ALPHA);
    if (alpha != null && (alpha <= 0 || alpha >= 1)) {
      r.err("gate.alpha", m.get("alpha"), "is outside (0, 1)", "expected e.g. 0.05");
    }
    Double minEffect = r.number(m, "gate", "minEffect", GateSpec.DEFAULT_MIN_EFFECT);
    if (minEffect != null && minEffect < 0) {
      r.err("gate.minEffect", m.get("minEffect"), "is negative", "expected 0 or more, e.g. 0.01");
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
    return new GateSpec(alpha, minEffect, floors, forbidden);
  }
}
