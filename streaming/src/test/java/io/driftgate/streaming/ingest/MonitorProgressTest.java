package io.driftgate.streaming.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stop rule of {@code monitorClosedAllWindows}: it never waits for a window in the future. */
class MonitorProgressTest {
  static final long W = Duration.ofMinutes(10).toMillis();
  static final long NOW = Instant.parse("2026-12-03T10:03:00Z").toEpochMilli();
  static final long CAP = NOW - EventTimePolicy.MAX_DELAY.getMillis(); // 10:02
  static final long JANUARY = Instant.parse("2026-01-05T08:15:00Z").toEpochMilli();

  /** Rows that must not be asked for. */
  static final MonitorProgress.Rows NOT_ASKED =
      (from, to) -> {
        throw new AssertionError("rows asked for [" + from + ", " + to + ")");
      };

  static long end(long t) {
    return MonitorProgress.windowEnd(t, W);
  }

  @Test
  void pastDataWaitsForTheWindowOfTheNewestRow() {
    assertThat(MonitorProgress.closedAllWindows(JANUARY, end(JANUARY) - W, W, CAP, NOT_ASKED))
        .isFalse();
    assertThat(MonitorProgress.closedAllWindows(JANUARY, end(JANUARY), W, CAP, NOT_ASKED)).isTrue();
    assertThat(MonitorProgress.closedAllWindows(JANUARY, 0, W, CAP, NOT_ASKED)).isFalse();
  }

  @Test
  void aWindowThatCanCloseIsWaitedFor() {
    long justClosable = Instant.parse("2026-12-03T09:55:00Z").toEpochMilli(); // ends 10:00
    assertThat(MonitorProgress.closedAllWindows(justClosable, 0, W, CAP, NOT_ASKED)).isFalse();
  }

  @Test
  void windowsAheadOfTheWatermarkCapAreNotWaitedFor() {
    // January rows, all closed, plus one accepted row 30 minutes ahead of the clock: the old rule
    // waited until the clock passed 10:40 (with a year-9999 row: forever).
    long future = NOW + Duration.ofMinutes(30).toMillis();
    List<long[]> asked = new ArrayList<>();
    MonitorProgress.Rows none =
        (from, to) -> {
          asked.add(new long[] {from, to});
          return false;
        };
    assertThat(MonitorProgress.closedAllWindows(future, end(JANUARY), W, CAP, none)).isTrue();
    // Only the windows between the last closed one and the cap were looked at.
    assertThat(asked)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r[0]).isEqualTo(end(JANUARY));
              assertThat(r[1]).isEqualTo(Instant.parse("2026-12-03T10:00:00Z").toEpochMilli());
            });
  }

  @Test
  void closableWindowsWithRowsAreStillWaitedFor() {
    long future = RecordCleanerMax.MAX_EVENT_TIME;
    MonitorProgress.Rows some = (from, to) -> from <= JANUARY && JANUARY < to;
    assertThat(MonitorProgress.closedAllWindows(future, 0, W, CAP, some)).isFalse();
    assertThat(MonitorProgress.closedAllWindows(future, end(JANUARY), W, CAP, some)).isTrue();
  }

  @Test
  void nothingClosableLeftWhenTheMonitorIsAtTheCap() {
    long future = NOW + Duration.ofHours(1).toMillis();
    long capWindowEnd = Instant.parse("2026-12-03T10:00:00Z").toEpochMilli();
    assertThat(MonitorProgress.closedAllWindows(future, capWindowEnd, W, CAP, NOT_ASKED)).isTrue();
  }

  @Test
  void onceTheClockPassesTheNewestWindowTheOldRuleApplies() {
    long row = NOW + Duration.ofMinutes(30).toMillis(); // window 10:30-10:40
    long later = Instant.parse("2026-12-03T10:45:00Z").toEpochMilli();
    assertThat(MonitorProgress.closedAllWindows(row, end(JANUARY), W, later, NOT_ASKED)).isFalse();
    assertThat(MonitorProgress.closedAllWindows(row, end(row), W, later, NOT_ASKED)).isTrue();
  }

  @Test
  void windowEndsNeverOverflow() {
    assertThat(MonitorProgress.windowEnd(Long.MAX_VALUE, W)).isEqualTo(Long.MAX_VALUE);
    assertThat(MonitorProgress.windowEnd(RecordCleanerMax.MAX_EVENT_TIME, W))
        .isGreaterThan(RecordCleanerMax.MAX_EVENT_TIME);
  }

  /** 9999-12-31T23:59:59.999Z, the latest event time the lake can hold. */
  static final class RecordCleanerMax {
    static final long MAX_EVENT_TIME = 253_402_300_799_999L;
  }
}
