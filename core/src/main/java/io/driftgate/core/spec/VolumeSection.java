package io.driftgate.core.spec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Parses {@code volume}: how much new data a retrain needs and how often it may start. */
final class VolumeSection {
  static final List<String> KEYS = List.of("minNewRecords", "cooldown", "maxInFlight", "maxAge");

  private VolumeSection() {}

  static VolumeSpec parse(SpecReader r, Map<String, Object> root) {
    Map<String, Object> m = r.section(root, "", "volume", false, KEYS);
    if (m == null) {
      return VolumeSpec.defaults();
    }
    Long minNew =
        r.whole(
            m, "volume", "minNewRecords", VolumeSpec.DEFAULT_MIN_NEW_RECORDS, 0, Long.MAX_VALUE);
    Duration cooldown = r.duration(m, "volume", "cooldown", VolumeSpec.DEFAULT_COOLDOWN, true);
    Long inFlight =
        r.whole(
            m,
            "volume",
            "maxInFlight",
            (long) VolumeSpec.DEFAULT_MAX_IN_FLIGHT,
            1,
            Integer.MAX_VALUE);
    Duration maxAge = r.duration(m, "volume", "maxAge", null, false);
    return new VolumeSpec(minNew, cooldown, inFlight.intValue(), maxAge);
  }
}
