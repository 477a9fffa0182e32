package io.driftgate.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.EmbeddingReservoir;
import io.driftgate.core.drift.profile.FeatureProfile;
import io.driftgate.core.drift.profile.ImageProfile;
import io.driftgate.core.drift.profile.ImageShape;
import io.driftgate.core.drift.profile.ProfileBuilder;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.drift.profile.ProfiledKind;
import io.driftgate.core.drift.profile.TextProfile;
import io.driftgate.core.drift.profile.WindowProfiles;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Image and text features through profiles, the metric registry and the comparator. */
class UnstructuredDriftTest {
  static final int SIDE = 16;
  static final ImageShape SHAPE = new ImageShape(1, SIDE, SIDE, false, false);
  static final List<ProfiledFeature> FEATURES =
      List.of(ProfiledFeature.image("img", SHAPE), ProfiledFeature.text("txt"));

  /** A raw 16x16 image: a vertical (or, rotated, horizontal) bright bar, jittered, noisy. */
  static byte[] image(SplittableRandom r, boolean rotated) {
    byte[] px = new byte[SIDE * SIDE];
    int at = 4 + r.nextInt(8);
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        int along = rotated ? y : x;
        double v = Math.abs(along - at) <= 1 ? 0.9 : 0.1;
        v += r.nextGaussian() * 0.05;
        px[y * SIDE + x] = (byte) Math.round(Math.min(1, Math.max(0, v)) * 255);
      }
    }
    return px;
  }

  static final String[] SPORT = {"goal", "match", "team", "score", "coach", "league", "win"};
  static final String[] MONEY = {"bank", "rate", "stock", "bond", "loan", "market", "fund"};

  static String text(SplittableRandom r, double sportShare) {
    StringBuilder sb = new StringBuilder();
    int n = 5 + r.nextInt(10);
    for (int i = 0; i < n; i++) {
      String[] v = r.nextDouble() < sportShare ? SPORT : MONEY;
      sb.append(i == 0 ? "" : " ").append(v[r.nextInt(v.length)]);
    }
    return sb.toString();
  }

  static DatasetProfile window(long seed, int n, boolean rotated, double sportShare) {
    SplittableRandom r = new SplittableRandom(seed);
    ProfileBuilder b = new ProfileBuilder(FEATURES);
    for (int i = 0; i < n; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("img", ByteBuffer.wrap(image(r, rotated)));
      row.put("txt", i % 50 == 0 ? null : text(r, sportShare));
      b.accept(row);
    }
    return b.build();
  }

  @Test
  void mmdIsTheAutomaticMetricAndStaysQuietOnTheSameStream() {
    DriftResult result =
        DriftComparator.compare(window(1, 300, false, 0.5), window(2, 300, false, 0.5));
    for (FeatureDrift f : result.features()) {
      assertThat(f.metric()).as(f.feature()).isEqualTo(DriftMetric.MMD);
      assertThat(f.status()).isEqualTo(FeatureDrift.Status.OK);
      assertThat(f.pValue()).as(f.feature()).isGreaterThan(0.05);
      assertThat(f.drifted()).isFalse();
    }
  }

  @Test
  void rotatedImagesAndAShiftedTopicMixAreDetected() {
    DatasetProfile reference = window(1, 300, false, 0.5);
    DatasetProfile current = window(3, 300, true, 0.85);
    DriftResult result = DriftComparator.compare(reference, current);
    for (FeatureDrift f : result.features()) {
      assertThat(f.drifted()).as(f.feature()).isTrue();
      assertThat(f.pValue()).isLessThan(0.01);
    }
    DriftComparator c = new DriftComparator();
    FeatureDrift tokens =
        c.compareFeature(
            "txt",
            reference.features().get("txt"),
            current.features().get("txt"),
            FeatureOverride.of(DriftMetric.TOKEN_JS));
    FeatureDrift sameTokens =
        c.compareFeature(
            "txt",
            reference.features().get("txt"),
            window(2, 300, false, 0.5).features().get("txt"),
            FeatureOverride.of(DriftMetric.TOKEN_JS));
    assertThat(tokens.score()).isGreaterThan(sameTokens.score() + 0.05);
  }

  @Test
  void intensityDetectsNoiseAndOovDetectsNewWords() {
    DatasetProfile reference = window(1, 300, false, 0.5);
    ImageProfile noisy = new ImageProfile(SHAPE);
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 300; i++) {
      float[] t = new float[SIDE * SIDE];
      for (int j = 0; j < t.length; j++) {
        t[j] = (float) r.nextDouble();
      }
      noisy.accumulateTensor(t);
    }
    DriftComparator c = new DriftComparator();
    FeatureDrift intensity =
        c.compareFeature(
            "img",
            reference.features().get("img"),
            noisy,
            FeatureOverride.of(DriftMetric.INTENSITY));
    assertThat(intensity.drifted()).isTrue();
    assertThat(intensity.score()).isGreaterThan(0.3);

    TextProfile foreign = new TextProfile();
    for (int i = 0; i < 100; i++) {
      foreign.accumulateRaw("zorp blix " + SPORT[i % SPORT.length]);
    }
    FeatureDrift oov =
        c.compareFeature(
            "txt",
            reference.features().get("txt"),
            foreign,
            FeatureOverride.of(DriftMetric.OOV_RATE));
    assertThat(oov.score()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(oov.drifted()).isTrue();
    FeatureDrift sameOov =
        c.compareFeature(
            "txt",
            reference.features().get("txt"),
            window(2, 300, false, 0.5).features().get("txt"),
            FeatureOverride.of(DriftMetric.OOV_RATE));
    assertThat(sameOov.score()).isZero();
  }

  @Test
  void metricsNameTheirKinds() {
    assertThat(DriftMetric.MMD.appliesTo(ProfiledKind.IMAGE)).isTrue();
    assertThat(DriftMetric.MMD.appliesTo(ProfiledKind.TEXT)).isTrue();
    assertThat(DriftMetric.MMD.appliesTo(ProfiledKind.NUMERIC)).isFalse();
    assertThat(DriftMetric.KS.appliesTo(ProfiledKind.IMAGE)).isFalse();
    assertThat(DriftMetric.TOKEN_JS.appliesTo(ProfiledKind.IMAGE)).isFalse();
    FeatureProfile img = window(1, 20, false, 0.5).features().get("img");
    assertThatThrownBy(() -> MetricChooser.choose(img, FeatureOverride.of(DriftMetric.KS)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("image");
  }

  @Test
  void profilesSurviveBytesAvroAndMergeWithBoundedSamples() {
    DatasetProfile a = window(1, 300, false, 0.5);
    DatasetProfile b = window(2, 150, false, 0.5);
    DatasetProfile back =
        WindowProfiles.toDataset(
            WindowProfiles.toAvro("media", Instant.EPOCH, Instant.ofEpochSecond(60), a));
    ImageProfile img = (ImageProfile) back.features().get("img");
    TextProfile txt = (TextProfile) back.features().get("txt");
    assertThat(img.count()).isEqualTo(300);
    assertThat(txt.nullCount()).isEqualTo(6);
    assertThat(img.reservoir().sample()).hasNumberOfRows(ImageProfile.RESERVOIR);
    assertThat(img.sketch().histogram(0))
        .containsExactly(((ImageProfile) a.features().get("img")).sketch().histogram(0));
    assertThat(txt.sketch().tokenCounts())
        .containsExactly(((TextProfile) a.features().get("txt")).sketch().tokenCounts());
    // the comparison of the restored profile is the comparison of the original
    DatasetProfile other = window(2, 300, false, 0.5);
    assertThat(DriftComparator.compare(back, other).features())
        .isEqualTo(DriftComparator.compare(a, other).features());

    DatasetProfile merged = a.merge(b);
    ImageProfile m = (ImageProfile) merged.features().get("img");
    assertThat(m.count()).isEqualTo(450);
    assertThat(m.reservoir().seen()).isEqualTo(450);
    assertThat(m.reservoir().sample()).hasNumberOfRows(ImageProfile.RESERVOIR);
    assertThat(((TextProfile) merged.features().get("txt")).sketch().texts()).isEqualTo(441);
  }

  @Test
  void reservoirIsUniformBoundedAndSeeded() {
    EmbeddingReservoir r1 = new EmbeddingReservoir(100, 1, 5);
    EmbeddingReservoir r2 = new EmbeddingReservoir(100, 1, 5);
    for (int i = 0; i < 10_000; i++) {
      r1.add(new double[] {i});
      r2.add(new double[] {i});
    }
    assertThat(r1.sample()).hasNumberOfRows(100);
    double mean = 0;
    for (double[] v : r1.sample()) {
      mean += v[0] / 100;
    }
    assertThat(mean).isBetween(3500.0, 6500.0); // uniform over 0..9999: 5000 +- 3 SE
    assertThat(r1.sample()).isDeepEqualTo(r2.sample());
  }
}
