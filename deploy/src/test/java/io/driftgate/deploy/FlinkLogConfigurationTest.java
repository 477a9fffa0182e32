package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink job's logs are JSON lines like the launcher's: the FlinkDeployment's Log4j
 * configuration, as the chart renders it, is loaded into a real Log4j 2 (Flink's backend) and the
 * lines it writes are parsed back.
 */
class FlinkLogConfigurationTest {
  private static final String PREFIX = RenderedManifests.RELEASE + "-driftgate";

  @SuppressWarnings("unchecked")
  private static String log4jConsoleProperties(List<HasMetadata> docs) {
    GenericKubernetesResource fd =
        docs.stream()
            .filter(d -> d.getKind().equals("FlinkDeployment"))
            .map(GenericKubernetesResource.class::cast)
            .filter(d -> d.getMetadata().getName().equals(PREFIX + "-ingest"))
            .findFirst()
            .orElseThrow();
    Map<String, Object> spec = (Map<String, Object>) fd.getAdditionalProperties().get("spec");
    Map<String, String> logs = (Map<String, String>) spec.get("logConfiguration");
    assertThat(logs).as("spec.logConfiguration").containsKey("log4j-console.properties");
    return logs.get("log4j-console.properties");
  }

  @Test
  void theFlinkJobLogsOneJsonObjectPerLineWithSeverityMessageTimestampAndTheStackTrace(
      @TempDir Path dir) throws Exception {
    String properties = log4jConsoleProperties(RenderedManifests.load("default"));
    Path file = dir.resolve("log4j-console.properties");
    Files.writeString(file, properties, StandardCharsets.UTF_8);
    // Flink's scripts set log.file (the rolling file behind the web UI's log view).
    System.setProperty("log.file", dir.resolve("flink.log").toString());

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    LoggerContext ctx;
    // The console appender takes System.out when it is built.
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ctx = Configurator.initialize("flink-json-test", null, file.toUri());
      Logger driftgate = ctx.getLogger("io.driftgate.streaming.monitor.DetectDrift");
      driftgate.info("drift of \"credit\": 2 of 5 features\nsecond line \\ tab\there");
      driftgate.warn("commit failed", new IllegalStateException("catalog \"jdbc\" down"));
      driftgate.debug("debug is below the chart's logging.level info");
      ctx.getLogger("org.apache.kafka.clients.consumer.KafkaConsumer").info("kafka chatter");
      ctx.getLogger("org.apache.flink.runtime.taskmanager.Task").info("Flink task switched");
      Configurator.shutdown(ctx);
    } finally {
      System.setOut(stdout);
    }

    List<JsonNode> lines = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(json.readTree(line)); // every line is one whole object
      }
    }
    assertThat(lines)
        .extracting(l -> l.get("message").asText())
        .containsExactly(
            "drift of \"credit\": 2 of 5 features\nsecond line \\ tab\there",
            "commit failed",
            "Flink task switched");
    JsonNode info = lines.get(0);
    assertThat(info.get("severity").asText()).isEqualTo("INFO");
    assertThat(info.get("logger").asText()).isEqualTo("io.driftgate.streaming.monitor.DetectDrift");
    assertThat(info.get("timestamp").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(info.get("exception").asText()).isEmpty();
    JsonNode warn = lines.get(1);
    // Cloud Logging's severity names, as the launcher's JsonLayout writes them.
    assertThat(warn.get("severity").asText()).isEqualTo("WARNING");
    assertThat(warn.get("exception").asText())
        .startsWith("java.lang.IllegalStateException: catalog \"jdbc\" down")
        .contains("\tat io.driftgate.deploy.FlinkLogConfigurationTest.");
    assertThat(lines.get(2).get("thread").asText()).isNotEmpty();
  }
}
