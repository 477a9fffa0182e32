package io.driftgate.core.explain;

/**
 * A model seen as a plain batched function: one output per input row (for a binary classifier,
 * typically the probability of the positive class). Explainers never hold on to the rows they pass
 * in, and implementations must not keep them either: the arrays are reused between calls.
 */
@FunctionalInterface
public interface BatchModel {

  /**
   * Evaluates the model.
   *
   * @param rows input rows, each of the model's feature count
   * @return one output per row, in row order
   */
  double[] predict(double[][] rows);
}
