package io.driftgate.core.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LakeRowsTest {
  @Test
  void timestampIsTheInstantInUtcAtMillisecondPrecision() {
    long[] samples = {
      0L,
      1L,
      999L,
      1000L,
      -1L,
      -999L,
      -1000L,
      -1001L,
      1767571200000L,
      1767571200123L,
      -62135596800000L,
      253402300799999L
    };
    for (long ms : samples) {
      assertThat(LakeRows.timestamp(ms))
          .as("epoch millis %d", ms)
          .isEqualTo(Instant.ofEpochMilli(ms).atOffset(ZoneOffset.UTC));
      assertThat(LakeRows.millis(LakeRows.timestamp(ms))).isEqualTo(ms);
    }
  }

  @Test
  void aViewHandsTheSameUtf8ForARepeatedStringAndTheRightOneForEveryValue() {
    org.apache.avro.Schema avro =
        org.apache.avro.SchemaBuilder.record("r")
            .fields()
            .requiredString("id")
            .requiredString("origin")
            .endRecord();
    org.apache.iceberg.Schema table =
        new org.apache.iceberg.Schema(
            org.apache.iceberg.types.Types.NestedField.required(
                1, "id", org.apache.iceberg.types.Types.StringType.get()),
            org.apache.iceberg.types.Types.NestedField.required(
                2, "origin", org.apache.iceberg.types.Types.StringType.get()));
    LakeRows.AvroView view = new LakeRows(table, avro).view();
    org.apache.avro.generic.GenericData.Record row =
        new org.apache.avro.generic.GenericData.Record(avro);
    String atl = "ATL";
    row.put("id", "e-0");
    row.put("origin", atl);
    CharSequence first = view.wrap(row).get(1, CharSequence.class);
    row.put("id", "e-1");
    row.put("origin", new String("ATL"));
    assertThat(view.wrap(row).get(1, CharSequence.class)).isSameAs(first);
    assertThat(first).isInstanceOf(org.apache.avro.util.Utf8.class).hasToString("ATL");
    // Unique ids past the cache, and new origins after it: every value still right.
    for (int i = 0; i < 6 * LakeRows.Utf8Cache.PER_COLUMN; i++) {
      row.put("id", "e-" + i);
      row.put("origin", "O" + i);
      assertThat(view.wrap(row).get(0, CharSequence.class)).hasToString("e-" + i);
      assertThat(view.wrap(row).get(1, CharSequence.class)).hasToString("O" + i);
    }
    row.put("origin", atl);
    assertThat(view.wrap(row).get(1, CharSequence.class)).hasToString("ATL");
  }
}
