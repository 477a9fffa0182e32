package io.driftgate.trainer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.driftgate.core.spec.FeatureSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The feature transform, fitted on the training split only and saved next to the model ({@value
 * #FILE_NAME}) so that scoring applies exactly the same transform.
 *
 * <ul>
 *   <li>numeric: {@code (x - mean) / std} with mean and std of the training split (std 0 becomes
 *       1); a null or non-finite value becomes the mean (0 after scaling) and sets the feature's
 *       missing-indicator column {@code <name>__missing} to 1;
 *   <li>categorical: one-hot over the training vocabulary (most frequent first, at most {@link
 *       #DEFAULT_MAX_CATEGORIES}), plus a {@value #UNKNOWN} slot for values not in it and a {@value
 *       #NULL} slot for nulls.
 * </ul>
 */
public final class Preprocessing {
  public static final String FILE_NAME = "preprocessing.json";
  public static final String UNKNOWN = "__unknown__";
  public static final String NULL = "__null__";
  public static final String MISSING_SUFFIX = "__missing";
  public static final int DEFAULT_MAX_CATEGORIES = 1000;
  static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One fitted feature; categorical ones have a vocabulary, numeric ones mean and std. */
  public record Feature(
      @JsonProperty("name") String name,
      @JsonProperty("kind") String kind,
      @JsonProperty("mean") Double mean,
      @JsonProperty("std") Double std,
      @JsonProperty("vocabulary") List<String> vocabulary) {
    @JsonCreator
    public Feature {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      vocabulary = vocabulary == null ? null : List.copyOf(vocabulary);
    }

    boolean numeric() {
      return "numeric".equals(kind);
    }

    int width() {
      return numeric() ? 2 : vocabulary.size() + 2;
    }
  }

  /** The JSON document. */
  record Document(
      @JsonProperty("version") int version,
      @JsonProperty("features") List<Feature> features,
      @JsonProperty("columns") List<String> columns) {
    @JsonCreator
    Document {}
  }

  private final List<Feature> features;
  private final List<String> columns;
  private final List<Map<String, Integer>> index;

  private Preprocessing(List<Feature> features) {
    this.features = List.copyOf(features);
    List<String> cols = new ArrayList<>();
    List<Map<String, Integer>> idx = new ArrayList<>();
    for (Feature f : this.features) {
      if (f.numeric()) {
        cols.add(f.name());
        cols.add(f.name() + MISSING_SUFFIX);
        idx.add(null);
      } else {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < f.vocabulary().size(); i++) {
          m.put(f.vocabulary().get(i), i);
          cols.add(f.name() + "=" + f.vocabulary().get(i));
        }
        cols.add(f.name() + "=" + UNKNOWN);
        cols.add(f.name() + "=" + NULL);
        idx.add(m);
      }
    }
    this.columns = Collections.unmodifiableList(cols);
    this.index = idx;
  }

  /** Fits on training rows (feature name to Double/Number, String or null). */
  public static Preprocessing fit(
      List<FeatureSpec> specs, Iterable<? extends Map<String, ?>> trainingRows) {
    return fit(specs, trainingRows, DEFAULT_MAX_CATEGORIES);
  }

  /** Fits with a cap on each vocabulary (rarer categories map to {@value #UNKNOWN}). */
  public static Preprocessing fit(
      List<FeatureSpec> specs, Iterable<? extends Map<String, ?>> trainingRows, int maxCategories) {
    int n = specs.size();
    double[] sum = new double[n];
    double[] sumSq = new double[n];
    long[] count = new long[n];
    List<Map<String, Long>> freq = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      freq.add(new HashMap<>());
    }
    for (Map<String, ?> row : trainingRows) {
      for (int i = 0; i < n; i++) {
        FeatureSpec f = specs.get(i);
        Object v = row.get(f.name());
        if (f.isNumeric()) {
          Double d = numeric(v);
          if (d != null) {
            sum[i] += d;
            sumSq[i] += d * d;
            count[i]++;
          }
        } else if (v != null) {
          freq.get(i).merge(v.toString(), 1L, Long::sum);
        }
      }
    }
    List<Feature> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      FeatureSpec f = specs.get(i);
      if (f.isNumeric()) {
        double mean = count[i] == 0 ? 0 : sum[i] / count[i];
        double var = count[i] == 0 ? 0 : Math.max(0, sumSq[i] / count[i] - mean * mean);
        double std = Math.sqrt(var);
        out.add(new Feature(f.name(), "numeric", mean, std > 1e-12 ? std : 1.0, null));
      } else if (f.isCategorical()) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(freq.get(i).entrySet());
        entries.sort(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()));
        List<String> vocab = new ArrayList<>();
        for (Map.Entry<String, Long> e : entries) {
          if (vocab.size() >= maxCategories) {
            break;
          }
          vocab.add(e.getKey());
        }
        out.add(new Feature(f.name(), "categorical", null, null, vocab));
      } else {
        throw new IllegalArgumentException(
            "feature " + f.name() + " of kind " + f.kind() + " is not tabular");
      }
    }
    return new Preprocessing(out);
  }

  private static Double numeric(Object v) {
    if (v instanceof Number num) {
      double d = num.doubleValue();
      return Double.isFinite(d) ? d : null;
    }
    if (v == null) {
      return null;
    }
    throw new IllegalArgumentException("not a number: " + v);
  }

  /** Output width: number of model input columns. */
  public int dimension() {
    return columns.size();
  }

  /** Output column names, in order. */
  public List<String> columns() {
    return columns;
  }

  public List<Feature> features() {
    return features;
  }

  /** Transforms one row. */
  public float[] transform(Map<String, ?> row) {
    float[] out = new float[dimension()];
    transformInto(row, out, 0);
    return out;
  }

  /** Transforms rows into one row-major array of {@code rows.size() * dimension()} floats. */
  public float[] transformAll(List<? extends Map<String, ?>> rows) {
    int d = dimension();
    float[] out = new float[rows.size() * d];
    for (int r = 0; r < rows.size(); r++) {
      transformInto(rows.get(r), out, r * d);
    }
    return out;
  }

  private void transformInto(Map<String, ?> row, float[] out, int offset) {
    int c = offset;
    for (int i = 0; i < features.size(); i++) {
      Feature f = features.get(i);
      Object v = row.get(f.name());
      if (f.numeric()) {
        Double d = numeric(v);
        if (d == null) {
          out[c] = 0f;
          out[c + 1] = 1f;
        } else {
          out[c] = (float) ((d - f.mean()) / f.std());
          out[c + 1] = 0f;
        }
      } else {
        int slot;
        if (v == null) {
          slot = f.vocabulary().size() + 1;
        } else {
          slot = index.get(i).getOrDefault(v.toString(), f.vocabulary().size());
        }
        out[c + slot] = 1f;
      }
      c += f.width();
    }
  }

  /** JSON text. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(new Document(FORMAT_VERSION, features, columns));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads {@link #toJson()} output. */
  public static Preprocessing fromJson(String json) {
    try {
      Document d = JSON.readValue(json, Document.class);
      if (d.version() != FORMAT_VERSION) {
        throw new IllegalArgumentException("unsupported preprocessing version " + d.version());
      }
      Preprocessing p = new Preprocessing(d.features());
      if (d.columns() != null && !d.columns().equals(p.columns())) {
        throw new IllegalArgumentException("preprocessing columns do not match its features");
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable preprocessing: " + e.getMessage(), e);
    }
  }

  /** Writes {@value #FILE_NAME} into {@code modelDir}. */
  public void save(Path modelDir) {
    try {
      Files.createDirectories(modelDir);
      Files.writeString(modelDir.resolve(FILE_NAME), toJson());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads {@value #FILE_NAME} from {@code modelDir}. */
  public static Preprocessing load(Path modelDir) {
    try {
      return fromJson(Files.readString(modelDir.resolve(FILE_NAME)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + modelDir.resolve(FILE_NAME), e);
    }
  }

  /** Feature name to fitted feature, in order. */
  public Map<String, Feature> byName() {
    Map<String, Feature> m = new LinkedHashMap<>();
    features.forEach(f -> m.put(f.name(), f));
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Preprocessing p && features.equals(p.features);
  }

  @Override
  public int hashCode() {
    return features.hashCode();
  }
}
