package io.driftgate.gate;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftgate.core.explain.Background;
import io.driftgate.core.explain.Explanation;
import io.driftgate.core.explain.GlobalImportance;
import io.driftgate.core.explain.GroupedExplainer;
import io.driftgate.core.gate.Gate;
import io.driftgate.core.gate.GateConfig;
import io.driftgate.core.gate.GateInputs;
import io.driftgate.core.gate.GateReport;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.stats.Metrics;
import io.driftgate.trainer.LakeDataset;
import io.driftgate.trainer.Preprocessing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs the promotion gate on real models.
 *
 * <ol>
 *   <li>Loads the challenger (and the champion, if any), verifying a manifest when present.
 *   <li>Loads the newest validation rows from the lake: the challenger's own validation range from
 *       its {@code training.json} ({@code lake.validationFrom} to {@code lake.toMillis}) unless the
 *       request gives one, at the challenger's training snapshot ({@code lake.snapshotId}) unless
 *       the request gives one (the current snapshot when neither names one): rows committed since
 *       do not change the verdict.
 *   <li>Scores both models on the <em>same</em> rows: per-example log-loss and correctness.
 *   <li>Explains the challenger with exact SHAP over its spec features as players (the one-hot and
 *       missing-indicator columns of a feature form one group), background = a seeded k-means
 *       summary (or sample) of the validation rows, on a seeded sample of points; again with the
 *       second seed (other points, other background) for seed stability.
 *   <li>Takes the champion's importance from its {@value Importance#FILE}, or recomputes it on the
 *       same points.
 *   <li>Evaluates {@link Gate} with the spec's {@code gate} section.
 * </ol>
 *
 * <p>Image and text models (binary or multiclass) go through {@link UnstructuredGate}: per-row
 * log-loss of the true class, patch and token attributions.
 */
public final class GateRunner {
  /** Rows the background summary is fitted on, at most. */
  static final int BACKGROUND_POOL = 2000;

  private GateRunner() {}

  /** The gate settings: the spec's {@code gate} section applied onto the request's policy. */
  public static GateConfig config(GateConfig gate, GateRequest r) {
    return r.policy().toBuilder()
        .alpha(gate.alpha())
        .minEffect(gate.minEffect())
        .floors(gate.floors())
        .forbiddenFeatures(gate.forbiddenFeatures())
        .seed(r.seed())
        .build();
  }

  public static GateOutcome run(GateRequest request) {
    long start = System.nanoTime();
    ModelSpec spec = SpecLoader.load(request.specFile());
    Path lake = request.lake() != null ? request.lake() : spec.lake().path();
    GateConfig config = config(spec.gate(), request);
    if (UnstructuredGate.handles(request.challengerDir())) {
      return UnstructuredGate.run(request, spec, lake, config, start);
    }
    try (ScoredModel challenger = ScoredModel.load(request.challengerDir());
        ScoredModel champion =
            request.championDir() == null ? null : ScoredModel.load(request.championDir())) {
      long[] range = validationRange(request, challenger.training());
      Long snapshot = snapshot(request, challenger.training());
      LakeDataset data = validationRows(spec, lake, request, snapshot, range);
      List<Map<String, Object>> rows = new ArrayList<>();
      data.rows().forEach(r -> rows.add(r.features()));
      if (rows.size() < 2) {
        throw new IllegalArgumentException(
            "the lake "
                + lake
                + " has "
                + rows.size()
                + " labelled rows in the validation range ["
                + range[0]
                + ", "
                + range[1]
                + ") of snapshot "
                + data.snapshotId()
                + "; the gate needs at least 2");
      }
      int[] labels = data.rows().stream().mapToInt(LakeDataset.Row::label).toArray();

      double[] pChal = challenger.predict(rows);
      double[] lossChal = Metrics.perExampleLogLoss(pChal, labels);
      boolean[] correctChal = Metrics.correct(pChal, labels);
      Map<String, Double> chalMetrics = Metrics.all(pChal, labels);
      double[] lossChamp = null;
      boolean[] correctChamp = null;
      Map<String, Double> champMetrics = Map.of();
      double[] pChamp = null;
      if (champion != null) {
        pChamp = champion.predict(rows);
        lossChamp = Metrics.perExampleLogLoss(pChamp, labels);
        correctChamp = Metrics.correct(pChamp, labels);
        champMetrics = Metrics.all(pChamp, labels);
      }

      List<String> names = challenger.featureNames();
      int[] points1 = sampleIndices(rows.size(), request.explainPoints(), request.seed());
      int[] points2 = sampleIndices(rows.size(), request.explainPoints(), request.secondSeed());
      List<Explanation> expl = explain(challenger, rows, points1, request, request.seed());
      double[] imp = GlobalImportance.meanAbs(expl).values();
      double[] imp2 =
          GlobalImportance.meanAbs(
                  explain(challenger, rows, points2, request, request.secondSeed()))
              .values();

      double[] champImp = null;
      String champSource = null;
      if (champion != null) {
        Importance stored = Importance.read(champion.dir());
        if (stored != null) {
          champImp = stored.alignedTo(names);
          champSource = "stored";
        } else {
          double[] v =
              GlobalImportance.meanAbs(explain(champion, rows, points1, request, request.seed()))
                  .values();
          champImp =
              new Importance(champion.featureNames(), v, points1.length, request.seed())
                  .alignedTo(names);
          champSource = "recomputed";
        }
      }

      GateInputs inputs =
          new GateInputs(
              names,
              expl,
              imp2,
              champImp,
              lossChamp,
              champion == null ? null : lossChal,
              correctChamp,
              champion == null ? null : correctChal,
              chalMetrics);
      GateReport report = Gate.evaluate(config, inputs);
      return new GateOutcome(
          spec.model(),
          report,
          config,
          request.challengerDir(),
          request.championDir(),
          range[0],
          range[1],
          rows.size(),
          data.snapshotId(),
          chalMetrics,
          champMetrics,
          names,
          expl,
          colourValues(challenger.preprocessing(), rows, points1),
          imp,
          imp2,
          champImp,
          champSource,
          (System.nanoTime() - start) / 1_000_000,
          new Evaluation(labels, pChal, pChamp),
          request.trigger(),
          null);
    }
  }

  /** The explicit range, else the challenger's validation range from its training.json. */
  static long[] validationRange(GateRequest r, JsonNode training) {
    if (r.fromMillis() != null) {
      return new long[] {r.fromMillis(), r.toMillis()};
    }
    JsonNode lake = training.path("lake");
    JsonNode from = lake.path("validationFrom");
    JsonNode to = lake.path("toMillis");
    if (!from.isNumber() || !to.isNumber()) {
      throw new IllegalArgumentException(
          "the challenger's training.json has no validation range (lake.validationFrom,"
              + " lake.toMillis); give one explicitly");
    }
    return new long[] {from.asLong(), to.asLong()};
  }

  /** The validation rows of {@code range} at {@code snapshot} (null: the current one). */
  static LakeDataset validationRows(
      ModelSpec spec, Path lake, GateRequest request, Long snapshot, long[] range) {
    Object where = request.metadataLocation() != null ? request.metadataLocation() : lake;
    try (Lake opened = LakeDataset.open(spec, lake, request.metadataLocation())) {
      if (opened.isEmpty()) {
        throw new IllegalArgumentException("the lake " + where + " has no committed data");
      }
      if (snapshot != null
          && request.snapshotId() == null
          && opened.recordsTable().snapshot(snapshot) == null) {
        throw new IllegalArgumentException(
            "the lake "
                + where
                + " does not hold the challenger's training snapshot "
                + snapshot
                + " (another lake, or expired by lake maintenance); give the gate a snapshot"
                + " explicitly (run driftgate lake to list them)");
      }
      Lake view = opened.at(snapshot != null ? snapshot : opened.snapshotId());
      return LakeDataset.load(spec, view, range[0], range[1]);
    }
  }

  /** The request's snapshot, else the challenger's training snapshot, else null (current). */
  static Long snapshot(GateRequest r, JsonNode training) {
    if (r.snapshotId() != null) {
      return r.snapshotId();
    }
    JsonNode id = training.path("lake").path("snapshotId");
    return id.isIntegralNumber() ? id.asLong() : null;
  }

  /** Exact grouped SHAP of {@code model} on the given rows, one player per spec feature. */
  static List<Explanation> explain(
      ScoredModel model, List<Map<String, Object>> rows, int[] points, GateRequest r, long seed) {
    int[] pool = sampleIndices(rows.size(), BACKGROUND_POOL, seed ^ 0x5DEECE66DL);
    double[][] poolX = model.transform(pick(rows, pool));
    Background bg =
        r.backgroundMethod() == GateRequest.BackgroundMethod.KMEANS
            ? Background.kMeans(poolX, r.backgroundSize(), seed)
            : Background.sample(poolX, r.backgroundSize(), seed);
    GroupedExplainer ex =
        new GroupedExplainer(model.batchModel(), bg, model.featureGroups(), 64, seed);
    return ex.explainAll(model.transform(pick(rows, points)));
  }

  static List<Map<String, Object>> pick(List<Map<String, Object>> rows, int[] idx) {
    List<Map<String, Object>> out = new ArrayList<>(idx.length);
    for (int i : idx) {
      out.add(rows.get(i));
    }
    return out;
  }

  /** {@code k} distinct indices of {@code [0, n)}, seeded, in increasing order (all when k ≥ n). */
  static int[] sampleIndices(int n, int k, long seed) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    if (k >= n) {
      return idx;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < k; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    int[] out = Arrays.copyOf(idx, k);
    Arrays.sort(out);
    return out;
  }

  /** Feature values of the explained points scaled to [0, 1] for the beeswarm colours. */
  static double[][] colourValues(Preprocessing prep, List<Map<String, Object>> rows, int[] points) {
    List<Preprocessing.Feature> fs = prep.features();
    double[][] out = new double[points.length][fs.size()];
    for (int f = 0; f < fs.size(); f++) {
      Preprocessing.Feature feat = fs.get(f);
      if ("numeric".equals(feat.kind())) {
        double[] v = new double[points.length];
        for (int i = 0; i < points.length; i++) {
          Object o = rows.get(points[i]).get(feat.name());
          v[i] = o instanceof Number n ? n.doubleValue() : Double.NaN;
        }
        double[] sorted = Arrays.stream(v).filter(Double::isFinite).sorted().toArray();
        for (int i = 0; i < points.length; i++) {
          if (!Double.isFinite(v[i]) || sorted.length < 2) {
            out[i][f] = Double.isFinite(v[i]) ? 0.5 : Double.NaN;
            continue;
          }
          int lo = Arrays.binarySearch(sorted, v[i]);
          out[i][f] = Math.max(0, lo) / (double) (sorted.length - 1);
        }
      } else {
        Map<String, Integer> vocab = new HashMap<>();
        for (int j = 0; j < feat.vocabulary().size(); j++) {
          vocab.put(feat.vocabulary().get(j), j);
        }
        int size = Math.max(1, feat.vocabulary().size());
        for (int i = 0; i < points.length; i++) {
          Object o = rows.get(points[i]).get(feat.name());
          Integer j = o == null ? null : vocab.get(o.toString());
          out[i][f] = j == null ? Double.NaN : size == 1 ? 0.5 : j / (double) (size - 1);
        }
      }
    }
    return out;
  }
}
