package io.driftgate.cli.logging;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The log format for logback.xml ({@code <define name="FORMAT" class="...LogFormat"/>}): {@code
 * text} (lines for a terminal, the default) or {@code json} (one JSON object per line, see {@link
 * JsonLayout}), from the system property {@value #PROPERTY}, else the environment variable {@value
 * #ENV}. Another value is reported on stderr and text is used.
 */
public final class LogFormat extends PropertyDefinerBase {
  /** The environment variable (the Helm chart and the images set it to json). */
  public static final String ENV = "DRIFTGATE_LOG_FORMAT";

  /** The system property; wins over {@link #ENV}. */
  public static final String PROPERTY = "driftgate.log.format";

  @Override
  public String getPropertyValue() {
    Choice c = choose(System::getProperty, System::getenv);
    if (c.error() != null) {
      // One line on stderr: a WARN status would make Logback print its whole start-up status.
      System.err.println("driftgate: " + c.error());
      addInfo(c.error());
    }
    return c.value();
  }

  /** A value and, when the configured one was refused, why. */
  record Choice(String value, String error) {}

  static Choice choose(UnaryOperator<String> properties, UnaryOperator<String> env) {
    String key = PROPERTY;
    String raw = properties.apply(PROPERTY);
    if (raw == null || raw.isBlank()) {
      key = ENV;
      raw = env.apply(ENV);
    }
    if (raw == null || raw.isBlank()) {
      return new Choice("text", null);
    }
    String v = raw.strip().toLowerCase(Locale.ROOT);
    if (v.equals("text") || v.equals("json")) {
      return new Choice(v, null);
    }
    return new Choice(
        "text", key + "=" + raw + " is not a log format; use json or text (logging as text)");
  }
}
