package io.driftgate.core.spec;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in driftgate.yaml: {@code 500ms}, {@code 5s}, {@code 10m}, {@code 1h},
 * {@code 1d}, combinations such as {@code 1h30m}, or ISO-8601 such as {@code PT5S}.
 */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  /** Human-readable list of accepted forms, for error messages. */
  public static final String FORMS =
      "a whole number with a unit ms, s, m, h or d (such as 500ms, 5s, 10m, 1h, 1h30m) or ISO-8601"
          + " such as PT5S";

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException when the text is not a duration
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no duration given");
    }
    String t = text.trim();
    if (t.regionMatches(true, 0, "PT", 0, 2) || t.regionMatches(true, 0, "P", 0, 1)) {
      try {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not an ISO-8601 duration: " + text, e);
      }
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (!WHOLE.matcher(lower).matches()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    Duration d = Duration.ZERO;
    Matcher m = PART.matcher(lower);
    try {
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        d =
            switch (m.group(2)) {
              case "ms" -> d.plusMillis(n);
              case "s" -> d.plusSeconds(n);
              case "m" -> d.plusMinutes(n);
              case "h" -> d.plusHours(n);
              default -> d.plusDays(n);
            };
      }
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("duration too large: " + text, e);
    }
    return d;
  }

  /** Formats a duration in the short form accepted by {@link #parse}, e.g. {@code 1h30m}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.isNegative()) {
      return d.toString();
    }
    StringBuilder sb = new StringBuilder();
    long days = d.toDaysPart();
    if (days > 0) {
      sb.append(days).append('d');
    }
    if (d.toHoursPart() > 0) {
      sb.append(d.toHoursPart()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      sb.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0) {
      sb.append(d.toSecondsPart()).append('s');
    }
    if (d.toMillisPart() > 0) {
      sb.append(d.toMillisPart()).append("ms");
    }
    return sb.length() == 0 ? d.toString() : sb.toString();
  }
}
