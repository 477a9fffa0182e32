package io.driftgate.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.explain.BatchModel;
import io.driftgate.core.registry.ModelDirectory;
import io.driftgate.trainer.Modality;
import io.driftgate.trainer.ModelInput;
import io.driftgate.trainer.Preprocessing;
import io.driftgate.trainer.TrainedModel;
import io.driftgate.trainer.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trainer model directory loaded for the gate, of any modality (tabular, image, text) and task
 * (binary, multiclass): the trainer's {@link TrainedModel} (one loading path, shared with streaming
 * scoring) behind the gate's views of it. Scores raw rows (feature name → value) or encoded samples
 * into class probabilities, and, for SHAP, a tabular model's rows already in its preprocessed
 * column space ({@link #batchModel()}) or an image/text model's encoded samples ({@link
 * #classModel}). If the directory has a {@code manifest.json} it is verified first, so a tampered
 * model is refused.
 */
public final class ScoredModel implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final TrainedModel model;

  private ScoredModel(Path dir, TrainedModel model) {
    this.dir = dir;
    this.model = model;
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
    return new ScoredModel(dir, TrainedModel.load(dir));
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

  /** The directory's {@code training.json}. */
  public JsonNode training() {
    return model.training();
  }

  /** 2 for a binary model, else its number of classes. */
  public int classes() {
    return model.classes();
  }

  /** How rows become samples (tabular preprocessing, the image rule, the tokenizer). */
  public ModelInput input() {
    return model.input();
  }

  public Modality modality() {
    return model.input().modality();
  }

  /** A tabular model's preprocessing (an image or text model has none). */
  public Preprocessing preprocessing() {
    return model.preprocessing();
  }

  /** The spec feature names the model uses, in preprocessing order (tabular). */
  public List<String> featureNames() {
    return preprocessing().features().stream().map(Preprocessing.Feature::name).toList();
  }

  /**
   * One group of preprocessed column indices per spec feature (a numeric value and its missing
   * indicator; all one-hot slots of a categorical), in {@link #featureNames()} order: the SHAP
   * players (tabular).
   */
  public int[][] featureGroups() {
    Preprocessing preprocessing = preprocessing();
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
    if (c != preprocessing.dimension()) {
      throw new IllegalStateException(
          "feature groups cover " + c + " of " + preprocessing.dimension() + " columns");
    }
    return groups;
  }

  /** Rows (feature name → value) in the preprocessed column space (tabular). */
  public double[][] transform(List<? extends Map<String, ?>> rows) {
    Preprocessing preprocessing = preprocessing();
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

  /** Rows as the model's samples, row-major ({@link ModelInput#encodeAll}). */
  public float[] encode(List<? extends Map<String, ?>> rows) {
    return model.input().encodeAll(rows);
  }

  /** A binary model's probability of class 1 for raw rows. */
  public double[] predict(List<? extends Map<String, ?>> rows) {
    return toDouble(model.predict(rows));
  }

  /** Probabilities per raw row and class (a binary model's p becomes {1 - p, p}). */
  public double[][] classProbabilities(List<? extends Map<String, ?>> rows) {
    return classProbabilities(encode(rows), rows.size());
  }

  /** Probabilities per encoded sample ({@code n x sampleShape} floats) and class, as above. */
  public double[][] classProbabilities(float[] x, int n) {
    float[] p = model.probabilities(x, n);
    int k = model.classes();
    double[][] out = new double[n][k];
    for (int i = 0; i < n; i++) {
      if (k == 2) {
        out[i][1] = p[i];
        out[i][0] = 1 - p[i];
      } else {
        for (int c = 0; c < k; c++) {
          out[i][c] = p[i * k + c];
        }
      }
    }
    return out;
  }

  /** A binary tabular model over its preprocessed columns, for the explainers. */
  public BatchModel batchModel() {
    int width = preprocessing().dimension();
    return rows -> toDouble(model.probabilities(flatten(rows, width), rows.length));
  }

  /** The model's probability of class {@code cls} over encoded samples, for the explainers. */
  public BatchModel classModel(int cls) {
    int width = Math.toIntExact(model.input().sampleShape().size());
    return rows -> {
      double[][] p = classProbabilities(flatten(rows, width), rows.length);
      double[] out = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        out[i] = p[i][cls];
      }
      return out;
    };
  }

  private static float[] flatten(double[][] rows, int width) {
    float[] x = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      double[] r = rows[i];
      for (int j = 0; j < width; j++) {
        x[i * width + j] = (float) r[j];
      }
    }
    return x;
  }

  private static double[] toDouble(float[] p) {
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = p[i];
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
