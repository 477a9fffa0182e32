package io.driftgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.LauncherConfig;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may use the launcher endpoint: bearer tokens (a file, a TokenReview), cross-site browser
 * requests, and DNS rebinding on the loopback address.
 */
@EnableKubernetesMockClient
class LauncherHttpAccessTest {
  static final String TOKEN = "s3cret-token-0123456789abcdef";
  static final String REVIEW_PATH = "/apis/authentication.k8s.io/v1/tokenreviews";

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final ObjectMapper json = new ObjectMapper();
  final CountDownLatch slowStarted = new CountDownLatch(1);
  final TuningStep tuning =
      (run, attempt) -> {
        if (run.key().startsWith("slow")) {
          slowStarted.countDown();
          Thread.sleep(60_000);
        }
        return new TuningStep.Result(Map.of("lr", "0.1"), 0, "/m/" + run.key(), null);
      };
  Launcher launcher;
  LauncherHttp endpoint;
  Path tokenFile;

  /** A launcher with one run tuning ("slow"), served with {@code auth}. */
  void start(HttpAuth auth) throws Exception {
    launcher =
        Fixtures.launcher(
            Fixtures.store(dir.resolve("runs")),
            new LocalBackend(tuning, (run, m, claim) -> new GateStep.Verdict(true, "v1", "ok"), 2),
            LauncherConfig.parse(Map.of("maxAttempts", 1)),
            2);
    launcher.start();
    launcher.accept(Fixtures.request("slow"));
    assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
    endpoint =
        LauncherHttp.start(
            launcher, "127.0.0.1", 0, () -> true, LauncherHttp.DEFAULT_HEALTH_TIMEOUT, auth);
  }

  HttpAuth.Check tokenFileCheck() throws Exception {
    tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n"); // as a Secret written by hand often is
    return HttpAuth.tokenFile(tokenFile);
  }

  @AfterEach
  void close() {
    if (endpoint != null) {
      endpoint.close();
    }
    if (launcher != null) {
      launcher.close();
    }
  }

  HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
        .timeout(Duration.ofSeconds(20));
  }

  HttpRequest.Builder cancel(String key) {
    return to("/runs/" + key + "/cancel")
        .header(LauncherHttp.REQUEST_HEADER, "test")
        .POST(HttpRequest.BodyPublishers.noBody());
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String error(HttpResponse<String> r) throws Exception {
    return json.readTree(r.body()).get("error").asText();
  }

  RunState state(String key) {
    return launcher.run(key).orElseThrow().state();
  }

  @Test
  void aTokenFileGuardsRunsAndCancelWhileTheProbesStayOpen() throws Exception {
    start(HttpAuth.anyOf(List.of(tokenFileCheck())));
    assertThat(endpoint.authenticated()).isTrue();

    // The kubelet's probes carry no token.
    assertThat(send(to("/healthz")).statusCode()).isEqualTo(200);
    assertThat(send(to("/readyz")).statusCode()).isEqualTo(200);

    // No token (or not a bearer one): 401 with a challenge.
    for (HttpRequest.Builder b :
        List.of(
            to("/runs"),
            to("/runs/slow"),
            cancel("slow"),
            cancel("slow").header("Authorization", "Basic " + TOKEN))) {
      HttpResponse<String> r = send(b);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"driftgate-launcher\"");
      assertThat(error(r)).contains("Authorization: Bearer");
    }
    // A wrong token: 403, whatever its length.
    for (String wrong : List.of("x", TOKEN.substring(1), TOKEN + "x", TOKEN.toUpperCase())) {
      HttpResponse<String> r = send(cancel("slow").header("Authorization", "Bearer " + wrong));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(error(r)).isEqualTo("the token is not accepted");
      assertThat(send(to("/runs").header("Authorization", "Bearer " + wrong)).statusCode())
          .isEqualTo(403);
    }
    assertThat(state("slow")).isEqualTo(RunState.TUNING);

    // The token: reads and the cancel go through.
    HttpResponse<String> list = send(to("/runs").header("Authorization", "Bearer " + TOKEN));
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(json.readTree(list.body()).get(0).get("key").asText()).isEqualTo("slow");
    HttpResponse<String> cancelled =
        send(cancel("slow").header("Authorization", "bearer " + TOKEN));
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    assertThat(state("slow")).isEqualTo(RunState.CANCELLED);

    // A rotated Secret applies at once: the old token is refused, the new one accepted.
    String rotated = "rotated-token-abcdefghijklmnop";
    Files.writeString(tokenFile, rotated);
    assertThat(send(to("/runs").header("Authorization", "Bearer " + TOKEN)).statusCode())
        .isEqualTo(403);
    assertThat(send(to("/runs").header("Authorization", "Bearer " + rotated)).statusCode())
        .isEqualTo(200);
    // A token file that is gone cannot be checked: 503, not 403 and not 200.
    Files.delete(tokenFile);
    assertThat(send(to("/runs").header("Authorization", "Bearer " + rotated)).statusCode())
        .isEqualTo(503);
  }

  @Test
  void crossSiteBrowserRequestsCannotCancelEvenWithoutAuthentication() throws Exception {
    start(HttpAuth.none());
    assertThat(endpoint.loopback()).isTrue();
    assertThat(endpoint.authenticated()).isFalse();
    String self = "http://127.0.0.1:" + endpoint.port();

    // What a page on another site can make a browser send without a preflight: a form post.
    HttpResponse<String> form =
        send(
            to("/runs/slow/cancel?reason=pwned")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("reason=pwned")));
    assertThat(form.statusCode()).isEqualTo(403);
    assertThat(error(form)).contains("cross-site request refused", LauncherHttp.REQUEST_HEADER);
    HttpResponse<String> text =
        send(
            to("/runs/slow/cancel")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"pwned\"}")));
    assertThat(text.statusCode()).isEqualTo(403);
    // A browser's own markers: another site's Origin, or Sec-Fetch-Site, even with the header.
    HttpResponse<String> origin = send(cancel("slow").header("Origin", "https://evil.example"));
    assertThat(origin.statusCode()).isEqualTo(403);
    assertThat(error(origin)).contains("Origin https://evil.example");
    assertThat(send(cancel("slow").header("Origin", "null")).statusCode()).isEqualTo(403);
    for (String site : List.of("cross-site", "same-site")) {
      HttpResponse<String> r = send(cancel("slow").header("Sec-Fetch-Site", site));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(error(r)).contains("Sec-Fetch-Site: " + site);
    }
    // The CORS preflight a page would need for the header is never granted.
    HttpResponse<String> preflight =
        send(
            to("/runs/slow/cancel")
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", LauncherHttp.REQUEST_HEADER)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(preflight.statusCode()).isEqualTo(403);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(state("slow")).isEqualTo(RunState.TUNING);

    // Reads stay possible; a same-origin request, a JSON body, or the header let a cancel in.
    assertThat(send(to("/runs").header("Sec-Fetch-Site", "cross-site")).statusCode())
        .isEqualTo(200);
    HttpResponse<String> ok =
        send(
            to("/runs/slow/cancel")
                .header("Origin", self)
                .header("Sec-Fetch-Site", "same-origin")
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"operator\"}")));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(json.readTree(ok.body()).get("failure").asText()).isEqualTo("cancelled: operator");
  }

  @Test
  void aCrossSiteRequestIsRefusedEvenWithAValidToken() throws Exception {
    start(HttpAuth.anyOf(List.of(tokenFileCheck())));
    HttpResponse<String> r =
        send(
            cancel("slow")
                .header("Authorization", "Bearer " + TOKEN)
                .header("Sec-Fetch-Site", "cross-site"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(error(r)).startsWith("cross-site request refused");
    assertThat(state("slow")).isEqualTo(RunState.TUNING);
  }

  /** One raw HTTP/1.1 request with the given Host header (HttpClient will not send another). */
  String rawStatusLine(String host, String path) throws Exception {
    try (Socket s = new Socket("127.0.0.1", endpoint.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return response.lines().findFirst().orElse("");
    }
  }

  @Test
  void onLoopbackAPageOfARebindedDnsNameIsRefused() throws Exception {
    start(HttpAuth.none());
    int port = endpoint.port();
    for (String host : List.of("evil.example:" + port, "evil.example", "127.0.0.1.nip.io")) {
      assertThat(rawStatusLine(host, "/runs")).as(host).contains(" 403 ");
      assertThat(rawStatusLine(host, "/healthz")).as(host).contains(" 403 ");
    }
    for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:1")) {
      assertThat(rawStatusLine(host, "/runs")).as(host).contains(" 200 ");
    }
  }

  /** The mock API server answers TokenReviews: three known tokens, the rest unauthenticated. */
  final List<TokenReview> reviews = new CopyOnWriteArrayList<>();

  void expectTokenReviews() {
    server
        .expect()
        .post()
        .withPath(REVIEW_PATH)
        .andReply(
            201,
            req -> {
              TokenReview asked = Serialization.unmarshal(req.getUtf8Body(), TokenReview.class);
              reviews.add(asked);
              TokenReviewBuilder answer = new TokenReviewBuilder(asked);
              switch (asked.getSpec().getToken()) {
                case "ops-token" ->
                    answer
                        .withNewStatus()
                        .withAuthenticated(true)
                        .withNewUser()
                        .withUsername("system:serviceaccount:driftgate:ops")
                        .withGroups("system:serviceaccounts", "system:serviceaccounts:driftgate")
                        .endUser()
                        .endStatus();
                case "team-token" ->
                    answer
                        .withNewStatus()
                        .withAuthenticated(true)
                        .withNewUser()
                        .withUsername("system:serviceaccount:ml:notebook")
                        .withGroups("system:serviceaccounts", "ml-operators")
                        .endUser()
                        .endStatus();
                case "intruder-token" ->
                    answer
                        .withNewStatus()
                        .withAuthenticated(true)
                        .withNewUser()
                        .withUsername("system:serviceaccount:default:intruder")
                        .withGroups("system:serviceaccounts", "system:serviceaccounts:default")
                        .endUser()
                        .endStatus();
                default ->
                    answer
                        .withNewStatus()
                        .withAuthenticated(false)
                        .withError("invalid bearer token")
                        .endStatus();
              }
              return answer.build();
            })
        .always();
  }

  @Test
  void aTokenReviewLetsInAllowedUsersAndGroupsOnly() throws Exception {
    expectTokenReviews();
    HttpAuth.Check review =
        HttpAuth.tokenReview(
            client,
            Set.of("system:serviceaccount:driftgate:ops", "ml-operators"),
            List.of("driftgate-launcher"));

    assertThat(review.check("ops-token"))
        .isEqualTo(HttpAuth.Verdict.accepted("system:serviceaccount:driftgate:ops"));
    assertThat(review.check("team-token").subject())
        .isEqualTo("system:serviceaccount:ml:notebook (group ml-operators)");
    HttpAuth.Verdict intruder = review.check("intruder-token");
    assertThat(intruder.outcome()).isEqualTo(HttpAuth.Outcome.REJECTED);
    assertThat(intruder.reason()).contains("system:serviceaccount:default:intruder", "not allowed");
    HttpAuth.Verdict forged = review.check("forged");
    assertThat(forged.outcome()).isEqualTo(HttpAuth.Outcome.REJECTED);
    assertThat(forged.reason()).contains("invalid bearer token");
    // Each check asked the API server, with the token and the audience.
    assertThat(reviews)
        .extracting(r -> r.getSpec().getToken())
        .containsExactly("ops-token", "team-token", "intruder-token", "forged");
    assertThat(reviews)
        .allSatisfy(
            r -> assertThat(r.getSpec().getAudiences()).containsExactly("driftgate-launcher"));

    // Through the endpoint: 200 for the allowed account, 403 for the others, 401 without.
    start(HttpAuth.anyOf(List.of(review)));
    assertThat(send(cancel("slow")).statusCode()).isEqualTo(401);
    assertThat(send(cancel("slow").header("Authorization", "Bearer intruder-token")).statusCode())
        .isEqualTo(403);
    assertThat(send(cancel("slow").header("Authorization", "Bearer forged")).statusCode())
        .isEqualTo(403);
    assertThat(state("slow")).isEqualTo(RunState.TUNING);
    HttpResponse<String> ok = send(cancel("slow").header("Authorization", "Bearer ops-token"));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(state("slow")).isEqualTo(RunState.CANCELLED);
  }

  @Test
  void aTokenFileAndATokenReviewTogetherAcceptEitherAndAFailedReviewIs503() throws Exception {
    // The launcher's service account may not create TokenReviews (no auth-delegator binding).
    server
        .expect()
        .post()
        .withPath(REVIEW_PATH)
        .andReply(
            403,
            req ->
                new io.fabric8.kubernetes.api.model.StatusBuilder()
                    .withCode(403)
                    .withMessage("tokenreviews.authentication.k8s.io is forbidden")
                    .build())
        .always();
    HttpAuth auth =
        HttpAuth.anyOf(
            List.of(
                tokenFileCheck(),
                HttpAuth.tokenReview(
                    client, Set.of("system:serviceaccount:driftgate:ops"), List.of())));
    assertThat(auth.describe())
        .contains(
            "bearer token in " + tokenFile, "TokenReview of system:serviceaccount:driftgate:ops");
    // The static token needs no API server.
    assertThat(auth.authenticate(TOKEN).accepted()).isTrue();
    // Another token might be a good service account token: the failed review is 503, not 403.
    assertThat(auth.authenticate("ops-token").outcome()).isEqualTo(HttpAuth.Outcome.UNAVAILABLE);
    start(auth);
    HttpResponse<String> r = send(to("/runs").header("Authorization", "Bearer ops-token"));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(error(r)).doesNotContain("ops-token");
  }

  @Test
  void misconfigurationsFailAtStart() throws Exception {
    Path shortToken = Files.writeString(dir.resolve("short"), "abc\n");
    assertThatThrownBy(() -> HttpAuth.tokenFile(shortToken))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a token of 3 characters")
        .hasMessageContaining("at least 16");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> HttpAuth.tokenFile(empty)).hasMessageContaining("holds no token");
    assertThatThrownBy(() -> HttpAuth.tokenFile(dir.resolve("missing")))
        .hasMessageContaining("cannot read the token file");
    assertThatThrownBy(() -> HttpAuth.tokenReview(client, Set.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("every workload of the cluster");
  }

  @Test
  void tokensAreComparedWholly() {
    assertThat(HttpAuth.constantTimeEquals(TOKEN, TOKEN)).isTrue();
    assertThat(HttpAuth.constantTimeEquals(TOKEN, TOKEN + " ")).isFalse();
    assertThat(HttpAuth.constantTimeEquals(TOKEN, TOKEN.substring(0, 16))).isFalse();
    assertThat(HttpAuth.constantTimeEquals("", TOKEN)).isFalse();
  }
}
