package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.registry.LedgerEntry;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.testing.HeadlessChromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /ui: the runs, their timelines and gate reports, and the champion's history. */
class LauncherUiTest {
  @TempDir Path dir;

  static final String TOKEN = "0123456789abcdef0123456789abcdef";
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void thePageShowsTheRunsTheirTimelinesReportsAndTheChampionHistoryBehindTheToken()
      throws Exception {
    String page = servedPage(true);
    assertThat(page).contains("<span id=\"model\">flight-delay</span>").contains("2 runs");
    // Nothing is loaded from anywhere.
    assertThat(page).doesNotContain("<script", "src=", "<link", "@import");

    assertThat(rows(page, "run")).hasSize(2);
    String good = row(page, "run", "k-good");
    assertThat(good)
        .contains("class=\"state PROMOTED\">PROMOTED<")
        .contains("version <code>v7</code>")
        .contains("gate report: <code class=\"report\">/reports/k-good.gate.html</code>")
        .contains("REQUESTED &rarr; TUNING")
        .contains("TUNING &rarr; TRAINING_BEST")
        .contains("TRAINING_BEST &rarr; GATING")
        .contains("GATING &rarr; PROMOTED")
        .contains("2024-02-01T00:00:00Z to 2024-03-01T10:00:00Z");
    // A reason is text, never markup.
    String bad = row(page, "run", "k-bad");
    assertThat(bad)
        .contains("class=\"state REJECTED\">REJECTED<")
        .contains("auc &lt;0.7&gt; &amp; worse");
    assertThat(page).doesNotContain("auc <0.7>");

    List<String> moves = rows(page, "move");
    assertThat(moves).hasSize(1);
    assertThat(moves.get(0))
        .contains("champion", "MOVE", "none", "v7", "gate passed for run k-good")
        .contains("2024-03-01T11:00:00Z");
  }

  @Test
  void theServedPageRendersInHeadlessChromium() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.require(profile, 1400, 1200);
    // Chromium cannot send the bearer token: render what the launcher served, from a file.
    Path keep = Path.of("target/launcher-ui");
    Files.createDirectories(keep);
    Path html = keep.resolve("ui.html");
    String served = servedPage(false);
    Files.writeString(html, served);
    String dom = chromium.dumpDom(html);
    // What Chromium parsed: two runs (newest first), their states, four transitions of the
    // promoted one, one champion move.
    assertThat(rows(dom, "run")).hasSize(2);
    assertThat(dom).containsSubsequence("k-bad", "k-good");
    assertThat(count(dom, "class=\"state PROMOTED\"")).isEqualTo(1);
    assertThat(count(dom, "class=\"state REJECTED\"")).isEqualTo(1);
    // Every entry of the promoted run's timeline: the request and at least its four moves.
    int timeline = count(row(served, "run", "k-good"), "<li>");
    assertThat(timeline).isGreaterThanOrEqualTo(5);
    assertThat(count(row(dom, "run", "k-good"), "<li>")).isEqualTo(timeline);
    assertThat(rows(dom, "move")).hasSize(1);
    Path png = keep.resolve("ui.png");
    java.awt.image.BufferedImage shot = chromium.screenshot(html, png);
    // The PROMOTED state is drawn in its green (#166534), the REJECTED one in its orange.
    assertThat(pixels(shot, 0x16, 0x65, 0x34)).isGreaterThan(30);
    assertThat(pixels(shot, 0x9a, 0x34, 0x12)).isGreaterThan(30);
  }

  @TempDir Path profile;

  static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  /** Pixels near the colour (r, g, b): anti-aliasing blurs edges, not fills. */
  static int pixels(java.awt.image.BufferedImage img, int r0, int g0, int b0) {
    return HeadlessChromium.pixels(img, r0, g0, b0, 40);
  }

  /**
   * Runs k-good (promoted) and k-bad (rejected) through a launcher with a token, and returns its
   * /ui page as served with the token (checking the refusals without one when asked).
   */
  String servedPage(boolean checkAccess) throws Exception {
    TuningStep tuning =
        (run, attempt) -> new TuningStep.Result(Map.of("lr", "0.1"), 0, "/m/" + run.key(), null);
    GateStep gate =
        (run, modelDir, claim) ->
            run.key().equals("k-good")
                ? new GateStep.Verdict(
                    true, "v7", "promoted: PASS floors: ok | report /reports/k-good.gate.html")
                : new GateStep.Verdict(false, "v8", "rejected: FAIL floors: auc <0.7> & worse");
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN);
    LedgerEntry move =
        new LedgerEntry(
            1,
            Instant.parse("2024-03-01T11:00:00Z"),
            Fixtures.MODEL,
            "champion",
            LedgerEntry.Action.MOVE,
            null,
            "v7",
            "launcher",
            "gate passed for run k-good",
            Map.of(),
            LedgerEntry.GENESIS,
            "ab".repeat(32));
    LauncherConfig config = LauncherConfig.parse(Map.of("maxAttempts", 1));
    try (Launcher launcher =
            Fixtures.launcher(Fixtures.store(dir), new LocalBackend(tuning, gate, 1), config, 1);
        LauncherHttp http =
            LauncherHttp.start(
                    launcher,
                    "127.0.0.1",
                    0,
                    () -> true,
                    LauncherHttp.DEFAULT_HEALTH_TIMEOUT,
                    HttpAuth.anyOf(List.of(HttpAuth.tokenFile(tokenFile))))
                .championHistory(() -> List.of(move))) {
      launcher.start();
      launcher.accept(request("k-good"));
      launcher.accept(request("k-bad"));
      assertThat(launcher.awaitAllTerminal(Duration.ofSeconds(20))).isTrue();
      URI ui = http.localUri().resolve("/ui");

      if (checkAccess) {
        assertThat(get(ui, null).statusCode()).isEqualTo(401);
        assertThat(get(ui, "not-the-token-at-all").statusCode()).isEqualTo(403);
      }

      HttpResponse<String> r = get(ui, TOKEN);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(r.headers().firstValue("Content-Security-Policy"))
          .hasValue("default-src 'none'; style-src 'unsafe-inline'");
      return r.body();
    }
  }

  HttpResponse<String> get(URI uri, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static List<String> rows(String page, String cls) {
    Matcher m =
        Pattern.compile("<tr class=\"" + cls + "\">(.*?)</tr>", Pattern.DOTALL).matcher(page);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static String row(String page, String cls, String escapedKey) {
    return rows(page, cls).stream()
        .filter(r -> r.startsWith("<td><code>" + escapedKey + "</code>"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + escapedKey + " in " + page));
  }
}
