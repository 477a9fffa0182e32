package io.driftgate.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One JSON object per line, as Cloud Logging reads a container's output: {@code timestamp} (RFC
 * 3339, UTC), {@code severity} (Cloud Logging's names: WARN is {@code WARNING}), {@code message}
 * (with the stack trace of an exception appended, which Error Reporting picks up), {@code logger},
 * {@code thread}, and every MDC entry as a field of its own (the launcher's {@code run}, {@code
 * model} and {@code step}). Control characters and line breaks inside values are escaped, so a
 * record never spans two lines.
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {
  /** Fields the layout writes itself; an MDC entry of one of these names is skipped. */
  static final Set<String> RESERVED =
      Set.of("timestamp", "severity", "message", "logger", "thread");

  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public String doLayout(ILoggingEvent e) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("timestamp", Instant.ofEpochMilli(e.getTimeStamp()).toString());
      g.writeStringField("severity", severity(e.getLevel()));
      g.writeStringField("message", message(e));
      g.writeStringField("logger", e.getLoggerName());
      g.writeStringField("thread", e.getThreadName());
      Map<String, String> mdc = e.getMDCPropertyMap();
      if (mdc != null) {
        for (Map.Entry<String, String> m : new java.util.TreeMap<>(mdc).entrySet()) {
          if (!RESERVED.contains(m.getKey()) && m.getValue() != null) {
            g.writeStringField(m.getKey(), m.getValue());
          }
        }
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex); // a StringWriter does not fail
    }
    return out.append(CoreConstants.LINE_SEPARATOR).toString();
  }

  @Override
  public String getContentType() {
    return "application/json";
  }

  /** Cloud Logging's LogSeverity for a Logback level. */
  static String severity(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> "ERROR";
      case Level.WARN_INT -> "WARNING";
      case Level.INFO_INT -> "INFO";
      default -> "DEBUG"; // DEBUG, TRACE
    };
  }

  private static String message(ILoggingEvent e) {
    String m = e.getFormattedMessage();
    IThrowableProxy t = e.getThrowableProxy();
    if (t == null) {
      return m == null ? "" : m;
    }
    return (m == null ? "" : m + "\n") + ThrowableProxyUtil.asString(t);
  }
}
