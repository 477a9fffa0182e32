package io.driftgate.core.ingest;

import static io.driftgate.core.ingest.RecordCleanerTest.accepted;
import static io.driftgate.core.ingest.RecordCleanerTest.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.spec.MediaSpecs;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.Stage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/** Every validation rule of image and text features, through {@link RecordCleaner}. */
class UnstructuredRulesTest {
  static final long T = 1_700_000_000_000L;
  static final SourceRef REF = new SourceRef("media", 0, 7L, T);

  final ModelSpec spec = MediaSpecs.media();
  final RecordCleaner cleaner = new RecordCleaner(spec);

  /** A w x h image, grey or RGB, encoded as {@code format} (png, jpeg). */
  static byte[] encoded(int w, int h, boolean rgb, String format) {
    BufferedImage img =
        new BufferedImage(w, h, rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int v = (x * 31 + y * 17) & 0xff;
        img.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      assertThat(ImageIO.write(img, format, out)).isTrue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  GenericData.Record record(Object picture, Object review) {
    GenericData.Record r = new GenericData.Record(spec.readerSchema());
    r.put("event_id", "m-1");
    r.put("event_time", T);
    r.put("picture", picture instanceof byte[] b ? ByteBuffer.wrap(b) : picture);
    r.put("review", review);
    r.put("score", 0.5);
    r.put("label", 1);
    return r;
  }

  CleanResult clean(Object picture, Object review) {
    return cleaner.clean(record(picture, review), REF);
  }

  private static String message(CleanResult r) {
    return ((CleanResult.Rejected) r).message();
  }

  @Test
  void validPngAndRawImagesAreStoredAsReceived() {
    byte[] png = encoded(8, 8, false, "png");
    GenericRecord row = accepted(clean(png, "Fine  ＷＯＲＫ\tindeed"));
    assertThat(((ByteBuffer) row.get("picture"))).isEqualTo(ByteBuffer.wrap(png));
    assertThat(row.get("review")).isEqualTo("fine work indeed");
    byte[] raw = new byte[64];
    Arrays.fill(raw, (byte) 3);
    row = accepted(clean(raw, "ok"));
    assertThat(((ByteBuffer) row.get("picture"))).isEqualTo(ByteBuffer.wrap(raw));
  }

  @Test
  void missingRequiredImage() {
    rejected(clean(null, "ok"), ErrorKind.MISSING_REQUIRED, "picture");
  }

  @Test
  void tooManyBytesIsImageTooLarge() {
    CleanResult r = clean(new byte[4097], "ok");
    rejected(r, ErrorKind.IMAGE_TOO_LARGE, "picture");
    assertThat(message(r)).contains("4097 bytes").contains("image.maxBytes is 4096");
    assertThat(((CleanResult.Rejected) r).stage()).isEqualTo(Stage.VALIDATE);
  }

  @Test
  void aFormatNotListedIsImageFormat() {
    CleanResult r = clean(encoded(8, 8, false, "jpeg"), "ok");
    rejected(r, ErrorKind.IMAGE_FORMAT, "picture");
    assertThat(message(r)).contains("is jpeg").contains("accepts png, raw");
    ModelSpec pngOnly = MediaSpecs.parse(MediaSpecs.yaml().replace("[png, raw]", "[png]"));
    byte[] raw = new byte[64];
    r = new RecordCleaner(pngOnly).clean(record(raw, "ok"), REF);
    rejected(r, ErrorKind.IMAGE_FORMAT, "picture");
    assertThat(message(r)).contains("neither PNG nor JPEG");
  }

  @Test
  void jpegIsAcceptedWhenListed() {
    ModelSpec withJpeg = MediaSpecs.parse(MediaSpecs.yaml().replace("[png, raw]", "[jpeg]"));
    accepted(new RecordCleaner(withJpeg).clean(record(encoded(8, 8, false, "jpeg"), "ok"), REF));
  }

  @Test
  void undecodableImages() {
    rejected(clean(new byte[0], "ok"), ErrorKind.IMAGE_UNDECODABLE, "picture");
    CleanResult r = clean(new byte[63], "ok");
    rejected(r, ErrorKind.IMAGE_UNDECODABLE, "picture");
    assertThat(message(r)).contains("63 bytes").contains("1x8x8").contains("64");
    byte[] png = encoded(8, 8, false, "png");
    byte[] broken = Arrays.copyOf(png, 30); // PNG magic, then nothing decodable
    rejected(clean(broken, "ok"), ErrorKind.IMAGE_UNDECODABLE, "picture");
  }

  @Test
  void anotherSizeIsImageShapeUnlessResized() {
    CleanResult r = clean(encoded(16, 8, false, "png"), "ok");
    rejected(r, ErrorKind.IMAGE_SHAPE, "picture");
    assertThat(message(r)).contains("16x8").contains("8x8").contains("image.resize is reject");
    ModelSpec resize =
        MediaSpecs.parse(MediaSpecs.yaml().replace("resize: reject", "resize: resize"));
    byte[] big = encoded(16, 8, false, "png");
    GenericRecord row = accepted(new RecordCleaner(resize).clean(record(big, "ok"), REF));
    assertThat(row.get("picture")).isEqualTo(ByteBuffer.wrap(big));
  }

  @Test
  void colourForAGreyFeatureIsImageShapeUnlessConverted() {
    CleanResult r = clean(encoded(8, 8, true, "png"), "ok");
    rejected(r, ErrorKind.IMAGE_SHAPE, "picture");
    assertThat(message(r)).contains("3 channel").contains("image.convertChannels is false");
    ModelSpec convert =
        MediaSpecs.parse(
            MediaSpecs.yaml()
                .replace("resize: reject", "resize: reject\n      convertChannels: true"));
    accepted(new RecordCleaner(convert).clean(record(encoded(8, 8, true, "png"), "ok"), REF));
  }

  @Test
  void invalidUtf8TextIsInvalidUtf8() {
    Utf8 bad = new Utf8(new byte[] {'o', (byte) 0xC3, 'k'});
    CleanResult r = clean(encoded(8, 8, false, "png"), bad);
    rejected(r, ErrorKind.INVALID_UTF8, "review");
    assertThat(message(r)).contains("not UTF-8");
    accepted(clean(encoded(8, 8, false, "png"), new Utf8("ça va")));
  }

  @Test
  void longTextIsTooLongCountingCodePoints() {
    String emoji = "\uD83D\uDE00"; // one code point, two chars
    accepted(clean(encoded(8, 8, false, "png"), emoji.repeat(200)));
    CleanResult r = clean(encoded(8, 8, false, "png"), "a".repeat(201));
    rejected(r, ErrorKind.TOO_LONG, "review");
    assertThat(message(r)).contains("201 characters").contains("text.maxLength is 200");
  }

  @Test
  void emptyTextFollowsItsPolicy() {
    byte[] png = encoded(8, 8, false, "png");
    CleanResult r = clean(png, " \t\u200B ");
    rejected(r, ErrorKind.EMPTY_TEXT, "review");
    assertThat(message(r)).contains("text.onEmpty is reject");
    rejected(clean(png, ""), ErrorKind.EMPTY_TEXT, "review");

    ModelSpec allow =
        MediaSpecs.parse(MediaSpecs.yaml().replace("onEmpty: reject", "onEmpty: allow"));
    assertThat(accepted(new RecordCleaner(allow).clean(record(png, "  "), REF)).get("review"))
        .isEqualTo("");

    ModelSpec asNull =
        MediaSpecs.parse(MediaSpecs.yaml().replace("onEmpty: reject", "onEmpty: null"));
    GenericRecord row = accepted(new RecordCleaner(asNull).clean(record(png, "  "), REF));
    assertThat(row.get("review")).isNull();

    ModelSpec requiredNull =
        MediaSpecs.parse(
            MediaSpecs.yaml()
                .replace("onEmpty: reject", "onEmpty: null")
                .replace("    kind: text\n", "    kind: text\n    required: true\n"));
    r = new RecordCleaner(requiredNull).clean(record(png, ""), REF);
    rejected(r, ErrorKind.EMPTY_TEXT, "review");
    assertThat(message(r)).contains("is required");
  }

  @Test
  void normalizeNoneStoresTheTextAsReceived() {
    ModelSpec none =
        MediaSpecs.parse(MediaSpecs.yaml().replace("normalize: nfkc", "normalize: none"));
    GenericRecord row =
        accepted(new RecordCleaner(none).clean(record(encoded(8, 8, false, "png"), " Ｈi  "), REF));
    assertThat(row.get("review")).isEqualTo(" Ｈi  ");
  }

  @Test
  void theLakeRowHasBinaryAndStringColumns() {
    var schema = CleanSchema.of(spec);
    assertThat(schema.getField("picture").schema().getTypes().get(1).getType())
        .isEqualTo(org.apache.avro.Schema.Type.BYTES);
    assertThat(schema.getField("review").schema().getTypes().get(1).getType())
        .isEqualTo(org.apache.avro.Schema.Type.STRING);
    assertThat(schema.getField("picture").doc()).contains("1x8x8");
  }
}
