package io.driftgate.core.spec;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The streaming job's scoring stage ({@code scoring}): the current champion scores every valid
 * record, predictions go to the lake's {@code predictions} table, and the champion's per-example
 * error on labelled records feeds a change detector whose alarm is a {@code performance_drift}
 * retrain reason. Absent section: no scoring.
 *
 * @param enabled whether the stage runs (a present section defaults to true)
 * @param pollInterval how often the stage asks the registry where the champion alias points
 * @param batchSize rows scored per model call (a bundle is cut into batches of at most this)
 * @param threshold probability at or above which a binary model's predicted class is 1 (a
 *     multiclass model predicts its most probable class)
 * @param metric per-example quantity the detector watches: {@code error} (0/1; top-1 for a
 *     multiclass model) or {@code logloss} (of the true class)
 * @param detector change detector name ({@code adwin} or {@code page-hinkley})
 * @param detectorSettings the detector's settings by key (e.g. {@code delta: 0.002}), as text
 * @param labelsTopic a topic of labels that arrive after their records (key: event id, value: the
 *     label as text), or null when labels only come in the records
 * @param labelsMaxDelay how long (event time) a prediction waits for its label and a label for its
 *     prediction
 */
public record ScoringSpec(
    boolean enabled,
    Duration pollInterval,
    int batchSize,
    double threshold,
    String metric,
    String detector,
    Map<String, String> detectorSettings,
    String labelsTopic,
    Duration labelsMaxDelay)
    implements Serializable {

  public static final Duration DEFAULT_LABELS_MAX_DELAY = Duration.ofHours(1);

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(30);
  public static final int DEFAULT_BATCH_SIZE = 512;
  public static final double DEFAULT_THRESHOLD = 0.5;
  public static final String ERROR = "error";
  public static final String LOG_LOSS = "logloss";
  public static final String DEFAULT_DETECTOR = "adwin";

  public ScoringSpec {
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(detector, "detector");
    labelsMaxDelay = labelsMaxDelay == null ? DEFAULT_LABELS_MAX_DELAY : labelsMaxDelay;
    detectorSettings =
        detectorSettings == null || detectorSettings.isEmpty()
            ? Collections.emptyMap()
            : Collections.unmodifiableMap(new TreeMap<>(detectorSettings));
  }

  /** Without a labels topic. */
  public ScoringSpec(
      boolean enabled,
      Duration pollInterval,
      int batchSize,
      double threshold,
      String metric,
      String detector,
      Map<String, String> detectorSettings) {
    this(
        enabled,
        pollInterval,
        batchSize,
        threshold,
        metric,
        detector,
        detectorSettings,
        null,
        DEFAULT_LABELS_MAX_DELAY);
  }

  /** No scoring stage. */
  public static ScoringSpec disabled() {
    return new ScoringSpec(
        false,
        DEFAULT_POLL_INTERVAL,
        DEFAULT_BATCH_SIZE,
        DEFAULT_THRESHOLD,
        ERROR,
        DEFAULT_DETECTOR,
        Map.of());
  }

  /** Scoring with every default. */
  public static ScoringSpec defaults() {
    return new ScoringSpec(
        true,
        DEFAULT_POLL_INTERVAL,
        DEFAULT_BATCH_SIZE,
        DEFAULT_THRESHOLD,
        ERROR,
        DEFAULT_DETECTOR,
        Map.of());
  }

  /** A copy polling the registry at another interval. */
  public ScoringSpec withPollInterval(Duration every) {
    return new ScoringSpec(
        enabled,
        every,
        batchSize,
        threshold,
        metric,
        detector,
        detectorSettings,
        labelsTopic,
        labelsMaxDelay);
  }

  /**
   * The per-example value the detector takes for a multiclass model's prediction: {@code error} is
   * 0 when the most probable class was the label, else 1; {@code logloss} is {@code -log p} of the
   * label's class (clipped like the binary one).
   */
  public double loss(double labelProbability, boolean correct) {
    if (LOG_LOSS.equals(metric)) {
      return -Math.log(Math.min(1 - 1e-7, Math.max(1e-7, labelProbability)));
    }
    return correct ? 0 : 1;
  }

  /** The per-example value the detector takes, for a probability of class 1 and a 0/1 label. */
  public double loss(double probability, int label) {
    if (LOG_LOSS.equals(metric)) {
      double p = Math.min(1 - 1e-7, Math.max(1e-7, probability));
      return -(label == 1 ? Math.log(p) : Math.log(1 - p));
    }
    return (probability >= threshold ? 1 : 0) == label ? 0 : 1;
  }
}
