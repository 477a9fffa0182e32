package io.driftgate.core.spec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The rules of an {@code image} feature ({@code features[].image} in driftgate.yaml): the declared
 * size and channels, what to do with another size, the largest accepted value and the accepted
 * encodings. The value lives in an Avro {@code bytes} field and is stored in the lake as the bytes
 * it arrived as (an Iceberg {@code binary} column); the trainer and drift decode it with {@link
 * #decoder()}'s rules.
 *
 * @param width declared width in pixels
 * @param height declared height in pixels
 * @param channels 1 (grey) or 3 (RGB)
 * @param resize what to do with an image of another size
 * @param maxBytes longer values are dead letters {@code IMAGE_TOO_LARGE}
 * @param formats the accepted encodings; another is a dead letter {@code IMAGE_FORMAT}
 * @param convertChannels whether colour may become grey (and grey colour) instead of a dead letter
 */
public record ImageOptions(
    int width,
    int height,
    int channels,
    Resize resize,
    int maxBytes,
    Set<Format> formats,
    boolean convertChannels)
    implements Serializable {

  /** The keys of {@code features[].image}. */
  static final List<String> KEYS =
      List.of("width", "height", "channels", "resize", "maxBytes", "formats", "convertChannels");

  /** 1 MiB: far above a small model's input image, far below a photo smuggled into a stream. */
  public static final int DEFAULT_MAX_BYTES = 1 << 20;

  /** The largest declared side: drift and training hold {@code channels x height x width}. */
  public static final int MAX_SIDE = 4096;

  /** {@code features[].image.resize}. */
  public enum Resize implements ConfigNames.Named {
    /** Another size is a dead letter {@code IMAGE_SHAPE}. The default. */
    REJECT("reject"),
    /** Another size is scaled to the declared one (bilinear, aspect ratio not kept). */
    RESIZE("resize");

    private final String configName;

    Resize(String configName) {
      this.configName = configName;
    }

    @Override
    public String configName() {
      return configName;
    }

    public static Resize fromConfigName(String name) {
      return ConfigNames.parse(Resize.class, name);
    }

    public static String allowedNames() {
      return ConfigNames.allowed(Resize.class);
    }
  }

  /** An accepted encoding ({@code features[].image.formats}). */
  public enum Format implements ConfigNames.Named {
    /** PNG (any bit depth Java's ImageIO reads). */
    PNG("png"),
    /** Baseline JPEG. */
    JPEG("jpeg"),
    /** Exactly {@code channels x height x width} unsigned bytes, channel-major, no header. */
    RAW("raw");

    private final String configName;

    Format(String configName) {
      this.configName = configName;
    }

    @Override
    public String configName() {
      return configName;
    }

    public static Format fromConfigName(String name) {
      return ConfigNames.parse(Format.class, name);
    }

    public static String allowedNames() {
      return ConfigNames.allowed(Format.class);
    }

    /** The encoding {@code bytes} claim by their first bytes: PNG or JPEG magic, else RAW. */
    public static Format sniff(byte[] bytes) {
      if (bytes.length >= 8
          && (bytes[0] & 0xff) == 0x89
          && bytes[1] == 'P'
          && bytes[2] == 'N'
          && bytes[3] == 'G') {
        return PNG;
      }
      if (bytes.length >= 3
          && (bytes[0] & 0xff) == 0xFF
          && (bytes[1] & 0xff) == 0xD8
          && (bytes[2] & 0xff) == 0xFF) {
        return JPEG;
      }
      return RAW;
    }
  }

  public ImageOptions {
    Objects.requireNonNull(resize, "resize");
    formats =
        formats == null || formats.isEmpty()
            ? Collections.unmodifiableSet(EnumSet.allOf(Format.class))
            : Collections.unmodifiableSet(EnumSet.copyOf(formats));
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3: " + channels);
    }
    if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE || maxBytes < 1) {
      throw new IllegalArgumentException(
          "width, height in 1.." + MAX_SIDE + ", maxBytes >= 1: " + width + ", " + height);
    }
  }

  /** Values in a raw tensor: {@code channels * height * width}. */
  public int tensorSize() {
    return channels * height * width;
  }

  /** The decoder that applies these rules (what validation, drift and training use). */
  public io.driftgate.core.image.ImageDecoder decoder() {
    return new io.driftgate.core.image.ImageDecoder(
        channels,
        height,
        width,
        maxBytes,
        resize == Resize.RESIZE
            ? io.driftgate.core.image.ImageDecoder.SizeRule.RESIZE
            : io.driftgate.core.image.ImageDecoder.SizeRule.EXACT,
        convertChannels);
  }

  /** Parses {@code p.image} of an image feature; null (reported) when it is absent or invalid. */
  static ImageOptions parse(SpecReader r, Map<String, Object> feature, String p) {
    String key = p + ".image";
    Map<String, Object> m = r.section(feature, p, "image", false, KEYS);
    if (m == null) {
      if (feature.get("image") == null) {
        r.missing(
            key,
            "add image: {width: 28, height: 28, channels: 1} (optional: resize, maxBytes, formats,"
                + " convertChannels)");
      }
      return null;
    }
    int errors = r.errorCount();
    Long width = r.whole(m, key, "width", null, 1, MAX_SIDE);
    Long height = r.whole(m, key, "height", null, 1, MAX_SIDE);
    Long channels = r.whole(m, key, "channels", null, 1, 3);
    for (String k : List.of("width", "height", "channels")) {
      if (m.get(k) == null) {
        r.missing(key + "." + k, "add " + k + ": (width and height in pixels, channels 1 or 3)");
      }
    }
    if (channels != null && channels == 2) {
      r.err(key + ".channels", m.get("channels"), "is not supported", "use 1 (grey) or 3 (RGB)");
    }
    Resize resize =
        r.choice(m, key, "resize", Resize.REJECT, Resize::fromConfigName, Resize.allowedNames());
    Long maxBytes = r.whole(m, key, "maxBytes", (long) DEFAULT_MAX_BYTES, 1, Integer.MAX_VALUE);
    List<String> names = r.strings(m, key, "formats");
    List<Format> formats = new ArrayList<>();
    for (int j = 0; j < names.size(); j++) {
      Format f = Format.fromConfigName(names.get(j));
      if (f == null) {
        r.err(
            key + ".formats[" + j + "]",
            names.get(j),
            "is not supported",
            "allowed: " + Format.allowedNames());
      } else {
        formats.add(f);
      }
    }
    if (m.containsKey("formats") && names.isEmpty() && r.errorCount() == errors) {
      r.err(
          key + ".formats",
          m.get("formats"),
          "is empty",
          "list at least one of " + Format.allowedNames());
    }
    Boolean convert = r.bool(m, key, "convertChannels", false);
    if (width != null
        && height != null
        && channels != null
        && maxBytes != null
        && formats.contains(Format.RAW)
        && channels * width * height > maxBytes) {
      r.err(
          key + ".maxBytes",
          maxBytes,
          "is smaller than a raw tensor of channels x height x width = "
              + channels * width * height
              + " bytes",
          "raise maxBytes to at least " + channels * width * height + " or drop raw from formats");
    }
    if (r.errorCount() != errors || width == null || height == null || channels == null) {
      return null;
    }
    return new ImageOptions(
        width.intValue(),
        height.intValue(),
        channels.intValue(),
        resize,
        maxBytes.intValue(),
        formats.isEmpty() ? null : EnumSet.copyOf(formats),
        convert != null && convert);
  }
}
