package io.driftgate.core.spec;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses {@code training}. Each key falls back to its own default only: an invalid value is
 * reported under its key and never swaps the other, valid values for defaults.
 */
final class TrainingSection {
  static final List<String> KEYS =
      List.of(
          "seed",
          "epochs",
          "learningRate",
          "momentum",
          "batchSize",
          "validationFraction",
          "model",
          "params");

  private TrainingSection() {}

  static TrainingSpec parse(SpecReader r, Map<String, Object> root) {
    Map<String, Object> m = r.section(root, "", "training", false, KEYS);
    if (m == null) {
      return TrainingSpec.defaults();
    }
    String p = "training";
    long seed = r.whole(m, p, "seed", TrainingSpec.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
    int epochs = r.wholeInt(m, p, "epochs", TrainingSpec.DEFAULT_EPOCHS, 1, Integer.MAX_VALUE);
    double lr = r.number(m, p, "learningRate", TrainingSpec.DEFAULT_LEARNING_RATE);
    if (lr <= 0) {
      r.err(p + ".learningRate", m.get("learningRate"), "is not positive", "expected e.g. 0.05");
    }
    double momentum = r.number(m, p, "momentum", TrainingSpec.DEFAULT_MOMENTUM);
    if (momentum < 0 || momentum >= 1) {
      r.err(p + ".momentum", m.get("momentum"), "is outside [0, 1)", "expected e.g. 0.9");
    }
    int batch =
        r.wholeInt(m, p, "batchSize", TrainingSpec.DEFAULT_BATCH_SIZE, 1, Integer.MAX_VALUE);
    double vf = r.number(m, p, "validationFraction", TrainingSpec.DEFAULT_VALIDATION_FRACTION);
    if (vf <= 0 || vf >= 1) {
      r.err(
          p + ".validationFraction",
          m.get("validationFraction"),
          "is outside (0, 1)",
          "expected a fraction such as 0.2");
    }
    String model = null;
    Object mv = m.get("model");
    if (mv != null) {
      if (mv instanceof String ms && !ms.isBlank()) {
        model = ms.trim();
      } else {
        r.err(
            p + ".model",
            mv,
            "is not an architecture name",
            "write one of mlp (tabular), cnn or resnet18 (images), bert (text), or leave it out"
                + " for the default of the features' modality");
      }
    }
    Map<String, String> params = new TreeMap<>();
    Object pv = m.get("params");
    if (pv != null) {
      if (pv instanceof Map<?, ?> pm) {
        for (Map.Entry<?, ?> e : pm.entrySet()) {
          String key = String.valueOf(e.getKey());
          Object v = e.getValue();
          if (v == null || v instanceof Map || v instanceof List) {
            r.err(
                p + ".params." + key,
                v,
                "is not a single value",
                "write a number, word or comma-separated list, e.g. augment: shift");
          } else if (key.equals("model")) {
            r.err(p + ".params.model", v, "duplicates training.model", "write training.model");
          } else {
            params.put(key, String.valueOf(v));
          }
        }
      } else {
        r.err(
            p + ".params",
            pv,
            "is not a mapping",
            "write trainer parameter: value pairs, e.g. params: {augment: shift, shift: 2}");
      }
    }
    return new TrainingSpec(seed, epochs, lr, momentum, batch, vf, model, params);
  }
}
