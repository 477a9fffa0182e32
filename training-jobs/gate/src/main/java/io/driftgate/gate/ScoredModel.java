package io.driftgate.gate;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.explain.BatchModel;
import io.driftgate.core.registry.ModelDirectory;
import io.driftgate.trainer.ModelFactory;
import io.driftgate.trainer.Preprocessing;
import io.driftgate.trainer.TrainParams;
import io.driftgate.trainer.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A trainer model directory loaded for the gate: its saved {@link Preprocessing}, its DJL block,
 * and its {@code training.json}. Scores raw rows (feature name → value) and, for SHAP, rows already
 * in its preprocessed column space ({@link #batchModel()}). If the directory has a {@code
 * manifest.json} it is verified first, so a tampered model is refused.
 */
public final class ScoredModel implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 4096;

  private final Path dir;
  private final Model model;
  private final Preprocessing preprocessing;
  private final JsonNode training;
  private final int width;

  private ScoredModel(Path dir, Model model, Preprocessing prep, JsonNode training) {
    this.dir = dir;
    this.model = model;
    this.preprocessing = prep;
    this.training = training;
    this.width = prep.dimension();
  }

  /**
   * Loads a model directory written by {@link Trainer#run}.
   *
   * @throws io.driftgate.core.registry.TamperedModelException if it has a manifest that its files
   *     do not match
   */
  public static ScoredModel load(Path dir) {
    if (Files.exists(dir.resolve(ModelDirectory.MANIFEST))) {
      ModelDirectory.verify(dir);
    }
    if (!Files.isRegularFile(dir.resolve(Trainer.TRAINING_FILE))) {
      throw new IllegalArgumentException(
          "not a model directory (no " + Trainer.TRAINING_FILE + "): " + dir);
    }
    JsonNode info = readJson(dir.resolve(Trainer.TRAINING_FILE));
    Preprocessing prep = Preprocessing.load(dir);
    Map<String, String> params = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = info.get("params").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      params.put(e.getKey(), e.getValue().asText());
    }
    TrainParams tp = TrainParams.resolve(null, params);
    Model model = Model.newInstance(info.get("model").asText());
    try {
      model.setBlock(
          ModelFactory.defaults().create(tp.model(), new Shape(prep.dimension()), 1, tp));
      model.load(dir, Trainer.MODEL_NAME);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new IllegalStateException("cannot load the model in " + dir + ": " + e.getMessage(), e);
    }
    return new ScoredModel(dir, model, prep, info);
  }

  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  public Path dir() {
    return dir;
  }

  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** The directory's {@code training.json}. */
  public JsonNode training() {
    return training;
  }

  /** The spec feature names the model uses, in preprocessing order. */
  public List<String> featureNames() {
    return preprocessing.features().stream().map(Preprocessing.Feature::name).toList();
  }

  /**
   * One group of preprocessed column indices per spec feature (a numeric value and its missing
   * indicator; all one-hot slots of a categorical), in {@link #featureNames()} order: the SHAP
   * players.
   */
  public int[][] featureGroups() {
    List<Preprocessing.Feature> fs = preprocessing.features();
    int[][] groups = new int[fs.size()][];
    int c = 0;
    for (int i = 0; i < fs.size(); i++) {
      Preprocessing.Feature f = fs.get(i);
      int w = "numeric".equals(f.kind()) ? 2 : f.vocabulary().size() + 2;
      groups[i] = new int[w];
      for (int j = 0; j < w; j++) {
        groups[i][j] = c++;
      }
    }
    if (c != width) {
      throw new IllegalStateException("feature groups cover " + c + " of " + width + " columns");
    }
    return groups;
  }

  /** Rows (feature name → value) in the preprocessed column space. */
  public double[][] transform(List<? extends Map<String, ?>> rows) {
    double[][] out = new double[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      float[] f = preprocessing.transform(rows.get(i));
      double[] d = new double[f.length];
      for (int j = 0; j < f.length; j++) {
        d[j] = f[j];
      }
      out[i] = d;
    }
    return out;
  }

  /** Probability of class 1 for raw rows. */
  public double[] predict(List<? extends Map<String, ?>> rows) {
    return predictFlat(preprocessing.transformAll(rows), rows.size());
  }

  /** The model over its preprocessed columns, for the explainers. */
  public BatchModel batchModel() {
    return rows -> {
      float[] x = new float[rows.length * width];
      for (int i = 0; i < rows.length; i++) {
        double[] r = rows[i];
        for (int j = 0; j < width; j++) {
          x[i * width + j] = (float) r[j];
        }
      }
      return predictFlat(x, rows.length);
    };
  }

  private double[] predictFlat(float[] x, int n) {
    double[] out = new double[n];
    try (NDManager m = model.getNDManager().newSubManager(Engine.getInstance().defaultDevice())) {
      ParameterStore ps = new ParameterStore(m, false);
      for (int from = 0; from < n; from += BATCH) {
        int k = Math.min(BATCH, n - from);
        try (NDManager bm = m.newSubManager()) {
          float[] part = new float[k * width];
          System.arraycopy(x, from * width, part, 0, k * width);
          NDArray xs = bm.create(part, new Shape(k, width));
          NDArray logits = model.getBlock().forward(ps, new NDList(xs), false).singletonOrThrow();
          float[] p = Activation.sigmoid(logits).toType(DataType.FLOAT32, false).toFloatArray();
          for (int i = 0; i < k; i++) {
            out[from + i] = p[i];
          }
        }
      }
    }
    return out;
  }

  /** Copies of the rows' maps are not kept; convenience for tests. */
  static List<Map<String, Object>> features(List<io.driftgate.trainer.LakeDataset.Row> rows) {
    List<Map<String, Object>> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(r.features()));
    return out;
  }

  @Override
  public void close() {
    model.close();
  }
}
