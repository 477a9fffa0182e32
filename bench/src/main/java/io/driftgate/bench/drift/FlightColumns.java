package io.driftgate.bench.drift;

import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.wire.DecodeException;
import io.driftgate.core.wire.RecordDecoder;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/**
 * Rows of the seeded flight generator, decoded from their Avro bytes and normalised the way the
 * example spec ({@code examples/flight-delay/driftgate.yaml}) does: categoricals trimmed, airports
 * and carrier upper-case, weather lower-case. No malformed records are generated.
 */
final class FlightColumns {
  static final List<String> NUMERIC = List.of("distance_km", "dep_delay_min", "dep_hour");
  static final List<String> CATEGORICAL = List.of("origin", "destination", "weather", "carrier");

  private final FlightStreamGenerator gen;
  private final RecordDecoder decoder;

  FlightColumns(long seed, long count, DriftConfig drift) {
    this.gen =
        new FlightStreamGenerator(
            GeneratorConfig.builder()
                .seed(seed)
                .count(count)
                .malformedFraction(0.0)
                .v1Fraction(0.0)
                .drift(drift)
                .build());
    this.decoder = gen.decoder();
  }

  /** The profiled features of the example spec, numeric first. */
  static List<ProfiledFeature> features(List<String> names) {
    List<ProfiledFeature> out = new ArrayList<>();
    for (String n : names) {
      out.add(NUMERIC.contains(n) ? ProfiledFeature.numeric(n) : ProfiledFeature.categorical(n));
    }
    return out;
  }

  /** Record {@code index}, decoded and normalised; {@code _drifted} holds the ground truth. */
  Map<String, Object> row(long index) {
    GeneratedRecord rec = gen.generate(index);
    GenericRecord r;
    try {
      r = decoder.decode(rec.value());
    } catch (DecodeException e) {
      throw new IllegalStateException("generator produced an undecodable valid record", e);
    }
    Map<String, Object> row = new HashMap<>();
    for (String n : NUMERIC) {
      row.put(n, r.get(n));
    }
    for (String n : CATEGORICAL) {
      Object v = r.get(n);
      String s = v == null ? null : v.toString().trim();
      if (s != null) {
        s = n.equals("weather") ? s.toLowerCase(Locale.ROOT) : s.toUpperCase(Locale.ROOT);
      }
      row.put(n, s);
    }
    row.put("_drifted", rec.drifted());
    row.put("_event_time", rec.eventTimeMillis());
    return row;
  }

  /** Records {@code [from, to)} as rows. */
  List<Map<String, Object>> rows(long from, long to) {
    List<Map<String, Object>> out = new ArrayList<>((int) (to - from));
    for (long i = from; i < to; i++) {
      out.add(row(i));
    }
    return out;
  }

  /** Non-null values of a numeric column. */
  static double[] numeric(List<Map<String, Object>> rows, String name) {
    double[] v = new double[rows.size()];
    int m = 0;
    for (Map<String, Object> row : rows) {
      Object o = row.get(name);
      if (o instanceof Number num) {
        v[m++] = num.doubleValue();
      }
    }
    return java.util.Arrays.copyOf(v, m);
  }

  /** Non-null values of a categorical column. */
  static String[] categorical(List<Map<String, Object>> rows, String name) {
    List<String> v = new ArrayList<>(rows.size());
    for (Map<String, Object> row : rows) {
      Object o = row.get(name);
      if (o != null) {
        v.add(o.toString());
      }
    }
    return v.toArray(new String[0]);
  }

  static Map<String, Long> counts(String[] values) {
    Map<String, Long> m = new HashMap<>();
    for (String s : values) {
      m.merge(s, 1L, Long::sum);
    }
    return m;
  }
}
