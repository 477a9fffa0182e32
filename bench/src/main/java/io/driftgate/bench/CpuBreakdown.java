package io.driftgate.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a measurement's CPU time went: the process's CPU split by what its threads do (read and
 * write, close files, commit, the embedded broker, Kafka clients, the monitor, the rest), plus the
 * part no Java thread accounts for (the JVM's own threads: JIT compilers, garbage collector), and
 * the JIT's compile time. A ratio says how fast a side was; this says why.
 *
 * <p>Thread CPU comes from {@link ThreadMXBean}: a thread that ends during the measurement takes
 * its CPU time with it, which then counts as JVM-internal; the Beam sides are read while their job
 * still runs, so their task threads are all there.
 */
final class CpuBreakdown {
  /** Thread-name patterns to groups, in order; the first that matches wins. */
  static final Map<String, Pattern> GROUPS = groups();

  static final String OTHER = "other threads";
  static final String JVM = "JVM (JIT, GC)";

  private static Map<String, Pattern> groups() {
    Map<String, Pattern> g = new LinkedHashMap<>();
    g.put(
        "Flink sources (read, validate, write)",
        Pattern.compile("^(Legacy Source Thread|Source: )"));
    g.put("main (a baseline's loop)", Pattern.compile("^main$"));
    g.put("row writing (Parquet encode)", Pattern.compile("^driftgate-lake-write"));
    g.put("file close (Parquet flush)", Pattern.compile("^driftgate-lake-file-close"));
    g.put("committer", Pattern.compile("^WriteToLake/"));
    g.put("monitor", Pattern.compile("^(DetectDrift|ProfileWindows|LabelBatches)"));
    g.put(
        "Kafka clients",
        Pattern.compile("^(kafka-producer-network-thread|KafkaConsumerPoll|kafka-admin-client)"));
    g.put(
        "embedded broker",
        Pattern.compile(
            "^(data-plane-kafka|kafka-\\d|quorum-controller|broker-|controller-|ExpirationReaper"
                + "|group-metadata|TxnMarker|raft-|log-|LogDirFailureHandler|ReplicaFetcher"
                + "|kafka-log-cleaner|kafka-scheduler|transaction-log|share-group)"));
    return g;
  }

  static String groupOf(String threadName) {
    for (Map.Entry<String, Pattern> e : GROUPS.entrySet()) {
      if (e.getValue().matcher(threadName).find()) {
        return e.getKey();
      }
    }
    return OTHER;
  }

  /** CPU nanoseconds per live Java thread id, with names, and the JVM's counters. */
  record Snapshot(
      Map<Long, Long> threadCpu,
      Map<Long, String> names,
      long processCpu,
      long compileMillis,
      long gcMillis) {}

  static Snapshot snapshot() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long t = threads.getThreadCpuTime(ids[i]);
      if (t >= 0 && infos[i] != null) {
        cpu.put(ids[i], t);
        names.put(ids[i], infos[i].getThreadName());
      }
    }
    var compiler = ManagementFactory.getCompilationMXBean();
    long compile =
        compiler != null && compiler.isCompilationTimeMonitoringSupported()
            ? compiler.getTotalCompilationTime()
            : -1;
    long gc =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .mapToLong(b -> Math.max(0, b.getCollectionTime()))
            .sum();
    long process =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    return new Snapshot(cpu, names, process, compile, gc);
  }

  /**
   * CPU seconds of the whole process (every thread, the embedded broker's included) between two.
   */
  static double cpuSeconds(Snapshot before, Snapshot after) {
    return (after.processCpu() - before.processCpu()) / 1e9;
  }

  /** Seconds of CPU per group between two snapshots; {@link #JVM} is what threads do not cover. */
  static Map<String, Double> between(Snapshot before, Snapshot after) {
    Map<String, Double> out = new LinkedHashMap<>();
    GROUPS.keySet().forEach(k -> out.put(k, 0.0));
    out.put(OTHER, 0.0);
    double threads = 0;
    for (Map.Entry<Long, Long> e : after.threadCpu().entrySet()) {
      long used = e.getValue() - before.threadCpu().getOrDefault(e.getKey(), 0L);
      if (used <= 0) {
        continue;
      }
      double s = used / 1e9;
      threads += s;
      out.merge(groupOf(after.names().get(e.getKey())), s, Double::sum);
    }
    out.put(JVM, Math.max(0, cpuSeconds(before, after) - threads));
    return out;
  }

  /** One line: total, then the groups by share, then the JIT's compile and GC pause time. */
  static String describe(Snapshot before, Snapshot after) {
    Map<String, Double> groups = between(before, after);
    double total = cpuSeconds(before, after);
    List<String> parts =
        groups.entrySet().stream()
            .filter(e -> e.getValue() >= 0.05)
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .map(
                e ->
                    String.format(
                        "%s %.1f (%.0f%%)", e.getKey(), e.getValue(), 100 * e.getValue() / total))
            .collect(Collectors.toList());
    String jit =
        after.compileMillis() >= 0
            ? String.format(
                "; JIT compiling %.1f s", (after.compileMillis() - before.compileMillis()) / 1e3)
            : "";
    return String.format(
        "cpu %.1f s: %s%s; GC pauses %.1f s",
        total, String.join(", ", parts), jit, (after.gcMillis() - before.gcMillis()) / 1e3);
  }

  /** The share of {@link #JVM} in the CPU between two snapshots (0..1). */
  static double jvmShare(Snapshot before, Snapshot after) {
    double total = cpuSeconds(before, after);
    return total <= 0 ? Double.NaN : between(before, after).get(JVM) / total;
  }

  private CpuBreakdown() {}
}
