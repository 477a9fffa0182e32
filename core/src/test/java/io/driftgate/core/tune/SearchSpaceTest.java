package io.driftgate.core.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

  private static SearchSpace lrMomentum() {
    return SearchSpace.builder()
        .add("lr", SearchSpace.choice(0.01, 0.1, 0.5))
        .add("momentum", SearchSpace.choice(0.5, 0.9, 0.99))
        .build();
  }

  @Test
  void gridEnumeratesFirstParameterOutermost() {
    SearchSpace space = lrMomentum();
    assertThat(space.gridSize()).isEqualTo(9);
    List<Map<String, String>> grid = space.grid();
    assertThat(grid).hasSize(9);
    assertThat(grid.get(0)).containsExactly(Map.entry("lr", "0.01"), Map.entry("momentum", "0.5"));
    assertThat(grid.get(1)).containsEntry("lr", "0.01").containsEntry("momentum", "0.9");
    assertThat(grid.get(4)).containsEntry("lr", "0.1").containsEntry("momentum", "0.9");
    assertThat(grid.get(8)).containsEntry("lr", "0.5").containsEntry("momentum", "0.99");
    assertThat(grid).doesNotHaveDuplicates();
  }

  @Test
  void continuousGridPointsAreClean() {
    assertThat(SearchSpace.uniform(0.1, 0.5, 5).gridValues())
        .containsExactly("0.1", "0.2", "0.3", "0.4", "0.5");
    assertThat(SearchSpace.logUniform(0.001, 0.1, 3).gridValues())
        .containsExactly("0.001", "0.01", "0.1");
    assertThat(SearchSpace.intRange(16, 64, 16).gridValues())
        .containsExactly("16", "32", "48", "64");
    assertThatThrownBy(() -> SearchSpace.uniform(0, 1).gridValues())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("points");
  }

  @Test
  void randomSamplesAreSeededPerIndexAndInBounds() {
    SearchSpace space =
        SearchSpace.builder()
            .add("lr", SearchSpace.logUniform(1e-4, 1))
            .add("momentum", SearchSpace.uniform(0.5, 0.99))
            .add("batch", SearchSpace.intRange(32, 256, 32))
            .add("opt", SearchSpace.choice("sgd", "adam"))
            .build();
    List<Map<String, String>> a = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Map<String, String> p = space.sample(7, i);
      assertThat(p).isEqualTo(space.sample(7, i));
      a.add(p);
      assertThat(Double.parseDouble(p.get("lr"))).isBetween(1e-4, 1.0);
      assertThat(Double.parseDouble(p.get("momentum"))).isBetween(0.5, 0.99);
      assertThat(Long.parseLong(p.get("batch")) % 32).isZero();
      assertThat(Long.parseLong(p.get("batch"))).isBetween(32L, 256L);
      assertThat(p.get("opt")).isIn("sgd", "adam");
    }
    assertThat(a).doesNotHaveDuplicates();
    assertThat(space.sample(8, 0)).isNotEqualTo(space.sample(7, 0));
    assertThat(a.stream().map(p -> p.get("opt")).distinct()).hasSize(2);
  }

  @Test
  void randomStudyParamsDependOnSeedAndIndexOnly() {
    SearchSpace space =
        SearchSpace.builder()
            .add("lr", SearchSpace.uniform(0.01, 0.5))
            .add("momentum", SearchSpace.uniform(0.5, 0.99))
            .build();
    StudySpec s5 =
        StudySpec.builder(space).algorithm(Algorithm.RANDOM).maxTrials(5).seed(11).build();
    StudySpec s20 =
        StudySpec.builder(space).algorithm(Algorithm.RANDOM).maxTrials(20).seed(11).build();
    StudySpec other =
        StudySpec.builder(space).algorithm(Algorithm.RANDOM).maxTrials(5).seed(12).build();
    for (int i = 0; i < 5; i++) {
      assertThat(s5.paramsFor(i)).isEqualTo(s20.paramsFor(i));
      assertThat(other.paramsFor(i)).isNotEqualTo(s5.paramsFor(i));
    }
  }

  @Test
  void parsesMapForm() {
    SearchSpace space =
        SearchSpace.fromMap(
            Map.of(
                "lr", Map.of("type", "logUniform", "min", 0.001, "max", 0.1, "points", 3),
                "momentum", List.of(0.5, 0.9),
                "batch", Map.of("type", "int", "min", 32, "max", 96, "step", 32),
                "opt", Map.of("values", List.of("sgd", "adam")),
                "drop", Map.of("type", "uniform", "min", 0, "max", 0.5, "points", 2)));
    assertThat(space.params().get("lr")).isEqualTo(new ParamSpec.LogUniform(0.001, 0.1, 3));
    assertThat(space.params().get("momentum"))
        .isEqualTo(new ParamSpec.Choice(List.of("0.5", "0.9")));
    assertThat(space.params().get("batch")).isEqualTo(new ParamSpec.IntRange(32, 96, 32));
    assertThat(space.params().get("opt")).isEqualTo(new ParamSpec.Choice(List.of("sgd", "adam")));
    assertThat(space.params().get("drop").gridValues()).containsExactly("0", "0.5");
    assertThat(space.gridSize()).isEqualTo(3 * 2 * 3 * 2 * 2);
    assertThat(SearchSpace.fromMap(space.toMap())).isEqualTo(space);
    assertThatThrownBy(() -> SearchSpace.fromMap(Map.of("x", Map.of("type", "gauss"))))
        .hasMessageContaining("parameter x")
        .hasMessageContaining("gauss");
    assertThatThrownBy(
            () ->
                SearchSpace.fromMap(Map.of("x", Map.of("type", "loguniform", "min", 0, "max", 1))))
        .hasMessageContaining("lo > 0");
  }

  @Test
  void studySpecRoundTripsThroughJson() {
    StudySpec spec =
        StudySpec.builder(lrMomentum())
            .name("lr-momentum")
            .algorithm(Algorithm.GRID)
            .objective(Objective.maximize("val_auc"))
            .asha(new Asha(1, 3, 9))
            .maxTrials(6)
            .maxWallTime(Duration.ofMinutes(30))
            .parallelism(2)
            .trialTimeout(Duration.ofMinutes(10))
            .heartbeatTimeout(Duration.ofSeconds(45))
            .seed(3)
            .baseParams(Map.of("epochs", "9", "lr", "7"))
            .build();
    StudySpec back = StudySpec.fromJson(spec.toJson());
    assertThat(back).isEqualTo(spec);
    assertThat(spec.trialCount()).isEqualTo(6);
    assertThat(spec.paramsFor(4))
        .containsEntry("lr", "0.1")
        .containsEntry("momentum", "0.9")
        .containsEntry("epochs", "9");
    StudySpec yamlish =
        StudySpec.fromMap(
            Map.of(
                "space", Map.of("lr", List.of(0.1)),
                "objective", "val_auc",
                "direction", "maximize",
                "algorithm", "random",
                "maxTrials", 4,
                "heartbeatTimeout", "30s",
                "maxWallTime", "1h"));
    assertThat(yamlish.objective()).isEqualTo(Objective.maximize("val_auc"));
    assertThat(yamlish.algorithm()).isEqualTo(Algorithm.RANDOM);
    assertThat(yamlish.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(yamlish.maxWallTime()).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> StudySpec.builder(lrMomentum()).algorithm(Algorithm.RANDOM).build())
        .hasMessageContaining("maxTrials");
  }

  @Test
  void ashaRungsAndAsynchronousPromotion() {
    assertThat(new Asha(1, 3, 27).rungs()).containsExactly(1, 3, 9);
    assertThat(new Asha(2, 2, 16).rungs()).containsExactly(2, 4, 8);
    AshaPruner p = new AshaPruner(new Asha(1, 3, 9), Objective.minimize("val_loss"));
    assertThat(p.report(0, 1, 1.0)).isTrue(); // first at the rung: always continues
    assertThat(p.report(1, 1, 2.0)).isFalse(); // n=2, quota 1, one better
    assertThat(p.report(2, 1, 0.5)).isTrue(); // best so far
    assertThat(p.report(3, 1, 1.5)).isFalse(); // n=4, quota 2, two better
    assertThat(p.report(4, 1, 0.9)).isTrue(); // n=5, quota 2, one better
    assertThat(p.report(0, 2, 0.8)).isTrue(); // not a rung
    assertThat(p.report(0, 3, 0.7)).isTrue(); // first at rung 3
    assertThat(p.report(2, 4, 0.9)).isFalse(); // judged at rung 3 from epoch 4: worse than 0.7
    assertThat(p.report(5, 1, Double.NaN)).isTrue(); // NaN is the runner's business
    AshaPruner max = new AshaPruner(new Asha(1, 2, 4), Objective.maximize("val_auc"));
    assertThat(max.report(0, 1, 0.6)).isTrue();
    assertThat(max.report(1, 1, 0.9)).isTrue();
    assertThat(max.report(2, 1, 0.5)).isFalse();
  }
}
