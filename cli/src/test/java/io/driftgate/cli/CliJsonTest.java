package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.streaming.ingest.IngestResult;
import io.driftgate.testkit.kafka.ProduceResult;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code --json} convention: which commands have it, and documents that parse back. */
class CliJsonTest {
  /** Fails on anything after the first document: stdout must be exactly one. */
  static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static JsonNode onlyDocument(String stdout) throws Exception {
    assertThat(stdout.strip()).startsWith("{");
    return STRICT.readTree(stdout);
  }

  /** Commands that print data: each takes --json (the README lists the same). */
  static final List<String> DATA_COMMANDS =
      List.of(
          "drift",
          "gate",
          "ingest",
          "lake",
          "lake maintain",
          "ledger",
          "models list",
          "models show",
          "models gc",
          "models import-legacy",
          "monitor",
          "produce",
          "promote",
          "request",
          "rollback",
          "runs list",
          "runs show",
          "train",
          "tune");

  @Test
  void everyDataCommandTakesJson() {
    CommandLine root = Main.commandLine();
    List<String> missing = new ArrayList<>();
    for (String path : DATA_COMMANDS) {
      CommandLine c = root;
      for (String name : path.split(" ")) {
        c = c.getSubcommands().get(name);
      }
      if (c.getCommandSpec().findOption("--json") == null) {
        missing.add(path);
      }
    }
    assertThat(missing).isEmpty();
  }

  @Test
  void produceJsonCarriesTheCountsByKind() throws Exception {
    Map<io.driftgate.schemas.ErrorKind, Long> kinds =
        new EnumMap<>(io.driftgate.schemas.ErrorKind.class);
    io.driftgate.schemas.ErrorKind first = io.driftgate.schemas.ErrorKind.values()[0];
    kinds.put(first, 7L);
    ProduceResult r = new ProduceResult(1000, 993, kinds, 400, Map.of(0, 500L, 1, 500L), 2000);
    JsonNode doc = STRICT.readTree(ModelsCommand.JSON.writeValueAsString(CliJson.produce("t", r)));
    assertThat(doc.get("topic").asText()).isEqualTo("t");
    assertThat(doc.get("total").asLong()).isEqualTo(1000);
    assertThat(doc.get("malformed").asLong()).isEqualTo(7);
    assertThat(doc.get("malformedByKind").get(first.name()).asLong()).isEqualTo(7);
    assertThat(doc.get("endOffsets").get("1").asLong()).isEqualTo(500);
    assertThat(doc.get("recordsPerSecond").asDouble()).isEqualTo(500.0);
  }

  @Test
  void ingestJsonLeavesUncountedFieldsNull() throws Exception {
    IngestResult r = new IngestResult("m", -1, -1, 120, 3, Map.of("bad_json", 3L), -1, 2, 900);
    JsonNode doc = STRICT.readTree(ModelsCommand.JSON.writeValueAsString(CliJson.ingest(r)));
    assertThat(doc.get("read").isNull()).isTrue();
    assertThat(doc.get("rowsWritten").asLong()).isEqualTo(120);
    assertThat(doc.get("deadLettersByKind").get("bad_json").asLong()).isEqualTo(3);
    assertThat(doc.get("commits").asLong()).isEqualTo(2);
  }

  @Test
  void nonFiniteNumbersAreNull() {
    assertThat(CliJson.finite(Double.NaN)).isNull();
    assertThat(CliJson.finite(Map.of("a", Double.POSITIVE_INFINITY))).containsEntry("a", null);
  }
}
