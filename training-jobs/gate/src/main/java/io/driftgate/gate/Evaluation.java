package io.driftgate.gate;

import io.driftgate.core.stats.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The scores both models gave the gate's validation rows, kept for the report's curves: ROC,
 * precision–recall and the confusion matrix at {@link Metrics#THRESHOLD}.
 *
 * @param labels the rows' labels (0 or 1)
 * @param challenger the challenger's probability of class 1 per row
 * @param champion the champion's, or null without a champion
 */
public record Evaluation(int[] labels, double[] challenger, double[] champion) {
  /** Points a curve keeps at most (the report stays small with a million rows). */
  static final int MAX_POINTS = 400;

  public Evaluation {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(challenger, "challenger");
    if (challenger.length != labels.length
        || (champion != null && champion.length != labels.length)) {
      throw new IllegalArgumentException("one score per labelled row");
    }
  }

  /** One point of a curve. */
  public record Point(double x, double y) {}

  /** Counts at a threshold: predicted 1 when the probability is at least it. */
  public record Confusion(long tp, long fp, long fn, long tn) {
    public long total() {
      return tp + fp + fn + tn;
    }
  }

  public static Confusion confusion(double[] p, int[] labels) {
    long tp = 0;
    long fp = 0;
    long fn = 0;
    long tn = 0;
    for (int i = 0; i < p.length; i++) {
      boolean predicted = p[i] >= Metrics.THRESHOLD;
      boolean actual = labels[i] == 1;
      if (predicted && actual) {
        tp++;
      } else if (predicted) {
        fp++;
      } else if (actual) {
        fn++;
      } else {
        tn++;
      }
    }
    return new Confusion(tp, fp, fn, tn);
  }

  /**
   * The ROC curve, (false positive rate, true positive rate) from (0, 0) to (1, 1): one point per
   * distinct score, tied scores taken together.
   */
  public static List<Point> roc(double[] p, int[] labels) {
    long pos = Arrays.stream(labels).filter(l -> l == 1).count();
    long neg = labels.length - pos;
    List<Point> out = new ArrayList<>();
    out.add(new Point(0, 0));
    for (Step s : sweep(p, labels)) {
      out.add(
          new Point(neg == 0 ? 0 : (double) s.fp() / neg, pos == 0 ? 0 : (double) s.tp() / pos));
    }
    return thin(out);
  }

  /**
   * The precision–recall curve, (recall, precision), one point per distinct score from the highest;
   * starts at recall 0 with the precision of the first threshold.
   */
  public static List<Point> precisionRecall(double[] p, int[] labels) {
    long pos = Arrays.stream(labels).filter(l -> l == 1).count();
    List<Point> out = new ArrayList<>();
    for (Step s : sweep(p, labels)) {
      if (out.isEmpty()) {
        out.add(new Point(0, s.precision()));
      }
      out.add(new Point(pos == 0 ? 0 : (double) s.tp() / pos, s.precision()));
    }
    return thin(out);
  }

  /** Average precision: the step-wise area under the precision–recall curve (all points). */
  public static double averagePrecision(double[] p, int[] labels) {
    long pos = Arrays.stream(labels).filter(l -> l == 1).count();
    if (pos == 0) {
      return Double.NaN;
    }
    double ap = 0;
    double lastRecall = 0;
    for (Step s : sweep(p, labels)) {
      double recall = (double) s.tp() / pos;
      ap += (recall - lastRecall) * s.tp() / (s.tp() + s.fp());
      lastRecall = recall;
    }
    return ap;
  }

  /** True and false positives with the threshold just below one distinct score. */
  record Step(long tp, long fp) {
    double precision() {
      return (double) tp / (tp + fp);
    }
  }

  /**
   * The threshold sweep behind every curve: from the highest score down, the cumulative counts
   * after each group of tied scores.
   */
  static List<Step> sweep(double[] p, int[] labels) {
    List<Step> out = new ArrayList<>();
    long tp = 0;
    long fp = 0;
    for (int[] group : byScoreDescending(p)) {
      for (int i : group) {
        if (labels[i] == 1) {
          tp++;
        } else {
          fp++;
        }
      }
      out.add(new Step(tp, fp));
    }
    return out;
  }

  /** Row indices grouped by equal score, highest score first. */
  private static List<int[]> byScoreDescending(double[] p) {
    Integer[] idx = IntStream.range(0, p.length).boxed().toArray(Integer[]::new);
    Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> -p[i]));
    List<int[]> groups = new ArrayList<>();
    int start = 0;
    for (int k = 1; k <= idx.length; k++) {
      if (k == idx.length || Double.compare(p[idx[k]], p[idx[start]]) != 0) {
        int[] g = new int[k - start];
        for (int j = start; j < k; j++) {
          g[j - start] = idx[j];
        }
        groups.add(g);
        start = k;
      }
    }
    return groups;
  }

  /** Keeps the first, the last and evenly spaced points in between, at most MAX_POINTS. */
  static List<Point> thin(List<Point> points) {
    if (points.size() <= MAX_POINTS) {
      return points;
    }
    List<Point> out = new ArrayList<>(MAX_POINTS);
    double step = (points.size() - 1) / (double) (MAX_POINTS - 1);
    for (int k = 0; k < MAX_POINTS; k++) {
      out.add(points.get((int) Math.round(k * step)));
    }
    return out;
  }
}
