package io.driftgate.core.explain;

import java.util.ArrayList;
import java.util.List;

/** Explains model outputs with Shapley values. Implementations are deterministic. */
public interface Explainer {

  /** Explains one point. */
  Explanation explain(double[] x);

  /**
   * Explains many points. Every point is explained exactly as {@link #explain(double[])} would, but
   * implementations may share model batches across points.
   */
  default List<Explanation> explainAll(double[][] xs) {
    List<Explanation> out = new ArrayList<>(xs.length);
    for (double[] x : xs) {
      out.add(explain(x));
    }
    return out;
  }
}
