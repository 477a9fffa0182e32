package io.driftgate.launcher;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election of launchers on a Kubernetes {@code coordination.k8s.io/v1} Lease, with fabric8's
 * {@link LeaderElector}: every replica of the launcher Deployment is a candidate; the leader renews
 * the Lease every {@code retryPeriod} and stops leading when it could not for {@code
 * renewDeadline}; a candidate takes the Lease once it was released or not renewed for {@code
 * leaseDuration} (the API server's optimistic concurrency on the Lease's resourceVersion lets one
 * take it). A dead leader is so replaced within {@code leaseDuration}, and the new one resumes the
 * in-flight runs from the state database.
 *
 * <p>{@link #close()} gives the Lease up (the next leader need not wait); a process that dies
 * simply stops renewing.
 */
public final class KubernetesLeaderElection implements LeaderElection {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesLeaderElection.class);

  /** Defaults of the chart's {@code launcher.leaderElection}. */
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);

  public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String identity;
  private final LeaderElector elector;
  private final List<Runnable> lost = new CopyOnWriteArrayList<>();
  private final CountDownLatch leading = new CountDownLatch(1);
  private final AtomicBoolean lostOnce = new AtomicBoolean();
  private volatile boolean leader;
  private volatile boolean closed;
  private volatile String observedLeader;
  private CompletableFuture<?> running;

  /**
   * @param identity this candidate's name in the Lease (the pod's name)
   * @param leaseDuration how long a lease lasts without renewal
   * @param renewDeadline how long the leader tries to renew before it stops leading (<
   *     leaseDuration)
   * @param retryPeriod how often candidates try and the leader renews (< renewDeadline)
   */
  public KubernetesLeaderElection(
      KubernetesClient client,
      String namespace,
      String name,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
    this.identity = Objects.requireNonNull(identity, "identity");
    if (leaseDuration.toMillis() % 1000 != 0) {
      // the Lease holds leaseDurationSeconds: a fraction would be cut, and others take over early
      throw new IllegalArgumentException(
          "leaseDuration " + leaseDuration + " is not a whole number of seconds");
    }
    if (!(retryPeriod.compareTo(renewDeadline) < 0 && renewDeadline.compareTo(leaseDuration) < 0)
        || retryPeriod.isNegative()
        || retryPeriod.isZero()) {
      throw new IllegalArgumentException(
          "need 0 < retryPeriod ("
              + retryPeriod
              + ") < renewDeadline ("
              + renewDeadline
              + ") < leaseDuration ("
              + leaseDuration
              + ")");
    }
    this.elector =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(name)
                    .withLock(new LeaseLock(namespace, name, identity))
                    .withLeaseDuration(leaseDuration)
                    .withRenewDeadline(renewDeadline)
                    .withRetryPeriod(retryPeriod)
                    // close() releases explicitly; a crash (or crash()) must not
                    .withReleaseOnCancel(false)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                    .build())
            .build();
  }

  /** A candidate named after this pod ({@code POD_NAME}), else the host and a random part. */
  public static String defaultIdentity(java.util.Map<String, String> env) {
    String pod = env.get("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private void started() {
    leader = true;
    LOG.info("leading: lease {}/{} held by {}", namespace, name, identity);
    leading.countDown();
  }

  private void stopped() {
    boolean was = leader;
    leader = false;
    if (closed || !was || !lostOnce.compareAndSet(false, true)) {
      return;
    }
    LOG.error("lost the leadership of lease {}/{} ({})", namespace, name, identity);
    for (Runnable r : lost) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("an action on the lost leadership failed", e);
      }
    }
  }

  private void newLeader(String who) {
    observedLeader = who;
    if (!identity.equals(who)) {
      LOG.info("lease {}/{} is held by {}; {} stands by", namespace, name, who, identity);
    }
  }

  private synchronized void start() {
    if (running == null && !closed) {
      running = elector.start();
      running.whenComplete(
          (v, e) -> {
            if (e != null && !(e instanceof java.util.concurrent.CancellationException)) {
              LOG.warn("leader election on {}/{} ended: {}", namespace, name, e.toString());
            }
            stopped(); // the elector gives up after losing: so does this process
          });
    }
  }

  @Override
  public boolean awaitLeadership(Duration timeout) throws InterruptedException {
    start();
    return leading.await(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS)
        && leader
        && !closed;
  }

  @Override
  public boolean isLeader() {
    return leader && !closed;
  }

  @Override
  public void onLost(Runnable action) {
    lost.add(Objects.requireNonNull(action, "action"));
  }

  /** This candidate's identity in the Lease. */
  public String identity() {
    return identity;
  }

  @Override
  public String describe() {
    try {
      Lease l = client.leases().inNamespace(namespace).withName(name).get();
      String holder = l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
      if (holder == null || holder.isEmpty()) {
        return "lease " + namespace + "/" + name + " free";
      }
      return "lease "
          + namespace
          + "/"
          + name
          + " held by "
          + holder
          + (holder.equals(identity) ? " (this process)" : "")
          + " since "
          + l.getSpec().getAcquireTime()
          + ", renewed "
          + l.getSpec().getRenewTime();
    } catch (RuntimeException e) {
      return "lease "
          + namespace
          + "/"
          + name
          + " (unreadable: "
          + e.getMessage()
          + (observedLeader == null ? "" : "; last seen held by " + observedLeader)
          + ")";
    }
  }

  /**
   * Stops renewing without giving the Lease up, as a process that dies: another candidate takes it
   * once it expires. For tests.
   */
  void crash() {
    closed = true;
    leader = false;
    synchronized (this) {
      if (running != null) {
        running.cancel(true);
      }
    }
  }

  @Override
  public void close() {
    boolean was = leader;
    closed = true;
    leader = false;
    synchronized (this) {
      if (running != null) {
        running.cancel(true);
      }
    }
    if (was) {
      try {
        if (elector.release()) {
          LOG.info("released lease {}/{}", namespace, name);
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "cannot release lease {}/{} (it expires by itself): {}", namespace, name, e.toString());
      }
    }
  }
}
