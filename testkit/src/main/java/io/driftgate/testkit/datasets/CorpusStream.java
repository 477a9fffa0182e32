package io.driftgate.testkit.datasets;

import io.driftgate.core.wire.RecordEncoder;
import io.driftgate.core.wire.RecordEncoders;
import io.driftgate.schemas.ErrorKind;
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
import org.apache.avro.util.Utf8;

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

  /**
   * Turns a valid feature value into an invalid one of the given kind (the value put in the
   * feature's field, which may be a {@link Utf8} holding bytes that are not UTF-8).
   */
  @FunctionalInterface
  private interface Breaker {
    Object breakValue(ErrorKind kind, SplittableRandom random);
  }

  /** The invalid kinds an image stream can inject (with {@code formats: [png]}, 28x28). */
  public static final List<ErrorKind> IMAGE_INVALID_KINDS =
      List.of(ErrorKind.IMAGE_SHAPE, ErrorKind.IMAGE_UNDECODABLE, ErrorKind.IMAGE_FORMAT);

  /** The invalid kinds a text stream can inject (with {@code onEmpty: reject}, a maxLength). */
  public static final List<ErrorKind> TEXT_INVALID_KINDS =
      List.of(ErrorKind.EMPTY_TEXT, ErrorKind.INVALID_UTF8, ErrorKind.TOO_LONG);

  private static final long INVALID_SALT = 0x5DEECE66DL;

  private final Config config;
  private final Schema schema;
  private final String feature;
  private final RecordEncoder encoder;
  private final Drawer drawer;
  private final Breaker breaker;
  private final List<ErrorKind> invalidKinds;
  private final double invalidFraction;
  private long next;

  private CorpusStream(
      Config config,
      Schema schema,
      String feature,
      Drawer drawer,
      Breaker breaker,
      List<ErrorKind> invalidKinds,
      double invalidFraction) {
    if (!(invalidFraction >= 0 && invalidFraction <= 1)) {
      throw new IllegalArgumentException("invalidFraction must be in [0, 1]: " + invalidFraction);
    }
    if (invalidFraction > 0 && invalidKinds.isEmpty()) {
      throw new IllegalArgumentException("invalidFraction > 0 needs at least one invalid kind");
    }
    this.breaker = breaker;
    this.invalidKinds = List.copyOf(invalidKinds);
    this.invalidFraction = invalidFraction;
    this.config = Objects.requireNonNull(config);
    this.schema = Objects.requireNonNull(schema);
    this.feature = feature;
    if (schema.getField(feature) == null) {
      throw new IllegalArgumentException("schema " + schema.getFullName() + " has no " + feature);
    }
    this.encoder = RecordEncoders.singleObject(schema);
    this.drawer = drawer;
  }

  private CorpusStream(
      Config config, Schema schema, String feature, Drawer drawer, Breaker breaker) {
    this(config, schema, feature, drawer, breaker, List.of(), 0);
  }

  /**
   * This stream with a share {@code fraction} of invalid records (seeded per record, drawn
   * independently of the valid values: the valid records stay those of the plain stream), each of
   * one of {@code kinds} (drawn uniformly): {@link #IMAGE_INVALID_KINDS} for an image stream (a
   * 14x14 PNG, a PNG signature followed by garbage, JPEG bytes), {@link #TEXT_INVALID_KINDS} for a
   * text stream (blanks, bytes that are not UTF-8, 2,001+ characters). Each carries the dead-letter
   * kind the example spec must give it as {@link GeneratedRecord#expectedError()}.
   */
  public CorpusStream withInvalid(double fraction, List<ErrorKind> kinds) {
    return new CorpusStream(config, schema, feature, drawer, breaker, kinds, fraction);
  }

  /** The stream's settings. */
  public Config config() {
    return config;
  }

  /** Records {@code [from, to)} of the stream, generated on demand. */
  public Iterator<GeneratedRecord> range(long from, long to) {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("bad range [" + from + ", " + to + ")");
    }
    return new Iterator<>() {
      private long i = from;

      @Override
      public boolean hasNext() {
        return i < to;
      }

      @Override
      public GeneratedRecord next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return generate(i++);
      }
    };
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
        },
        (kind, random) -> ByteBuffer.wrap(brokenImage(kind, w, h, random)));
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
        },
        CorpusStream::brokenText);
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
    ErrorKind invalid = null;
    if (invalidFraction > 0) {
      SplittableRandom r2 = new SplittableRandom(config.seed() ^ INVALID_SALT ^ (index * 31 + 7));
      if (r2.nextDouble() < invalidFraction) {
        invalid = invalidKinds.get(r2.nextInt(invalidKinds.size()));
        d = new Draw(breaker.breakValue(invalid, r2), d.label());
      }
    }
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
        invalid,
        drifted,
        d.label());
  }

  /**
   * An image value that the example spec (PNG, {@code w}x{@code h}) dead-letters as {@code kind}.
   */
  private static byte[] brokenImage(ErrorKind kind, int w, int h, SplittableRandom random) {
    switch (kind) {
      case IMAGE_SHAPE -> {
        int side = Math.max(1, Math.min(w, h) / 2);
        byte[] px = new byte[side * side];
        random.nextBytes(px);
        return GreyImages.png(px, side, side);
      }
      case IMAGE_UNDECODABLE -> {
        byte[] b = new byte[64];
        random.nextBytes(b);
        byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(sig, 0, b, 0, sig.length);
        return b;
      }
      case IMAGE_FORMAT -> {
        byte[] b = new byte[64];
        random.nextBytes(b);
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xD8;
        b[2] = (byte) 0xFF;
        return b;
      }
      default ->
          throw new IllegalArgumentException(
              "an image stream cannot inject " + kind + "; use one of " + IMAGE_INVALID_KINDS);
    }
  }

  /** A text value that the text example's spec dead-letters as {@code kind}. */
  private static Object brokenText(ErrorKind kind, SplittableRandom random) {
    return switch (kind) {
      case EMPTY_TEXT -> random.nextBoolean() ? "" : " \t ";
      case INVALID_UTF8 -> new Utf8(new byte[] {'a', (byte) 0xC3, 0x28, (byte) 0xFF, 'z'});
      case TOO_LONG -> "x".repeat(2_001 + random.nextInt(100));
      default ->
          throw new IllegalArgumentException(
              "a text stream cannot inject " + kind + "; use one of " + TEXT_INVALID_KINDS);
    };
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
