package io.driftgate.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON form of a {@link RetrainRun} (instants as ISO-8601 text). */
public final class RunJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunJson() {}

  public static String write(RetrainRun r) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("key", r.key());
    n.put("model", r.model());
    n.put("state", r.state().name());
    n.put("attempt", r.attempt());
    n.put("submitted", r.submitted());
    put(n, "retryAt", r.retryAt());
    put(n, "createdAt", r.createdAt());
    put(n, "stateEnteredAt", r.stateEnteredAt());
    put(n, "updatedAt", r.updatedAt());
    n.put("failure", r.failure());
    ObjectNode req = n.putObject("request");
    ArrayNode reasons = req.putArray("reasons");
    r.request().reasons().forEach(reasons::add);
    put(req, "dataFrom", r.request().dataFrom());
    put(req, "dataTo", r.request().dataTo());
    req.put("lakeSnapshot", r.request().lakeSnapshot());
    put(req, "requestedAt", r.request().requestedAt());
    if (r.request().lakeMetadataLocation() != null) {
      req.put("lakeMetadataLocation", r.request().lakeMetadataLocation());
    }
    ObjectNode h = n.putObject("handles");
    r.handles().forEach(h::put);
    ObjectNode res = n.putObject("results");
    ObjectNode bp = res.putObject("bestParams");
    r.results().bestParams().forEach(bp::put);
    res.put("bestTrial", r.results().bestTrial());
    res.put("modelDir", r.results().modelDir());
    res.put("modelVersion", r.results().modelVersion());
    res.put("promoted", r.results().promoted());
    res.put("gateReason", r.results().gateReason());
    ArrayNode hist = n.putArray("history");
    for (Transition t : r.history()) {
      ObjectNode e = hist.addObject();
      e.put("from", t.from().name());
      e.put("to", t.to().name());
      put(e, "at", t.at());
      e.put("reason", t.reason());
    }
    try {
      return MAPPER.writeValueAsString(n) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a run.
   *
   * @throws IllegalArgumentException when the text is not a run
   */
  public static RetrainRun read(String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      JsonNode req = n.path("request");
      List<String> reasons = new ArrayList<>();
      req.path("reasons").forEach(x -> reasons.add(x.asText()));
      RunRequest request =
          new RunRequest(
              reasons,
              instant(req, "dataFrom"),
              instant(req, "dataTo"),
              text(req, "lakeSnapshot"),
              instant(req, "requestedAt"),
              text(req, "lakeMetadataLocation"));
      JsonNode res = n.path("results");
      RunResults results =
          new RunResults(
              map(res.path("bestParams")),
              res.hasNonNull("bestTrial") ? res.get("bestTrial").asInt() : null,
              text(res, "modelDir"),
              text(res, "modelVersion"),
              res.hasNonNull("promoted") ? res.get("promoted").asBoolean() : null,
              text(res, "gateReason"));
      List<Transition> history = new ArrayList<>();
      for (JsonNode e : n.path("history")) {
        history.add(
            new Transition(
                RunState.valueOf(e.get("from").asText()),
                RunState.valueOf(e.get("to").asText()),
                instant(e, "at"),
                text(e, "reason")));
      }
      return new RetrainRun(
          n.get("key").asText(),
          n.get("model").asText(),
          request,
          RunState.valueOf(n.get("state").asText()),
          n.path("attempt").asInt(),
          n.path("submitted").asBoolean(),
          instant(n, "retryAt"),
          instant(n, "createdAt"),
          instant(n, "stateEnteredAt"),
          instant(n, "updatedAt"),
          history,
          map(n.path("handles")),
          results,
          text(n, "failure"));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a run record: " + e.getMessage(), e);
    }
  }

  private static void put(ObjectNode n, String name, Instant t) {
    n.put(name, t == null ? null : t.toString());
  }

  private static Instant instant(JsonNode n, String name) {
    return n.hasNonNull(name) ? Instant.parse(n.get(name).asText()) : null;
  }

  private static String text(JsonNode n, String name) {
    return n.hasNonNull(name) ? n.get(name).asText() : null;
  }

  private static Map<String, String> map(JsonNode n) {
    Map<String, String> m = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }
}
