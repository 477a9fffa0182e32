package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftgate.core.spec.FeatureSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessingTest {
  @TempDir Path dir;

  private static final List<FeatureSpec> SPECS =
      List.of(FeatureSpec.numeric("x", false), FeatureSpec.categorical("c", false));

  private static Map<String, Object> row(Double x, String c) {
    Map<String, Object> m = new HashMap<>();
    m.put("x", x);
    m.put("c", c);
    return m;
  }

  @Test
  void standardisesImputesAndOneHots() {
    List<Map<String, Object>> train =
        List.of(row(1.0, "a"), row(3.0, "b"), row(null, "a"), row(5.0, null));
    Preprocessing p = Preprocessing.fit(SPECS, train);
    // x: mean 3, population std sqrt(8/3); c: vocabulary [a, b] (a is more frequent).
    assertThat(p.columns())
        .containsExactly("x", "x__missing", "c=a", "c=b", "c=__unknown__", "c=__null__");
    float[] t = p.transform(row(5.0, "b"));
    assertThat((double) t[0]).isCloseTo(2 / Math.sqrt(8.0 / 3), within(1e-6));
    assertThat(t).containsExactly(t[0], 0f, 0f, 1f, 0f, 0f);
    assertThat(p.transform(row(null, "zzz"))).containsExactly(0f, 1f, 0f, 0f, 1f, 0f);
    assertThat(p.transform(row(Double.NaN, null))).containsExactly(0f, 1f, 0f, 0f, 0f, 1f);
  }

  @Test
  void fitsOnTrainingRowsOnly() {
    Preprocessing p = Preprocessing.fit(SPECS, List.of(row(0.0, "a"), row(2.0, "a")));
    // A validation value never seen in training is unknown, and does not move the mean.
    assertThat(p.byName().get("x").mean()).isEqualTo(1.0);
    assertThat(p.byName().get("c").vocabulary()).containsExactly("a");
    assertThat(p.transform(row(1.0, "b"))).containsExactly(0f, 0f, 0f, 1f, 0f);
  }

  @Test
  void roundTripsThroughTheModelDirectory() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    java.util.Random rng = new java.util.Random(3);
    for (int i = 0; i < 500; i++) {
      rows.add(
          row(
              rng.nextDouble() < 0.1 ? null : rng.nextGaussian() * 10 + 4,
              rng.nextDouble() < 0.1 ? null : "k" + rng.nextInt(7)));
    }
    Preprocessing p = Preprocessing.fit(SPECS, rows.subList(0, 400));
    p.save(dir);
    assertThat(Files.readString(dir.resolve(Preprocessing.FILE_NAME))).contains("__unknown__");
    Preprocessing back = Preprocessing.load(dir);
    assertThat(back).isEqualTo(p);
    assertThat(back.columns()).isEqualTo(p.columns());
    assertThat(back.transformAll(rows)).containsExactly(p.transformAll(rows));
  }

  @Test
  void capsTheVocabulary() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      for (int j = 0; j <= i; j++) {
        rows.add(row(1.0, "v" + i));
      }
    }
    Preprocessing p = Preprocessing.fit(SPECS, rows, 3);
    assertThat(p.byName().get("c").vocabulary()).containsExactly("v9", "v8", "v7");
    assertThat(p.transform(row(1.0, "v0"))[2 + 3]).isEqualTo(1f);
  }
}
