package io.driftgate.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The {@code image} and {@code text} feature kinds in the spec loader. */
class UnstructuredSpecTest {
  static String mediaYaml() {
    return MediaSpecs.yaml();
  }

  static ModelSpec media(String yaml) {
    return MediaSpecs.parse(yaml);
  }

  private static SpecError onlyError(String yaml, String key) {
    SpecException e = (SpecException) catchSpec(yaml);
    assertThat(e.errors()).extracting(SpecError::key).contains(key);
    return e.errors().stream().filter(x -> x.key().equals(key)).findFirst().orElseThrow();
  }

  private static Throwable catchSpec(String yaml) {
    try {
      media(yaml);
    } catch (SpecException e) {
      return e;
    }
    throw new AssertionError("expected a SpecException for:\n" + yaml);
  }

  @Test
  void imageAndTextFeaturesLoadWithTheirOptions() {
    ModelSpec spec = media(mediaYaml());
    FeatureSpec picture = spec.features().get(0);
    assertThat(picture.kind()).isEqualTo(FeatureKind.IMAGE);
    assertThat(picture.image())
        .isEqualTo(
            new ImageOptions(
                8,
                8,
                1,
                ImageOptions.Resize.REJECT,
                4096,
                EnumSet.of(ImageOptions.Format.PNG, ImageOptions.Format.RAW),
                false));
    assertThat(picture.text()).isNull();
    assertThat(picture.maxLength()).isNull();
    FeatureSpec review = spec.features().get(1);
    assertThat(review.kind()).isEqualTo(FeatureKind.TEXT);
    assertThat(review.text())
        .isEqualTo(
            new TextOptions(200, TextOptions.Normalization.NFKC, TextOptions.EmptyPolicy.REJECT));
  }

  @Test
  void defaultsOfTheOptionalKeys() {
    String yaml =
        mediaYaml()
            .replace("      resize: reject\n      maxBytes: 4096\n      formats: [png, raw]\n", "")
            .replace(
                "    text:\n      maxLength: 200\n      normalize: nfkc\n      onEmpty: reject\n",
                "");
    ModelSpec spec = media(yaml);
    ImageOptions image = spec.features().get(0).image();
    assertThat(image.resize()).isEqualTo(ImageOptions.Resize.REJECT);
    assertThat(image.maxBytes()).isEqualTo(ImageOptions.DEFAULT_MAX_BYTES);
    assertThat(image.formats()).containsExactlyInAnyOrder(ImageOptions.Format.values());
    assertThat(spec.features().get(1).text()).isEqualTo(TextOptions.DEFAULTS);
  }

  @Test
  void onEmptyNullIsYamlsNullToo() {
    ModelSpec spec = media(mediaYaml().replace("onEmpty: reject", "onEmpty: null"));
    assertThat(spec.features().get(1).text().onEmpty()).isEqualTo(TextOptions.EmptyPolicy.NULL);
    spec = media(mediaYaml().replace("onEmpty: reject", "onEmpty: allow"));
    assertThat(spec.features().get(1).text().onEmpty()).isEqualTo(TextOptions.EmptyPolicy.ALLOW);
  }

  @Test
  void anImageWithoutItsBlockNamesTheMissingKeys() {
    String yaml =
        mediaYaml()
            .replace(
                "    image:\n      width: 8\n      height: 8\n      channels: 1\n"
                    + "      resize: reject\n      maxBytes: 4096\n      formats: [png, raw]\n",
                "");
    SpecError e = onlyError(yaml, "features[0].image");
    assertThat(e.message()).contains("width").contains("height").contains("channels");
  }

  @Test
  void badImageOptionsNameKeyValueAndFix() {
    SpecError e =
        onlyError(mediaYaml().replace("channels: 1", "channels: 2"), "features[0].image.channels");
    assertThat(e.message()).contains("2").contains("1 (grey) or 3 (RGB)");
    e =
        onlyError(
            mediaYaml().replace("resize: reject", "resize: crop"), "features[0].image.resize");
    assertThat(e.message()).contains("crop").contains("reject, resize");
    e = onlyError(mediaYaml().replace("[png, raw]", "[png, gif]"), "features[0].image.formats[1]");
    assertThat(e.message()).contains("gif").contains("png, jpeg, raw");
    e = onlyError(mediaYaml().replace("width: 8", "width: 0"), "features[0].image.width");
    assertThat(e.message()).contains("between 1 and 4096");
    e =
        onlyError(
            mediaYaml().replace("maxBytes: 4096", "maxBytes: 10"), "features[0].image.maxBytes");
    assertThat(e.message()).contains("64 bytes").contains("raise maxBytes");
    e =
        onlyError(
            mediaYaml().replace("height: 8\n", "height: 8\n      depth: 2\n"),
            "features[0].image.depth");
    assertThat(e.message()).contains("allowed keys").contains("width");
  }

  @Test
  void badTextOptionsNameKeyValueAndFix() {
    SpecError e =
        onlyError(
            mediaYaml().replace("normalize: nfkc", "normalize: nfd"), "features[1].text.normalize");
    assertThat(e.message()).contains("nfd").contains("nfkc, none");
    e =
        onlyError(
            mediaYaml().replace("onEmpty: reject", "onEmpty: drop"), "features[1].text.onEmpty");
    assertThat(e.message()).contains("drop").contains("reject, allow, null");
    e =
        onlyError(
            mediaYaml().replace("maxLength: 200", "maxLength: 0"), "features[1].text.maxLength");
    assertThat(e.message()).contains("0");
  }

  @Test
  void blocksAndKeysOfOtherKindsAreRefused() {
    SpecError e =
        onlyError(
            mediaYaml()
                .replace(
                    "  - name: score\n    kind: numeric\n",
                    "  - name: score\n    kind: numeric\n    text: {maxLength: 3}\n"),
            "features[2].text");
    assertThat(e.message()).contains("only applies to text features");
    e =
        onlyError(
            mediaYaml().replace("    kind: text\n", "    kind: text\n    maxLength: 30\n"),
            "features[1].maxLength");
    assertThat(e.message()).contains("text block");
    e =
        onlyError(
            mediaYaml().replace("    kind: image\n", "    kind: image\n    min: 0\n"),
            "features[0].min");
    assertThat(e.message()).contains("does not apply to image features");
  }

  @Test
  void avroFieldTypesMustFit() {
    // review is a string: not an image; picture is bytes: not text
    String swapped =
        mediaYaml()
            .replace("  - name: picture\n", "  - name: review_img\n")
            .replace("  - name: review\n", "  - name: picture_txt\n")
            .replace("review_img", "review")
            .replace("picture_txt", "picture");
    SpecException e = (SpecException) catchSpec(swapped);
    assertThat(e.errors())
        .anySatisfy(
            x -> {
              assertThat(x.key()).isEqualTo("features[0].name");
              assertThat(x.message())
                  .contains("review")
                  .contains("cannot hold an image")
                  .contains("bytes");
            })
        .anySatisfy(
            x -> {
              assertThat(x.key()).isEqualTo("features[1].name");
              assertThat(x.message())
                  .contains("picture")
                  .contains("cannot hold text")
                  .contains("string");
            });
  }

  @Test
  void optionsRecordsRefuseImpossibleValues() {
    assertThatThrownBy(() -> new ImageOptions(8, 8, 2, ImageOptions.Resize.REJECT, 10, null, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new TextOptions(0, TextOptions.Normalization.NFKC, TextOptions.EmptyPolicy.ALLOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new FeatureSpec(
                    "x",
                    FeatureKind.IMAGE,
                    false,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void formatsAreSniffedByMagic() {
    assertThat(ImageOptions.Format.sniff(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}))
        .isEqualTo(ImageOptions.Format.PNG);
    assertThat(ImageOptions.Format.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0}))
        .isEqualTo(ImageOptions.Format.JPEG);
    assertThat(ImageOptions.Format.sniff(new byte[] {1, 2, 3})).isEqualTo(ImageOptions.Format.RAW);
  }

  @Test
  void driftMetricOverridesMustFitTheFeaturesKind() {
    String yaml = mediaYaml() + "drift:\n  metrics:\n    picture: {metric: ks}\n";
    SpecError e = onlyError(yaml, "drift.metrics.picture.metric");
    assertThat(e.message()).contains("ks").contains("image").contains("mmd, intensity");
    ModelSpec ok =
        media(mediaYaml() + "drift:\n  metrics:\n    review: {metric: token_js, threshold: 0.3}\n");
    assertThat(ok.drift().metrics().get("review").metric()).isEqualTo("token_js");
  }
}
