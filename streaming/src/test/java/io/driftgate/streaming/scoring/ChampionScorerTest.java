package io.driftgate.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Polling the champion alias: at most every interval, switching, failures keep the old model. */
class ChampionScorerTest {

  /** A model that says {@code p} for every row and remembers whether it was closed. */
  static final class Constant implements ChampionScorer.Model {
    final float p;
    boolean closed;

    Constant(float p) {
      this.p = p;
    }

    @Override
    public float[] predict(List<? extends Map<String, ?>> rows) {
      float[] out = new float[rows.size()];
      java.util.Arrays.fill(out, p);
      return out;
    }

    @Override
    public Map<String, Double> validation() {
      return Map.of("accuracy", (double) p);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  String alias;
  int lookups;
  final AtomicLong clock = new AtomicLong();
  final List<Constant> loaded = new ArrayList<>();

  ChampionScorer scorer() {
    ChampionScorer.Lookup lookup =
        new ChampionScorer.Lookup() {
          @Override
          public Optional<String> champion() {
            lookups++;
            return Optional.ofNullable(alias);
          }

          @Override
          public Path load(String versionId) {
            return Path.of(versionId);
          }
        };
    return new ChampionScorer(
        lookup,
        dir -> {
          if (dir.toString().startsWith("broken")) {
            throw new IllegalStateException("tampered");
          }
          Constant c = new Constant(Float.parseFloat(dir.toString().substring(1)));
          loaded.add(c);
          return c;
        },
        Duration.ofSeconds(10),
        clock::get);
  }

  @Test
  void noChampionMeansNothingToScoreWithAndNoError() {
    ChampionScorer s = scorer();
    assertThat(s.refresh()).isFalse();
    assertThat(s.version()).isEmpty();
    assertThat(s.validation()).isEmpty();
    assertThatThrownBy(() -> s.score(List.of(Map.of()))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void followsTheAliasAtThePollIntervalAndClosesTheOldModel() {
    ChampionScorer s = scorer();
    alias = "v0.25";
    assertThat(s.refresh()).isTrue();
    assertThat(s.version()).contains("v0.25");
    assertThat(s.score(List.of(Map.of(), Map.of()))).containsExactly(0.25f, 0.25f);

    alias = "v0.75";
    clock.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(s.refresh()).as("not due yet").isFalse();
    assertThat(lookups).isEqualTo(1);
    assertThat(s.version()).contains("v0.25");

    clock.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(s.refresh()).isTrue();
    assertThat(s.version()).contains("v0.75");
    assertThat(s.score(List.of(Map.of()))).containsExactly(0.75f);
    assertThat(loaded.get(0).closed).isTrue();
    assertThat(loaded.get(1).closed).isFalse();

    clock.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(s.refresh()).as("same alias: no reload").isFalse();
    assertThat(loaded).hasSize(2);
    s.close();
    assertThat(loaded.get(1).closed).isTrue();
  }

  @Test
  void aVersionThatFailsToLoadKeepsTheCurrentOne() {
    ChampionScorer s = scorer();
    alias = "v0.5";
    s.refresh();
    alias = "broken";
    clock.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(s.refresh()).isFalse();
    assertThat(s.version()).contains("v0.5");
    assertThat(s.score(List.of(Map.of()))).containsExactly(0.5f);
  }
}
