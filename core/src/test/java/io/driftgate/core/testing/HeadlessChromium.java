package io.driftgate.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium for the report tests (drift report, gate report, launcher {@code /ui}): the DOM
 * it parsed from a page and a screenshot of it. {@link #require} skips the calling test when no
 * Chromium is installed, unless {@code -Ddriftgate.requireChromium=true} (the e2e profile, where
 * {@code deploy/scripts/validate.sh} installs it) makes that a failure.
 */
public final class HeadlessChromium {
  private static final long TIMEOUT_SECONDS = 150;

  private final String binary;
  private final Path profiles;
  private final String windowSize;

  private HeadlessChromium(String binary, Path profiles, int width, int height) {
    this.binary = binary;
    this.profiles = profiles;
    this.windowSize = width + "," + height;
  }

  /**
   * Chromium with its profiles under {@code profiles} (a test's temporary folder) and a window of
   * {@code width} x {@code height} pixels (the screenshot's size); skips the test when absent.
   */
  public static HeadlessChromium require(Path profiles, int width, int height) throws IOException {
    String binary = find();
    // The e2e profile (CI) requires it: deploy/scripts/validate.sh installs it first.
    if (binary.isEmpty() && Boolean.getBoolean("driftgate.requireChromium")) {
      throw new AssertionError(
          "chromium is required here (driftgate.requireChromium): run deploy/scripts/validate.sh"
              + " or apt-get install -y chromium");
    }
    Assumptions.assumeFalse(
        binary.isEmpty(),
        "chromium is not installed (apt-get install -y chromium): skipping the headless render");
    return new HeadlessChromium(binary, profiles, width, height);
  }

  /** The DOM Chromium built from the page. */
  public String dumpDom(Path html) throws IOException, InterruptedException {
    return run("--dump-dom", html);
  }

  /** A screenshot of the page written to {@code png}, read back. */
  public BufferedImage screenshot(Path html, Path png) throws IOException, InterruptedException {
    Files.deleteIfExists(png);
    run("--screenshot=" + png.toAbsolutePath(), html);
    assertThat(png).exists();
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img).as("a readable PNG at %s", png).isNotNull();
    return img;
  }

  /**
   * Pixels within {@code tolerance} (sum of channel distances) of the colour {@code #rrggbb}:
   * anti-aliasing blurs edges, not fills.
   */
  public static int pixels(BufferedImage img, String hex, int tolerance) {
    return pixels(
        img,
        Integer.parseInt(hex.substring(1, 3), 16),
        Integer.parseInt(hex.substring(3, 5), 16),
        Integer.parseInt(hex.substring(5, 7), 16),
        tolerance);
  }

  /** Pixels within {@code tolerance} (sum of channel distances) of the colour (r, g, b). */
  public static int pixels(BufferedImage img, int r0, int g0, int b0, int tolerance) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int d =
            Math.abs(((rgb >> 16) & 0xff) - r0)
                + Math.abs(((rgb >> 8) & 0xff) - g0)
                + Math.abs((rgb & 0xff) - b0);
        if (d < tolerance) {
          n++;
        }
      }
    }
    return n;
  }

  private String run(String mode, Path html) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--window-size=" + windowSize,
                // one profile per mode: two Chromiums never share one
                "--user-data-dir=" + profiles.resolve("chromium-" + Math.abs(mode.hashCode())),
                mode,
                html.toAbsolutePath().toUri().toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("chromium %s ended", mode).isTrue();
    return out;
  }

  /** The chromium (or chromium-browser) on the PATH, or "" when there is none. */
  private static String find() throws IOException {
    Process p =
        new ProcessBuilder("sh", "-c", "command -v chromium || command -v chromium-browser")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String bin = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted looking for chromium", e);
    }
    return bin;
  }
}
