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
    WriterActivity.of("g-test").increment();
    WriterActivity.of("g-test").increment();
    assertThat(WriterActivity.of("g-test").sum()).isEqualTo(2);
    assertThat(WriterActivity.of("another").sum()).isZero();
    WriterActivity.release("g-test");
    WriterActivity.release("another");
    assertThat(WriterActivity.of("g-test").sum()).isZero();
    WriterActivity.release("g-test");
  }
}
