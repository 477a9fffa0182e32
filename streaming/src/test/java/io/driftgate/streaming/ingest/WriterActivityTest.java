package io.driftgate.streaming.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WriterActivityTest {
  @Test
  void asksOnceAfterTheCountStoodStillForTheGivenPolls() {
    WriterActivity.QuietDetector quiet = new WriterActivity.QuietDetector(2);
    assertThat(quiet.quietNow(0)).as("nothing read yet").isFalse();
    assertThat(quiet.quietNow(0)).isFalse();
    assertThat(quiet.quietNow(0)).as("a job that read nothing has nothing to commit").isFalse();
    assertThat(quiet.quietNow(500)).isFalse();
    assertThat(quiet.quietNow(900)).isFalse();
    assertThat(quiet.quietNow(900)).as("one still poll").isFalse();
    assertThat(quiet.quietNow(900)).as("two still polls").isTrue();
    assertThat(quiet.quietNow(900)).as("once per quiet spell").isFalse();
    assertThat(quiet.quietNow(900)).isFalse();
    assertThat(quiet.quietNow(950)).as("more arrived").isFalse();
    assertThat(quiet.quietNow(950)).isFalse();
    assertThat(quiet.quietNow(950)).as("quiet again").isTrue();
  }

  @Test
  void aGroupsWritersShareOneCounterUntilItsJobEnds() {
    WriterActivity.Group g = WriterActivity.of("g-test");
    g.took(g.position(0), 0);
    WriterActivity.of("g-test").took(g.position(0), 1);
    assertThat(WriterActivity.of("g-test").sum()).isEqualTo(2);
    assertThat(WriterActivity.of("another").sum()).isZero();
    WriterActivity.release("g-test");
    WriterActivity.release("another");
    assertThat(WriterActivity.of("g-test").sum()).isZero();
    WriterActivity.release("g-test");
  }

  @Test
  void theWritersReachTheTargetsOnceTheyTookTheLastOffsetBelowEach() {
    WriterActivity.Group g = WriterActivity.of("g-targets");
    java.util.Map<Integer, Long> targets = java.util.Map.of(0, 3L, 1, 2L, 2, 0L);
    assertThat(g.reached(targets)).isFalse();
    for (long offset = 0; offset < 3; offset++) {
      g.took(g.position(0), offset);
    }
    assertThat(g.reached(targets)).as("partition 1 not read yet").isFalse();
    g.took(g.position(1), 1); // a replay may skip an offset's entry
    g.took(g.position(1), 0); // out of order: the position stays
    assertThat(g.position(1).get()).isEqualTo(2);
    assertThat(g.reached(targets)).as("an empty partition (target 0) needs nothing").isTrue();
    WriterActivity.release("g-targets");

    WriterActivity.QuietDetector quiet = new WriterActivity.QuietDetector(2);
    assertThat(quiet.takenUpTo(10, false)).isFalse();
    assertThat(quiet.takenUpTo(20, true)).as("the first poll that sees them taken").isTrue();
    assertThat(quiet.takenUpTo(30, true)).as("once per run, though more records come").isFalse();
    assertThat(quiet.quietNow(30)).isFalse();
    assertThat(quiet.quietNow(30)).isFalse();
    assertThat(quiet.quietNow(30)).as("a quiet spell after more records still asks").isTrue();
    WriterActivity.QuietDetector settled = new WriterActivity.QuietDetector(2);
    assertThat(settled.takenUpTo(20, true)).isTrue();
    assertThat(settled.quietNow(20)).isFalse();
    assertThat(settled.quietNow(20)).isFalse();
    assertThat(settled.quietNow(20)).as("nothing more to commit: no second request").isFalse();
  }
}
