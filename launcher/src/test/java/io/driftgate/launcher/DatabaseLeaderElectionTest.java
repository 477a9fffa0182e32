package io.driftgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.state.DatabaseLease;
import io.driftgate.core.state.StateDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseLeaderElectionTest {
  @TempDir Path dir;

  StateDatabase db() {
    return StateDatabase.open("jdbc:sqlite:" + dir.resolve("state.db"), Map.of());
  }

  DatabaseLeaderElection election(String holder, Duration ttl) {
    return new DatabaseLeaderElection(
        new DatabaseLease(db(), "launcher/m", holder, ttl), ttl.dividedBy(5));
  }

  @Test
  void aSecondLauncherWaitsUntilTheFirstGivesUp() throws Exception {
    try (DatabaseLeaderElection a = election("a", Duration.ofSeconds(2));
        DatabaseLeaderElection b = election("b", Duration.ofSeconds(2))) {
      assertThat(a.isLeader()).isFalse();
      assertThat(a.awaitLeadership(Duration.ofSeconds(5))).isTrue();
      assertThat(a.isLeader()).isTrue();
      // Renewed past its TTL: b never gets it while a leads.
      assertThat(b.awaitLeadership(Duration.ofSeconds(3))).isFalse();
      assertThat(b.isLeader()).isFalse();
      assertThat(b.describe()).contains("held by a");
      assertThat(a.describe()).contains("held by a (this process)");
      long before = System.nanoTime();
      a.close();
      assertThat(a.isLeader()).isFalse();
      assertThat(b.awaitLeadership(Duration.ofSeconds(5))).isTrue();
      // Released, not expired: b took over without waiting for the TTL.
      assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
      assertThat(b.lease().current().orElseThrow().transitions()).isEqualTo(1);
    }
  }

  @Test
  void aCrashedLeadersLeaseIsTakenOverOnceItExpires() throws Exception {
    DatabaseLease crashed =
        new DatabaseLease(db(), "launcher/m", "crashed", Duration.ofMillis(800));
    assertThat(crashed.tryAcquire()).isTrue(); // and never renewed
    try (DatabaseLeaderElection b = election("b", Duration.ofSeconds(2))) {
      long before = System.nanoTime();
      assertThat(b.awaitLeadership(Duration.ofSeconds(10))).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - before))
          .isGreaterThan(Duration.ofMillis(300));
      assertThat(crashed.renew()).isFalse();
    }
  }

  @Test
  void aLeaderWhoseLeaseWasTakenLearnsItHasLost() throws Exception {
    try (DatabaseLeaderElection a = election("a", Duration.ofSeconds(1))) {
      CountDownLatch lost = new CountDownLatch(1);
      a.onLost(lost::countDown);
      assertThat(a.awaitLeadership(Duration.ofSeconds(5))).isTrue();
      // Someone else holds the lease now (e.g. a's renewals stalled past the TTL).
      db().execute(
              "UPDATE dg_leases SET holder = 'intruder', expires_at_ms = 9999999999999"
                  + " WHERE name = 'launcher/m'");
      assertThat(lost.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(a.isLeader()).isFalse();
    }
    // Closing a lost election leaves the other holder's lease alone.
    assertThat(new DatabaseLease(db(), "launcher/m", "x", Duration.ofSeconds(1)).current())
        .hasValueSatisfying(h -> assertThat(h.holder()).isEqualTo("intruder"));
  }

  @Test
  void renewalsMustComeWellWithinTheTtlAndAloneAlwaysLeads() throws Exception {
    DatabaseLease lease = new DatabaseLease(db(), "launcher/m", "a", Duration.ofSeconds(1));
    assertThatThrownBy(() -> new DatabaseLeaderElection(lease, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    LeaderElection alone = LeaderElection.alone();
    assertThat(alone.awaitLeadership(Duration.ZERO)).isTrue();
    assertThat(alone.isLeader()).isTrue();
    alone.close();
    assertThat(alone.isLeader()).isFalse();
    assertThat(DatabaseLeaderElection.processHolder())
        .matches(".+:" + ProcessHandle.current().pid() + ":[0-9a-f]{8}");
  }
}
