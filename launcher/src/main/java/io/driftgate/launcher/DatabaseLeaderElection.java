package io.driftgate.launcher;

import io.driftgate.core.state.DatabaseLease;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a {@link DatabaseLease}: the leader renews the lease every {@code renewEvery}
 * (a third of the TTL by default); the others try to take it every {@code renewEvery} and get it
 * once the leader released it or let it expire (a crashed leader's successor waits at most the
 * TTL). A leader whose renewal is refused, or that cannot reach the database until its lease is
 * about to run out, has lost: {@link #onLost} actions run before the lease could expire.
 */
public final class DatabaseLeaderElection implements LeaderElection {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseLeaderElection.class);

  /** The default lease: a crashed leader is replaced within this. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  private final DatabaseLease lease;
  private final Duration renewEvery;
  private final ScheduledExecutorService renewer;
  private final List<Runnable> lost = new CopyOnWriteArrayList<>();
  private volatile boolean leader;
  private volatile boolean closed;
  private volatile long renewedNanos;

  /**
   * @param renewEvery how often the leader renews and a follower tries; well under the TTL
   */
  public DatabaseLeaderElection(DatabaseLease lease, Duration renewEvery) {
    this.lease = Objects.requireNonNull(lease, "lease");
    this.renewEvery = Objects.requireNonNull(renewEvery, "renewEvery");
    if (renewEvery.compareTo(lease.ttl()) >= 0 || renewEvery.isZero() || renewEvery.isNegative()) {
      throw new IllegalArgumentException(
          "renew every " + renewEvery + " must be positive and under the lease's " + lease.ttl());
    }
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "driftgate-lease-" + lease.name());
              t.setDaemon(true);
              return t;
            });
  }

  /** Renews every third of the lease's TTL. */
  public DatabaseLeaderElection(DatabaseLease lease) {
    this(lease, lease.ttl().dividedBy(3));
  }

  /** A holder id for this process: host, pid and a random part (several launchers per JVM). */
  public static String processHolder() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    return host
        + ":"
        + ManagementFactory.getRuntimeMXBean().getPid()
        + ":"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public boolean awaitLeadership(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    boolean told = false;
    while (!closed) {
      long before = System.nanoTime();
      if (lease.tryAcquire()) {
        renewedNanos = before;
        leader = true;
        LOG.info("leading: lease {} held by {}", lease.name(), lease.holder());
        long ms = renewEvery.toMillis();
        renewer.scheduleWithFixedDelay(this::renew, ms, ms, TimeUnit.MILLISECONDS);
        return true;
      }
      if (!told) {
        LOG.info("waiting for the leadership: {}", describe());
        told = true;
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      Thread.sleep(Math.min(renewEvery.toMillis(), Math.max(1, left / 1_000_000)));
    }
    return false;
  }

  private void renew() {
    if (!leader || closed) {
      return;
    }
    long before = System.nanoTime();
    boolean renewed;
    String why;
    try {
      renewed = lease.renew();
      why = "the lease was taken over or expired";
    } catch (RuntimeException e) {
      // The database cannot say: still leading until the lease could have run out.
      long held = System.nanoTime() - renewedNanos;
      if (held + renewEvery.toNanos() < lease.ttl().toNanos()) {
        LOG.warn("cannot renew lease {} (trying again): {}", lease.name(), e.toString());
        return;
      }
      renewed = false;
      why = "the state database did not answer before the lease ran out: " + e;
    }
    if (renewed) {
      renewedNanos = before;
      return;
    }
    leader = false;
    LOG.error("lost the leadership of {}: {}", lease.name(), why);
    renewer.shutdown();
    for (Runnable r : lost) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("an action on the lost leadership failed", e);
      }
    }
  }

  @Override
  public boolean isLeader() {
    return leader && !closed;
  }

  @Override
  public void onLost(Runnable action) {
    lost.add(Objects.requireNonNull(action, "action"));
  }

  @Override
  public String describe() {
    try {
      return lease
          .current()
          .map(
              h ->
                  "lease "
                      + h.name()
                      + " held by "
                      + h.holder()
                      + (h.holder().equals(lease.holder()) ? " (this process)" : "")
                      + " until "
                      + h.expiresAt())
          .orElse("lease " + lease.name() + " free");
    } catch (RuntimeException e) {
      return "lease " + lease.name() + " (unreadable: " + e.getMessage() + ")";
    }
  }

  public DatabaseLease lease() {
    return lease;
  }

  @Override
  public void close() {
    closed = true;
    renewer.shutdownNow();
    try {
      renewer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (leader) {
      leader = false;
      try {
        lease.release();
      } catch (RuntimeException e) {
        LOG.warn("cannot release lease {} (it expires by itself): {}", lease.name(), e.toString());
      }
    }
  }
}
