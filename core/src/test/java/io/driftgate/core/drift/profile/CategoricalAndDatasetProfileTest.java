package io.driftgate.core.drift.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CategoricalAndDatasetProfileTest {

  @Test
  void exactCountsAndNulls() {
    CategoricalProfile p = new CategoricalProfile();
    p.accumulate("a").accumulate("b").accumulate("a").accumulate(null);
    p.accumulateRaw(new StringBuilder("b")); // any CharSequence, e.g. Avro Utf8
    assertThat(p.count()).isEqualTo(5);
    assertThat(p.nullCount()).isEqualTo(1);
    assertThat(p.validCount()).isEqualTo(4);
    assertThat(p.isExact()).isTrue();
    assertThat(p.valueCounts()).containsExactly(Map.entry("a", 2L), Map.entry("b", 2L));
    assertThat(p.otherCount()).isZero();
  }

  @Test
  void spillsToFrequentItemsSketchPastTheCap() {
    CategoricalProfile p = new CategoricalProfile(3, 64);
    p.accumulate("hot", 1000);
    for (int i = 0; i < 10; i++) {
      p.accumulate("cold" + i);
    }
    assertThat(p.isExact()).isFalse();
    assertThat(p.distinctCount()).isEqualTo(-1);
    assertThat(p.validCount()).isEqualTo(1010);
    // few distinct values fit the sketch map: estimates are still exact
    assertThat(p.valueCounts()).containsEntry("hot", 1000L).containsEntry("cold3", 1L);
    long listed = p.valueCounts().values().stream().mapToLong(Long::longValue).sum();
    assertThat(listed + p.otherCount()).isEqualTo(1010);
  }

  @Test
  void highCardinalityKeepsHeavyHittersAndMassBalance() {
    CategoricalProfile p = new CategoricalProfile(100, 64);
    p.accumulate("hot", 5000);
    for (int i = 0; i < 2000; i++) {
      p.accumulate("v" + i);
    }
    assertThat(p.isExact()).isFalse();
    assertThat(p.valueCounts().get("hot")).isBetween(5000L, 5000L + 2000L);
    long listed = p.valueCounts().values().stream().mapToLong(Long::longValue).sum();
    assertThat(listed + p.otherCount()).isGreaterThanOrEqualTo(7000);
  }

  @Test
  void mergeIsOrderIndependentAndSpillsWhenUnionExceedsCap() {
    CategoricalProfile a = new CategoricalProfile(3, 64).accumulate("x").accumulate("y");
    CategoricalProfile b = new CategoricalProfile(3, 64).accumulate("y").accumulate(null);
    CategoricalProfile c = new CategoricalProfile(3, 64).accumulate("z", 4);
    CategoricalProfile abc = a.merge(b).merge(c);
    CategoricalProfile cba = c.merge(b.merge(a));
    assertThat(abc.valueCounts()).isEqualTo(cba.valueCounts());
    assertThat(abc.valueCounts())
        .containsExactly(Map.entry("x", 1L), Map.entry("y", 2L), Map.entry("z", 4L));
    assertThat(abc.count()).isEqualTo(cba.count()).isEqualTo(8);
    assertThat(abc.isExact()).isTrue();
    CategoricalProfile d = new CategoricalProfile(3, 64).accumulate("w");
    CategoricalProfile spilled = abc.merge(d);
    assertThat(spilled.isExact()).isFalse();
    assertThat(spilled.valueCounts()).containsEntry("z", 4L).containsEntry("w", 1L);
    // merging a sketched profile with an exact one, both ways
    assertThat(spilled.merge(a).valueCounts().get("x")).isEqualTo(2L);
    assertThat(a.merge(spilled).valueCounts().get("x")).isEqualTo(2L);
    assertThat(a.valueCounts()).containsEntry("x", 1L); // operands untouched
  }

  @Test
  void bytesRoundTripExactAndSketched() {
    CategoricalProfile exact =
        new CategoricalProfile().accumulate("é").accumulate("").accumulate(null);
    CategoricalProfile back = CategoricalProfile.fromBytes(exact.toBytes());
    assertThat(back.valueCounts()).isEqualTo(exact.valueCounts());
    assertThat(back.nullCount()).isEqualTo(1);
    CategoricalProfile sk = new CategoricalProfile(2, 32);
    for (int i = 0; i < 10; i++) {
      sk.accumulate("k" + i, i + 1);
    }
    CategoricalProfile skBack = (CategoricalProfile) FeatureProfile.fromBytes(sk.toBytes());
    assertThat(skBack.isExact()).isFalse();
    assertThat(skBack.valueCounts()).isEqualTo(sk.valueCounts());
    assertThat(skBack.count()).isEqualTo(sk.count());
    assertThatThrownBy(() -> FeatureProfile.fromBytes(new byte[] {9}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void kindMismatchOnMerge() {
    assertThatThrownBy(() -> new CategoricalProfile().merge((FeatureProfile) new NumericProfile()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builderProfilesRowsAndDatasetMergesAndSerialises() {
    List<ProfiledFeature> fs =
        List.of(ProfiledFeature.numeric("amount"), ProfiledFeature.categorical("country"));
    ProfileBuilder b1 = new ProfileBuilder(fs);
    b1.accept(Map.of("amount", 10, "country", "DE"));
    b1.accept(Map.of("amount", 2.5, "country", "FR"));
    Map<String, Object> missing = new HashMap<>();
    missing.put("amount", null);
    b1.accept(missing); // country absent -> null too
    ProfileBuilder b2 = new ProfileBuilder(fs);
    b2.accept(Map.of("amount", Double.NaN, "country", "DE"));
    DatasetProfile p1 = b1.build();
    DatasetProfile p2 = b2.build();
    assertThat(p1.rowCount()).isEqualTo(3);
    NumericProfile amount = (NumericProfile) p1.feature("amount").orElseThrow();
    assertThat(amount.validCount()).isEqualTo(2);
    assertThat(amount.nullCount()).isEqualTo(1);
    assertThat(amount.mean()).isEqualTo(6.25);

    DatasetProfile merged = p1.merge(p2);
    DatasetProfile mergedOther = p2.merge(p1);
    assertThat(merged.rowCount()).isEqualTo(4);
    CategoricalProfile country = (CategoricalProfile) merged.feature("country").orElseThrow();
    assertThat(country.valueCounts()).containsExactly(Map.entry("DE", 2L), Map.entry("FR", 1L));
    assertThat(country.nullCount()).isEqualTo(1);
    assertThat(((NumericProfile) mergedOther.feature("amount").orElseThrow()).nanCount())
        .isEqualTo(1);

    DatasetProfile back = DatasetProfile.fromBytes(merged.toBytes());
    assertThat(back.rowCount()).isEqualTo(4);
    assertThat(back.features().keySet()).containsExactly("amount", "country");
    assertThat(back.toBytes()).isEqualTo(merged.toBytes());

    assertThatThrownBy(() -> b1.accept(Map.of("amount", "ten")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProfileBuilder(List.of(fs.get(0), fs.get(0))))
        .isInstanceOf(IllegalArgumentException.class);
    DatasetProfile clash =
        new DatasetProfile(1, Map.of("amount", new CategoricalProfile().accumulate("x")));
    assertThatThrownBy(() -> merged.merge(clash)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DatasetProfile.fromBytes(new byte[] {1, 2, 3, 4}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFinishedBuilderHandsOverWhatABuildCopiesAndTakesNoMoreRows() {
    List<ProfiledFeature> fs =
        List.of(ProfiledFeature.numeric("x"), ProfiledFeature.categorical("c"));
    ProfileBuilder b = new ProfileBuilder(fs);
    b.acceptValues(new Object[] {1.5, "a"});
    b.acceptValues(new Object[] {null, "b"});
    byte[] built = b.build().toBytes();
    DatasetProfile finished = b.finish();
    assertThat(finished.toBytes()).isEqualTo(built);
    assertThatThrownBy(() -> b.acceptValues(new Object[] {2.0, "c"}))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.accept(Map.of("x", 2.0))).isInstanceOf(IllegalStateException.class);
    assertThat(finished.rowCount()).isEqualTo(2);
  }

  @Test
  void builderSnapshotIsIndependentOfLaterRows() {
    ProfileBuilder b = new ProfileBuilder(List.of(ProfiledFeature.numeric("x")));
    b.accept(Map.of("x", 1));
    DatasetProfile snap = b.build();
    b.accept(Map.of("x", 2));
    assertThat(snap.feature("x").orElseThrow().count()).isEqualTo(1);
    assertThat(b.build().feature("x").orElseThrow().count()).isEqualTo(2);
  }

  @Test
  void valuesByPositionProfileLikeRowsByName() {
    List<ProfiledFeature> fs =
        List.of(ProfiledFeature.numeric("amount"), ProfiledFeature.categorical("country"));
    ProfileBuilder byName = new ProfileBuilder(fs);
    ProfileBuilder byPosition = new ProfileBuilder(fs);
    Object[] reused = new Object[2];
    Object[][] rows = {{10, "DE"}, {2.5, "FR"}, {null, null}, {Double.NaN, "DE"}};
    for (Object[] row : rows) {
      Map<String, Object> named = new HashMap<>();
      named.put("amount", row[0]);
      named.put("country", row[1]);
      byName.accept(named);
      System.arraycopy(row, 0, reused, 0, 2);
      byPosition.acceptValues(reused);
    }
    assertThat(byPosition.rowCount()).isEqualTo(4);
    assertThat(byPosition.build().toBytes()).isEqualTo(byName.build().toBytes());
    assertThatThrownBy(() -> byPosition.acceptValues(new Object[] {1.0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 2 values");
  }

  @Test
  void copiesAndMergesShareNoAccumulatorWithTheirSources() {
    CategoricalProfile c = new CategoricalProfile();
    c.accumulate("a");
    c.accumulate("b");
    c.accumulate(null);
    CategoricalProfile cc = c.copy();
    assertThat(cc.toBytes()).isEqualTo(c.toBytes());
    cc.accumulate("a");
    assertThat(c.valueCounts()).containsEntry("a", 1L);
    CategoricalProfile sketched = new CategoricalProfile(2, 8);
    for (String v : new String[] {"x", "y", "z", "x"}) {
      sketched.accumulate(v);
    }
    assertThat(sketched.isExact()).isFalse();
    assertThat(sketched.copy().toBytes()).isEqualTo(sketched.toBytes());

    NumericProfile onlyLeft = new NumericProfile();
    onlyLeft.accumulate(1.0);
    CategoricalProfile both = new CategoricalProfile();
    both.accumulate("a");
    CategoricalProfile onlyRight = new CategoricalProfile();
    onlyRight.accumulate("r");
    DatasetProfile left = new DatasetProfile(1, java.util.Map.of("n", onlyLeft, "c", both));
    DatasetProfile right =
        new DatasetProfile(1, java.util.Map.of("c", both.copy(), "r", onlyRight));
    DatasetProfile merged = left.merge(right);
    assertThat(merged.rowCount()).isEqualTo(2);
    assertThat(merged.features()).containsOnlyKeys("n", "c", "r");
    assertThat(((CategoricalProfile) merged.feature("c").orElseThrow()).valueCounts())
        .containsEntry("a", 2L);
    // what the sources accumulate later is not in the merge
    onlyLeft.accumulate(2.0);
    onlyRight.accumulate("later");
    assertThat(merged.feature("n").orElseThrow().validCount()).isEqualTo(1);
    assertThat(((CategoricalProfile) merged.feature("r").orElseThrow()).valueCounts())
        .containsOnlyKeys("r");
  }
}
