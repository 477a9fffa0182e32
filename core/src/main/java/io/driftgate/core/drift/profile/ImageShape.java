package io.driftgate.core.drift.profile;

import io.driftgate.core.image.ImageDecoder;
import java.io.Serializable;

/**
 * How an image feature's stored bytes decode for profiling: the declared size and channels, and
 * whether another size is scaled and colour converted (the spec's {@code features[].image}).
 */
public record ImageShape(
    int channels, int height, int width, boolean resize, boolean convertChannels)
    implements Serializable {

  /** The decoder for profiling (no byte limit: values were validated on the way in). */
  public ImageDecoder decoder() {
    return new ImageDecoder(
        channels,
        height,
        width,
        Integer.MAX_VALUE,
        resize ? ImageDecoder.SizeRule.RESIZE : ImageDecoder.SizeRule.EXACT,
        convertChannels);
  }
}
