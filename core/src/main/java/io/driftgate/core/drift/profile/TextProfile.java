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
 * for the out-of-vocabulary rate, and the embedding reservoir of an {@link EmbeddingProfile}
 * ({@link HashedProjection}) for the MMD test. Empty texts count as values (length 0); null as
 * null.
 */
public final class TextProfile extends EmbeddingProfile implements FeatureProfile {
  public static final int BUCKETS = 1024;
  public static final int EXACT_WORDS = 5000;
  public static final int WORD_SKETCH = 4096;
  private static final byte VERSION = 1;

  private final TextSketch sketch;
  private final CategoricalProfile words;
  private transient HashedProjection projection;

  public TextProfile() {
    this.sketch = new TextSketch(BUCKETS, null);
    this.words = new CategoricalProfile(EXACT_WORDS, WORD_SKETCH);
  }

  private TextProfile(TextSketch sketch, CategoricalProfile words, EmbeddingReservoir reservoir) {
    super(reservoir);
    this.sketch = sketch;
    this.words = words;
  }

  /** Hashed token and length counts (read only). */
  public TextSketch sketch() {
    return sketch;
  }

  /** Word counts (read only). */
  public CategoricalProfile words() {
    return words;
  }

  @Override
  public ProfiledKind kind() {
    return ProfiledKind.TEXT;
  }

  @Override
  public TextProfile accumulateRaw(Object value) {
    if (!countValue(value == null)) {
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
    reservoir().add(projection.embed(text));
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
        new TextProfile(
            s, (CategoricalProfile) words.merge(o.words), reservoir().merge(o.reservoir()));
    out.sumCounts(this, o);
    return out;
  }

  @Override
  public byte[] toBytes() {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bos)) {
      out.writeByte(TEXT_TAG);
      out.writeByte(VERSION);
      writeCounts(out);
      sketch.write(out);
      byte[] w = words.toBytes();
      out.writeInt(w.length);
      out.write(w);
      reservoir().write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  static TextProfile fromBytes(byte[] bytes) {
    try (DataInputStream in = FeatureProfile.open(bytes, TEXT_TAG, VERSION)) {
      long[] counts = readCounts(in);
      TextSketch sketch = TextSketch.read(in, null);
      byte[] w = new byte[in.readInt()];
      in.readFully(w);
      TextProfile p =
          new TextProfile(sketch, CategoricalProfile.fromBytes(w), EmbeddingReservoir.read(in));
      p.restoreCounts(counts);
      return p;
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt text profile bytes", e);
    }
  }

  @Override
  public String toString() {
    return "TextProfile{count="
        + count()
        + ", nulls="
        + nullCount()
        + ", texts="
        + sketch.texts()
        + "}";
  }
}
