package io.driftgate.core.drift.profile;

import io.driftgate.core.text.HashedProjection;
import io.driftgate.core.text.TextNormalizer;
import io.driftgate.core.text.TextSketch;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Mergeable summary of a text feature in a window, in fixed space: hashed token and length counts
 * ({@link TextSketch}, {@value #BUCKETS} buckets), the window's vocabulary as word counts (a {@link
 * CategoricalProfile}: exact up to {@value #EXACT_WORDS} distinct words, then the frequent ones),
 * for the out-of-vocabulary rate, and a reservoir of at most {@value #RESERVOIR} embeddings ({@link
 * HashedProjection}, {@value #DIMENSIONS} dimensions, seed {@value #EMBEDDING_SEED}) for the MMD
 * test. Empty texts count as values (length 0); null as null.
 */
public final class TextProfile implements FeatureProfile {
  public static final int BUCKETS = 1024;
  public static final int DIMENSIONS = 32;
  public static final int RESERVOIR = 200;
  public static final int EXACT_WORDS = 5000;
  public static final int WORD_SKETCH = 4096;
  public static final long EMBEDDING_SEED = 18L;
  public static final long RESERVOIR_SEED = 1818L;
  private static final byte VERSION = 1;

  private final TextSketch sketch;
  private final CategoricalProfile words;
  private EmbeddingReservoir reservoir;
  private long count;
  private long nullCount;
  private transient HashedProjection projection;

  public TextProfile() {
    this(
        new TextSketch(BUCKETS, null),
        new CategoricalProfile(EXACT_WORDS, WORD_SKETCH),
        new EmbeddingReservoir(RESERVOIR, DIMENSIONS, RESERVOIR_SEED));
  }

  private TextProfile(TextSketch sketch, CategoricalProfile words, EmbeddingReservoir reservoir) {
    this.sketch = sketch;
    this.words = words;
    this.reservoir = reservoir;
  }

  /** Hashed token and length counts (read only). */
  public TextSketch sketch() {
    return sketch;
  }

  /** Word counts (read only). */
  public CategoricalProfile words() {
    return words;
  }

  public EmbeddingReservoir reservoir() {
    return reservoir;
  }

  @Override
  public ProfiledKind kind() {
    return ProfiledKind.TEXT;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public long nullCount() {
    return nullCount;
  }

  @Override
  public long validCount() {
    return count - nullCount;
  }

  @Override
  public TextProfile accumulateRaw(Object value) {
    count++;
    if (value == null) {
      nullCount++;
      return this;
    }
    String text = value.toString();
    if (projection == null) {
      projection = new HashedProjection(BUCKETS, DIMENSIONS, EMBEDDING_SEED);
    }
    sketch.add(text);
    for (String w : TextNormalizer.words(text)) {
      words.accumulate(w);
    }
    reservoir.add(projection.embed(text));
    return this;
  }

  @Override
  public TextProfile merge(FeatureProfile other) {
    if (!(other instanceof TextProfile o)) {
      throw new IllegalArgumentException("cannot merge a text profile with " + other);
    }
    TextSketch s = new TextSketch(BUCKETS, null);
    s.merge(sketch);
    s.merge(o.sketch);
    TextProfile out =
        new TextProfile(s, (CategoricalProfile) words.merge(o.words), reservoir.merge(o.reservoir));
    out.count = count + o.count;
    out.nullCount = nullCount + o.nullCount;
    return out;
  }

  @Override
  public byte[] toBytes() {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bos)) {
      out.writeByte(TEXT_TAG);
      out.writeByte(VERSION);
      out.writeLong(count);
      out.writeLong(nullCount);
      sketch.write(out);
      byte[] w = words.toBytes();
      out.writeInt(w.length);
      out.write(w);
      reservoir.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  static TextProfile fromBytes(byte[] bytes) {
    try (DataInputStream in = FeatureProfile.open(bytes, TEXT_TAG, VERSION)) {
      long count = in.readLong();
      long nulls = in.readLong();
      TextSketch sketch = TextSketch.read(in, null);
      byte[] w = new byte[in.readInt()];
      in.readFully(w);
      TextProfile p =
          new TextProfile(sketch, CategoricalProfile.fromBytes(w), EmbeddingReservoir.read(in));
      p.count = count;
      p.nullCount = nulls;
      return p;
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt text profile bytes", e);
    }
  }

  @Override
  public String toString() {
    return "TextProfile{count="
        + count
        + ", nulls="
        + nullCount
        + ", texts="
        + sketch.texts()
        + "}";
  }
}
