package io.driftgate.core.spec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code eventTime} and {@code id}: the record fields every model reads besides features.
 */
final class RecordFieldSections {
  static final List<String> EVENT_TIME_KEYS = List.of("field", "maxFutureSkew", "maxAge");
  static final List<String> ID_KEYS = List.of("field", "maxLength");

  private RecordFieldSections() {}

  /** {@code eventTime} (required); null when its field is missing (already reported). */
  static EventTimeSpec eventTime(SpecReader r, Map<String, Object> root) {
    Map<String, Object> m = r.section(root, "", "eventTime", true, EVENT_TIME_KEYS);
    String field = r.string(m, "eventTime", "field", true, "event_time");
    Duration skew =
        r.duration(m, "eventTime", "maxFutureSkew", EventTimeSpec.DEFAULT_MAX_FUTURE_SKEW, true);
    Duration maxAge = r.duration(m, "eventTime", "maxAge", null, false);
    return field == null ? null : new EventTimeSpec(field, skew, maxAge);
  }

  /** {@code id} (optional); null when absent. */
  static IdSpec id(SpecReader r, Map<String, Object> root) {
    Map<String, Object> m = r.section(root, "", "id", false, ID_KEYS);
    String field = r.string(m, "id", "field", true, "event_id");
    int maxLength =
        r.wholeInt(m, "id", "maxLength", IdSpec.DEFAULT_MAX_LENGTH, 1, Integer.MAX_VALUE);
    return field == null ? null : new IdSpec(field, maxLength);
  }
}
