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
 *   <li>{@code GET /runs}: the runs as a JSON array; {@code GET /runs/{key}}: one run, or 404.
 *   <li>{@code POST /runs/{key}/cancel} (optional {@code reason} as a query parameter, a form field
 *       or a plain-text body): cancels the run, which also stops its running step; 200 with the
 *       run, 404 for an unknown key, 409 (with the run) when it had already finished.
 * </ul>
 *
 * Keys are percent-decoded path segments ({@code a:b} and {@code a%3Ab} are the same run).
 */
public final class LauncherHttp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LauncherHttp.class);

  public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(2);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String DEFAULT_CANCEL_REASON = "cancelled through the launcher endpoint";

  private final Launcher launcher;
  private final BooleanSupplier ready;
  private final Duration healthTimeout;
  private final HttpServer server;
  private final ExecutorService handlers;
  private volatile Publication published;

  private LauncherHttp(
      Launcher launcher, String host, int port, BooleanSupplier ready, Duration healthTimeout)
      throws IOException {
    this.launcher = Objects.requireNonNull(launcher, "launcher");
    this.ready = Objects.requireNonNull(ready, "ready");
    this.healthTimeout = Objects.requireNonNull(healthTimeout, "healthTimeout");
    this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
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
    server.createContext("/runs", this::runs);
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
    return new LauncherHttp(launcher, host, port, ready, healthTimeout);
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
    if (!exactPath(x, "/healthz") || !onlyGet(x)) {
      return;
    }
    if (launcher.alive(healthTimeout)) {
      send(x, 200, "text/plain", "ok\n");
    } else {
      send(x, 503, "text/plain", "launcher thread did not answer within " + healthTimeout + "\n");
    }
  }

  private void readyz(HttpExchange x) throws IOException {
    if (!exactPath(x, "/readyz") || !onlyGet(x)) {
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

  private void runs(HttpExchange x) throws IOException {
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
          cancel(x, decodeSegment(segments[0]));
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

  private void cancel(HttpExchange x, String key) throws IOException {
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
      LOG.info("run {} cancelled through the HTTP endpoint ({})", key, reason);
    }
    send(x, status, "application/json", RunJson.write(after));
  }

  /** The {@code reason} query parameter, else a form field or plain-text body, else a default. */
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
