package io.driftgate.cli;

import io.driftgate.launcher.HttpAuth;
import io.driftgate.launcher.Launcher;
import io.driftgate.launcher.LauncherHttp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * Where {@code driftgate launcher --http-port} listens and who may use it: the loopback address
 * unless told otherwise, and a bearer token from a file and/or a Kubernetes TokenReview.
 */
final class LauncherHttpOptions {
  static final String DEFAULT_HOST = "127.0.0.1";

  @Option(
      names = {"--listen", "--http-host"},
      paramLabel = "ADDRESS",
      description =
          "Address the HTTP endpoint binds. Default: ${DEFAULT-VALUE}, this machine only. In a"
              + " pod: 0.0.0.0 (the kubelet probes the pod IP) with --http-token-file or"
              + " --http-token-review; a non-loopback address without either is warned about.")
  String host = DEFAULT_HOST;

  @Option(
      names = "--http-token-file",
      paramLabel = "FILE",
      description =
          "Require Authorization: Bearer <token> on /runs, the token being the content of FILE"
              + " (a mounted Secret; re-read on every request, so a rotation needs no restart;"
              + " at least 16 characters). The probes /healthz and /readyz stay open.")
  Path tokenFile;

  @Option(
      names = "--http-token-review",
      description =
          "Require Authorization: Bearer <token> on /runs and accept a token that a Kubernetes"
              + " TokenReview authenticates as a user or group of --http-allow (the launcher's"
              + " service account needs create on tokenreviews: system:auth-delegator).")
  boolean tokenReview;

  @Option(
      names = "--http-allow",
      paramLabel = "USER|GROUP",
      split = ",",
      description =
          "With --http-token-review: a user (system:serviceaccount:NS:NAME) or group"
              + " (system:serviceaccounts:NS) let in; repeatable.")
  List<String> allow = new ArrayList<>();

  @Option(
      names = "--http-token-audience",
      paramLabel = "AUDIENCE",
      split = ",",
      description =
          "With --http-token-review: an audience the token must be issued for (kubectl create"
              + " token SA --audience AUDIENCE); repeatable. Default: the API server's.")
  List<String> audiences = new ArrayList<>();

  /** The checks the options configure; {@code client} makes the Kubernetes client on demand. */
  HttpAuth auth(Supplier<io.fabric8.kubernetes.client.KubernetesClient> client) {
    if (!tokenReview && (!allow.isEmpty() || !audiences.isEmpty())) {
      throw new IllegalArgumentException(
          "--http-allow and --http-token-audience apply to --http-token-review, which is not set");
    }
    List<HttpAuth.Check> checks = new ArrayList<>();
    if (tokenFile != null) {
      try {
        checks.add(HttpAuth.tokenFile(tokenFile));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--http-token-file: " + e.getMessage(), e);
      }
    }
    if (tokenReview) {
      if (allow.isEmpty()) {
        throw new IllegalArgumentException(
            "--http-token-review needs --http-allow USER|GROUP (e.g."
                + " system:serviceaccount:driftgate:ops): without it any workload of the cluster"
                + " could cancel runs");
      }
      checks.add(HttpAuth.tokenReview(client.get(), new LinkedHashSet<>(allow), audiences));
    }
    return HttpAuth.anyOf(checks);
  }

  /** Starts the endpoint; TokenReviews go through the in-cluster (or kubeconfig) client. */
  LauncherHttp start(Launcher launcher, int port, BooleanSupplier ready) throws IOException {
    return start(launcher, port, ready, LauncherHttpOptions::reviewClient);
  }

  /**
   * A client for TokenReviews that gives up quickly: a request waits for the review, and an API
   * server that does not answer makes it 503, not a minute of retries.
   */
  static io.fabric8.kubernetes.client.KubernetesClient reviewClient() {
    io.fabric8.kubernetes.client.Config config =
        new io.fabric8.kubernetes.client.ConfigBuilder(
                io.fabric8.kubernetes.client.Config.autoConfigure(null))
            .withRequestRetryBackoffLimit(1)
            .withConnectionTimeout(5_000)
            .withRequestTimeout(10_000)
            .build();
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * Starts the endpoint on {@link #host}:{@code port}; warns on stderr when it is reachable from
   * other machines without authentication.
   */
  LauncherHttp start(
      Launcher launcher,
      int port,
      BooleanSupplier ready,
      Supplier<io.fabric8.kubernetes.client.KubernetesClient> client)
      throws IOException {
    HttpAuth auth = auth(client);
    LauncherHttp http =
        LauncherHttp.start(launcher, host, port, ready, LauncherHttp.DEFAULT_HEALTH_TIMEOUT, auth);
    if (!http.loopback() && !auth.enabled()) {
      System.err.printf(
          "WARNING: the launcher endpoint listens on %s:%d without authentication: anyone who"
              + " reaches it can read and cancel runs. Bind a loopback address (--listen"
              + " 127.0.0.1), or give --http-token-file or --http-token-review.%n",
          host, http.port());
    } else if (auth.enabled()) {
      System.out.println("http endpoint authentication: " + auth.describe());
    }
    return http;
  }
}
