package io.driftgate.streaming.scoring;

/** Beam metric names of the scoring stage and the label join. */
public final class ScoringMetrics {
  public static final String NAMESPACE = "driftgate.scoring";
  public static final String SCORED = "records_scored";
  public static final String UNSCORED = "records_unscored";
  public static final String MODEL_SWITCHES = "model_switches";
  public static final String LABELLED = "labelled_predictions";

  private ScoringMetrics() {}
}
