package io.driftgate.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The level of driftgate's own loggers ({@code io.driftgate}) for logback.xml: the system property
 * {@value #PROPERTY}, else the environment variable {@value #ENV}, else INFO. The engines (Kafka,
 * Flink, Beam, Hadoop, Iceberg) keep their levels from logback.xml. Another value is reported and
 * INFO used (Logback itself would silently take DEBUG).
 */
public final class LogLevel extends PropertyDefinerBase {
  public static final String ENV = "DRIFTGATE_LOG_LEVEL";
  public static final String PROPERTY = "driftgate.log.level";

  private static final Set<String> LEVELS =
      Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  @Override
  public String getPropertyValue() {
    LogFormat.Choice c = choose(System::getProperty, System::getenv);
    if (c.error() != null) {
      // One line on stderr: a WARN status would make Logback print its whole start-up status.
      System.err.println("driftgate: " + c.error());
      addInfo(c.error());
    }
    return c.value();
  }

  static LogFormat.Choice choose(UnaryOperator<String> properties, UnaryOperator<String> env) {
    String key = PROPERTY;
    String raw = properties.apply(PROPERTY);
    if (raw == null || raw.isBlank()) {
      key = ENV;
      raw = env.apply(ENV);
    }
    if (raw == null || raw.isBlank()) {
      return new LogFormat.Choice(Level.INFO.levelStr, null);
    }
    String v = raw.strip().toUpperCase(Locale.ROOT);
    if (v.equals("WARNING")) {
      v = "WARN"; // Cloud Logging's name
    }
    if (LEVELS.contains(v)) {
      return new LogFormat.Choice(v, null);
    }
    return new LogFormat.Choice(
        Level.INFO.levelStr,
        key
            + "="
            + raw
            + " is not a log level; use one of trace, debug, info, warn, error, off (logging at"
            + " info)");
  }
}
