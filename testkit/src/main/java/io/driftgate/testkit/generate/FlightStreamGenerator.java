package io.driftgate.testkit.generate;

import io.driftgate.core.wire.DecodeException;
import io.driftgate.core.wire.RecordDecoder;
import io.driftgate.core.wire.RecordEncoder;
import io.driftgate.core.wire.RecordEncoders;
import io.driftgate.core.wire.WireFormat;
import io.driftgate.schemas.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Seeded synthetic stream of flight events for the demo spec ({@code
 * examples/flight-delay/driftgate.yaml}), with malformed records and optional drift.
 *
 * <p>Record {@code i} depends only on the config and {@code i} ({@link #generate(long)} is random
 * access); the same config always gives byte-identical output. Event ids are {@code
 * evt-<seed>-<index>} and are the Kafka keys.
 *
 * <p>The {@code delayed} label comes from a logistic model of departure delay, weather, hour,
 * distance and carrier. Valid records respect every rule of the example spec after trim and
 * normalization (some categoricals come lowercase or padded on purpose; {@code dep_delay_min} is
 * null about 1% of the time, {@code weather} 2%, {@code carrier} 3% plus every v1 record). A
 * malformed record has exactly one defect and its {@link GeneratedRecord#expectedError()} is the
 * classification driftgate must give it.
 */
public final class FlightStreamGenerator implements Iterator<GeneratedRecord> {

  /** Airports, in the order of the spec's {@code allowed} list. */
  public static final String[] AIRPORTS = {
    "ATL", "BOS", "DEN", "DFW", "JFK", "LAX", "ORD", "SEA", "SFO", "MIA"
  };

  public static final String[] WEATHER = {"clear", "rain", "snow", "fog", "storm"};
  public static final String[] CARRIERS = {"AA", "DL", "UA", "WN", "B6", "AS"};

  private static final double[][] COORDS = {
    {33.6407, -84.4277}, {42.3656, -71.0096}, {39.8561, -104.6737}, {32.8998, -97.0403},
    {40.6413, -73.7781}, {33.9416, -118.4085}, {41.9742, -87.9073}, {47.4502, -122.3088},
    {37.6213, -122.3790}, {25.7959, -80.2870}
  };
  private static final double[] ORIGIN_WEIGHTS = {14, 7, 11, 12, 10, 11, 12, 7, 8, 8};
  // Departure hours 5..23.
  private static final double[] HOUR_WEIGHTS = {
    3, 6, 9, 9, 8, 7, 6, 6, 6, 6, 7, 8, 9, 9, 8, 7, 5, 4, 3
  };
  private static final double[] WEATHER_BASE = {0.62, 0.18, 0.06, 0.08, 0.06};
  private static final double[] WEATHER_EFFECT = {0.0, 0.6, 1.2, 0.8, 1.8};
  private static final double[] CARRIER_EFFECT = {0.0, -0.3, 0.1, 0.2, 0.35, -0.2};

  /** Route distances in km (great circle, rounded), [origin][destination]. */
  static final double[][] ROUTE_KM = routeTable();

  /** For each origin, destinations sorted by decreasing distance. */
  private static final int[][] LONGEST_FIRST = longestFirst();

  private static final String[] REQUIRED_FIELDS = {
    "distance_km", "dep_hour", "origin", "destination"
  };
  private static final String[] NUMERIC_FIELDS = {"distance_km", "dep_hour", "dep_delay_min"};
  private static final String[] UNKNOWN_AIRPORTS = {"XXX", "ZZZ", "LHR", "CDG"};
  private static final String[] UNKNOWN_WEATHER = {"hail", "tornado", "sleet"};

  private final GeneratorConfig config;
  private final ErrorKind[] kinds;
  private final RecordEncoder encoderV1;
  private final RecordEncoder encoderV2;
  private final RecordEncoder encoderUnknown;
  private final RecordDecoder decoder;
  private final int headerLength;
  private long next;

  public FlightStreamGenerator(GeneratorConfig config) {
    this.config = config;
    this.next = config.firstIndex();
    this.kinds = config.malformedKinds().toArray(new ErrorKind[0]);
    Arrays.sort(kinds);
    WireFormat f = config.format();
    this.encoderV1 = RecordEncoders.forFormat(f, FlightSchemas.CONFLUENT_ID_V1, FlightSchemas.v1());
    this.encoderV2 = RecordEncoders.forFormat(f, FlightSchemas.CONFLUENT_ID_V2, FlightSchemas.v2());
    this.encoderUnknown =
        RecordEncoders.forFormat(
            f, FlightSchemas.CONFLUENT_ID_UNKNOWN, FlightSchemas.unknownVersion());
    this.decoder = FlightSchemas.decoder(f);
    this.headerLength = f == WireFormat.SINGLE_OBJECT ? 10 : 5;
  }

  public GeneratorConfig config() {
    return config;
  }

  /** A decoder matching this generator's format (reader v2, writer v1 or v2). */
  public RecordDecoder decoder() {
    return decoder;
  }

  /** The event id of record {@code index} of a stream with {@code seed}. */
  public static String eventId(long seed, long index) {
    return "evt-" + seed + "-" + index;
  }

  @Override
  public boolean hasNext() {
    return next < config.firstIndex() + config.count();
  }

  @Override
  public GeneratedRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return generate(next++);
  }

  /** The remaining records as a sequential stream. */
  public Stream<GeneratedRecord> stream() {
    return StreamSupport.stream(
        Spliterators.spliterator(
            this,
            config.firstIndex() + config.count() - next,
            Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.SIZED),
        false);
  }

  /** Record {@code index} (random access; independent of the iterator position). */
  public GeneratedRecord generate(long index) {
    Random rng = new Random(mix(config.seed(), index));
    String id = eventId(config.seed(), index);
    long spacing = config.eventSpacingMillis();
    long jitter = Math.round((rng.nextDouble() * 1.5 - 0.75) * spacing);
    long eventTime = Math.max(0L, config.startTimeMillis() + index * spacing + jitter);

    DriftConfig drift = config.drift();
    double intensity = drift == null ? 0.0 : drift.intensity(index);
    boolean drifted = rng.nextDouble() < intensity;
    double fs = drifted ? drift.featureShift() : 0.0;
    double ls = drifted ? drift.labelShift() : 0.0;

    Flight fl = drawFlight(rng, fs, ls);
    boolean v1 = rng.nextDouble() < config.v1Fraction();
    ErrorKind kind = null;
    if (rng.nextDouble() < config.malformedFraction()) {
      kind = kinds[rng.nextInt(kinds.length)];
    }

    // Surface noise of valid records: nulls in optional features, messy categoricals.
    Object depDelay = rng.nextDouble() < 0.01 ? null : (Object) fl.depDelay;
    Object weather = rng.nextDouble() < 0.02 ? null : messy(rng, WEATHER[fl.weather], false);
    Object carrier = rng.nextDouble() < 0.03 ? null : messy(rng, CARRIERS[fl.carrier], true);
    Object origin = messy(rng, AIRPORTS[fl.origin], true);
    Object destination = messy(rng, AIRPORTS[fl.destination], true);
    Object distance = fl.distance;
    Object hour = fl.hour;

    Schema schema = v1 ? FlightSchemas.v1() : FlightSchemas.v2();
    RecordEncoder encoder = v1 ? encoderV1 : encoderV2;
    if (kind == ErrorKind.UNKNOWN_SCHEMA) {
      schema = FlightSchemas.unknownVersion();
      encoder = encoderUnknown;
    }
    GenericData.Record r = new GenericData.Record(schema);
    r.put("event_id", id);
    r.put("event_time", eventTime);
    r.put("origin", origin);
    r.put("destination", destination);
    r.put("distance_km", distance);
    r.put("dep_hour", hour);
    r.put("dep_delay_min", depDelay);
    r.put("weather", weather);
    if (!v1) {
      r.put("carrier", carrier);
    }
    // Labels apart: the record goes without it; the label arrives later (a labels topic).
    r.put("delayed", config.labelsApart() ? null : (Integer) (fl.delayed ? 1 : 0));
    if (kind == ErrorKind.UNKNOWN_SCHEMA) {
      r.put("aircraft", "A320");
    }
    if (kind != null) {
      breakField(rng, kind, r);
    }
    byte[] value = encoder.encode(r);
    if (kind != null) {
      value = breakBytes(rng, kind, value);
    }
    return new GeneratedRecord(
        id.getBytes(StandardCharsets.UTF_8), value, eventTime, kind, drifted, fl.delayed ? 1 : 0);
  }

  // ---------------------------------------------------------------------------------------------

  private static final class Flight {
    int origin;
    int destination;
    double distance;
    double hour;
    double depDelay;
    int weather;
    int carrier;
    boolean delayed;
  }

  private static Flight drawFlight(Random rng, double fs, double ls) {
    Flight f = new Flight();
    f.origin = pick(rng, ORIGIN_WEIGHTS);
    if (fs > 0 && rng.nextDouble() < Math.min(0.8, 0.4 * fs)) {
      f.destination = LONGEST_FIRST[f.origin][rng.nextInt(3)];
    } else {
      do {
        f.destination = pick(rng, ORIGIN_WEIGHTS);
      } while (f.destination == f.origin);
    }
    double km =
        ROUTE_KM[f.origin][f.destination] * (1 + 0.15 * fs) * (1 + 0.02 * rng.nextGaussian());
    f.distance = clamp(StrictMath.rint(km * 10) / 10, 50, 19_000);

    int h = 5 + pick(rng, HOUR_WEIGHTS);
    f.hour = Math.min(23, h + (int) StrictMath.rint(2.5 * fs));

    double tailShare = Math.min(0.6, 0.22 + 0.15 * fs);
    double delay;
    if (rng.nextDouble() < tailShare) {
      double mean = 35 * (1 + 0.5 * fs);
      delay = -mean * StrictMath.log(1 - rng.nextDouble());
    } else {
      delay = -2 + 7 * rng.nextGaussian();
    }
    f.depDelay = clamp(StrictMath.rint(delay), -45, 1_400);

    double[] w = WEATHER_BASE.clone();
    double t = Math.min(0.5, 0.2 * fs);
    w[0] -= t;
    w[1] += 0.2 * t;
    w[2] += 0.3 * t;
    w[4] += 0.5 * t;
    f.weather = pick(rng, w);
    f.carrier = rng.nextInt(CARRIERS.length);

    double l = Math.min(ls, 1.5);
    double logit =
        -2.0
            + 0.5 * ls
            + 0.09 * (1 - 0.5 * l) * f.depDelay
            + WEATHER_EFFECT[f.weather] * (1 + ls)
            + (0.05 + 0.05 * ls) * (f.hour - 12)
            - 0.15 * (f.distance - 1500) / 1000
            + CARRIER_EFFECT[f.carrier];
    double p = 1 / (1 + StrictMath.exp(-logit));
    f.delayed = rng.nextDouble() < p;
    return f;
  }

  /** Mostly the canonical value; about 3% lowercase/uppercase or padded (valid after trim). */
  private static String messy(Random rng, String canonical, boolean upperCanonical) {
    if (rng.nextDouble() >= 0.03) {
      return canonical;
    }
    String v =
        upperCanonical
            ? canonical.toLowerCase(Locale.ROOT)
            : canonical.toUpperCase(Locale.ROOT).charAt(0) + canonical.substring(1);
    return switch (rng.nextInt(3)) {
      case 0 -> v;
      case 1 -> " " + v + " ";
      default -> canonical + "  ";
    };
  }

  /** Applies the one field-level defect of a validation kind. */
  private static void breakField(Random rng, ErrorKind kind, GenericRecord r) {
    switch (kind) {
      case MISSING_REQUIRED -> r.put(REQUIRED_FIELDS[rng.nextInt(REQUIRED_FIELDS.length)], null);
      case NON_FINITE -> {
        double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        r.put(NUMERIC_FIELDS[rng.nextInt(NUMERIC_FIELDS.length)], bad[rng.nextInt(3)]);
      }
      case OUT_OF_RANGE -> {
        boolean low = rng.nextBoolean();
        switch (rng.nextInt(3)) {
          case 0 ->
              r.put(
                  "distance_km", low ? -(1.0 + rng.nextInt(2000)) : 20_001.0 + rng.nextInt(20_000));
          case 1 -> r.put("dep_hour", low ? -(1.0 + rng.nextInt(5)) : 24.0 + rng.nextInt(17));
          default ->
              r.put(
                  "dep_delay_min", low ? -(61.0 + rng.nextInt(180)) : 1_441.0 + rng.nextInt(3_000));
        }
      }
      case UNKNOWN_CATEGORY -> {
        switch (rng.nextInt(3)) {
          case 0 -> r.put("origin", UNKNOWN_AIRPORTS[rng.nextInt(UNKNOWN_AIRPORTS.length)]);
          case 1 -> r.put("destination", UNKNOWN_AIRPORTS[rng.nextInt(UNKNOWN_AIRPORTS.length)]);
          default -> r.put("weather", UNKNOWN_WEATHER[rng.nextInt(UNKNOWN_WEATHER.length)]);
        }
      }
      default -> {
        // Decode-level kinds are applied to the bytes.
      }
    }
  }

  /** Applies a decode-level defect to an encoded value. */
  private byte[] breakBytes(Random rng, ErrorKind kind, byte[] value) {
    switch (kind) {
      case TRUNCATED -> {
        int cut = headerLength + rng.nextInt(value.length - headerLength);
        return verified(Arrays.copyOf(value, cut), ErrorKind.TRUNCATED);
      }
      case BAD_HEADER -> {
        byte[] v = value.clone();
        switch (rng.nextInt(3)) {
          case 0 -> {
            return Arrays.copyOf(v, 1 + rng.nextInt(headerLength - 1));
          }
          case 1 -> v[0] = (byte) (config.format() == WireFormat.SINGLE_OBJECT ? 0x00 : 0xC3);
          default -> v[config.format() == WireFormat.SINGLE_OBJECT ? 1 : 0] = 0x02;
        }
        return verified(v, ErrorKind.BAD_HEADER);
      }
      case CORRUPT_BYTES -> {
        return corrupt(rng, value);
      }
      default -> {
        return value;
      }
    }
  }

  private byte[] corrupt(Random rng, byte[] value) {
    for (int attempt = 0; attempt < 16; attempt++) {
      byte[] v;
      switch (attempt == 0 ? rng.nextInt(3) : 1) {
        case 0 -> {
          // A complete record followed by garbage.
          v = Arrays.copyOf(value, value.length + 1 + rng.nextInt(8));
          for (int i = value.length; i < v.length; i++) {
            v[i] = (byte) rng.nextInt(256);
          }
        }
        case 1 -> {
          // Valid header, random body.
          v = Arrays.copyOf(value, headerLength + 4 + rng.nextInt(80));
          for (int i = headerLength; i < v.length; i++) {
            v[i] = (byte) rng.nextInt(256);
          }
        }
        default -> {
          // Negative length of the first string (event_id).
          v = value.clone();
          v[headerLength] = (byte) (2 * rng.nextInt(60) + 1);
        }
      }
      if (classify(v) == ErrorKind.CORRUPT_BYTES) {
        return v;
      }
    }
    byte[] v = Arrays.copyOf(value, value.length + 1);
    v[value.length] = 0x00;
    return verified(v, ErrorKind.CORRUPT_BYTES);
  }

  private byte[] verified(byte[] v, ErrorKind expected) {
    ErrorKind actual = classify(v);
    if (actual != expected) {
      throw new IllegalStateException(
          "generator bug: built a " + expected + " record that decodes as " + actual);
    }
    return v;
  }

  private ErrorKind classify(byte[] v) {
    try {
      decoder.decode(v);
      return null;
    } catch (DecodeException e) {
      return e.kind();
    }
  }

  private static int pick(Random rng, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double u = rng.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** SplitMix64 finalizer over (seed, index). */
  private static long mix(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static double[][] routeTable() {
    int n = COORDS.length;
    double[][] km = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double lat1 = StrictMath.toRadians(COORDS[i][0]);
        double lat2 = StrictMath.toRadians(COORDS[j][0]);
        double dLat = lat2 - lat1;
        double dLon = StrictMath.toRadians(COORDS[j][1] - COORDS[i][1]);
        double a =
            StrictMath.pow(StrictMath.sin(dLat / 2), 2)
                + StrictMath.cos(lat1)
                    * StrictMath.cos(lat2)
                    * StrictMath.pow(StrictMath.sin(dLon / 2), 2);
        km[i][j] = StrictMath.rint(2 * 6371.0 * StrictMath.asin(StrictMath.sqrt(a)));
      }
    }
    return km;
  }

  private static int[][] longestFirst() {
    int n = AIRPORTS.length;
    int[][] order = new int[n][];
    for (int i = 0; i < n; i++) {
      final int o = i;
      order[i] =
          java.util.stream.IntStream.range(0, n)
              .filter(j -> j != o)
              .boxed()
              .sorted((a, b) -> Double.compare(ROUTE_KM[o][b], ROUTE_KM[o][a]))
              .mapToInt(Integer::intValue)
              .toArray();
    }
    return order;
  }
}
