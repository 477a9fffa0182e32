package io.driftgate.deploy;

import static org.junit.jupiter.api.Assumptions.abort;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The chart rendered by {@code deploy/scripts/validate.sh} ({@code helm template} into {@code
 * deploy/target/rendered-*.yaml}), parsed with the fabric8 model. When the file is missing the
 * chart is rendered here if a helm binary exists ({@code deploy/.tools/bin/helm} or on the PATH);
 * otherwise the tests are skipped with a message, or fail under CI (where validate.sh runs first).
 */
final class RenderedManifests {
  static final Path REPO_ROOT =
      Path.of(System.getProperty("driftgate.repo.root", "..")).toAbsolutePath().normalize();
  static final Path CHART = REPO_ROOT.resolve("helm/driftgate");
  static final String RELEASE = "drift";
  static final String NAMESPACE = "driftgate";

  private RenderedManifests() {}

  /** The rendered text of value set {@code name} ("default" or a file under the chart's ci/). */
  static String text(String name) throws IOException, InterruptedException {
    Path dir = Path.of(System.getProperty("driftgate.rendered.dir", "target"));
    Path file = dir.resolve("rendered-" + name + ".yaml");
    if (!Files.isRegularFile(file)) {
      render(name, file);
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** All documents of value set {@code name}. */
  static List<HasMetadata> load(String name) throws IOException, InterruptedException {
    String text = text(name);
    List<HasMetadata> out = new ArrayList<>();
    // helm template separates documents with "---"; empty ones (disabled templates) are skipped.
    for (String doc : text.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
        continue;
      }
      KubernetesResource resource = Serialization.unmarshal(doc);
      out.add((HasMetadata) resource);
    }
    return out;
  }

  /**
   * The text of one rendered template, as {@code include} sees it ({@code # Source:} comment to the
   * next document).
   */
  static String templateText(String rendered, String template) {
    String marker = "# Source: driftgate/templates/" + template + "\n";
    int start = rendered.indexOf(marker);
    if (start < 0) {
      throw new IllegalArgumentException("no rendered template " + template);
    }
    start += marker.length();
    int end = rendered.indexOf("\n---", start);
    return rendered.substring(start, end < 0 ? rendered.length() : end + 1);
  }

  private static void render(String name, Path out) throws IOException, InterruptedException {
    Path helm = findHelm();
    if (helm == null) {
      String msg =
          "no rendered chart at "
              + out
              + " and no helm binary: run deploy/scripts/validate.sh (it installs helm and renders)";
      if (System.getenv("CI") != null) {
        throw new IllegalStateException(msg);
      }
      abort(msg);
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                helm.toString(), "template", RELEASE, CHART.toString(), "--namespace", NAMESPACE));
    if (!name.equals("default")) {
      cmd.add("--values");
      cmd.add(CHART.resolve("ci/" + name + "-values.yaml").toString());
    }
    Files.createDirectories(out.getParent());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] bytes;
    try (InputStream in = p.getInputStream()) {
      bytes = in.readAllBytes();
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "helm template failed:\n" + new String(bytes, StandardCharsets.UTF_8));
    }
    Files.write(out, bytes);
  }

  /** What {@code helm template} said and how it exited. */
  record Result(int exitCode, String output) {}

  /**
   * Renders the chart with the default values and {@code extraArgs} (e.g. {@code --set k=v}),
   * returning the exit code and output instead of failing: for values the chart must refuse.
   */
  static Result render(List<String> extraArgs) throws IOException, InterruptedException {
    Path helm = findHelm();
    if (helm == null) {
      String msg = "no helm binary: run deploy/scripts/validate.sh (it installs helm)";
      if (System.getenv("CI") != null) {
        throw new IllegalStateException(msg);
      }
      abort(msg);
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                helm.toString(), "template", RELEASE, CHART.toString(), "--namespace", NAMESPACE));
    cmd.addAll(extraArgs);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] bytes;
    try (InputStream in = p.getInputStream()) {
      bytes = in.readAllBytes();
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("helm template did not finish in 60s");
    }
    return new Result(p.exitValue(), new String(bytes, StandardCharsets.UTF_8));
  }

  private static Path findHelm() {
    Path local = REPO_ROOT.resolve("deploy/.tools/bin/helm");
    if (Files.isExecutable(local)) {
      return local;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "helm");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
