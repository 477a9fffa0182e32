package io.driftgate.core.tune;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The study directory layout and its file formats.
 *
 * <pre>
 * &lt;study&gt;/study.json                 StudySpec
 * &lt;study&gt;/trials/&lt;i&gt;/params.json     parameters (string/number map), written before launch
 * &lt;study&gt;/trials/&lt;i&gt;/metrics.jsonl   {"epoch":n,"time":ms,"metrics":{...}} per line
 * &lt;study&gt;/trials/&lt;i&gt;/heartbeat       last heartbeat, epoch millis (written atomically)
 * &lt;study&gt;/trials/&lt;i&gt;/status.json     {"status","reason","objective","metrics","durationMs","epochs"}
 * &lt;study&gt;/trials/&lt;i&gt;/stop            exists when the tuner asks the trial to stop
 * &lt;study&gt;/trials/&lt;i&gt;/pid             process id of the running trial (tuner)
 * &lt;study&gt;/trials/&lt;i&gt;/trial.log       stdout + stderr of the trial process (JavaTrialLauncher)
 * &lt;study&gt;/study-table.csv, results.json
 * </pre>
 *
 * Non-finite metric values are written as the JSON strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}.
 */
public final class StudyFiles {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JSON_NUMBER =
      Pattern.compile("-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");

  private StudyFiles() {}

  public static Path studyJson(Path study) {
    return study.resolve("study.json");
  }

  public static Path trialDir(Path study, int index) {
    return study.resolve("trials").resolve(Integer.toString(index));
  }

  public static Path params(Path study, int index) {
    return trialDir(study, index).resolve("params.json");
  }

  public static Path metrics(Path study, int index) {
    return trialDir(study, index).resolve("metrics.jsonl");
  }

  public static Path heartbeat(Path study, int index) {
    return trialDir(study, index).resolve("heartbeat");
  }

  public static Path status(Path study, int index) {
    return trialDir(study, index).resolve("status.json");
  }

  public static Path stop(Path study, int index) {
    return trialDir(study, index).resolve("stop");
  }

  public static Path pid(Path study, int index) {
    return trialDir(study, index).resolve("pid");
  }

  public static Path log(Path study, int index) {
    return trialDir(study, index).resolve("trial.log");
  }

  public static Path table(Path study) {
    return study.resolve("study-table.csv");
  }

  public static Path results(Path study) {
    return study.resolve("results.json");
  }

  /** Writes via a temporary file and an atomic rename: readers see the old or the new content. */
  public static void writeAtomic(Path file, String content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp =
        Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes params.json; values that look like JSON numbers are written as numbers, verbatim. */
  public static void writeParams(Path file, Map<String, String> params) throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.getFactory().createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      for (Map.Entry<String, String> e : params.entrySet()) {
        g.writeFieldName(e.getKey());
        if (JSON_NUMBER.matcher(e.getValue()).matches()) {
          g.writeNumber(e.getValue());
        } else {
          g.writeString(e.getValue());
        }
      }
      g.writeEndObject();
    }
    writeAtomic(file, w + "\n");
  }

  /** Reads params.json; numbers keep their exact text. */
  public static Map<String, String> readParams(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (JsonParser p = JSON.getFactory().createParser(Files.readString(file))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(file + ": params must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.getCurrentName();
        JsonToken t = p.nextToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          throw new IOException(file + ": parameter " + name + " must be a string or number");
        }
        out.put(name, t == JsonToken.VALUE_NULL ? "" : p.getText());
      }
    }
    return out;
  }

  static String toJson(Object value, boolean pretty) {
    try {
      return pretty
          ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value)
          : JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One line of metrics.jsonl. */
  record EpochLine(int epoch, long time, Map<String, Double> metrics) {}

  static String epochLine(int epoch, long time, Map<String, Double> metrics) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    m.put("time", time);
    m.put("metrics", metrics);
    return toJson(m, false) + "\n";
  }

  /** Parses a metrics.jsonl line; null when it is not one. */
  static EpochLine parseEpochLine(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      if (n == null || !n.isObject() || !n.has("epoch")) {
        return null;
      }
      return new EpochLine(
          n.get("epoch").asInt(), n.path("time").asLong(), doubles(n.path("metrics")));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static Map<String, Double> doubles(JsonNode node) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        Double v = toDouble(e.getValue());
        if (v != null) {
          out.put(e.getKey(), v);
        }
      }
    }
    return out;
  }

  private static Double toDouble(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    try {
      return Double.parseDouble(v.asText().trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** status.json. */
  record StatusFile(
      TrialStatus status,
      String reason,
      Double objective,
      Map<String, Double> metrics,
      long durationMs,
      int epochs) {}

  static void writeStatus(Path file, StatusFile s) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", s.status().name());
    m.put("reason", s.reason());
    m.put("objective", s.objective());
    m.put("metrics", s.metrics() == null ? Map.of() : s.metrics());
    m.put("durationMs", s.durationMs());
    m.put("epochs", s.epochs());
    writeAtomic(file, toJson(m, true) + "\n");
  }

  /** Reads status.json; null when absent or unreadable. */
  static StatusFile readStatus(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(Files.readString(file));
      TrialStatus st = TrialStatus.valueOf(n.path("status").asText());
      JsonNode r = n.get("reason");
      return new StatusFile(
          st,
          r == null || r.isNull() ? null : r.asText(),
          toDouble(n.get("objective")),
          doubles(n.path("metrics")),
          n.path("durationMs").asLong(),
          n.path("epochs").asInt());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Writes study-table.csv and results.json. */
  static void writeReport(
      Path study, StudySpec spec, List<TrialResult> trials, List<String> live, long wallMs)
      throws IOException {
    Set<String> paramNames = new LinkedHashSet<>(spec.space().params().keySet());
    Set<String> metricNames = new LinkedHashSet<>();
    for (TrialResult t : trials) {
      paramNames.addAll(t.params().keySet());
      metricNames.addAll(new java.util.TreeSet<>(t.metrics().keySet()));
    }
    StringBuilder csv = new StringBuilder("trial,status,reason,objective,durationMs,epochs");
    paramNames.forEach(p -> csv.append(',').append(csv("param." + p)));
    metricNames.forEach(m -> csv.append(',').append(csv("metric." + m)));
    csv.append('\n');
    for (int i = 0; i < trials.size(); i++) {
      TrialResult t = trials.get(i);
      csv.append(t.index())
          .append(',')
          .append(live.get(i))
          .append(',')
          .append(csv(t.reason()))
          .append(',')
          .append(t.objective() == null ? "" : t.objective().toString())
          .append(',')
          .append(t.durationMs())
          .append(',')
          .append(t.epochs());
      for (String p : paramNames) {
        csv.append(',').append(csv(t.params().get(p)));
      }
      for (String m : metricNames) {
        Double v = t.metrics().get(m);
        csv.append(',').append(v == null ? "" : v.toString());
      }
      csv.append('\n');
    }
    writeAtomic(table(study), csv.toString());

    ObjectNode root = JSON.createObjectNode();
    root.put("study", spec.name());
    root.putPOJO(
        "objective",
        Map.of(
            "name",
            spec.objective().name(),
            "direction",
            spec.objective().direction().name().toLowerCase(java.util.Locale.ROOT)));
    root.put("wallMs", wallMs);
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String s : live) {
      counts.merge(s, 1L, Long::sum);
    }
    root.putPOJO("counts", counts);
    root.putPOJO(
        "best", StudyResult.best(trials, spec.objective()).map(StudyFiles::trialMap).orElse(null));
    List<Object> rows = new ArrayList<>();
    for (int i = 0; i < trials.size(); i++) {
      Map<String, Object> m = trialMap(trials.get(i));
      m.put("status", live.get(i));
      rows.add(m);
    }
    root.putPOJO("trials", rows);
    writeAtomic(results(study), toJson(root, true) + "\n");
  }

  private static Map<String, Object> trialMap(TrialResult t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trial", t.index());
    m.put("status", t.status().name());
    m.put("reason", t.reason());
    m.put("objective", t.objective());
    m.put("durationMs", t.durationMs());
    m.put("epochs", t.epochs());
    m.put("params", t.params());
    m.put("metrics", new java.util.TreeMap<>(t.metrics()));
    return m;
  }

  private static String csv(String s) {
    if (s == null) {
      return "";
    }
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  /** Appends one line (creating the file). */
  static void append(Path file, String line) throws IOException {
    Files.writeString(
        file,
        line,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
  }
}
