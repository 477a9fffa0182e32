package io.driftgate.core.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OffsetRangesTest {

  @Test
  void mergesOverlappingAndAdjacentRanges() {
    OffsetRanges r = new OffsetRanges();
    r.addRange(10, 20);
    r.addRange(30, 40);
    r.addRange(20, 25); // adjacent to the first
    r.addRange(24, 31); // bridges the gap
    assertThat(r.ranges()).containsExactly(new OffsetRanges.Range(10, 40));
    assertThat(r.count()).isEqualTo(30);
  }

  @Test
  void containsIsExactAtTheEdges() {
    OffsetRanges r =
        OffsetRanges.of(List.of(new OffsetRanges.Range(5, 8), new OffsetRanges.Range(12, 13)));
    assertThat(r.contains(4)).isFalse();
    assertThat(r.contains(5)).isTrue();
    assertThat(r.contains(7)).isTrue();
    assertThat(r.contains(8)).isFalse();
    assertThat(r.contains(12)).isTrue();
    assertThat(r.contains(13)).isFalse();
  }

  @Test
  void fromOffsetsCompactsUnorderedDuplicates() {
    OffsetRanges r = OffsetRanges.fromOffsets(new long[] {7, 3, 4, 5, 5, 9, 8, 20});
    assertThat(r.toString()).isEqualTo("[3-6, 7-10, 20-21]");
    assertThat(r.count()).isEqualTo(7);
  }

  @Test
  void aConsumerResumesOnlyOverOffsetsHeldFromItsPosition() {
    OffsetRanges r = new OffsetRanges();
    assertThat(r.resumeFrom(17)).isEqualTo(17);
    // A batch of later offsets committed first (out of order): the gap below it is not skipped.
    r.addRange(150, 200);
    assertThat(r.resumeFrom(0)).isZero();
    r.addRange(0, 100);
    assertThat(r.resumeFrom(0)).isEqualTo(100);
    assertThat(r.resumeFrom(100)).isEqualTo(100);
    assertThat(r.resumeFrom(160)).isEqualTo(200);
    r.addRange(100, 150);
    assertThat(r.resumeFrom(0)).isEqualTo(200);
    assertThat(r.resumeFrom(200)).isEqualTo(200);
  }

  @Test
  void agreesWithASetOnRandomInput() {
    Random random = new Random(7);
    OffsetRanges r = new OffsetRanges();
    TreeSet<Long> truth = new TreeSet<>();
    for (int i = 0; i < 2000; i++) {
      long from = random.nextInt(5000);
      long to = from + 1 + random.nextInt(20);
      r.addRange(from, to);
      for (long o = from; o < to; o++) {
        truth.add(o);
      }
    }
    assertThat(r.count()).isEqualTo(truth.size());
    for (long o = 0; o < 5100; o++) {
      assertThat(r.contains(o)).as("offset %d", o).isEqualTo(truth.contains(o));
    }
    // Ranges stay sorted, disjoint and non-adjacent.
    List<OffsetRanges.Range> list = r.ranges();
    for (int i = 1; i < list.size(); i++) {
      assertThat(list.get(i).from()).isGreaterThan(list.get(i - 1).to());
    }
  }

  @Test
  void rejectsEmptyOrNegativeRanges() {
    OffsetRanges r = new OffsetRanges();
    assertThatThrownBy(() -> r.addRange(5, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> r.addRange(-1, 5)).isInstanceOf(IllegalArgumentException.class);
  }
}
