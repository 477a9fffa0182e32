package io.driftgate.core.drift;

import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.ProfileBuilder;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.drift.profile.ProfiledKind;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.ParquetFiles;
import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.ModelSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Datasets for offline drift comparison: a CSV file, a Parquet file, or a committed lake range
 * written {@code <lake dir>[#<snapshot id>][@<from>..<to>]} with ISO-8601 instants, e.g. {@code
 * lake@2026-01-05T00:00:00Z..2026-01-06T00:00:00Z}.
 */
public final class DatasetFiles {
  private DatasetFiles() {}

  /** Profiles a dataset over the given features. */
  public static DatasetProfile profile(String source, List<ProfiledFeature> features) {
    ProfileBuilder builder = new ProfileBuilder(features);
    forEachRow(source, builder::accept);
    return builder.build();
  }

  /** The spec's numeric and categorical features, as profiled features. */
  public static List<ProfiledFeature> features(ModelSpec spec) {
    List<ProfiledFeature> out = new ArrayList<>();
    for (FeatureSpec f : spec.features()) {
      if (f.isNumeric()) {
        out.add(ProfiledFeature.numeric(f.name()));
      } else if (f.isCategorical()) {
        out.add(ProfiledFeature.categorical(f.name()));
      }
    }
    return out;
  }

  /**
   * Infers features from a dataset's first rows: a column whose non-empty values all parse as
   * numbers is numeric, any other is categorical. Columns in {@code exclude} are skipped.
   */
  public static List<ProfiledFeature> inferFeatures(String source, List<String> exclude) {
    Map<String, Boolean> numeric = new LinkedHashMap<>();
    int[] seen = {0};
    try {
      forEachRow(
          source,
          row -> {
            row.forEach(
                (k, v) -> {
                  if (exclude.contains(k) || k.startsWith("_")) {
                    return;
                  }
                  boolean isNum = v == null || v instanceof Number || parsesAsNumber(v.toString());
                  numeric.merge(k, isNum, Boolean::logicalAnd);
                });
            if (++seen[0] >= 1000) {
              throw new StopReading();
            }
          });
    } catch (StopReading ignored) {
      // enough rows to decide
    }
    List<ProfiledFeature> out = new ArrayList<>();
    numeric.forEach(
        (k, isNum) ->
            out.add(
                new ProfiledFeature(k, isNum ? ProfiledKind.NUMERIC : ProfiledKind.CATEGORICAL)));
    return out;
  }

  private static final class StopReading extends RuntimeException {
    StopReading() {
      super(null, null, false, false);
    }
  }

  /** Streams rows as column → value maps (numbers as Double where they parse). */
  public static void forEachRow(String source, Consumer<Map<String, Object>> sink) {
    String path = source;
    Instant from = null;
    Instant to = null;
    int at = source.lastIndexOf('@');
    if (at > 0 && source.substring(at).contains("..")) {
      String[] range = source.substring(at + 1).split("\\.\\.", 2);
      path = source.substring(0, at);
      from = range[0].isBlank() ? null : Instant.parse(range[0]);
      to = range[1].isBlank() ? null : Instant.parse(range[1]);
    }
    Path p = Path.of(path);
    if (Files.isDirectory(p)
        || (path.contains("#")
            && Files.isDirectory(Path.of(path.substring(0, path.lastIndexOf('#')))))) {
      readLake(p, from, to, sink);
    } else if (!Files.exists(p)) {
      throw new IllegalArgumentException(
          "dataset "
              + source
              + " does not exist; expected a .csv or .parquet file or a lake"
              + " directory (optionally with @<from>..<to>)");
    } else if (path.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      readCsv(p, sink);
    } else if (path.toLowerCase(Locale.ROOT).endsWith(".parquet")) {
      ParquetFiles.read(p, r -> sink.accept(toMap(r)));
    } else {
      throw new IllegalArgumentException(
          "dataset " + source + ": unknown file type; use .csv, .parquet or a lake directory");
    }
  }

  private static void readLake(
      Path lake, Instant from, Instant to, Consumer<Map<String, Object>> sink) {
    long lo = from == null ? 0 : from.toEpochMilli();
    long hi = to == null ? Long.MAX_VALUE / 1000 : to.toEpochMilli();
    String dir = lake.getFileName() == null ? "" : lake.getFileName().toString();
    Long snapshot = null;
    int hash = dir.lastIndexOf('#');
    if (hash > 0) {
      snapshot = Long.parseLong(dir.substring(hash + 1));
      lake = lake.resolveSibling(dir.substring(0, hash));
    }
    try (Lake opened = Lake.open(lake)) {
      if (opened.isEmpty()) {
        throw new IllegalArgumentException(
            "lake " + lake + " has no committed data (no Iceberg snapshot yet); ingest first");
      }
      Lake view = snapshot == null ? opened : opened.at(snapshot);
      if (from == null && to == null) {
        view.scanAll(r -> sink.accept(toMap(r)));
      } else {
        view.scan(lo, hi, r -> sink.accept(toMap(r)));
      }
    }
  }

  private static Map<String, Object> toMap(org.apache.iceberg.data.Record r) {
    Map<String, Object> row = new HashMap<>();
    for (org.apache.iceberg.types.Types.NestedField f : r.struct().fields()) {
      Object v = r.getField(f.name());
      if (v instanceof java.time.OffsetDateTime t) {
        v = t.toInstant().toEpochMilli();
      }
      row.put(f.name(), v instanceof CharSequence cs ? cs.toString() : v);
    }
    return row;
  }

  private static Map<String, Object> toMap(GenericRecord r) {
    Map<String, Object> row = new HashMap<>();
    for (Schema.Field f : r.getSchema().getFields()) {
      Object v = r.get(f.pos());
      row.put(f.name(), v instanceof CharSequence cs ? cs.toString() : v);
    }
    return row;
  }

  private static void readCsv(Path file, Consumer<Map<String, Object>> sink) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        return;
      }
      List<String> names = splitCsv(header);
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        List<String> cells = splitCsv(line);
        Map<String, Object> row = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
          String cell = i < cells.size() ? cells.get(i) : "";
          row.put(names.get(i), cell.isEmpty() ? null : parseCell(cell));
        }
        sink.accept(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static Object parseCell(String cell) {
    return parsesAsNumber(cell) ? (Object) Double.parseDouble(cell) : cell;
  }

  private static boolean parsesAsNumber(String s) {
    if (s.isEmpty()) {
      return true;
    }
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Splits one CSV line (RFC 4180 quotes; no embedded newlines). */
  static List<String> splitCsv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    out.add(cell.toString());
    return out;
  }
}
