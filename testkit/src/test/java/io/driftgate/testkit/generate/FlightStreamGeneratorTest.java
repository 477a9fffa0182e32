package io.driftgate.testkit.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.driftgate.core.wire.DecodeException;
import io.driftgate.core.wire.RecordDecoder;
import io.driftgate.core.wire.WireFormat;
import io.driftgate.schemas.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FlightStreamGeneratorTest {

  static final Set<String> AIRPORTS = Set.of(FlightStreamGenerator.AIRPORTS);
  static final Set<String> WEATHER = Set.of("clear", "rain", "snow", "fog", "storm");

  /** The example spec's rules (examples/flight-delay/driftgate.yaml), in spec order. */
  static ErrorKind validate(GenericRecord r) {
    Object t = r.get("event_time");
    if (!(t instanceof Long) || (Long) t < 0) {
      return ErrorKind.BAD_EVENT_TIME;
    }
    ErrorKind k;
    if ((k = numeric(r.get("distance_km"), true, 0, 20000)) != null) {
      return k;
    }
    if ((k = numeric(r.get("dep_hour"), true, 0, 23)) != null) {
      return k;
    }
    if ((k = numeric(r.get("dep_delay_min"), false, -60, 1440)) != null) {
      return k;
    }
    if ((k = categorical(r.get("origin"), true, true, AIRPORTS)) != null) {
      return k;
    }
    if ((k = categorical(r.get("destination"), true, true, AIRPORTS)) != null) {
      return k;
    }
    if ((k = categorical(r.get("weather"), false, false, WEATHER)) != null) {
      return k;
    }
    return categorical(r.get("carrier"), false, true, null);
  }

  static ErrorKind numeric(Object v, boolean required, double min, double max) {
    if (v == null) {
      return required ? ErrorKind.MISSING_REQUIRED : null;
    }
    double d = (Double) v;
    if (!Double.isFinite(d)) {
      return ErrorKind.NON_FINITE;
    }
    return d < min || d > max ? ErrorKind.OUT_OF_RANGE : null;
  }

  static ErrorKind categorical(Object v, boolean required, boolean upper, Set<String> allowed) {
    if (v == null) {
      return required ? ErrorKind.MISSING_REQUIRED : null;
    }
    String s = normalize(v.toString(), upper);
    return allowed != null && !allowed.contains(s) ? ErrorKind.UNKNOWN_CATEGORY : null;
  }

  static String normalize(String s, boolean upper) {
    return upper ? s.trim().toUpperCase(Locale.ROOT) : s.trim().toLowerCase(Locale.ROOT);
  }

  static List<GeneratedRecord> all(GeneratorConfig c) {
    List<GeneratedRecord> out = new ArrayList<>();
    new FlightStreamGenerator(c).forEachRemaining(out::add);
    return out;
  }

  /** Decoded valid records (drops malformed ones). */
  static List<GenericRecord> decodedValid(List<GeneratedRecord> recs, RecordDecoder d)
      throws DecodeException {
    List<GenericRecord> out = new ArrayList<>();
    for (GeneratedRecord g : recs) {
      if (g.valid()) {
        out.add(d.decode(g.value()));
      }
    }
    return out;
  }

  @Test
  void sameSeedGivesIdenticalBytesAndOtherSeedsDiffer() {
    GeneratorConfig c =
        GeneratorConfig.builder()
            .seed(11)
            .count(3_000)
            .v1Fraction(0.1)
            .malformedFraction(0.05)
            .build();
    List<GeneratedRecord> a = all(c);
    List<GeneratedRecord> b = all(c);
    assertThat(a).hasSize(3_000);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).key()).isEqualTo(b.get(i).key());
      assertThat(a.get(i).value()).isEqualTo(b.get(i).value());
      assertThat(a.get(i).eventTimeMillis()).isEqualTo(b.get(i).eventTimeMillis());
      assertThat(a.get(i).expectedError()).isEqualTo(b.get(i).expectedError());
    }
    // Random access equals sequential iteration.
    FlightStreamGenerator g = new FlightStreamGenerator(c);
    assertThat(g.generate(1234).value()).isEqualTo(a.get(1234).value());
    assertThat(new FlightStreamGenerator(c).stream().count()).isEqualTo(3_000);

    List<GeneratedRecord> other = all(c.toBuilder().seed(12).build());
    int same = 0;
    for (int i = 0; i < a.size(); i++) {
      if (Arrays.equals(a.get(i).value(), other.get(i).value())) {
        same++;
      }
    }
    assertThat(same).isZero();
    assertThat(other.get(5).eventId()).isEqualTo("evt-12-5");
  }

  @Test
  void keysAreEventIdsAndEventTimesAdvance() throws Exception {
    GeneratorConfig c =
        GeneratorConfig.builder()
            .seed(3)
            .count(5_000)
            .eventSpacingMillis(200)
            .malformedFraction(0)
            .build();
    List<GeneratedRecord> recs = all(c);
    RecordDecoder d = FlightSchemas.decoder(WireFormat.SINGLE_OBJECT);
    int inversions = 0;
    for (int i = 0; i < recs.size(); i++) {
      GeneratedRecord g = recs.get(i);
      assertThat(new String(g.key(), StandardCharsets.UTF_8)).isEqualTo("evt-3-" + i);
      GenericRecord r = d.decode(g.value());
      assertThat(r.get("event_id")).isEqualTo("evt-3-" + i);
      assertThat(r.get("event_time")).isEqualTo(g.eventTimeMillis());
      assertThat(g.eventTimeMillis() - (c.startTimeMillis() + 200L * i)).isBetween(-150L, 150L);
      if (i > 0 && g.eventTimeMillis() < recs.get(i - 1).eventTimeMillis()) {
        inversions++;
      }
    }
    assertThat(inversions).isPositive().isLessThan(recs.size() / 5);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void everyRecordFailsExactlyAsExpected(WireFormat f) {
    Set<ErrorKind> kinds = EnumSet.copyOf(GeneratorConfig.SUPPORTED_MALFORMED_KINDS);
    GeneratorConfig c =
        GeneratorConfig.builder()
            .seed(99)
            .count(20_000)
            .format(f)
            .malformedFraction(0.2)
            .malformedKinds(kinds)
            .v1Fraction(0.15)
            .drift(DriftConfig.abrupt(10_000, 1.5, 1.0))
            .build();
    RecordDecoder d = FlightSchemas.decoder(f);
    Map<ErrorKind, Integer> seen = new EnumMap<>(ErrorKind.class);
    for (GeneratedRecord g : all(c)) {
      ErrorKind actual;
      GenericRecord r = null;
      try {
        r = d.decode(g.value());
        actual = validate(r);
      } catch (DecodeException e) {
        actual = e.kind();
      }
      assertThat(actual).as("record %s: %s", g.eventId(), r).isEqualTo(g.expectedError());
      if (actual != null) {
        seen.merge(actual, 1, Integer::sum);
      } else {
        assertThat(r.get("delayed")).isIn(0, 1);
        assertThat(r.get("event_id")).isEqualTo(g.eventId());
      }
    }
    assertThat(seen.keySet()).isEqualTo(kinds);
  }

  @Test
  void malformedFractionAndKindsComeOutAsConfigured() {
    GeneratorConfig c =
        GeneratorConfig.builder().seed(5).count(40_000).malformedFraction(0.05).build();
    Map<ErrorKind, Integer> counts = new EnumMap<>(ErrorKind.class);
    int malformed = 0;
    for (GeneratedRecord g : all(c)) {
      if (!g.valid()) {
        malformed++;
        counts.merge(g.expectedError(), 1, Integer::sum);
      }
    }
    assertThat(malformed / 40_000.0).isCloseTo(0.05, within(0.006));
    assertThat(counts.keySet()).isEqualTo(GeneratorConfig.DEFAULT_MALFORMED_KINDS);
    double perKind = malformed / 7.0;
    for (int n : counts.values()) {
      assertThat((double) n).isBetween(perKind * 0.75, perKind * 1.25);
    }

    GeneratorConfig only = c.toBuilder().malformedKinds(EnumSet.of(ErrorKind.TRUNCATED)).build();
    assertThat(all(only).stream().filter(g -> !g.valid()).map(GeneratedRecord::expectedError))
        .isNotEmpty()
        .containsOnly(ErrorKind.TRUNCATED);
    assertThat(all(c.toBuilder().count(2_000).malformedFraction(0).build()))
        .allMatch(GeneratedRecord::valid);
    assertThatThrownBy(
            () -> GeneratorConfig.builder().malformedKinds(EnumSet.of(ErrorKind.INTERNAL)).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void validRecordsLookRealistic() throws Exception {
    GeneratorConfig c =
        GeneratorConfig.builder().seed(8).count(30_000).malformedFraction(0).build();
    List<GenericRecord> recs =
        decodedValid(all(c), FlightSchemas.decoder(WireFormat.SINGLE_OBJECT));
    int delayNull = 0;
    int weatherNull = 0;
    int carrierNull = 0;
    int messy = 0;
    Set<String> carriers = new java.util.HashSet<>();
    Set<Double> hours = new java.util.HashSet<>();
    for (GenericRecord r : recs) {
      delayNull += r.get("dep_delay_min") == null ? 1 : 0;
      weatherNull += r.get("weather") == null ? 1 : 0;
      if (r.get("carrier") == null) {
        carrierNull++;
      } else {
        carriers.add(normalize((String) r.get("carrier"), true));
      }
      String o = (String) r.get("origin");
      if (!AIRPORTS.contains(o)) {
        messy++;
        assertThat(AIRPORTS).contains(normalize(o, true));
      }
      hours.add((Double) r.get("dep_hour"));
      assertThat(normalize((String) r.get("origin"), true))
          .isNotEqualTo(normalize((String) r.get("destination"), true));
    }
    double n = recs.size();
    assertThat(delayNull / n).isCloseTo(0.01, within(0.004));
    assertThat(weatherNull / n).isCloseTo(0.02, within(0.005));
    assertThat(carrierNull / n).isCloseTo(0.03, within(0.006));
    assertThat(messy / n).isCloseTo(0.03, within(0.008));
    assertThat(carriers).hasSize(6);
    assertThat(hours).hasSize(19).allMatch(h -> h >= 5 && h <= 23);
    double meanDelay =
        recs.stream()
            .filter(r -> r.get("dep_delay_min") != null)
            .mapToDouble(r -> (Double) r.get("dep_delay_min"))
            .average()
            .orElseThrow();
    double maxDelay =
        recs.stream()
            .filter(r -> r.get("dep_delay_min") != null)
            .mapToDouble(r -> (Double) r.get("dep_delay_min"))
            .max()
            .orElseThrow();
    assertThat(meanDelay).isBetween(3.0, 15.0);
    assertThat(maxDelay).isGreaterThan(180.0);
  }

  @Test
  void labelIsLearnable() throws Exception {
    GeneratorConfig c =
        GeneratorConfig.builder().seed(21).count(30_000).malformedFraction(0).build();
    List<GenericRecord> recs =
        decodedValid(all(c), FlightSchemas.decoder(WireFormat.SINGLE_OBJECT));
    int positives = 0;
    int ruleCorrect = 0;
    for (GenericRecord r : recs) {
      int y = (Integer) r.get("delayed");
      positives += y;
      Double delay = (Double) r.get("dep_delay_min");
      int guess = delay != null && delay > 15 ? 1 : 0;
      ruleCorrect += guess == y ? 1 : 0;
    }
    double n = recs.size();
    double majority = Math.max(positives, n - positives) / n;
    assertThat(positives / n).isBetween(0.15, 0.45);
    assertThat(ruleCorrect / n).isGreaterThan(majority + 0.05);
  }

  @Test
  void abruptDriftShiftsFeaturesAfterStartAt() throws Exception {
    GeneratorConfig c =
        GeneratorConfig.builder()
            .seed(4)
            .count(20_000)
            .malformedFraction(0)
            .drift(DriftConfig.abrupt(10_000, 1.0, 0.0))
            .build();
    List<GeneratedRecord> gen = all(c);
    for (int i = 0; i < gen.size(); i++) {
      assertThat(gen.get(i).drifted()).isEqualTo(i >= 10_000);
    }
    List<GenericRecord> recs = decodedValid(gen, FlightSchemas.decoder(WireFormat.SINGLE_OBJECT));
    Stats before = Stats.of(recs.subList(0, 10_000));
    Stats after = Stats.of(recs.subList(10_000, 20_000));
    assertThat(after.meanDistance).isGreaterThan(before.meanDistance * 1.25);
    assertThat(after.stormShare).isGreaterThan(before.stormShare + 0.05);
    assertThat(after.meanHour).isGreaterThan(before.meanHour + 1.5);
    assertThat(after.meanDelay).isGreaterThan(before.meanDelay * 1.5);
  }

  @Test
  void labelShiftChangesTheRelation() throws Exception {
    GeneratorConfig c =
        GeneratorConfig.builder()
            .seed(6)
            .count(40_000)
            .malformedFraction(0)
            .drift(DriftConfig.abrupt(20_000, 0.0, 1.0))
            .build();
    List<GenericRecord> recs =
        decodedValid(all(c), FlightSchemas.decoder(WireFormat.SINGLE_OBJECT));
    Stats before = Stats.of(recs.subList(0, 20_000));
    Stats after = Stats.of(recs.subList(20_000, 40_000));
    // Inputs barely move, the label relation does.
    assertThat(after.meanDistance)
        .isCloseTo(before.meanDistance, within(before.meanDistance * 0.03));
    assertThat(after.stormShare).isCloseTo(before.stormShare, within(0.01));
    assertThat(after.positiveRateWhenOnTimeClear)
        .isGreaterThan(before.positiveRateWhenOnTimeClear + 0.05);
    assertThat(after.positiveRateWhenStorm).isGreaterThan(before.positiveRateWhenStorm + 0.1);
  }

  @Test
  void gradualDriftRampsUp() {
    GeneratorConfig c =
        GeneratorConfig.builder()
            .seed(9)
            .count(20_000)
            .drift(DriftConfig.gradual(5_000, 10_000, 1.0, 1.0))
            .build();
    List<GeneratedRecord> gen = all(c);
    long early = gen.subList(0, 5_000).stream().filter(GeneratedRecord::drifted).count();
    long ramp1 = gen.subList(5_000, 7_500).stream().filter(GeneratedRecord::drifted).count();
    long ramp2 = gen.subList(10_000, 12_500).stream().filter(GeneratedRecord::drifted).count();
    long late = gen.subList(15_000, 20_000).stream().filter(GeneratedRecord::drifted).count();
    assertThat(early).isZero();
    assertThat(ramp1 / 2_500.0).isCloseTo(0.125, within(0.03));
    assertThat(ramp2 / 2_500.0).isCloseTo(0.625, within(0.04));
    assertThat(late).isEqualTo(5_000);
    assertThat(c.drift().intensity(4_999)).isZero();
    assertThat(c.drift().intensity(15_000)).isEqualTo(1.0);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void v1FractionWritesV1Records(WireFormat f) throws Exception {
    GeneratorConfig c =
        GeneratorConfig.builder()
            .seed(2)
            .count(10_000)
            .format(f)
            .v1Fraction(0.3)
            .malformedFraction(0)
            .build();
    RecordDecoder d = FlightSchemas.decoder(f);
    byte[] v1Header =
        f == WireFormat.SINGLE_OBJECT
            ? io.driftgate.core.wire.RecordEncoders.singleObjectHeader(FlightSchemas.v1())
            : io.driftgate.core.wire.RecordEncoders.confluentHeader(FlightSchemas.CONFLUENT_ID_V1);
    int v1 = 0;
    for (GeneratedRecord g : all(c)) {
      boolean isV1 = Arrays.equals(Arrays.copyOf(g.value(), v1Header.length), v1Header);
      GenericRecord r = d.decode(g.value());
      if (isV1) {
        v1++;
        assertThat(r.get("carrier")).isNull();
      }
    }
    assertThat(v1 / 10_000.0).isCloseTo(0.3, within(0.02));
    assertThat(SchemaNormalization.parsingFingerprint64(FlightSchemas.v1()))
        .isNotEqualTo(SchemaNormalization.parsingFingerprint64(FlightSchemas.v2()));
  }

  static final class Stats {
    double meanDistance;
    double meanHour;
    double meanDelay;
    double stormShare;
    double positiveRateWhenOnTimeClear;
    double positiveRateWhenStorm;

    static Stats of(List<GenericRecord> recs) {
      Stats s = new Stats();
      int delayN = 0;
      int weatherN = 0;
      int storms = 0;
      int onTimeClear = 0;
      int onTimeClearPos = 0;
      int stormPos = 0;
      for (GenericRecord r : recs) {
        s.meanDistance += (Double) r.get("distance_km");
        s.meanHour += (Double) r.get("dep_hour");
        Double delay = (Double) r.get("dep_delay_min");
        if (delay != null) {
          s.meanDelay += delay;
          delayN++;
        }
        Object w = r.get("weather");
        int y = (Integer) r.get("delayed");
        if (w != null) {
          weatherN++;
          String ws = normalize(w.toString(), false);
          if (ws.equals("storm")) {
            storms++;
            stormPos += y;
          }
          if (ws.equals("clear") && delay != null && delay <= 5) {
            onTimeClear++;
            onTimeClearPos += y;
          }
        }
      }
      s.meanDistance /= recs.size();
      s.meanHour /= recs.size();
      s.meanDelay /= delayN;
      s.stormShare = (double) storms / weatherN;
      s.positiveRateWhenOnTimeClear = (double) onTimeClearPos / onTimeClear;
      s.positiveRateWhenStorm = (double) stormPos / storms;
      return s;
    }
  }

  @Test
  void aStreamProducedInTwoPartsEqualsTheWholeStream() {
    GeneratorConfig whole =
        GeneratorConfig.builder()
            .seed(11)
            .count(2_000)
            .drift(DriftConfig.abrupt(1_200, 0.0, 3.0))
            .build();
    List<GeneratedRecord> expected = new FlightStreamGenerator(whole).stream().toList();
    List<GeneratedRecord> parts = new ArrayList<>();
    parts.addAll(new FlightStreamGenerator(whole.toBuilder().count(700).build()).stream().toList());
    GeneratorConfig second = whole.toBuilder().firstIndex(700).count(1_300).build();
    parts.addAll(new FlightStreamGenerator(second).stream().toList());
    assertThat(parts).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(parts.get(i).key()).isEqualTo(expected.get(i).key());
      assertThat(parts.get(i).value()).isEqualTo(expected.get(i).value());
      assertThat(parts.get(i).drifted()).isEqualTo(expected.get(i).drifted());
    }
    assertThat(second.toBuilder().build().firstIndex()).isEqualTo(700);
    assertThatThrownBy(() -> whole.toBuilder().firstIndex(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("firstIndex");
  }

  @Test
  void labelsApartLeaveTheRecordsWithoutLabelsAndChangeNothingElse() throws Exception {
    GeneratorConfig with =
        GeneratorConfig.builder().seed(4).count(300).malformedFraction(0).build();
    List<GeneratedRecord> labelled = new FlightStreamGenerator(with).stream().toList();
    FlightStreamGenerator apartGen =
        new FlightStreamGenerator(with.toBuilder().labelsApart(true).build());
    List<GeneratedRecord> apart = apartGen.stream().toList();
    RecordDecoder decoder = apartGen.decoder();
    for (int i = 0; i < labelled.size(); i++) {
      GenericRecord a = decoder.decode(apart.get(i).value());
      GenericRecord l = decoder.decode(labelled.get(i).value());
      assertThat(a.get("delayed")).isNull();
      assertThat(l.get("delayed")).isEqualTo(labelled.get(i).label());
      assertThat(apart.get(i).label()).isEqualTo(labelled.get(i).label());
      assertThat(a.get("dep_delay_min")).isEqualTo(l.get("dep_delay_min"));
      assertThat(a.get("event_time")).isEqualTo(l.get("event_time"));
    }
    assertThat(labelled).extracting(GeneratedRecord::label).contains(0, 1);
  }
}
