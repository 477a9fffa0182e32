package io.driftgate.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class JsonLayoutTest {
  final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void clear() {
    MDC.clear();
    System.clearProperty(LogFormat.PROPERTY);
    System.clearProperty(LogLevel.PROPERTY);
  }

  /** A context of its own, whose events read the MDC that SLF4J's {@link MDC} writes. */
  static LoggerContext context() {
    LoggerContext ctx = new LoggerContext();
    ctx.setMDCAdapter(MDC.getMDCAdapter());
    ctx.start();
    return ctx;
  }

  /** A context whose one logger writes through {@link JsonLayout} into {@code out}. */
  static Logger logger(LoggerContext ctx, ByteArrayOutputStream out) {
    JsonLayout layout = new JsonLayout();
    layout.setContext(ctx);
    layout.start();
    LayoutWrappingEncoder<ch.qos.logback.classic.spi.ILoggingEvent> enc =
        new LayoutWrappingEncoder<>();
    enc.setContext(ctx);
    enc.setLayout(layout);
    enc.start();
    OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> app =
        new OutputStreamAppender<>();
    app.setContext(ctx);
    app.setEncoder(enc);
    app.setOutputStream(out);
    app.start();
    Logger l = ctx.getLogger("io.driftgate.launcher.Launcher");
    l.addAppender(app);
    l.setAdditive(false);
    return l;
  }

  List<JsonNode> lines(ByteArrayOutputStream out) throws Exception {
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    List<JsonNode> nodes = new java.util.ArrayList<>();
    for (String line : text.split("\n")) {
      nodes.add(json.readTree(line)); // each line alone is one JSON object
    }
    return nodes;
  }

  @Test
  void oneJsonObjectPerLineWithSeverityAndTheRunFromTheMdc() throws Exception {
    LoggerContext ctx = context();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Logger log = logger(ctx, out);
    Instant before = Instant.now();

    MDC.put("run", "flight-delay/2024-03-01T10:00Z/drift");
    MDC.put("model", "flight-delay");
    MDC.put("step", "tune");
    MDC.put("severity", "spoofed"); // never overrides a field of the layout's own
    log.info("run {}: REQUESTED -> TUNING", "k-1");
    MDC.clear();
    log.warn("a \"quoted\"\nmulti-line\tmessage");
    log.error("submit failed", new IllegalStateException("API server\nunreachable"));
    log.debug("not logged at INFO"); // the context's default level is DEBUG: it is logged

    List<JsonNode> lines = lines(out);
    assertThat(lines).hasSize(4);
    JsonNode info = lines.get(0);
    assertThat(info.get("severity").asText()).isEqualTo("INFO");
    assertThat(info.get("message").asText()).isEqualTo("run k-1: REQUESTED -> TUNING");
    assertThat(info.get("run").asText()).isEqualTo("flight-delay/2024-03-01T10:00Z/drift");
    assertThat(info.get("model").asText()).isEqualTo("flight-delay");
    assertThat(info.get("step").asText()).isEqualTo("tune");
    assertThat(info.get("logger").asText()).isEqualTo("io.driftgate.launcher.Launcher");
    assertThat(info.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
    Instant at = Instant.parse(info.get("timestamp").asText());
    assertThat(at).isBetween(before.minusMillis(1), Instant.now());

    JsonNode warn = lines.get(1);
    assertThat(warn.get("severity").asText()).isEqualTo("WARNING");
    assertThat(warn.get("message").asText()).isEqualTo("a \"quoted\"\nmulti-line\tmessage");
    assertThat(warn.has("run")).as("the MDC was cleared").isFalse();

    JsonNode error = lines.get(2);
    assertThat(error.get("severity").asText()).isEqualTo("ERROR");
    assertThat(error.get("message").asText())
        .startsWith("submit failed\njava.lang.IllegalStateException: API server\nunreachable")
        .contains("at io.driftgate.cli.logging.JsonLayoutTest");
    assertThat(lines.get(3).get("severity").asText()).isEqualTo("DEBUG");
  }

  @Test
  void theShippedConfigurationWritesJsonWhenAskedAndKeepsTheEnginesQuiet() throws Exception {
    System.setProperty(LogFormat.PROPERTY, "json");
    PrintStream err = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LoggerContext ctx = context();
    try {
      System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
      JoranConfigurator c = new JoranConfigurator();
      c.setContext(ctx);
      c.doConfigure(getClass().getResource("/logback.xml"));
      MDC.put("run", "k-7");
      ctx.getLogger("io.driftgate.launcher.Launcher").info("accepted request k-7");
      ctx.getLogger("io.driftgate.launcher.Launcher").debug("below the default level");
      ctx.getLogger("org.apache.kafka.clients.NetworkClient").warn("broker chatter");
      ctx.getLogger("org.apache.iceberg.BaseMetastoreCatalog").info("catalog chatter");
      ctx.getLogger("org.apache.iceberg.BaseMetastoreCatalog").warn("a real warning");
    } finally {
      System.setErr(err);
      ctx.stop();
    }
    List<JsonNode> lines = lines(out);
    assertThat(lines)
        .extracting(n -> n.get("message").asText())
        .containsExactly("accepted request k-7", "a real warning");
    assertThat(lines.get(0).get("run").asText()).isEqualTo("k-7");
    assertThat(lines.get(1).get("severity").asText()).isEqualTo("WARNING");
  }

  @Test
  void theShippedConfigurationWritesTextByDefault() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LoggerContext ctx = context();
    try {
      System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
      JoranConfigurator c = new JoranConfigurator();
      c.setContext(ctx);
      c.doConfigure(getClass().getResource("/logback.xml"));
      // Logback's status (an appender left unused is a WARN) is never printed over a command's
      // output.
      assertThat(ctx.getStatusManager().getCopyOfStatusListenerList())
          .anyMatch(l -> l instanceof ch.qos.logback.core.status.NopStatusListener);
      ctx.getLogger("io.driftgate.launcher.Launcher").info("accepted request k-7");
    } finally {
      System.setErr(err);
      ctx.stop();
    }
    // The default unless DRIFTGATE_LOG_FORMAT says otherwise (the build does not set it).
    if (System.getenv(LogFormat.ENV) == null) {
      assertThat(out.toString(StandardCharsets.UTF_8))
          .isEqualTo("INFO  Launcher - accepted request k-7\n");
    }
  }

  @Test
  void formatAndLevelComeFromThePropertyThenTheEnvironmentAndBadValuesAreNamed() {
    Map<String, String> none = Map.of();
    assertThat(LogFormat.choose(none::get, none::get))
        .isEqualTo(new LogFormat.Choice("text", null));
    assertThat(LogFormat.choose(none::get, Map.of(LogFormat.ENV, "JSON")::get).value())
        .isEqualTo("json");
    assertThat(
            LogFormat.choose(
                    Map.of(LogFormat.PROPERTY, "text")::get, Map.of(LogFormat.ENV, "json")::get)
                .value())
        .isEqualTo("text");
    LogFormat.Choice bad = LogFormat.choose(none::get, Map.of(LogFormat.ENV, "xml")::get);
    assertThat(bad.value()).isEqualTo("text");
    assertThat(bad.error()).contains("DRIFTGATE_LOG_FORMAT=xml").contains("json or text");

    assertThat(LogLevel.choose(none::get, none::get).value()).isEqualTo("INFO");
    assertThat(LogLevel.choose(none::get, Map.of(LogLevel.ENV, "debug")::get).value())
        .isEqualTo("DEBUG");
    assertThat(LogLevel.choose(none::get, Map.of(LogLevel.ENV, "warning")::get).value())
        .isEqualTo("WARN");
    LogFormat.Choice loud = LogLevel.choose(Map.of(LogLevel.PROPERTY, "loud")::get, none::get);
    assertThat(loud.value()).isEqualTo("INFO");
    assertThat(loud.error()).contains("driftgate.log.level=loud").contains("debug");
  }
}
