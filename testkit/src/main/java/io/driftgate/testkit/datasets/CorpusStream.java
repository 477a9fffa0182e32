package io.driftgate.testkit.datasets;

import io.driftgate.core.wire.RecordEncoder;
import io.driftgate.core.wire.RecordEncoders;
import io.driftgate.testkit.generate.GeneratedRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * A seeded stream of records drawn from a real corpus, with a drift injected from record {@code
 * changeAt} on: the producers of the image and text examples. Each record carries {@code event_id},
 * {@code event_time}, one feature and {@code label} (the example schemas' fields); values are Avro
 * single-object encoded, as the examples' specs declare.
 *
 * <p>Record {@code i} depends only on the seed and {@code i}, so a stream can be replayed.
 */
public final class CorpusStream implements Iterator<GeneratedRecord> {

  /**
   * What every corpus stream shares.
   *
   * @param count records to produce
   * @param changeAt the first drifted record (at or above count: no drift)
   * @param seed the stream's seed
   * @param startMillis event time of record 0
   * @param stepMillis event time between records
   */
  public record Config(long count, long changeAt, long seed, long startMillis, long stepMillis) {
    public Config {
      if (count < 0 || changeAt < 0 || stepMillis < 0) {
        throw new IllegalArgumentException("count, changeAt and stepMillis must be >= 0");
      }
    }
  }

  /** One drawn value and its class. */
  private record Draw(Object value, int label) {}

  @FunctionalInterface
  private interface Drawer {
    Draw draw(SplittableRandom random, boolean drifted);
  }

  private final Config config;
  private final Schema schema;
  private final String feature;
  private final RecordEncoder encoder;
  private final Drawer drawer;
  private long next;

  private CorpusStream(Config config, Schema schema, String feature, Drawer drawer) {
    this.config = Objects.requireNonNull(config);
    this.schema = Objects.requireNonNull(schema);
    this.feature = feature;
    if (schema.getField(feature) == null) {
      throw new IllegalArgumentException("schema " + schema.getFullName() + " has no " + feature);
    }
    this.encoder = RecordEncoders.singleObject(schema);
    this.drawer = drawer;
  }

  /**
   * Digits (or any labelled grey images) as PNG bytes in {@code feature}; from {@code changeAt} on
   * every image is rotated by {@code rotateDegrees} and given Gaussian noise of {@code noiseSigma}
   * grey levels.
   */
  public static CorpusStream images(
      IdxImages images,
      Schema schema,
      String feature,
      Config config,
      double rotateDegrees,
      double noiseSigma) {
    int w = images.cols();
    int h = images.rows();
    return new CorpusStream(
        config,
        schema,
        feature,
        (random, drifted) -> {
          int i = random.nextInt(images.count());
          byte[] px = images.image(i);
          if (drifted) {
            px = GreyImages.noise(GreyImages.rotate(px, w, h, rotateDegrees), noiseSigma, random);
          }
          return new Draw(ByteBuffer.wrap(GreyImages.png(px, w, h)), images.label(i));
        });
  }

  /**
   * WordNet glosses of the given lexicographer files ({@code topics}; the label is the topic's
   * position) in {@code feature}, drawn with topic shares {@code mixBefore}, and {@code mixAfter}
   * from {@code changeAt} on: the text example's shift in topic mix.
   */
  public static CorpusStream glosses(
      List<WordNetGlosses.Gloss> all,
      List<String> topics,
      Schema schema,
      String feature,
      Config config,
      double[] mixBefore,
      double[] mixAfter) {
    if (mixBefore.length != topics.size() || mixAfter.length != topics.size()) {
      throw new IllegalArgumentException("one share per topic: " + topics);
    }
    List<List<String>> byTopic = new ArrayList<>();
    for (String topic : topics) {
      List<String> texts =
          all.stream().filter(g -> g.lexName().equals(topic)).map(g -> g.definition()).toList();
      if (texts.isEmpty()) {
        throw new IllegalArgumentException("no WordNet gloss has lexicographer file " + topic);
      }
      byTopic.add(texts);
    }
    double[] before = cumulative(mixBefore);
    double[] after = cumulative(mixAfter);
    return new CorpusStream(
        config,
        schema,
        feature,
        (random, drifted) -> {
          double[] mix = drifted ? after : before;
          double u = random.nextDouble();
          int topic = 0;
          while (topic < mix.length - 1 && u >= mix[topic]) {
            topic++;
          }
          List<String> texts = byTopic.get(topic);
          return new Draw(texts.get(random.nextInt(texts.size())), topic);
        });
  }

  @Override
  public boolean hasNext() {
    return next < config.count();
  }

  @Override
  public GeneratedRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return generate(next++);
  }

  /** Record {@code index} of the stream. */
  public GeneratedRecord generate(long index) {
    SplittableRandom random = new SplittableRandom(config.seed() ^ (index * 0x9E3779B97F4A7C15L));
    boolean drifted = index >= config.changeAt();
    Draw d = drawer.draw(random, drifted);
    String id = "ex-" + config.seed() + "-" + index;
    long eventTime = config.startMillis() + index * config.stepMillis();
    GenericRecord r = new GenericData.Record(schema);
    r.put("event_id", id);
    r.put("event_time", eventTime);
    r.put(feature, d.value());
    r.put("label", d.label());
    return new GeneratedRecord(
        id.getBytes(StandardCharsets.UTF_8),
        encoder.encode(r),
        eventTime,
        null,
        drifted,
        d.label());
  }

  private static double[] cumulative(double[] shares) {
    double total = 0;
    for (double s : shares) {
      if (!(s >= 0)) {
        throw new IllegalArgumentException("topic shares must be >= 0");
      }
      total += s;
    }
    if (total <= 0) {
      throw new IllegalArgumentException("topic shares must not all be 0");
    }
    double[] out = new double[shares.length];
    double run = 0;
    for (int i = 0; i < shares.length; i++) {
      run += shares[i] / total;
      out[i] = run;
    }
    return out;
  }
}
