package io.driftgate.core.explain;

import java.util.Arrays;

/**
 * Shapley attribution of one prediction.
 *
 * @param phi one value per player (feature or feature group)
 * @param baseValue E f over the background (the value of the empty coalition)
 * @param fx the model output at the explained point
 */
public record Explanation(double[] phi, double baseValue, double fx) {

  public Explanation {
    phi = phi.clone();
  }

  @Override
  public double[] phi() {
    return phi.clone();
  }

  /** Number of players. */
  public int size() {
    return phi.length;
  }

  /** Attribution of one player. */
  public double phi(int i) {
    return phi[i];
  }

  /** Sum of the attributions. */
  public double sum() {
    double s = 0;
    for (double v : phi) {
      s += v;
    }
    return s;
  }

  /** |Σφ − (f(x) − E f)|: zero up to rounding for an exact or constrained explainer. */
  public double additivityError() {
    return Math.abs(sum() - (fx - baseValue));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Explanation e
        && Arrays.equals(phi, e.phi)
        && Double.compare(baseValue, e.baseValue) == 0
        && Double.compare(fx, e.fx) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(phi) + Double.hashCode(baseValue)) + Double.hashCode(fx);
  }

  @Override
  public String toString() {
    return "Explanation[phi="
        + Arrays.toString(phi)
        + ", baseValue="
        + baseValue
        + ", fx="
        + fx
        + "]";
  }
}
