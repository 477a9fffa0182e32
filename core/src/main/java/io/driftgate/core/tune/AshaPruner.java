package io.driftgate.core.tune;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Asynchronous successive-halving decisions, made as epoch results arrive. A trial is judged once
 * per rung, at its first reported epoch at or past the rung: with n trials recorded at the rung
 * (itself included), it continues iff fewer than ceil(n/η) recorded trials are strictly better. The
 * first trial at a rung therefore always continues. Not thread-safe.
 */
public final class AshaPruner {
  private final Asha asha;
  private final Objective objective;
  private final List<Integer> rungs;
  private final Map<Integer, Map<Integer, Double>> recorded = new TreeMap<>();
  private final Map<Integer, Integer> judgedUpTo = new HashMap<>();

  public AshaPruner(Asha asha, Objective objective) {
    this.asha = asha;
    this.objective = objective;
    this.rungs = asha.rungs();
    rungs.forEach(r -> recorded.put(r, new HashMap<>()));
  }

  /**
   * Records the objective of trial {@code index} at {@code epoch}.
   *
   * @return false when the trial should stop (pruned at a rung), true to continue
   */
  public boolean report(int index, int epoch, double value) {
    if (!Double.isFinite(value)) {
      return true; // NaN handling is the runner's: the trial fails, it is not pruned
    }
    boolean keep = true;
    int done = judgedUpTo.getOrDefault(index, 0);
    for (int rung : rungs) {
      if (rung <= done || rung > epoch) {
        continue;
      }
      judgedUpTo.put(index, rung);
      Map<Integer, Double> at = recorded.get(rung);
      at.put(index, value);
      long better = at.values().stream().filter(v -> objective.isBetter(v, value)).count();
      long quota = (at.size() + asha.eta() - 1) / asha.eta();
      if (better >= quota) {
        keep = false;
        break;
      }
    }
    return keep;
  }

  /** The values recorded at each rung (for reports and tests). */
  public Map<Integer, Map<Integer, Double>> recorded() {
    return recorded;
  }
}
