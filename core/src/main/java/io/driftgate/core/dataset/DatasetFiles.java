package io.driftgate.core.dataset;

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
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * Datasets for offline drift comparison: a CSV file, a Parquet file, or a committed lake range
 * written {@code <lake dir>[#<snapshot id>][@<from>..<to>]} with ISO-8601 instants, e.g. {@code
 * lake@2026-01-05T00:00:00Z..2026-01-06T00:00:00Z}.
 */
public final class DatasetFiles {
  private DatasetFiles() {}

  /**
   * Profiles a dataset over the given features. A CSV file's cells are read as the features' kinds:
   * a numeric feature's cell must be a number (or empty: null), a categorical feature's cell stays
   * the string it is ({@code 007} is not {@code 7}).
   */
  public static DatasetProfile profile(String source, List<ProfiledFeature> features) {
    ProfileBuilder builder = new ProfileBuilder(features);
    forEachRow(source, features, builder::accept);
    return builder.build();
  }

  /** The spec's features, as profiled features. */
  public static List<ProfiledFeature> features(ModelSpec spec) {
    List<ProfiledFeature> out = new ArrayList<>();
    for (FeatureSpec f : spec.features()) {
      if (f.isNumeric()) {
        out.add(ProfiledFeature.numeric(f.name()));
      } else if (f.isCategorical()) {
        out.add(ProfiledFeature.categorical(f.name()));
      } else if (f.isText()) {
        out.add(ProfiledFeature.text(f.name()));
      } else if (f.isImage()) {
        var o = f.image();
        out.add(
            ProfiledFeature.image(
                f.name(),
                new io.driftgate.core.drift.profile.ImageShape(
                    o.channels(),
                    o.height(),
                    o.width(),
                    o.resize() == io.driftgate.core.spec.ImageOptions.Resize.RESIZE,
                    o.convertChannels())));
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

  /**
   * Streams rows as column → value maps. A CSV file's cells are strings (empty: null); Parquet
   * files and lakes keep their columns' types.
   */
  public static void forEachRow(String source, Consumer<Map<String, Object>> sink) {
    forEachRow(source, List.of(), sink);
  }

  /**
   * Streams rows as column → value maps; a CSV file's columns named by a numeric feature of {@code
   * types} are parsed as Double, any other CSV cell stays a string (empty cells: null).
   *
   * @throws IllegalArgumentException for a CSV file that is not valid CSV, or a numeric feature's
   *     cell that is not a number, naming the file, line, column and value
   */
  public static void forEachRow(
      String source, List<ProfiledFeature> types, Consumer<Map<String, Object>> sink) {
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
      readCsv(p, types, sink);
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

  /** RFC 4180 with a header line; blank lines are skipped, header names must be unique. */
  private static final CSVFormat CSV =
      CSVFormat.RFC4180
          .builder()
          .setHeader()
          .setSkipHeaderRecord(true)
          .setIgnoreEmptyLines(true)
          .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
          .get();

  private static void readCsv(
      Path file, List<ProfiledFeature> types, Consumer<Map<String, Object>> sink) {
    Set<String> numeric = new HashSet<>();
    for (ProfiledFeature f : types) {
      if (f.kind() == ProfiledKind.NUMERIC) {
        numeric.add(f.name());
      }
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      in.mark(1);
      if (in.read() != '\uFEFF') { // a byte order mark is not part of the first column's name
        in.reset();
      }
      CSVParser parser;
      try {
        parser = CSV.parse(in);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        throw new IllegalArgumentException(file + " line 1 (header): " + message(e), e);
      }
      try (parser) {
        List<String> names = parser.getHeaderNames();
        boolean[] isNumeric = new boolean[names.size()];
        for (int i = 0; i < names.size(); i++) {
          isNumeric[i] = numeric.contains(names.get(i));
        }
        Iterator<CSVRecord> records = parser.iterator();
        while (true) {
          CSVRecord record;
          try {
            if (!records.hasNext()) {
              break;
            }
            record = records.next();
          } catch (UncheckedIOException | IllegalStateException e) {
            // Commons CSV reports a broken record (an unterminated quote, text after a closing
            // quote) with the line number it had reached.
            throw new IllegalArgumentException(file + ": not valid CSV: " + message(e), e);
          }
          long lastLine = parser.getCurrentLineNumber();
          if (record.size() != names.size()) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "%s line %d: %d cell(s), but the header line has %d column(s) (%s)",
                    file,
                    lineOf(record, 0, lastLine),
                    record.size(),
                    names.size(),
                    String.join(",", names)));
          }
          Map<String, Object> row = new HashMap<>();
          for (int i = 0; i < names.size(); i++) {
            String cell = record.get(i);
            Object value;
            if (cell.isEmpty()) {
              value = null;
            } else if (isNumeric[i]) {
              value = parseNumber(cell);
              if (value == null) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "%s line %d, column %d (%s): \"%s\" is not a number, and %s is a numeric"
                            + " feature (leave the cell empty for a missing value)",
                        file,
                        lineOf(record, i, lastLine),
                        i + 1,
                        names.get(i),
                        abbreviate(cell),
                        names.get(i)));
              }
            } else {
              value = cell;
            }
            row.put(names.get(i), value);
          }
          sink.accept(row);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * The line (1-based) where cell {@code column} of {@code record} starts: the record ends on
   * {@code lastLine}, and only quoted cells hold line breaks.
   */
  private static long lineOf(CSVRecord record, int column, long lastLine) {
    long breaks = 0;
    for (int i = column; i < record.size(); i++) {
      breaks += lineBreaks(record.get(i));
    }
    return lastLine - breaks;
  }

  private static long lineBreaks(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 == s.length() || s.charAt(i + 1) != '\n'))) {
        n++;
      }
    }
    return n;
  }

  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[+-]?(NaN|Infinity)");

  /** A decimal number (NaN and infinities included), surrounding spaces allowed; else null. */
  static Double parseNumber(String cell) {
    String s = cell.strip();
    return NUMBER.matcher(s).matches() ? Double.valueOf(s) : null;
  }

  private static String abbreviate(String cell) {
    String s = cell.replace("\r", "\\r").replace("\n", "\\n");
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private static String message(Exception e) {
    Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private static boolean parsesAsNumber(String s) {
    return s.isEmpty() || parseNumber(s) != null;
  }
}
