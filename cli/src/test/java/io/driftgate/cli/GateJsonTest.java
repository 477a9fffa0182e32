package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftgate.core.gate.CheckResult;
import io.driftgate.core.gate.GateConfig;
import io.driftgate.core.gate.GateReport;
import io.driftgate.gate.GateOutcome;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code gate --json}'s outcome document parses back and carries what the text shows. (The gate
 * itself needs trained models; this builds the outcome it prints.)
 */
class GateJsonTest extends ConsoleCapture {

  @Test
  void theOutcomeJsonCarriesTheChecksMetricsAndVerdictOfTheText() throws Exception {
    Map<String, Double> challenger = new LinkedHashMap<>();
    challenger.put("auc", 0.81);
    challenger.put("log_loss", 0.42);
    Map<String, Double> champion = new LinkedHashMap<>();
    champion.put("auc", 0.79);
    champion.put("log_loss", 0.45);
    GateReport report =
        new GateReport(
            List.of(
                new CheckResult(
                    "champion-challenger", CheckResult.Status.FAIL, "p=0.2 > alpha 0.05", Map.of()),
                new CheckResult("floors", CheckResult.Status.PASS, "auc 0.81 >= 0.6", Map.of())));
    GateOutcome o =
        new GateOutcome(
            "flight-delay",
            report,
            GateConfig.defaults(),
            Path.of("challenger"),
            Path.of("champion"),
            1767571200000L,
            1767657600000L,
            1234,
            7L,
            challenger,
            champion,
            List.of("a"),
            List.of(),
            new double[0][],
            new double[] {1},
            new double[] {1},
            new double[] {1},
            "registry",
            55,
            null,
            null,
            null);
    GateCommand.print(o);
    String text = stdout();
    JsonNode json =
        ModelsCommand.JSON.readTree(
            ModelsCommand.JSON.writeValueAsString(GateCommand.outcomeJson(o)));

    assertThat(json.get("verdict").asText()).isEqualTo(o.promote() ? "PROMOTE" : "REJECT");
    assertThat(text).contains("verdict: " + json.get("verdict").asText());
    assertThat(json.get("validationRows").asInt()).isEqualTo(1234);
    assertThat(text).contains("1,234 validation rows", json.get("validationFrom").asText());
    assertThat(json.get("checks")).hasSize(2);
    for (JsonNode c : json.get("checks")) {
      assertThat(text)
          .containsPattern(
              c.get("status").asText()
                  + "\\s+"
                  + java.util.regex.Pattern.quote(c.get("name").asText())
                  + "\\s+"
                  + java.util.regex.Pattern.quote(c.get("detail").asText()));
    }
    JsonNode auc = json.get("metrics").get("auc");
    assertThat(auc.get("champion").asDouble()).isEqualTo(0.79);
    assertThat(auc.get("challenger").asDouble()).isEqualTo(0.81);
    assertThat(auc.get("delta").asDouble())
        .isCloseTo(0.02, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(text).contains("champion 0.7900  challenger 0.8100  delta +0.0200");
    assertThat(json.get("reasons")).hasSize(2);
  }
}
