package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.RunStep;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.core.testing.StateBackend;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two launchers on one Lease of fabric8's CRUD mock API server: one leads, the other waits; when
 * the leader dies (stops renewing without giving the Lease up) the standby takes the Lease once it
 * expires and resumes the leader's in-flight run from the state database, adopting its Job.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesLeaderElectionTest {
  static final String NS = "ml";
  static final String LEASE = "driftgate-launcher";
  static final String KEY = "flight-delay/2024-03-01T10:00Z/drift";

  /** Long enough that a leader on a loaded test machine still renews in time. */
  static final Duration LEASE_DURATION = Duration.ofSeconds(5);

  KubernetesClient client;
  @TempDir Path dir;

  KubernetesLeaderElection candidate(String identity) {
    return new KubernetesLeaderElection(
        client, NS, LEASE, identity, LEASE_DURATION, Duration.ofSeconds(4), Duration.ofMillis(250));
  }

  Lease lease() {
    return client.leases().inNamespace(NS).withName(LEASE).get();
  }

  String holder() {
    Lease l = lease();
    return l == null ? null : l.getSpec().getHolderIdentity();
  }

  @Test
  void oneLeadsTheOtherWaitsAndTakesTheLeaseOnceTheDeadLeadersExpires() throws Exception {
    try (KubernetesLeaderElection a = candidate("launcher-a");
        KubernetesLeaderElection b = candidate("launcher-b")) {
      AtomicInteger aLost = new AtomicInteger();
      a.onLost(aLost::incrementAndGet);
      assertThat(a.awaitLeadership(Duration.ofSeconds(10))).isTrue();
      assertThat(a.isLeader()).isTrue();
      assertThat(holder()).isEqualTo("launcher-a");
      // the leader renews: the standby does not get the Lease, however long it waits
      assertThat(b.awaitLeadership(LEASE_DURATION.multipliedBy(2))).isFalse();
      assertThat(b.isLeader()).isFalse();
      assertThat(holder()).isEqualTo("launcher-a");
      assertThat(b.describe()).contains("held by launcher-a").doesNotContain("this process");
      ZonedDateTime renewedBefore = lease().getSpec().getRenewTime();

      a.crash(); // dies: no more renewals, the Lease is not given up
      long died = System.nanoTime();
      assertThat(b.awaitLeadership(Duration.ofSeconds(20))).isTrue();
      long waitedMs = (System.nanoTime() - died) / 1_000_000;
      assertThat(holder()).isEqualTo("launcher-b");
      assertThat(b.describe()).contains("held by launcher-b (this process)");
      // not before the dead leader's lease ran out (from its last renewal)
      assertThat(lease().getSpec().getAcquireTime())
          .isAfterOrEqualTo(renewedBefore.plus(LEASE_DURATION).minusNanos(1));
      assertThat(waitedMs).isGreaterThan(0);
      assertThat(lease().getSpec().getLeaseTransitions()).isGreaterThanOrEqualTo(1);
      assertThat(a.isLeader()).isFalse();
      assertThat(aLost).hasValue(0); // a crash runs nothing
    }
  }

  @Test
  void leaseDurationsAreWholeSeconds() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new KubernetesLeaderElection(
                    client,
                    NS,
                    LEASE,
                    "x",
                    Duration.ofMillis(2500),
                    Duration.ofSeconds(1),
                    Duration.ofMillis(100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a whole number of seconds");
  }

  @Test
  void closeGivesTheLeaseUpSoTheStandbyLeadsWithoutWaitingForItToExpire() throws Exception {
    KubernetesLeaderElection a =
        new KubernetesLeaderElection(
            client,
            NS,
            LEASE,
            "launcher-a",
            Duration.ofSeconds(60),
            Duration.ofSeconds(10),
            Duration.ofMillis(100));
    KubernetesLeaderElection b =
        new KubernetesLeaderElection(
            client,
            NS,
            LEASE,
            "launcher-b",
            Duration.ofSeconds(60),
            Duration.ofSeconds(10),
            Duration.ofMillis(100));
    try (a;
        b) {
      assertThat(a.awaitLeadership(Duration.ofSeconds(10))).isTrue();
      assertThat(b.awaitLeadership(Duration.ofMillis(500))).isFalse();
      long closed = System.nanoTime();
      a.close();
      assertThat(b.awaitLeadership(Duration.ofSeconds(20))).isTrue();
      // far sooner than the 60 s lease: it was released
      assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(Duration.ofSeconds(30));
      assertThat(holder()).isEqualTo("launcher-b");
    }
  }

  @Test
  void aLeaderWhoseLeaseWasTakenStopsLeadingAndRunsItsLostActions() throws Exception {
    try (KubernetesLeaderElection a = candidate("launcher-a")) {
      AtomicInteger lost = new AtomicInteger();
      a.onLost(lost::incrementAndGet);
      assertThat(a.awaitLeadership(Duration.ofSeconds(10))).isTrue();
      // someone else holds the Lease now (e.g. the leader was partitioned away and it expired);
      // the leader renews meanwhile, so the write may meet a newer version: try again
      for (int attempt = 0; ; attempt++) {
        Lease l = lease();
        try {
          client
              .leases()
              .inNamespace(NS)
              .resource(
                  new LeaseBuilder(l)
                      .editSpec()
                      .withHolderIdentity("launcher-c")
                      .withAcquireTime(ZonedDateTime.now())
                      .withRenewTime(ZonedDateTime.now().plusMinutes(5))
                      .endSpec()
                      .build())
              .update();
          break;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
          if (e.getCode() != 409 || attempt > 50) {
            throw e;
          }
        }
      }
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (a.isLeader() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      assertThat(a.isLeader()).isFalse();
      end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (lost.get() == 0 && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      assertThat(lost).hasValue(1);
      assertThat(holder()).isEqualTo("launcher-c");
    }
  }

  // ------------------------------------------------------------------ launchers

  Launcher launcher(JdbcRunStore store) {
    return Fixtures.launcher(
        store,
        new KubernetesBackend(
            client, new JobRenderer(Fixtures.k8sConfig(), Fixtures.MODEL), Fixtures.MODEL),
        Fixtures.k8sConfig(),
        1,
        Fixtures.pinnedLake());
  }

  List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace(NS).list().getItems();
  }

  Job job(RunStep step) {
    String name = JobNames.jobName(KEY, step, 1);
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      Job j = client.batch().v1().jobs().inNamespace(NS).withName(name).get();
      if (j != null) {
        return j;
      }
      Fixtures.sleep(20);
    }
    throw new AssertionError("no job " + name + "; jobs: " + jobs());
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void theStandbyTakesOverTheDeadLeadersInFlightRunFromTheStateDatabase(StateBackend backend)
      throws Exception {
    StateDatabase db = backend.open(dir);
    KubernetesLeaderElection a = candidate("launcher-a");
    KubernetesLeaderElection b = candidate("launcher-b");
    try (b) {
      // A leads and starts the run: its study is a Job in the cluster, the run TUNING in the db
      assertThat(a.awaitLeadership(Duration.ofSeconds(10))).isTrue();
      Launcher launcherA = launcher(new JdbcRunStore(db));
      launcherA.start();
      assertThat(launcherA.accept(request(KEY))).isTrue();
      Fixtures.awaitRun(launcherA, KEY, RetrainRun::submitted, "submitted");
      String tuneUid = job(RunStep.TUNE).getMetadata().getUid();
      assertThat(new JdbcRunStore(db).get(KEY).orElseThrow().state()).isEqualTo(RunState.TUNING);
      assertThat(b.awaitLeadership(Duration.ofMillis(500))).isFalse();
      // B stands by: it answers reads from the state database (its HTTP endpoint is ready too)
      // and refuses to act
      Launcher launcherB = launcher(new JdbcRunStore(db));
      assertThat(launcherB.run(KEY)).get().extracting(RetrainRun::state).isEqualTo(RunState.TUNING);
      assertThat(launcherB.runs()).extracting(RetrainRun::key).containsExactly(KEY);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> launcherB.cancel(KEY, "no"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("stands by");

      // A dies: its threads stop, the Lease is not given up, its Job goes on in the cluster
      a.crash();
      launcherA.close();

      // B waits for the Lease, then resumes the run the database holds and adopts A's Job
      assertThat(b.awaitLeadership(Duration.ofSeconds(20))).isTrue();
      try (launcherB) {
        launcherB.start();
        RetrainRun resumed = Fixtures.awaitRun(launcherB, KEY, RetrainRun::submitted, "resumed");
        assertThat(resumed.state()).isEqualTo(RunState.TUNING);
        assertThat(jobs()).hasSize(1);
        assertThat(job(RunStep.TUNE).getMetadata().getUid()).as("adopted").isEqualTo(tuneUid);
        // the study A started finishes: B carries the run on
        Job tune = job(RunStep.TUNE);
        tune.setStatus(
            new JobStatusBuilder()
                .withSucceeded(6)
                .withConditions(
                    new JobConditionBuilder().withType("Complete").withStatus("True").build())
                .build());
        client.batch().v1().jobs().inNamespace(NS).resource(tune).updateStatus();
        Fixtures.await(launcherB, KEY, RunState.TRAINING_BEST);
        job(RunStep.BEST);
        assertThat(jobs()).hasSize(2);
        assertThat(new JdbcRunStore(db).list()).hasSize(1);
        assertThat(new JdbcRunStore(db).get(KEY).orElseThrow().state())
            .isEqualTo(RunState.TRAINING_BEST);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void twoLaunchersGivenOneRequestMakeOneRunAndOneJob(StateBackend backend) throws Exception {
    StateDatabase db = backend.open(dir);
    try (Launcher one = launcher(new JdbcRunStore(db));
        Launcher two = launcher(new JdbcRunStore(db))) {
      one.start();
      two.start();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Callable<Boolean>> accepts = new ArrayList<>();
        accepts.add(() -> one.accept(request(KEY)));
        accepts.add(() -> two.accept(request(KEY)));
        int created = 0;
        for (Future<Boolean> f : pool.invokeAll(accepts)) {
          created += f.get() ? 1 : 0;
        }
        assertThat(created).as("runs created").isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
      job(RunStep.TUNE);
      Fixtures.sleep(500); // time for a second Job, were there one
      assertThat(jobs()).hasSize(1);
      assertThat(new JdbcRunStore(db).list())
          .singleElement()
          .extracting(RetrainRun::key)
          .isEqualTo(KEY);
    }
  }
}
