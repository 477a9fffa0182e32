package io.driftgate.testkit.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.RecordClassifier;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.spec.MediaSpecs;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.wire.RecordEncoder;
import io.driftgate.core.wire.RecordEncoders;
import io.driftgate.schemas.ErrorKind;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/**
 * Generated image and text records, good and bad, encoded as the wire carries them and classified
 * as the ingest step does ({@link RecordClassifier}, the streaming DecodeAndClean's core): every
 * record is either a row or a dead letter of the kind injected, and rows plus dead letters equal
 * the input.
 */
class MediaStreamTest {
  static final long T = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();

  @Test
  void generatorsAreSeeded() {
    ImageStreamGenerator g = ImageStreamGenerator.stationary(28);
    assertThat(g.image(1, 5).pixels()).containsExactly(g.image(1, 5).pixels());
    assertThat(g.image(1, 5).pixels()).isNotEqualTo(g.image(2, 5).pixels());
    assertThat(new ImageStreamGenerator(28, 30, 0).image(1, 5).pixels())
        .isNotEqualTo(g.image(1, 5).pixels());
    TextStreamGenerator t = TextStreamGenerator.even();
    assertThat(t.text(3, 9)).isEqualTo(t.text(3, 9));
    assertThat(t.text(3, 9)).isNotEqualTo(t.text(4, 9));
    int[] topics = new int[TextStreamGenerator.TOPICS];
    TextStreamGenerator shifted = new TextStreamGenerator(new double[] {7, 1, 1, 1});
    for (int i = 0; i < 2000; i++) {
      topics[shifted.text(1, i).topic()]++;
    }
    assertThat(topics[0]).isBetween(1300, 1500);
  }

  @Test
  void goodAndBadMediaRecordsAreClassifiedAndNoneIsLost() {
    ModelSpec spec = MediaSpecs.media(); // 8x8 grey, png or raw, maxBytes 4096; text <= 200
    RecordClassifier classifier =
        RecordClassifier.of(spec, Clock.fixed(Instant.ofEpochMilli(T), ZoneOffset.UTC));
    RecordEncoder encoder = RecordEncoders.singleObject(spec.readerSchema());
    ImageStreamGenerator images = ImageStreamGenerator.stationary(8);
    ImageStreamGenerator big = ImageStreamGenerator.stationary(12);
    TextStreamGenerator texts = TextStreamGenerator.even();
    Map<ErrorKind, Integer> injected = new EnumMap<>(ErrorKind.class);
    Map<ErrorKind, Integer> got = new EnumMap<>(ErrorKind.class);
    int rows = 0;
    int total = 700;
    for (int i = 0; i < total; i++) {
      byte[] picture = i % 2 == 0 ? images.image(7, i).png() : images.image(7, i).raw();
      String text = texts.text(7, i).text();
      Object review = text.length() > 150 ? text.substring(0, 150) : text; // spec: <= 200
      ErrorKind kind = null;
      switch (i % 10) {
        case 3 -> {
          picture = new byte[5000];
          kind = ErrorKind.IMAGE_TOO_LARGE;
        }
        case 4 -> {
          picture = big.image(7, i).png();
          kind = ErrorKind.IMAGE_SHAPE;
        }
        case 5 -> {
          picture = new byte[63];
          kind = ErrorKind.IMAGE_UNDECODABLE;
        }
        case 6 -> {
          review = new Utf8(new byte[] {'b', 'a', 'd', (byte) 0xF0, '!'});
          kind = ErrorKind.INVALID_UTF8;
        }
        case 7 -> {
          review = "word ".repeat(50);
          kind = ErrorKind.TOO_LONG;
        }
        case 8 -> {
          review = "  \n ";
          kind = ErrorKind.EMPTY_TEXT;
        }
        default -> {}
      }
      GenericData.Record r = new GenericData.Record(spec.readerSchema());
      r.put("event_id", "m-" + i);
      r.put("event_time", T - 1000 + i);
      r.put("picture", ByteBuffer.wrap(picture));
      r.put("review", review);
      r.put("score", 1.0);
      r.put("label", i % 10);
      if (kind != null) {
        injected.merge(kind, 1, Integer::sum);
      }
      CleanResult c = classifier.classify(encoder.encode(r), new SourceRef("media", 0, i, T));
      if (c instanceof CleanResult.Accepted a) {
        assertThat(kind).as("record %d", i).isNull();
        assertThat(a.row().get("picture")).isEqualTo(ByteBuffer.wrap(picture));
        rows++;
      } else {
        CleanResult.Rejected rej = (CleanResult.Rejected) c;
        assertThat(rej.kind()).as("record %d: %s", i, rej.message()).isEqualTo(kind);
        if (rej.kind() == ErrorKind.INVALID_UTF8) {
          // found by the decoder, which names the field in the message
          assertThat(rej.message()).contains("field review");
        } else {
          assertThat(rej.field()).isIn("picture", "review");
        }
        got.merge(rej.kind(), 1, Integer::sum);
      }
    }
    assertThat(got).isEqualTo(injected);
    assertThat(rows + got.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
    assertThat(rows).isEqualTo(total - 6 * 70);
  }
}
