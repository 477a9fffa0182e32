package io.driftgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.TestSpecs;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

class NullRateTrackerTest {

  final ModelSpec spec = TestSpecs.example();
  final Schema clean = CleanSchema.of(spec);

  GenericData.Record row(Double depDelay, String weather, String carrier) {
    GenericData.Record r = new GenericData.Record(clean);
    r.put("distance_km", 100.0);
    r.put("dep_hour", 1.0);
    r.put("dep_delay_min", depDelay);
    r.put("origin", "ATL");
    r.put("destination", "BOS");
    r.put("weather", weather);
    r.put("carrier", carrier);
    return r;
  }

  @Test
  void reportsFeaturesAboveTheirLimit() {
    NullRateTracker t = new NullRateTracker(spec);
    assertThat(t.breaches()).isEmpty();
    // 10 rows: dep_delay_min null 1/10 (limit 0.05), weather null 1/10 (limit 0.10),
    // carrier null 6/10 (limit 0.50)
    for (int i = 0; i < 10; i++) {
      t.observe(row(i == 0 ? null : 1.0, i == 1 ? null : "clear", i < 6 ? null : "DL"));
    }
    assertThat(t.total()).isEqualTo(10);
    assertThat(t.nullCount("dep_delay_min")).isEqualTo(1);
    assertThat(t.nullRate("carrier")).isEqualTo(0.6);
    assertThat(t.nullRate("origin")).isEqualTo(0.0);
    assertThat(t.breaches())
        .extracting(NullRateTracker.Breach::feature)
        .containsExactly("dep_delay_min", "carrier"); // weather at exactly 0.10 is not above
    NullRateTracker.Breach carrier = t.breaches().get(1);
    assertThat(carrier.nulls()).isEqualTo(6);
    assertThat(carrier.maxNullRate()).isEqualTo(0.5);
    assertThat(carrier.message())
        .isEqualTo("carrier: null rate 0.600 (6 of 10 rows) exceeds maxNullRate 0.50");
  }

  @Test
  void resetAndMerge() {
    NullRateTracker a = new NullRateTracker(spec);
    NullRateTracker b = new NullRateTracker(spec);
    a.observe(row(null, "rain", "DL"));
    b.observe(row(1.0, "rain", "DL"));
    b.observe(row(1.0, "rain", "DL"));
    a.merge(b);
    assertThat(a.total()).isEqualTo(3);
    assertThat(a.nullCount("dep_delay_min")).isEqualTo(1);
    a.reset();
    assertThat(a.total()).isZero();
    assertThat(a.nullRate("dep_delay_min")).isZero();
    assertThat(a.breaches()).isEmpty();
    assertThatThrownBy(() -> a.nullCount("nope")).isInstanceOf(IllegalArgumentException.class);
  }
}
