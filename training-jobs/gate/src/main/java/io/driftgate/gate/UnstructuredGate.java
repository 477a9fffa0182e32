package io.driftgate.gate;

import io.driftgate.core.explain.BatchModel;
import io.driftgate.core.explain.Explanation;
import io.driftgate.core.explain.UnstructuredAttribution;
import io.driftgate.core.gate.Gate;
import io.driftgate.core.gate.GateConfig;
import io.driftgate.core.gate.GateInputs;
import io.driftgate.core.gate.GateReport;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.stats.Metrics;
import io.driftgate.core.text.WordPieceVocabulary;
import io.driftgate.trainer.LakeDataset;
import io.driftgate.trainer.ModelInput;
import io.driftgate.trainer.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gate for image and text models, binary or multiclass ({@link GateRunner} sends them here):
 * both models score the same newest validation rows; the champion/challenger test compares per-row
 * log-loss {@code -log p[true class]} and McNemar compares top-1 correctness, as for tabular
 * models. Floors read the challenger's metrics: {@code accuracy}, {@code top1}, {@code top5} and
 * {@code log_loss} for a multiclass model (AUC and the other binary metrics do not exist there: a
 * spec with {@code label.kind: multiclass} and such a floor does not load, and a floor set
 * otherwise fails as missing); {@link Metrics#all} for a binary one. Both models load through
 * {@link ScoredModel}, as the tabular gate's do.
 *
 * <p>Attributions: for a few seeded validation points, Shapley values of image patches (against the
 * mean validation image) or of tokens (against {@code [MASK]}) for the challenger's probability of
 * the class it predicts ({@link UnstructuredAttribution}); the report shows them as overlays and
 * highlighted tokens ({@link AttributionHtml}). The gate's importance checks see the one image or
 * text feature as one player whose value is the attribution total ({@code f(x) - f(baseline)}):
 * additivity is checked, rank and seed stability are skipped (one feature has no ranking).
 */
final class UnstructuredGate {
  /** Points attributed (each a Shapley run over patches or tokens). */
  static final int ATTRIBUTED_POINTS = 4;

  /**
   * Side of an image patch: a 28 x 28 digit has 7 x 7 = 49 patches, estimated by permutation
   * sampling (exact values over 16 patches of 7 pixels took 65,536 model calls per image).
   */
  static final int PATCH = 4;

  /** Antithetic permutation pairs when an image or a text has more than 16 players. */
  static final int PAIRS = 16;

  private UnstructuredGate() {}

  /** Whether the model directory needs this gate (not a binary tabular model). */
  static boolean handles(Path modelDir) {
    var t = ScoredModel.readJson(modelDir.resolve(Trainer.TRAINING_FILE));
    String modality = t.path("modality").asText("tabular");
    return !modality.equals("tabular") || t.path("classes").asInt(2) != 2;
  }

  static GateOutcome run(
      GateRequest request, ModelSpec spec, Path lake, GateConfig config, long start) {
    try (ScoredModel challenger = ScoredModel.load(request.challengerDir());
        ScoredModel champion =
            request.championDir() == null ? null : ScoredModel.load(request.championDir())) {
      if (challenger.modality() == io.driftgate.trainer.Modality.TABULAR) {
        throw new IllegalArgumentException(
            "the gate compares multiclass models of image or text features; "
                + request.challengerDir()
                + " is a tabular multiclass model (not wired yet): gate it with label.kind binary");
      }
      long[] range = GateRunner.validationRange(request, challenger.training());
      Long snapshot = GateRunner.snapshot(request, challenger.training());
      LakeDataset data = GateRunner.validationRows(spec, lake, request, snapshot, range);
      List<Map<String, Object>> rows = new ArrayList<>();
      data.rows().forEach(r -> rows.add(r.features()));
      if (rows.size() < 2) {
        throw new IllegalArgumentException(
            "the lake " + lake + " has " + rows.size() + " labelled rows in the validation range");
      }
      int[] labels = data.rows().stream().mapToInt(LakeDataset.Row::label).toArray();
      int n = rows.size();

      float[] xChal = challenger.encode(rows);
      double[][] pChal = challenger.classProbabilities(xChal, n);
      double[] lossChal = perRowLogLoss(pChal, labels);
      boolean[] correctChal = correct(pChal, labels);
      Map<String, Double> chalMetrics = metrics(pChal, labels, challenger.classes());
      double[] lossChamp = null;
      boolean[] correctChamp = null;
      Map<String, Double> champMetrics = Map.of();
      double[][] pChamp = null;
      if (champion != null) {
        pChamp = champion.classProbabilities(rows);
        lossChamp = perRowLogLoss(pChamp, labels);
        correctChamp = correct(pChamp, labels);
        champMetrics = metrics(pChamp, labels, champion.classes());
      }

      String feature = spec.features().get(0).name();
      int[] points =
          GateRunner.sampleIndices(
              n, Math.min(ATTRIBUTED_POINTS, request.explainPoints()), request.seed());
      List<AttributionHtml.ImageCase> images = new ArrayList<>();
      List<AttributionHtml.TextCase> texts = new ArrayList<>();
      List<Explanation> totals = new ArrayList<>();
      int w = Math.toIntExact(challenger.input().sampleShape().size());
      double[] baseline = meanSample(xChal, n, w);
      for (int point : points) {
        int predicted = argmax(pChal[point]);
        double[] x = new double[w];
        for (int j = 0; j < w; j++) {
          x[j] = xChal[point * w + j];
        }
        BatchModel f = challenger.classModel(predicted);
        String caption =
            data.rows().get(point).id() + ": label " + labels[point] + ", predicted " + predicted;
        Explanation e;
        if (challenger.input() instanceof ModelInput.Image img) {
          long[] s = img.sampleShape().getShape();
          int c = (int) s[0];
          int h = (int) s[1];
          int wd = (int) s[2];
          e =
              UnstructuredAttribution.patches(
                  f, x, baseline, c, h, wd, PATCH, PAIRS, request.seed() + point);
          double[] grey = new double[h * wd];
          for (int i = 0; i < h * wd; i++) {
            double sum = 0;
            for (int ch = 0; ch < c; ch++) {
              sum += x[ch * h * wd + i];
            }
            grey[i] = sum / c;
          }
          images.add(new AttributionHtml.ImageCase(caption, grey, h, wd, PATCH, e));
        } else {
          ModelInput.Text text = (ModelInput.Text) challenger.input();
          WordPieceVocabulary vocab = text.encoder().vocabulary();
          int mask = vocab.id(WordPieceVocabulary.MASK);
          int pad = vocab.padId();
          int cls = vocab.id(WordPieceVocabulary.CLS);
          int sep = vocab.id(WordPieceVocabulary.SEP);
          e =
              UnstructuredAttribution.tokens(
                  f,
                  x,
                  mask,
                  id -> id == pad || id == cls || id == sep,
                  PAIRS,
                  request.seed() + point);
          List<String> tokens = new ArrayList<>();
          for (double id : x) {
            tokens.add(vocab.token((int) id));
          }
          texts.add(new AttributionHtml.TextCase(caption, tokens, e));
        }
        totals.add(new Explanation(new double[] {e.sum()}, e.baseValue(), e.fx()));
      }
      double[] imp = io.driftgate.core.explain.GlobalImportance.meanAbs(totals).values();

      GateInputs inputs =
          new GateInputs(
              List.of(feature),
              totals,
              null,
              null,
              lossChamp,
              champion == null ? null : lossChal,
              correctChamp,
              champion == null ? null : correctChal,
              chalMetrics);
      GateReport report = Gate.evaluate(config, inputs);
      double[][] colours = new double[totals.size()][1];
      for (double[] c : colours) {
        c[0] = Double.NaN;
      }
      return new GateOutcome(
          spec.model(),
          report,
          config,
          request.challengerDir(),
          request.championDir(),
          range[0],
          range[1],
          n,
          data.snapshotId(),
          chalMetrics,
          champMetrics,
          List.of(feature),
          totals,
          colours,
          imp,
          null,
          null,
          null,
          (System.nanoTime() - start) / 1_000_000,
          challenger.classes() == 2
              ? new Evaluation(labels, column(pChal, 1), pChamp == null ? null : column(pChamp, 1))
              : null,
          request.trigger(),
          new GateOutcome.Attributions(images, texts));
    }
  }

  /**
   * {@code -log p[true class]}, clipped at {@link Metrics#EPS}; a class the model does not know (a
   * champion trained before it appeared) has probability 0.
   */
  static double[] perRowLogLoss(double[][] p, int[] labels) {
    double[] out = new double[labels.length];
    for (int i = 0; i < out.length; i++) {
      double pt = labels[i] < p[i].length ? p[i][labels[i]] : 0;
      out[i] = -Math.log(Math.min(1 - Metrics.EPS, Math.max(Metrics.EPS, pt)));
    }
    return out;
  }

  /** Top-1 correct: the true class has the highest probability (ties count against it). */
  static boolean[] correct(double[][] p, int[] labels) {
    boolean[] out = new boolean[labels.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = labels[i] < p[i].length && argmax(p[i]) == labels[i];
    }
    return out;
  }

  static Map<String, Double> metrics(double[][] p, int[] labels, int classes) {
    if (classes == 2) {
      return Metrics.all(column(p, 1), labels);
    }
    int n = labels.length;
    float[] flat = new float[n * classes];
    int[] known = new int[n];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < classes; c++) {
        flat[i * classes + c] = (float) p[i][c];
      }
      known[i] = labels[i];
      if (known[i] >= classes) {
        throw new IllegalArgumentException(
            "validation label " + labels[i] + " is not one of the model's " + classes + " classes");
      }
    }
    return Metrics.multiclassReport(flat, known, classes);
  }

  private static double[] column(double[][] p, int c) {
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = p[i][c];
    }
    return out;
  }

  static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double[] meanSample(float[] x, int n, int w) {
    double[] m = new double[w];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < w; j++) {
        m[j] += x[i * w + j];
      }
    }
    for (int j = 0; j < w; j++) {
      m[j] /= n;
    }
    return m;
  }
}
