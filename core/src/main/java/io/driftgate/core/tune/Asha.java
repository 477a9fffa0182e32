package io.driftgate.core.tune;

import java.util.ArrayList;
import java.util.List;

/**
 * Successive halving early stopping (ASHA): rungs at epochs r, r·η, r·η², … below {@code
 * maxEpochs}; a trial reaching a rung continues only when its objective is in the top 1/η of the
 * trials that reached that rung so far.
 *
 * @param minEpochs r, the first rung (≥ 1)
 * @param eta η, the reduction factor (≥ 2)
 * @param maxEpochs the full training length; no rung at or past it
 */
public record Asha(int minEpochs, int eta, int maxEpochs) {
  public Asha {
    if (minEpochs < 1 || eta < 2 || maxEpochs < minEpochs) {
      throw new IllegalArgumentException(
          "asha needs minEpochs >= 1, eta >= 2, maxEpochs >= minEpochs; got "
              + minEpochs
              + ", "
              + eta
              + ", "
              + maxEpochs);
    }
  }

  /** The rung epochs r·η^k that are below {@code maxEpochs}. */
  public List<Integer> rungs() {
    List<Integer> out = new ArrayList<>();
    for (long r = minEpochs; r < maxEpochs; r *= eta) {
      out.add((int) r);
    }
    return out;
  }
}
