package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The plain (not a terminal) form of {@link Progress}: periodic lines, never {@code \r}. */
class ProgressTest {
  @Test
  void linesComeAtMostOncePerIntervalAndOnceAtTheEnd() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong nanos = new AtomicLong();
    try (Progress p =
        new Progress.Lines(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            "produce",
            "records",
            1000,
            Duration.ofSeconds(10),
            nanos::get)) {
      for (int i = 1; i <= 1000; i++) {
        nanos.addAndGet(Duration.ofMillis(50).toNanos()); // 50 s in all
        p.stepTo(i);
      }
      p.stepTo(999); // never backwards
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("\r");
    String[] lines = text.strip().split("\n");
    // one line per 10 s of the 50 s, and the closing one
    assertThat(lines).hasSize(6);
    assertThat(lines[0]).isEqualTo("produce: 200/1000 records (20%), 10.0 s");
    assertThat(lines[5]).isEqualTo("produce: 1000/1000 records (100%) done, 50.0 s");
  }

  @Test
  void anUnknownTotalCountsWithoutAPercentage() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong nanos = new AtomicLong();
    Progress p =
        new Progress.Lines(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            "ingest",
            "lake rows",
            0,
            Duration.ZERO,
            nanos::get);
    p.stepTo(42);
    p.close();
    p.close();
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo("ingest: 42 lake rows, 0.0 s\ningest: 42 lake rows done, 0.0 s\n");
  }

  @Test
  void aPollReportsUntilClosed() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong calls = new AtomicLong();
    Progress p =
        new Progress.Lines(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            "tune",
            "trials",
            3,
            Duration.ZERO,
            System::nanoTime);
    try (Progress.Poll poll = p.poll(calls::incrementAndGet, Duration.ofMillis(10))) {
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (calls.get() < 3 && System.nanoTime() < until) {
        Thread.sleep(10);
      }
    }
    p.close();
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("tune: 1/3 trials (33%)", "tune: 2/3 trials (67%)");
  }
}
