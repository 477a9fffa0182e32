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
}
