package io.driftgate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuBreakdownTest {
  /** Keeps a core busy for 0.3 s. */
  static void spin() {
    long end = System.nanoTime() + 300_000_000L;
    double x = 0;
    while (System.nanoTime() < end) {
      x += Math.sqrt(x + 1);
    }
    if (x < 0) {
      throw new AssertionError("unreachable: keeps the loop from being optimised away");
    }
  }

  @Test
  void threadsGoToTheGroupTheirNameSays() {
    assertEquals(
        "Flink sources (read, validate, write)",
        CpuBreakdown.groupOf(
            "Legacy Source Thread - Source: ReadKafka/KafkaIO/KafkaIO.Read (1/2)#0"));
    assertTrue(CpuBreakdown.groupOf("driftgate-lake-file-close").startsWith("file close"));
    assertEquals("row writing (Parquet encode)", CpuBreakdown.groupOf("driftgate-lake-write"));
    assertEquals(
        "committer", CpuBreakdown.groupOf("WriteToLake/GroupBatches -> ToGBKResult (1/1)#0"));
    assertEquals("embedded broker", CpuBreakdown.groupOf("data-plane-kafka-request-handler-3"));
    assertEquals(
        "Kafka clients", CpuBreakdown.groupOf("kafka-producer-network-thread | producer-4"));
    assertEquals("monitor", CpuBreakdown.groupOf("DetectDrift/Monitor -> (PublishDriftReports)"));
    assertEquals(CpuBreakdown.OTHER, CpuBreakdown.groupOf("flink-akka.actor.default-dispatcher-5"));
  }

  @Test
  void aBusyThreadsCpuIsCountedInItsGroupAndTheRestIsTheJvms() throws Exception {
    CpuBreakdown.Snapshot before = CpuBreakdown.snapshot();
    Thread busy = new Thread(CpuBreakdownTest::spin, "driftgate-lake-file-close");
    busy.start();
    busy.join();
    // Read while the thread is gone: its CPU leaves with it and counts as the JVM's.
    CpuBreakdown.Snapshot afterGone = CpuBreakdown.snapshot();
    Map<String, Double> gone = CpuBreakdown.between(before, afterGone);
    assertTrue(gone.get(CpuBreakdown.JVM) > 0.1, gone.toString());

    CpuBreakdown.Snapshot start = CpuBreakdown.snapshot();
    Object lock = new Object();
    boolean[] done = new boolean[1];
    Thread spinning =
        new Thread(
            () -> {
              spin();
              synchronized (lock) {
                done[0] = true;
                lock.notifyAll();
                while (done[0]) {
                  try {
                    lock.wait();
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }
            },
            "driftgate-lake-file-close");
    spinning.start();
    synchronized (lock) {
      while (!done[0]) {
        lock.wait();
      }
    }
    CpuBreakdown.Snapshot end = CpuBreakdown.snapshot();
    synchronized (lock) {
      done[0] = false;
      lock.notifyAll();
    }
    spinning.join();
    Map<String, Double> live = CpuBreakdown.between(start, end);
    double closing = live.get("file close (Parquet flush)");
    assertTrue(closing > 0.1 && closing < 1.0, live.toString());
    assertTrue(live.values().stream().allMatch(v -> v >= 0), live.toString());
    String line = CpuBreakdown.describe(start, end);
    assertTrue(line.startsWith("cpu ") && line.contains("file close"), line);
  }
}
