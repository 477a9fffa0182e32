package io.driftgate.core.drift.profile;

import io.driftgate.core.image.ImageDecoder;
import io.driftgate.core.image.ImageEmbedding;
import io.driftgate.core.image.ImageSketch;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Mergeable summary of an image feature in a window, in fixed space: per-channel intensity
 * histograms and brightness moments ({@link ImageSketch}, {@value #BINS} bins) and the embedding
 * reservoir of an {@link EmbeddingProfile} ({@link ImageEmbedding}) for the MMD test. A value that
 * does not decode (which validation keeps out of the lake) counts as null.
 */
public final class ImageProfile extends EmbeddingProfile implements FeatureProfile {
  public static final int BINS = 16;
  private static final byte VERSION = 1;

  private final ImageShape shape;
  private final ImageSketch sketch;
  private transient ImageDecoder decoder;
  private transient ImageEmbedding embedding;

  public ImageProfile(ImageShape shape) {
    this.shape = shape;
    this.sketch = new ImageSketch(shape.channels(), BINS);
  }

  private ImageProfile(ImageShape shape, ImageSketch sketch, EmbeddingReservoir reservoir) {
    super(reservoir);
    this.shape = shape;
    this.sketch = sketch;
  }

  public ImageShape shape() {
    return shape;
  }

  /** The intensity statistics (read only: do not add to it). */
  public ImageSketch sketch() {
    return sketch;
  }

  @Override
  public ProfiledKind kind() {
    return ProfiledKind.IMAGE;
  }

  /** Adds one decoded tensor ({@code channels x height x width}, values in [0, 1]). */
  public ImageProfile accumulateTensor(float[] tensor) {
    if (!countValue(tensor == null)) {
      return this;
    }
    if (embedding == null) {
      embedding = new ImageEmbedding(shape.channels(), DIMENSIONS, EMBEDDING_SEED);
    }
    sketch.add(tensor);
    reservoir().add(embedding.embed(tensor, shape.height(), shape.width()));
    return this;
  }

  /** Takes the stored bytes (a {@link ByteBuffer} or {@code byte[]}) or null. */
  @Override
  public ImageProfile accumulateRaw(Object value) {
    byte[] bytes;
    if (value == null) {
      return accumulateTensor(null);
    } else if (value instanceof ByteBuffer b) {
      ByteBuffer d = b.duplicate();
      bytes = new byte[d.remaining()];
      d.get(bytes);
    } else if (value instanceof byte[] a) {
      bytes = a;
    } else {
      throw new IllegalArgumentException(
          "an image profile takes bytes, not " + value.getClass().getSimpleName());
    }
    if (decoder == null) {
      decoder = shape.decoder();
    }
    float[] tensor;
    try {
      tensor = decoder.decode(bytes);
    } catch (ImageDecoder.RejectedImage e) {
      tensor = null;
    }
    return accumulateTensor(tensor);
  }

  @Override
  public ImageProfile merge(FeatureProfile other) {
    if (!(other instanceof ImageProfile o) || !o.shape.equals(shape)) {
      throw new IllegalArgumentException("cannot merge an image profile with " + other);
    }
    ImageSketch s = new ImageSketch(shape.channels(), BINS);
    s.merge(sketch);
    s.merge(o.sketch);
    ImageProfile out = new ImageProfile(shape, s, reservoir().merge(o.reservoir()));
    out.sumCounts(this, o);
    return out;
  }

  @Override
  public byte[] toBytes() {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bos)) {
      out.writeByte(IMAGE_TAG);
      out.writeByte(VERSION);
      out.writeInt(shape.channels());
      out.writeInt(shape.height());
      out.writeInt(shape.width());
      out.writeBoolean(shape.resize());
      out.writeBoolean(shape.convertChannels());
      writeCounts(out);
      sketch.write(out);
      reservoir().write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  static ImageProfile fromBytes(byte[] bytes) {
    try (DataInputStream in = FeatureProfile.open(bytes, IMAGE_TAG, VERSION)) {
      ImageShape shape =
          new ImageShape(
              in.readInt(), in.readInt(), in.readInt(), in.readBoolean(), in.readBoolean());
      long[] counts = readCounts(in);
      ImageProfile p = new ImageProfile(shape, ImageSketch.read(in), EmbeddingReservoir.read(in));
      p.restoreCounts(counts);
      return p;
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt image profile bytes", e);
    }
  }

  @Override
  public String toString() {
    return "ImageProfile{count=" + count() + ", nulls=" + nullCount() + ", " + shape + "}";
  }
}
