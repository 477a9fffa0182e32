package io.driftgate.core.gate;

import io.driftgate.core.explain.Explanation;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the gate judges. Losses and correctness of both models are per example on the same newest
 * validation data, in the same order.
 *
 * @param featureNames feature names, in the explanations' player order
 * @param challengerExplanations SHAP explanations of the challenger on validation points
 * @param challengerImportanceOtherSeed global importance (mean |φ|) of the challenger trained with
 *     a second seed; null skips the seed stability check
 * @param championImportance global importance of the champion; null skips the rank check
 * @param championLoss champion per-example loss; null when there is no champion
 * @param challengerLoss challenger per-example loss; null only without a champion
 * @param championCorrect champion per-example correctness (McNemar, informational); nullable
 * @param challengerCorrect challenger per-example correctness; nullable
 * @param challengerMetrics challenger metrics by name, for the floors
 */
public record GateInputs(
    List<String> featureNames,
    List<Explanation> challengerExplanations,
    double[] challengerImportanceOtherSeed,
    double[] championImportance,
    double[] championLoss,
    double[] challengerLoss,
    boolean[] championCorrect,
    boolean[] challengerCorrect,
    Map<String, Double> challengerMetrics) {

  public GateInputs {
    featureNames = List.copyOf(Objects.requireNonNull(featureNames, "featureNames"));
    challengerExplanations =
        List.copyOf(Objects.requireNonNull(challengerExplanations, "challengerExplanations"));
    challengerMetrics = Map.copyOf(Objects.requireNonNull(challengerMetrics, "challengerMetrics"));
    checkWidth("challengerImportanceOtherSeed", challengerImportanceOtherSeed, featureNames.size());
    checkWidth("championImportance", championImportance, featureNames.size());
    challengerImportanceOtherSeed = copy(challengerImportanceOtherSeed);
    championImportance = copy(championImportance);
    championLoss = copy(championLoss);
    challengerLoss = copy(challengerLoss);
    championCorrect = championCorrect == null ? null : championCorrect.clone();
    challengerCorrect = challengerCorrect == null ? null : challengerCorrect.clone();
  }

  private static void checkWidth(String what, double[] v, int n) {
    if (v != null && v.length != n) {
      throw new IllegalArgumentException(
          what + " has " + v.length + " values for " + n + " features");
    }
  }

  private static double[] copy(double[] v) {
    return v == null ? null : v.clone();
  }

  /** Whether a champion is being challenged. */
  public boolean hasChampion() {
    return championLoss != null;
  }
}
