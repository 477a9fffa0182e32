package io.driftgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftgate.core.monitor.AvroJson;
import io.driftgate.core.monitor.MonitorState;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The streaming drift monitor. It runs inside the ingestion pipeline (one pass over the stream):
 * {@code driftgate monitor} starts that pipeline; {@code --status} prints what it has decided.
 */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = {
      "Run the streaming drift monitor (inside the ingestion pipeline), or with --status print"
          + " its state, drift reports and retrain requests from the state database (the spec's"
          + " state.database, by default the lake catalog's database)."
    })
final class MonitorCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;

  @Option(
      names = "--status",
      description = "Print the monitor's state, reports and requests, then exit.")
  boolean status;

  @Option(names = "--until-caught-up", description = "Process what the topic holds now, then stop.")
  boolean untilCaughtUp;

  @Option(
      names = "--json",
      description =
          "Print one JSON document: with --status the status, else the ingestion's result.")
  boolean json;

  @Option(
      names = "--last",
      description = "With --status: how many recent reports to show. Default: ${DEFAULT-VALUE}.",
      defaultValue = "20")
  int last;

  @Override
  public Integer call() {
    if (!status) {
      IngestCommand ingest = new IngestCommand();
      ingest.specOption = specOption;
      ingest.untilCaughtUp = untilCaughtUp;
      ingest.json = json;
      return ingest.call();
    }
    ModelSpec spec = specOption.load();
    MonitorStore store = MonitorStore.open(spec.state(), spec.model());
    MonitorState state = store.load();
    List<MonitorStore.Written<DriftReport>> reports = store.reportLog();
    reports = reports.subList(Math.max(0, reports.size() - last), reports.size());
    List<MonitorStore.Written<RetrainRequest>> requests = store.requestLog();
    if (json) {
      System.out.println(json(spec, state, reports, requests));
      return 0;
    }
    System.out.printf(
        "monitor of %s in %s: %d windows processed, reference %s%n",
        spec.model(),
        spec.state().describe(),
        state.windows(),
        state.referenceComplete() ? state.referenceId() : "still accumulating");
    for (DriftReport r : reports.stream().map(MonitorStore.Written::value).toList()) {
      System.out.printf(
          "  %s  rows %5d  drifted %3.0f%%  %s%n",
          r.getWindowStart(),
          r.getRowCount(),
          r.getDriftedShare() * 100,
          r.getFeatures().stream().filter(f -> f.getDrifted()).map(f -> f.getName()).toList());
    }
    for (RetrainRequest q : requests.stream().map(MonitorStore.Written::value).toList()) {
      System.out.printf(
          "retrain request %s: %s, trigger %s, evidence %s%n",
          q.getIdempotencyKey(), q.getReasons(), q.getTriggerWindowEnd(), q.getEvidenceReportIds());
    }
    return 0;
  }

  /** The status as one JSON object: state, the last reports and every request (Avro JSON). */
  static String json(
      ModelSpec spec,
      MonitorState state,
      List<MonitorStore.Written<DriftReport>> reports,
      List<MonitorStore.Written<RetrainRequest>> requests) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode out = m.createObjectNode();
    out.put("model", spec.model());
    out.put("database", spec.state().describe());
    out.put("windows", state.windows());
    out.put(
        "lastWindowEnd",
        state.lastWindowEnd() == 0 ? null : Instant.ofEpochMilli(state.lastWindowEnd()).toString());
    out.put("referenceComplete", state.referenceComplete());
    out.put("referenceId", state.referenceId());
    ArrayNode rs = out.putArray("reports");
    for (MonitorStore.Written<DriftReport> r : reports) {
      ObjectNode n = rs.addObject();
      n.put("writtenAt", r.writtenAt().toString());
      n.set("report", tree(m, AvroJson.write(r.value())));
    }
    ArrayNode qs = out.putArray("requests");
    for (MonitorStore.Written<RetrainRequest> q : requests) {
      ObjectNode n = qs.addObject();
      n.put("writtenAt", q.writtenAt().toString());
      n.set("request", tree(m, AvroJson.write(q.value())));
    }
    try {
      return m.writerWithDefaultPrettyPrinter().writeValueAsString(out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode tree(ObjectMapper m, String json) {
    try {
      return m.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
