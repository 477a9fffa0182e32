package io.driftgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunJson;
import io.driftgate.launcher.LauncherHttp;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Talks to a running launcher's HTTP endpoint ({@code io.driftgate.launcher.LauncherHttp}). */
final class LauncherClient {
  /** An answer: the status and the body. */
  record Answer(int status, String body) {
    RetrainRun run() {
      return RunJson.read(body);
    }

    /** The {@code error} of an error answer, else the body. */
    String error() {
      try {
        JsonNode n = new ObjectMapper().readTree(body);
        return n.hasNonNull("error") ? n.get("error").asText() : body.trim();
      } catch (IOException e) {
        return body.trim();
      }
    }
  }

  private final URI base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  LauncherClient(URI base) {
    this(base, null);
  }

  /**
   * @param token the bearer token of a launcher that requires one (--http-token-file, a service
   *     account token for --http-token-review), else null
   */
  LauncherClient(URI base, String token) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.token = token;
  }

  URI base() {
    return base;
  }

  /**
   * Asks the launcher to cancel a run.
   *
   * @throws IOException when no launcher answers there
   */
  Answer cancel(String key, String reason) throws IOException {
    return send(
        HttpRequest.newBuilder(uri("/runs/" + segment(key) + "/cancel"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            // Not a cross-site form post: the launcher refuses mutating requests without it.
            .header(LauncherHttp.REQUEST_HEADER, "driftgate-cli")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8))));
  }

  /** The launcher's runs, oldest first. */
  List<RetrainRun> runs() {
    Answer a = answerOrFail(HttpRequest.newBuilder(uri("/runs")).GET());
    if (a.status() != 200) {
      throw refused(a);
    }
    List<RetrainRun> runs = new ArrayList<>();
    try {
      for (JsonNode n : new ObjectMapper().readTree(a.body())) {
        runs.add(RunJson.read(n.toString()));
      }
    } catch (IOException e) {
      throw new IllegalStateException("the launcher at " + base + " sent no run list: " + e);
    }
    return runs;
  }

  /** One run, empty when the launcher does not know the key. */
  Optional<Answer> run(String key) {
    Answer a = answerOrFail(HttpRequest.newBuilder(uri("/runs/" + segment(key))).GET());
    if (a.status() == 404) {
      return Optional.empty();
    }
    if (a.status() != 200) {
      throw refused(a);
    }
    return Optional.of(a);
  }

  /** An unexpected answer, with what to do about 401 and 403. */
  IllegalStateException refused(Answer a) {
    String hint =
        switch (a.status()) {
          case 401 ->
              token == null
                  ? " (the launcher requires a token: give --launcher-token-file)"
                  : " (the token was not sent as expected)";
          case 403 -> token == null ? "" : " (the token in --launcher-token-file is not accepted)";
          default -> "";
        };
    return new IllegalStateException(
        "the launcher at " + base + " answered " + a.status() + ": " + a.error() + hint);
  }

  /** For reads: no answer is a user error (exit 2), not a stack trace. */
  private Answer answerOrFail(HttpRequest.Builder request) {
    try {
      return send(request);
    } catch (IOException e) {
      throw new IllegalStateException("no launcher answered at " + base + " (" + e + ")");
    }
  }

  private Answer send(HttpRequest.Builder request) throws IOException {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r =
          http.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  /** Percent-encodes a key as one path segment (':' and '/' included). */
  static String segment(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
