package io.driftgate.core.spec;

import java.util.List;
import java.util.Map;

/**
 * Parses {@code training}. Each key falls back to its own default only: an invalid value is
 * reported under its key and never swaps the other, valid values for defaults.
 */
final class TrainingSection {
  static final List<String> KEYS =
      List.of("seed", "epochs", "learningRate", "momentum", "batchSize", "validationFraction");

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
    return new TrainingSpec(seed, epochs, lr, momentum, batch, vf);
  }
}
