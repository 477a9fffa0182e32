package io.driftgate.testkit.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.testkit.generate.GeneratedRecord;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;

class CorpusStreamTest {
  private static final List<String> TOPICS =
      List.of("noun.animal", "noun.plant", "noun.food", "noun.artifact");

  static Path example(String file) {
    Path p = Path.of("../examples", file);
    return Files.exists(p) ? p : Path.of("examples", file);
  }

  static Schema schema(String file) throws Exception {
    return new Schema.Parser().parse(example(file).toFile());
  }

  static List<GenericRecord> decode(Schema schema, CorpusStream stream) throws Exception {
    BinaryMessageDecoder<GenericRecord> decoder =
        new BinaryMessageDecoder<>(GenericData.get(), schema);
    List<GenericRecord> out = new ArrayList<>();
    while (stream.hasNext()) {
      out.add(decoder.decode(stream.next().value()));
    }
    return out;
  }

  @Test
  void imagesArePngsOfTheDeclaredSizeAndDriftedOnesAreRotated() throws Exception {
    // Two 28x28 images: a vertical bar (class 1) and a horizontal bar (class 7).
    byte[] px = new byte[2 * 28 * 28];
    for (int y = 4; y < 24; y++) {
      px[y * 28 + 14] = (byte) 255;
      px[28 * 28 + 14 * 28 + y] = (byte) 255;
    }
    IdxImages images = new IdxImages(28, 28, px, new byte[] {1, 7});
    Schema schema = schema("digits/DigitRecord.avsc");
    CorpusStream.Config config = new CorpusStream.Config(40, 20, 11, 1_000, 10);
    List<GenericRecord> records =
        decode(schema, CorpusStream.images(images, schema, "image", config, 90, 0));
    assertThat(records).hasSize(40);
    for (int i = 0; i < records.size(); i++) {
      GenericRecord r = records.get(i);
      assertThat(r.get("event_time")).isEqualTo(1_000L + 10L * i);
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes(r.get("image"))));
      assertThat(img.getWidth()).isEqualTo(28);
      int label = (Integer) r.get("label");
      boolean vertical = (img.getRaster().getSample(14, 10, 0) & 0xff) > 200;
      // before the change a 1 is vertical; a quarter turn makes it horizontal (and a 7 vertical)
      assertThat(vertical).as("record %d, label %d", i, label).isEqualTo((label == 1) == (i < 20));
    }
    assertThat(records.stream().map(r -> r.get("label")).distinct()).hasSize(2);
  }

  @Test
  void theSameSeedReplaysTheSameRecords() throws Exception {
    IdxImages images = new IdxImages(2, 2, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, new byte[] {0, 1});
    Schema schema = schema("digits/DigitRecord.avsc");
    CorpusStream.Config config = new CorpusStream.Config(10, 5, 3, 0, 1);
    CorpusStream a = CorpusStream.images(images, schema, "image", config, 30, 5);
    CorpusStream b = CorpusStream.images(images, schema, "image", config, 30, 5);
    for (int i = 0; i < 10; i++) {
      GeneratedRecord x = a.next();
      GeneratedRecord y = b.next();
      assertThat(x.value()).containsExactly(y.value());
      assertThat(x.drifted()).isEqualTo(i >= 5);
    }
  }

  @Test
  void glossTopicMixShiftsAtTheChangePoint() throws Exception {
    List<WordNetGlosses.Gloss> glosses =
        List.of(
            new WordNetGlosses.Gloss("a", 'n', "noun.animal", List.of("dog"), "a canine"),
            new WordNetGlosses.Gloss("b", 'n', "noun.plant", List.of("oak"), "a tree"),
            new WordNetGlosses.Gloss("c", 'n', "noun.food", List.of("bread"), "baked dough"),
            new WordNetGlosses.Gloss("d", 'n', "noun.artifact", List.of("cup"), "a vessel"));
    Schema schema = schema("text/GlossRecord.avsc");
    CorpusStream.Config config = new CorpusStream.Config(8_000, 4_000, 5, 0, 1);
    List<GenericRecord> records =
        decode(
            schema,
            CorpusStream.glosses(
                glosses,
                TOPICS,
                schema,
                "gloss",
                config,
                new double[] {1, 1, 1, 1},
                new double[] {0, 0, 1, 3}));
    int[] before = new int[4];
    int[] after = new int[4];
    for (int i = 0; i < records.size(); i++) {
      int label = (Integer) records.get(i).get("label");
      assertThat(records.get(i).get("gloss").toString()).isEqualTo(glosses.get(label).definition());
      (i < 4_000 ? before : after)[label]++;
    }
    for (int t = 0; t < 4; t++) {
      assertThat(before[t]).as("topic %d before", t).isBetween(900, 1_100);
    }
    assertThat(after[0] + after[1]).isZero();
    assertThat(after[3]).isBetween(2_850, 3_150);
  }

  @Test
  void aTopicWithoutGlossesIsRefused() throws Exception {
    Schema schema = schema("text/GlossRecord.avsc");
    assertThatThrownBy(
            () ->
                CorpusStream.glosses(
                    List.of(),
                    List.of("noun.animal"),
                    schema,
                    "gloss",
                    new CorpusStream.Config(1, 1, 1, 0, 1),
                    new double[] {1},
                    new double[] {1}))
        .hasMessageContaining("noun.animal");
  }

  /** The real corpus: four noun topics of WordNet, each with hundreds of glosses. */
  @Test
  void realGlossesOfTheFourTopics() throws Exception {
    List<WordNetGlosses.Gloss> all = WordNetGlosses.read(WordNetGlosses.DEBIAN_DIR);
    for (String topic : TOPICS) {
      assertThat(all.stream().filter(g -> g.lexName().equals(topic)).count())
          .as(topic)
          .isGreaterThan(1_000);
    }
  }

  private static byte[] bytes(Object avroBytes) {
    ByteBuffer b = ((ByteBuffer) avroBytes).duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
