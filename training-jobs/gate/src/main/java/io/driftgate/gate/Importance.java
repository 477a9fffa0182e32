package io.driftgate.gate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's global SHAP importance (mean |φ| per spec feature) as stored in its directory at
 * {@value #FILE}: written into the challenger before it is registered, so that when it becomes
 * champion the next gate compares against it without recomputing.
 *
 * @param features feature names
 * @param values mean |φ| per feature
 * @param points number of explained points
 * @param seed the SHAP seed
 */
public record Importance(List<String> features, double[] values, int points, long seed) {
  public static final String FILE = "gate/importance.json";

  public Importance {
    features = List.copyOf(features);
    values = values.clone();
    if (features.size() != values.length) {
      throw new IllegalArgumentException("one value per feature");
    }
  }

  /** Values aligned to {@code names}: 0 for a feature this model does not have. */
  public double[] alignedTo(List<String> names) {
    double[] out = new double[names.size()];
    for (int i = 0; i < names.size(); i++) {
      int j = features.indexOf(names.get(i));
      out[i] = j < 0 ? 0 : values[j];
    }
    return out;
  }

  public void write(Path modelDir) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("features", features);
    m.put("meanAbsShap", values);
    m.put("points", points);
    m.put("seed", seed);
    Path f = modelDir.resolve(FILE);
    try {
      Files.createDirectories(f.getParent());
      Files.write(f, ScoredModel.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + f, e);
    }
  }

  /** The stored importance, or null when the directory has none. */
  public static Importance read(Path modelDir) {
    Path f = modelDir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    var n = ScoredModel.readJson(f);
    List<String> names = new ArrayList<>();
    n.get("features").forEach(x -> names.add(x.asText()));
    double[] v = new double[names.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = n.get("meanAbsShap").get(i).asDouble();
    }
    return new Importance(names, v, n.path("points").asInt(), n.path("seed").asLong());
  }
}
