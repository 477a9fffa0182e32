package io.driftgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.driftgate.core.tune.TrialResult;
import io.driftgate.streaming.ingest.IngestResult;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.trainer.TrainResult;
import io.driftgate.trainer.TuneRunner;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code --json} documents of the commands that run something (train, tune, produce, ingest):
 * one object on stdout, stable camelCase field names, non-finite numbers as null (JSON has no NaN).
 * Logs and progress go to stderr, so stdout parses as it is.
 */
final class CliJson {
  private CliJson() {}

  /** Prints one JSON document on stdout. */
  static void print(Object document) {
    try {
      System.out.println(ModelsCommand.JSON.writeValueAsString(document));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Double finite(Double v) {
    return v == null || !Double.isFinite(v) ? null : v;
  }

  static Map<String, Double> finite(Map<String, Double> m) {
    Map<String, Double> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, finite(v)));
    return out;
  }

  /** {@code train --json}: the run, its epochs and the model written (null when it diverged). */
  static Map<String, Object> train(
      String model, String lake, Long snapshot, long from, long to, TrainResult r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", model);
    out.put("lake", lake);
    out.put("snapshotId", snapshot);
    out.put("from", Instant.ofEpochMilli(from).toString());
    out.put("to", Instant.ofEpochMilli(to).toString());
    out.put("status", r.status().name());
    out.put("epochsRun", r.epochsRun());
    out.put("bestEpoch", r.bestEpoch());
    out.put("trainRows", r.trainRows());
    out.put("validationRows", r.validationRows());
    out.put("durationMillis", r.durationMillis());
    out.put("devices", r.devices());
    out.put("metrics", finite(r.metrics()));
    out.put("history", r.history().stream().map(CliJson::finite).toList());
    return out;
  }

  /** {@code tune --json}: every trial, the counts by status and the best trial. */
  static Map<String, Object> tune(String study, TuneRunner.Result r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("study", study);
    out.put("objective", r.study().objective().name());
    out.put("wallMillis", r.study().wallMs());
    out.put("aborted", r.study().aborted());
    Map<String, Long> counts = new TreeMap<>();
    r.counts().forEach((s, n) -> counts.put(s.name(), n));
    out.put("counts", counts);
    List<Map<String, Object>> trials = new ArrayList<>();
    for (TrialResult t : r.study().trials()) {
      trials.add(trial(t));
    }
    out.put("trials", trials);
    out.put("best", r.best().map(CliJson::trial).orElse(null));
    out.put("bestModel", r.bestModel() == null ? null : r.bestModel().toString());
    out.put("table", r.table() == null ? null : r.table().toString());
    out.put("results", r.results() == null ? null : r.results().toString());
    return out;
  }

  private static Map<String, Object> trial(TrialResult t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", t.index());
    m.put("params", t.params());
    m.put("status", t.status().name());
    m.put("reason", t.reason());
    m.put("objective", finite(t.objective()));
    m.put("metrics", t.metrics() == null ? Map.of() : finite(t.metrics()));
    m.put("epochs", t.epochs());
    m.put("durationMillis", t.durationMs());
    return m;
  }

  /** {@code produce --json}. */
  static Map<String, Object> produce(String topic, ProduceResult r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("topic", topic);
    out.put("total", r.total());
    out.put("valid", r.valid());
    out.put("malformed", r.malformed());
    Map<String, Long> byKind = new TreeMap<>();
    r.malformedByKind().forEach((k, v) -> byKind.put(k.name(), v));
    out.put("malformedByKind", byKind);
    out.put("drifted", r.drifted());
    out.put("endOffsets", new TreeMap<>(r.endOffsets()));
    out.put("elapsedMillis", r.elapsedMillis());
    out.put("recordsPerSecond", finite(r.recordsPerSecond()));
    return out;
  }

  /** {@code ingest --json}; read, valid and duplicatesSkipped are null when not counted. */
  static Map<String, Object> ingest(IngestResult r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", r.model());
    out.put("read", r.read() < 0 ? null : r.read());
    out.put("valid", r.read() < 0 ? null : r.valid());
    out.put("rowsWritten", r.rowsWritten());
    out.put("deadLettersWritten", r.deadLettersWritten());
    out.put("deadLettersByKind", new TreeMap<>(r.deadLettersByKind()));
    out.put("duplicatesSkipped", r.read() < 0 ? null : r.duplicatesSkipped());
    out.put("commits", r.commits());
    out.put("wallMillis", r.wallMillis());
    return out;
  }
}
