package io.driftgate.core.monitor;

import io.driftgate.core.performance.ChangeDetector;
import io.driftgate.core.performance.ChangeDetectors;
import io.driftgate.core.performance.PerformanceEvidence;
import io.driftgate.core.performance.WindowPerformance;
import io.driftgate.core.spec.ScoringSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The champion's performance, window by window: feeds each labelled prediction's per-example loss
 * ({@link ScoringSpec#loss}) in event-time order to a {@link ChangeDetector} and judges each window
 * with {@link WindowPerformance} against the champion's validation metrics. A detector alarm on a
 * worsening loss is the window's {@link PerformanceEvidence}; an improvement is not.
 *
 * <p>One detector per champion version: when the alias moves the errors of another model begin, so
 * the detector starts afresh (a switch is not a drift). Engine-free and not thread-safe. {@link
 * #exportState()} / {@link #restore(String)} carry the detector across a restart, so a restarted
 * monitor does not relearn the error rate (the streaming job keeps it in the monitor store).
 */
public final class PerformanceMonitor {
  /** Windows remembered to place a change point that lies before the current window. */
  private static final int WINDOWS_KEPT = 1000;

  /** Smallest window that {@link WindowPerformance} judges. */
  static final int MIN_WINDOW_ROWS = 30;

  /**
   * One labelled prediction: the record's event time, the version that scored it, its probability,
   * the label, and for a multiclass model the class it predicted.
   *
   * @param probability a binary model's probability of class 1; a multiclass model's probability of
   *     the label's class (0 for a class the model does not know)
   * @param label 0/1 for a binary model, the class otherwise
   * @param classes 2 for a binary model, else the model's number of classes
   * @param predictedClass a multiclass model's most probable class (-1 for a binary model, whose
   *     class depends on the threshold)
   */
  public record Labelled(
      long eventTimeMillis,
      String version,
      double probability,
      int label,
      int classes,
      int predictedClass) {
    public Labelled {
      Objects.requireNonNull(version, "version");
      if (classes < 2) {
        throw new IllegalArgumentException("classes must be >= 2, got " + classes);
      }
    }

    /** A binary model's labelled prediction: p of class 1 and the 0/1 label. */
    public Labelled(long eventTimeMillis, String version, double probability, int label) {
      this(eventTimeMillis, version, probability, label, 2, -1);
    }

    /** A multiclass model's: the probability of the label's class and the predicted class. */
    public static Labelled multiclass(
        long eventTimeMillis,
        String version,
        int classes,
        int predictedClass,
        double labelProbability,
        int label) {
      return new Labelled(
          eventTimeMillis, version, labelProbability, label, classes, predictedClass);
    }

    public boolean multiclass() {
      return classes > 2;
    }

    /** The probability the model gave the true class. */
    public double labelProbability() {
      return multiclass() ? probability : label == 1 ? probability : 1 - probability;
    }

    /** Whether the predicted class is the label (a binary model's at {@code threshold}). */
    public boolean correct(double threshold) {
      return multiclass() ? predictedClass == label : (probability >= threshold ? 1 : 0) == label;
    }
  }

  /** What one window produced. */
  public record Outcome(
      Optional<PerformanceEvidence> evidence,
      Optional<WindowPerformance.Result> window,
      long labelled) {}

  private final ScoringSpec spec;
  private final WindowPerformance judge;
  private ChangeDetector detector;
  private String version;

  /** Observation index (1-based, of the current detector) of each window's first value. */
  private final TreeMap<Long, Long> windowStarts = new TreeMap<>();

  public PerformanceMonitor(ScoringSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.judge = new WindowPerformance(500, 0.95, 17L);
    ChangeDetectors.create(spec.detector(), spec.detectorSettings()); // fails early on bad settings
  }

  /** What {@link #exportState()} writes: enough to continue exactly where this monitor stopped. */
  record Saved(
      String detector,
      String settings,
      String version,
      double[] state,
      TreeMap<Long, Long> windowStarts) {}

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * The running state as JSON (the version being watched, its detector's numbers and the windows'
   * first observations), or null before the first labelled prediction.
   */
  public String exportState() {
    if (detector == null) {
      return null;
    }
    try {
      return JSON.writeValueAsString(
          new Saved(
              detector.name(),
              settings(detector),
              version,
              detector.exportState(),
              new TreeMap<>(windowStarts)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the performance monitor's state", e);
    }
  }

  /**
   * Continues from {@link #exportState()}'s JSON. State of another detector kind or other settings
   * (the spec changed) is not restored: the monitor then starts afresh, as it would for a new
   * champion version.
   *
   * @return whether the state was restored
   * @throws IllegalArgumentException when the JSON is not such a state
   */
  public boolean restore(String json) {
    if (json == null || json.isBlank()) {
      return false;
    }
    Saved saved;
    try {
      saved = JSON.readValue(json, Saved.class);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a performance monitor state: " + e.getMessage(), e);
    }
    ChangeDetector fresh = ChangeDetectors.create(spec.detector(), spec.detectorSettings());
    if (!fresh.name().equals(saved.detector()) || !settings(fresh).equals(saved.settings())) {
      return false;
    }
    fresh.restore(saved.state());
    detector = fresh;
    version = saved.version();
    windowStarts.clear();
    windowStarts.putAll(saved.windowStarts());
    return true;
  }

  /** The current version, or null before the first labelled prediction. */
  public String version() {
    return version;
  }

  private static String settings(ChangeDetector d) {
    return new TreeMap<>(d.parameters()).toString();
  }

  /** The detector of the current version, or null before the first labelled prediction. */
  public ChangeDetector detector() {
    return detector;
  }

  /**
   * One closed window's labelled predictions.
   *
   * @param windowStart the window's start (a change point before this window maps to the start of
   *     the window that held it)
   * @param labelled the window's labelled predictions, any order (sorted here by event time)
   * @param validation the latest version's validation metrics (may be empty)
   */
  public Outcome onWindow(
      Instant windowStart, List<Labelled> labelled, Map<String, Double> validation) {
    List<Labelled> sorted =
        labelled.stream()
            .sorted(java.util.Comparator.comparingLong(Labelled::eventTimeMillis))
            .toList();
    PerformanceEvidence evidence = null;
    boolean windowMarked = false;
    for (int at = 0; at < sorted.size(); at++) {
      Labelled l = sorted.get(at);
      if (detector == null || !l.version().equals(version)) {
        detector = ChangeDetectors.create(spec.detector(), spec.detectorSettings());
        version = l.version();
        windowStarts.clear();
        windowMarked = false;
      }
      if (!windowMarked) {
        windowStarts.put(detector.observations() + 1, windowStart.toEpochMilli());
        while (windowStarts.size() > WINDOWS_KEPT) {
          windowStarts.pollFirstEntry();
        }
        windowMarked = true;
      }
      Optional<ChangeDetector.Change> change =
          detector.add(
              l.multiclass()
                  ? spec.loss(l.labelProbability(), l.correct(spec.threshold()))
                  : spec.loss(l.probability(), l.label()));
      if (change.isPresent() && change.get().increase() && evidence == null) {
        evidence =
            PerformanceEvidence.of(
                change.get(), spec.metric(), changeTime(change.get(), sorted, at));
      }
    }
    Optional<WindowPerformance.Result> judged = Optional.empty();
    if (sorted.size() >= MIN_WINDOW_ROWS) {
      judged = Optional.of(judge(sorted, validation));
    }
    return new Outcome(Optional.ofNullable(evidence), judged, sorted.size());
  }

  /**
   * A binary model's window on accuracy, AUC and log-loss; a window with a multiclass model's rows
   * (or rows of both kinds, around a promotion) on accuracy and log-loss of the true class, the
   * metrics every model has.
   */
  private WindowPerformance.Result judge(List<Labelled> rows, Map<String, Double> validation) {
    int n = rows.size();
    if (rows.stream().noneMatch(Labelled::multiclass)) {
      double[] p = new double[n];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        p[i] = rows.get(i).probability();
        y[i] = rows.get(i).label();
      }
      return judge.evaluate(p, y, validation);
    }
    double[] pTrue = new double[n];
    boolean[] correct = new boolean[n];
    for (int i = 0; i < n; i++) {
      pTrue[i] = rows.get(i).labelProbability();
      // the validation metrics' threshold, like a binary window's accuracy
      correct[i] = rows.get(i).correct(io.driftgate.core.stats.Metrics.THRESHOLD);
    }
    return judge.evaluateClasses(pTrue, correct, validation);
  }

  /**
   * The event time of the change point: exact when it lies in this window, else the start of the
   * window that held it.
   */
  private Instant changeTime(ChangeDetector.Change c, List<Labelled> window, int at) {
    long firstHere = windowStarts.lastKey();
    if (c.changePoint() >= firstHere) {
      // position in the window = position of the alarm, less the values between the two
      int i = at - (int) (c.detectedAt() - c.changePoint());
      return Instant.ofEpochMilli(window.get(Math.max(0, i)).eventTimeMillis());
    }
    var e = windowStarts.floorEntry(c.changePoint());
    return Instant.ofEpochMilli(e == null ? windowStarts.firstEntry().getValue() : e.getValue());
  }
}
