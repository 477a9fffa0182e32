package io.driftgate.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.testing.MutableClock;
import io.driftgate.core.testing.StateBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link DatabaseLease} on every state database backend. */
class DatabaseLeaseTest {
  static final Duration TTL = Duration.ofSeconds(30);

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-06T00:00:00Z"));

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void oneHolderAtATimeAcrossThreads(StateBackend backend) throws Exception {
    StateSpec spec = backend.spec(dir);
    StateDatabase.open(spec);
    int threads = 6;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    Set<String> leaders = ConcurrentHashMap.newKeySet();
    CountDownLatch go = new CountDownLatch(1);
    long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> terms = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String holder = "t" + i;
        terms.add(
            pool.submit(
                () -> {
                  DatabaseLease lease =
                      new DatabaseLease(
                          StateDatabase.open(spec), "launcher/m", holder, TTL, Clock.systemUTC());
                  go.await();
                  int led = 0;
                  while (System.nanoTime() < end) {
                    if (lease.tryAcquire()) {
                      if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                      }
                      leaders.add(holder);
                      led++;
                      assertThat(lease.renew()).isTrue();
                      Thread.sleep(5);
                      inside.decrementAndGet(); // before the release: the next may enter then
                      assertThat(lease.release()).isTrue();
                    }
                    Thread.sleep(1);
                  }
                  return led;
                }));
      }
      go.countDown();
      int total = 0;
      for (Future<Integer> f : terms) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(overlaps.get()).isZero();
      assertThat(total).isGreaterThan(1);
      assertThat(leaders).hasSizeGreaterThan(1);
      DatabaseLease.Holder last =
          new DatabaseLease(StateDatabase.open(spec), "launcher/m", "observer", TTL)
              .current()
              .orElseThrow();
      assertThat(last.expired(Instant.now())).isTrue(); // released
      assertThat(last.transitions()).isLessThan(total);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void anExpiredLeaseIsTakenOverAndItsOldHolderCannotRenew(StateBackend backend) {
    StateDatabase db = backend.open(dir);
    DatabaseLease a = new DatabaseLease(db, "launcher/m", "a", TTL, clock);
    DatabaseLease b = new DatabaseLease(db, "launcher/m", "b", TTL, clock);
    assertThat(a.tryAcquire()).isTrue();
    assertThat(a.tryAcquire()).isTrue(); // its own: renewed
    clock.advance(Duration.ofSeconds(20));
    assertThat(b.tryAcquire()).isFalse();
    assertThat(a.renew()).isTrue(); // now expires at +50s
    clock.advance(Duration.ofSeconds(29));
    assertThat(b.tryAcquire()).isFalse();
    clock.advance(Duration.ofSeconds(1)); // +50s: expired
    assertThat(a.current().orElseThrow().expired(clock.instant())).isTrue();
    assertThat(b.tryAcquire()).isTrue();
    DatabaseLease.Holder h = b.current().orElseThrow();
    assertThat(h.holder()).isEqualTo("b");
    assertThat(h.acquiredAt()).isEqualTo(clock.instant());
    assertThat(h.expiresAt()).isEqualTo(clock.instant().plus(TTL));
    assertThat(h.transitions()).isEqualTo(1);
    // The old holder lost it: no renewal, no acquisition, no release of b's lease.
    assertThat(a.renew()).isFalse();
    assertThat(a.tryAcquire()).isFalse();
    assertThat(a.release()).isFalse();
    assertThat(b.current().orElseThrow().holder()).isEqualTo("b");
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void renewByANonHolderIsRefusedAndAReleaseHandsOverAtOnce(StateBackend backend) {
    StateDatabase db = backend.open(dir);
    DatabaseLease a = new DatabaseLease(db, "launcher/m", "a", TTL, clock);
    DatabaseLease b = new DatabaseLease(db, "launcher/m", "b", TTL, clock);
    DatabaseLease other = new DatabaseLease(db, "launcher/other", "b", TTL, clock);
    assertThat(b.renew()).isFalse(); // nobody holds it: nothing to renew
    assertThat(a.tryAcquire()).isTrue();
    assertThat(b.renew()).isFalse();
    assertThat(b.current().orElseThrow().holder()).isEqualTo("a");
    assertThat(other.tryAcquire()).isTrue(); // another name is another lease
    assertThat(a.release()).isTrue();
    assertThat(a.renew()).isFalse();
    assertThat(b.tryAcquire()).isTrue(); // no waiting for the TTL
    assertThat(b.current().orElseThrow().transitions()).isEqualTo(1);
    // Its own expired lease a holder takes again without a transition.
    clock.advance(TTL);
    assertThat(b.renew()).isFalse();
    assertThat(b.tryAcquire()).isTrue();
    assertThat(b.current().orElseThrow().transitions()).isEqualTo(1);
  }
}
