package io.driftgate.launcher;

import java.time.Duration;

/**
 * Which of several launchers of one model runs requests: the leader, while the others wait. A
 * launcher acts (resumes runs, consumes requests) only after {@link #awaitLeadership} returned
 * true, and stops when leadership is lost ({@link #onLost}).
 *
 * <p>{@link DatabaseLeaderElection} holds a lease in the state database (local launchers); a
 * Kubernetes Lease is the other way (a launcher Deployment in a cluster).
 */
public interface LeaderElection extends AutoCloseable {

  /**
   * Waits until this process leads.
   *
   * @return true when it leads; false when {@code timeout} passed first
   */
  boolean awaitLeadership(Duration timeout) throws InterruptedException;

  /** Whether this process leads now (false before, after a loss and after {@link #close()}). */
  boolean isLeader();

  /**
   * Runs {@code action} (once, on an election thread) when this process loses the leadership it
   * held: it must stop acting at once, another may lead already.
   */
  void onLost(Runnable action);

  /** Who leads (or led last), for messages. */
  String describe();

  /** Gives leadership up, so that another may lead at once. */
  @Override
  void close();

  /** No election: this process always leads (a single launcher, e.g. a one-replica Deployment). */
  static LeaderElection alone() {
    return new LeaderElection() {
      private volatile boolean closed;

      @Override
      public boolean awaitLeadership(Duration timeout) {
        return !closed;
      }

      @Override
      public boolean isLeader() {
        return !closed;
      }

      @Override
      public void onLost(Runnable action) {}

      @Override
      public String describe() {
        return "no leader election (a single launcher)";
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }
}
