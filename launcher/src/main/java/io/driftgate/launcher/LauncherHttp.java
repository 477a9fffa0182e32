package io.driftgate.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunJson;
import io.driftgate.core.run.RunState;
import io.driftgate.core.state.Endpoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher's HTTP endpoint (JDK {@link HttpServer}):
 *
 * <ul>
 *   <li>{@code GET /healthz}: 200 while the launcher thread answers within the health timeout, else
 *       503 (liveness).
 *   <li>{@code GET /readyz}: 200 once the launcher has started and the caller's readiness flag
 *       holds (e.g. the request consumer subscribed), else 503.
 *   <li>{@code GET /metrics}: {@link LauncherMetrics}' meters in the Prometheus text format.
 *   <li>{@code GET /ui}: a read-only HTML page of the runs, their timelines and gate reports, and
 *       the champion's history ({@link #championHistory}); authenticated like {@code /runs}.
 *   <li>{@code GET /runs}: the runs as a JSON array; {@code GET /runs/{key}}: one run, or 404.
 *   <li>{@code POST /runs/{key}/cancel} (optional {@code reason} as a query parameter, a form field
 *       or a plain-text body): cancels the run, which also stops its running step; 200 with the
 *       run, 404 for an unknown key, 409 (with the run) when it had already finished.
 * </ul>
 *
 * Keys are percent-decoded path segments ({@code a:b} and {@code a%3Ab} are the same run).
 *
 * <p>Access:
 *
 * <ul>
 *   <li>The probes ({@code /healthz}, {@code /readyz}) are always open: the kubelet calls them
 *       without credentials, and they tell nothing about runs.
 *   <li>{@code /metrics} is open too, on purpose: Prometheus (GKE Managed Prometheus'
 *       PodMonitoring) scrapes pods on the pod network without credentials, and the meters hold
 *       counts only (per state, step, gate check and reason; never a run key, a data range or a
 *       parameter), which is no more than a probe tells. Who must not see even the counts keeps the
 *       port off their network (a NetworkPolicy), as for the probes.
 *   <li>With an {@link HttpAuth} configured, every {@code /runs} request, reads included (a run
 *       shows its data range, parameters and failures), needs {@code Authorization: Bearer
 *       <token>}: none (or another scheme) is 401, a token that no check accepts 403, and a check
 *       that cannot be made (the API server did not answer) 503.
 *   <li>Every request that is not GET or HEAD (cancel) is refused (403) when it comes from a
 *       browser on another site: {@code Sec-Fetch-Site} other than same-origin or none, an {@code
 *       Origin} that is not the endpoint's own, or neither the {@value #REQUEST_HEADER} header nor
 *       {@code Content-Type: application/json} (a page cannot send either cross-site without a CORS
 *       preflight, which is never granted). This holds with or without authentication.
 *   <li>Bound to a loopback address, requests must name a loopback host ({@code localhost}, {@code
 *       127.0.0.1}, {@code [::1]}) in {@code Host}: a page whose DNS name was rebound to 127.0.0.1
 *       is refused (403).
 * </ul>
 */
public final class LauncherHttp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LauncherHttp.class);

  public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(2);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String DEFAULT_CANCEL_REASON = "cancelled through the launcher endpoint";

  /**
   * The header a non-browser client sends with a mutating request (any value), to show it is not a
   * cross-site form post: browsers send custom headers cross-site only after a CORS preflight.
   */
  public static final String REQUEST_HEADER = "X-Driftgate-Request";

  private final Launcher launcher;
  private final BooleanSupplier ready;
  private final Duration healthTimeout;
  private final HttpAuth auth;
  private final boolean loopback;
  private final HttpServer server;
  private final ExecutorService handlers;
  private volatile Publication published;
  private volatile java.util.function.Supplier<
          java.util.List<io.driftgate.core.registry.LedgerEntry>>
      ledger;

  private LauncherHttp(
      Launcher launcher,
      String host,
      int port,
      BooleanSupplier ready,
      Duration healthTimeout,
      HttpAuth auth)
      throws IOException {
    this.launcher = Objects.requireNonNull(launcher, "launcher");
    this.ready = Objects.requireNonNull(ready, "ready");
    this.healthTimeout = Objects.requireNonNull(healthTimeout, "healthTimeout");
    this.auth = Objects.requireNonNull(auth, "auth");
    this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
    this.loopback = server.getAddress().getAddress().isLoopbackAddress();
    if (!loopback && !auth.enabled()) {
      LOG.warn(
          "the launcher endpoint listens on {} without authentication: anyone who reaches it can"
              + " read and cancel runs; bind a loopback address, or configure a token file or a"
              + " TokenReview",
          server.getAddress());
    }
    AtomicInteger n = new AtomicInteger();
    // A few threads, so that a probe still answers while a cancel waits for the launcher thread.
    this.handlers =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "driftgate-launcher-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(handlers);
    server.createContext("/healthz", this::healthz);
    server.createContext("/readyz", this::readyz);
    server.createContext("/metrics", this::metrics);
    server.createContext("/runs", this::runs);
    server.createContext("/ui", this::ui);
    server.start();
  }

  /**
   * Serves {@code launcher} on {@code host:port} (port 0: an ephemeral port, see {@link #port}).
   */
  public static LauncherHttp start(Launcher launcher, String host, int port, BooleanSupplier ready)
      throws IOException {
    return start(launcher, host, port, ready, DEFAULT_HEALTH_TIMEOUT);
  }

  /**
   * @param healthTimeout how long {@code /healthz} waits for the launcher thread
   */
  public static LauncherHttp start(
      Launcher launcher, String host, int port, BooleanSupplier ready, Duration healthTimeout)
      throws IOException {
    return start(launcher, host, port, ready, healthTimeout, HttpAuth.none());
  }

  /**
   * @param auth who may read and cancel runs ({@link HttpAuth#none()}: whoever reaches the port)
   */
  public static LauncherHttp start(
      Launcher launcher,
      String host,
      int port,
      BooleanSupplier ready,
      Duration healthTimeout,
      HttpAuth auth)
      throws IOException {
    return new LauncherHttp(launcher, host, port, ready, healthTimeout, auth);
  }

  /**
   * Where {@code /ui} reads the champion's history: the registry's ledger of the launcher's model,
   * oldest first (e.g. {@code () -> registry.ledger(model)}); without it the page says so.
   */
  public LauncherHttp championHistory(
      java.util.function.Supplier<java.util.List<io.driftgate.core.registry.LedgerEntry>> ledger) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    return this;
  }

  /** Whether the endpoint is bound to a loopback address (reachable from this machine only). */
  public boolean loopback() {
    return loopback;
  }

  /** Whether callers must authenticate to read or cancel runs. */
  public boolean authenticated() {
    return auth.enabled();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * The URL a client on this machine uses: the bound address, or the loopback address when bound to
   * every interface (0.0.0.0).
   */
  public URI localUri() {
    InetAddress a = server.getAddress().getAddress();
    String host;
    if (a.isAnyLocalAddress()) {
      host = "127.0.0.1";
    } else if (a instanceof java.net.Inet6Address) {
      host = "[" + a.getHostAddress() + "]";
    } else {
      host = a.getHostAddress();
    }
    return URI.create("http://" + host + ":" + port());
  }

  /**
   * Publishes {@link #localUri()} as {@code launcher/<model>} in the state database ({@link
   * Endpoints}) for {@code driftgate runs cancel} to find; {@link #close()} withdraws it unless a
   * launcher started since has replaced it.
   *
   * @return the name it is published under
   */
  public String publishEndpoint(Endpoints endpoints) {
    String name = Endpoints.launcher(launcher.model());
    String holder = DatabaseLeaderElection.processHolder();
    endpoints.publish(name, localUri(), holder);
    published = new Publication(endpoints, name, holder);
    return name;
  }

  /** The endpoint a launcher of {@code model} published in the state database, if any. */
  public static Optional<URI> publishedEndpoint(Endpoints endpoints, String model) {
    return endpoints.lookup(Endpoints.launcher(model)).map(Endpoints.Published::url);
  }

  private record Publication(Endpoints endpoints, String name, String holder) {}

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
    Publication p = published;
    if (p != null) {
      published = null;
      try {
        p.endpoints().withdraw(p.name(), p.holder()); // only our own
      } catch (RuntimeException e) {
        LOG.warn("cannot withdraw endpoint {}: {}", p.name(), e.toString());
      }
    }
  }

  private void healthz(HttpExchange x) throws IOException {
    if (!hostAllowed(x) || !exactPath(x, "/healthz") || !onlyGet(x)) {
      return;
    }
    if (launcher.alive(healthTimeout)) {
      send(x, 200, "text/plain", "ok\n");
    } else {
      send(x, 503, "text/plain", "launcher thread did not answer within " + healthTimeout + "\n");
    }
  }

  private void readyz(HttpExchange x) throws IOException {
    if (!hostAllowed(x) || !exactPath(x, "/readyz") || !onlyGet(x)) {
      return;
    }
    if (!launcher.isStarted()) {
      send(x, 503, "text/plain", "launcher not started\n");
    } else if (!ready.getAsBoolean()) {
      send(x, 503, "text/plain", "not ready\n");
    } else {
      send(x, 200, "text/plain", "ready\n");
    }
  }

  private void metrics(HttpExchange x) throws IOException {
    if (!hostAllowed(x) || !exactPath(x, "/metrics") || !onlyGet(x)) {
      return;
    }
    String body;
    try {
      body = launcher.metrics().scrape();
    } catch (RuntimeException e) {
      LOG.warn("cannot render the metrics", e);
      error(x, 503, "launcher: " + e.getMessage());
      return;
    }
    send(x, 200, "text/plain; version=0.0.4", body);
  }

  private void ui(HttpExchange x) throws IOException {
    try {
      if (!hostAllowed(x) || !exactPath(x, "/ui") || !onlyGet(x) || authenticate(x) == null) {
        return;
      }
      var source = ledger;
      String page =
          LauncherUi.page(
              launcher.model(),
              launcher.runs(),
              source == null ? null : source.get(),
              java.time.Instant.now());
      // Nothing on the page loads anything: no script, no fetch, no frame.
      x.getResponseHeaders()
          .set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
      x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      send(x, 200, "text/html", page);
    } catch (RuntimeException e) {
      LOG.warn("{} {} failed", x.getRequestMethod(), x.getRequestURI(), e);
      error(x, 503, "launcher: " + e.getMessage());
    }
  }

  private void runs(HttpExchange x) throws IOException {
    String subject;
    try {
      if (!hostAllowed(x) || (!safeMethod(x) && !notCrossSite(x))) {
        return;
      }
      subject = authenticate(x);
      if (subject == null) {
        return;
      }
    } catch (RuntimeException e) {
      LOG.warn("{} {} failed", x.getRequestMethod(), x.getRequestURI(), e);
      error(x, 503, "launcher: " + e.getMessage());
      return;
    }
    try {
      // Raw path: a key's encoded '/' must not split it.
      String rest = x.getRequestURI().getRawPath().substring("/runs".length());
      if (rest.isEmpty() || rest.equals("/")) {
        if (onlyGet(x)) {
          String body =
              launcher.runs().stream()
                  .map(r -> RunJson.write(r).trim())
                  .collect(Collectors.joining(",\n", "[", "]\n"));
          send(x, 200, "application/json", body);
        }
        return;
      }
      String[] segments = rest.startsWith("/") ? rest.substring(1).split("/", -1) : new String[0];
      if (segments.length == 1 && !segments[0].isEmpty()) {
        if (onlyGet(x)) {
          String key = decodeSegment(segments[0]);
          Optional<RetrainRun> run = launcher.run(key);
          if (run.isPresent()) {
            send(x, 200, "application/json", RunJson.write(run.get()));
          } else {
            error(x, 404, "no run " + key);
          }
        }
      } else if (segments.length == 2 && !segments[0].isEmpty() && segments[1].equals("cancel")) {
        if (x.getRequestMethod().equals("POST")) {
          cancel(x, decodeSegment(segments[0]), subject);
        } else {
          methodNotAllowed(x, "POST");
        }
      } else {
        error(x, 404, "not found: " + x.getRequestURI().getRawPath());
      }
    } catch (IllegalArgumentException e) {
      error(x, 400, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("{} {} failed", x.getRequestMethod(), x.getRequestURI(), e);
      error(x, 503, "launcher: " + e.getMessage());
    }
  }

  private void cancel(HttpExchange x, String key, String subject) throws IOException {
    String reason = reason(x);
    Optional<RetrainRun> before = launcher.run(key);
    if (before.isEmpty()) {
      error(x, 404, "no run " + key);
      return;
    }
    if (before.get().state().terminal()) {
      send(x, 409, "application/json", RunJson.write(before.get()));
      return;
    }
    RetrainRun after = launcher.cancel(key, reason).orElseThrow();
    // It may have finished on its own between the look-up and the cancel.
    int status = after.state() == RunState.CANCELLED ? 200 : 409;
    if (status == 200) {
      LOG.info("run {} cancelled through the HTTP endpoint by {} ({})", key, subject, reason);
    }
    send(x, status, "application/json", RunJson.write(after));
  }

  /**
   * The caller's identity for the log: "anonymous" without authentication, else the subject a check
   * accepted; null once the request has been answered (401, 403 or 503).
   */
  private String authenticate(HttpExchange x) throws IOException {
    if (!auth.enabled()) {
      return "anonymous";
    }
    String header = x.getRequestHeaders().getFirst("Authorization");
    String token = null;
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = header.substring(7).strip();
    }
    if (token == null || token.isEmpty()) {
      x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"driftgate-launcher\"");
      error(x, 401, "authentication required: send Authorization: Bearer <token>");
      return null;
    }
    HttpAuth.Verdict v = auth.authenticate(token);
    switch (v.outcome()) {
      case ACCEPTED -> {
        return v.subject();
      }
      case UNAVAILABLE -> {
        LOG.warn("cannot check the token of {}: {}", x.getRemoteAddress(), v.reason());
        error(x, 503, "cannot check the token now; try again");
        return null;
      }
      default -> {
        LOG.warn(
            "refused {} {} from {}: {}",
            x.getRequestMethod(),
            x.getRequestURI().getRawPath(),
            x.getRemoteAddress(),
            v.reason());
        x.getResponseHeaders()
            .set(
                "WWW-Authenticate", "Bearer realm=\"driftgate-launcher\", error=\"invalid_token\"");
        error(x, 403, "the token is not accepted");
        return null;
      }
    }
  }

  private static boolean safeMethod(HttpExchange x) {
    return x.getRequestMethod().equals("GET") || x.getRequestMethod().equals("HEAD");
  }

  /**
   * Refuses (403) a request that a browser sends on behalf of another site: a mutating request must
   * not be cross-site by {@code Sec-Fetch-Site}, must carry no foreign {@code Origin}, and must
   * carry {@value #REQUEST_HEADER} or a JSON content type, neither of which a page can send
   * cross-site without a CORS preflight.
   */
  private static boolean notCrossSite(HttpExchange x) throws IOException {
    var h = x.getRequestHeaders();
    String site = h.getFirst("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return refuseCrossSite(x, "Sec-Fetch-Site: " + site);
    }
    String origin = h.getFirst("Origin");
    String host = h.getFirst("Host");
    if (origin != null && (host == null || !origin.equalsIgnoreCase("http://" + host))) {
      return refuseCrossSite(x, "Origin " + origin + " is not this endpoint's");
    }
    String requested = h.getFirst(REQUEST_HEADER);
    if ((requested == null || requested.isBlank()) && !isJson(h.getFirst("Content-Type"))) {
      return refuseCrossSite(
          x,
          "a "
              + x.getRequestMethod()
              + " needs the header "
              + REQUEST_HEADER
              + " (any value) or Content-Type: application/json");
    }
    return true;
  }

  private static boolean refuseCrossSite(HttpExchange x, String why) throws IOException {
    LOG.warn(
        "refused a cross-site {} {} from {}: {}",
        x.getRequestMethod(),
        x.getRequestURI().getRawPath(),
        x.getRemoteAddress(),
        why);
    error(x, 403, "cross-site request refused: " + why);
    return false;
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String media = (semi < 0 ? contentType : contentType.substring(0, semi)).strip();
    return media.equalsIgnoreCase("application/json");
  }

  private static final java.util.regex.Pattern LOOPBACK_HOST =
      java.util.regex.Pattern.compile(
          "(?i)(localhost|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[::1\\])(:\\d+)?");

  /**
   * On a loopback address: refuses (403) a request whose {@code Host} is not a loopback name, which
   * is what a browser sends to a DNS name rebound to 127.0.0.1. No {@code Host} (HTTP/1.0) passes.
   */
  private boolean hostAllowed(HttpExchange x) throws IOException {
    if (!loopback) {
      return true;
    }
    String host = x.getRequestHeaders().getFirst("Host");
    if (host == null || LOOPBACK_HOST.matcher(host.strip()).matches()) {
      return true;
    }
    LOG.warn("refused a request for host {} on the loopback endpoint", host);
    error(x, 403, "the launcher endpoint answers only for localhost, not for " + host);
    return false;
  }

  /**
   * The {@code reason} query parameter, else a JSON body's {@code reason}, a form field or a
   * plain-text body, else a default.
   */
  private static String reason(HttpExchange x) throws IOException {
    String fromQuery = formField(x.getRequestURI().getRawQuery(), "reason");
    if (fromQuery != null) {
      return fromQuery;
    }
    String body;
    try (InputStream in = x.getRequestBody()) {
      body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8).trim();
    }
    if (body.isEmpty()) {
      return DEFAULT_CANCEL_REASON;
    }
    String type = x.getRequestHeaders().getFirst("Content-Type");
    if (isJson(type)) {
      com.fasterxml.jackson.databind.JsonNode json;
      try {
        json = JSON.readTree(body);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
      }
      com.fasterxml.jackson.databind.JsonNode r = json == null ? null : json.get("reason");
      return r != null && r.isTextual() && !r.asText().isBlank()
          ? r.asText()
          : DEFAULT_CANCEL_REASON;
    }
    if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
      String fromForm = formField(body, "reason");
      return fromForm != null ? fromForm : DEFAULT_CANCEL_REASON;
    }
    return body;
  }

  private static String formField(String raw, String name) {
    if (raw == null) {
      return null;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      if (URLDecoder.decode(k, StandardCharsets.UTF_8).equals(name)) {
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        return v.isBlank() ? null : v;
      }
    }
    return null;
  }

  /** Percent-decodes a path segment ('+' stays '+': it is not form encoding). */
  static String decodeSegment(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** A context matches by prefix; answers 404 for "/healthzXYZ". */
  private static boolean exactPath(HttpExchange x, String path) throws IOException {
    if (x.getRequestURI().getPath().equals(path)) {
      return true;
    }
    error(x, 404, "not found: " + x.getRequestURI().getRawPath());
    return false;
  }

  private static boolean onlyGet(HttpExchange x) throws IOException {
    if (x.getRequestMethod().equals("GET") || x.getRequestMethod().equals("HEAD")) {
      return true;
    }
    methodNotAllowed(x, "GET, HEAD");
    return false;
  }

  private static void methodNotAllowed(HttpExchange x, String allow) throws IOException {
    x.getResponseHeaders().set("Allow", allow);
    error(x, 405, x.getRequestMethod() + " not allowed on " + x.getRequestURI().getPath());
  }

  private static void error(HttpExchange x, int status, String message) throws IOException {
    send(x, status, "application/json", JSON.createObjectNode().put("error", message) + "\n");
  }

  private static void send(HttpExchange x, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }
}
