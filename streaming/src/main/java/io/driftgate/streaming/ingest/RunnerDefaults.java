package io.driftgate.streaming.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Engine defaults that the launcher adds unless the caller set them: the FlinkRunner on an embedded
 * local cluster, checkpointing on. The runner is named, not referenced, so pipeline code stays
 * runner-agnostic; pass {@code --runner=DirectRunner} (or another) to change it.
 */
public final class RunnerDefaults {
  private RunnerDefaults() {}

  /**
   * The defaults plus bundles and checkpoints sized to the lake's commit settings: a bundle becomes
   * a set of data files, and the committer commits what each completed checkpoint holds, so both
   * follow {@code lake.commitInterval} / {@code lake.commitMaxRecords}.
   */
  public static String[] withDefaults(io.driftgate.core.spec.LakeSpec lake, String... args) {
    boolean flink =
        Arrays.stream(args).noneMatch(a -> a.startsWith("--runner=") && !a.contains("Flink"));
    if (!flink) {
      return withDefaults(args);
    }
    List<String> out = new ArrayList<>();
    long interval = Math.max(1000, lake.commitInterval().toMillis());
    add(out, args, "checkpointingInterval", String.valueOf(interval));
    add(out, args, "maxBundleTimeMills", String.valueOf(interval));
    add(out, args, "maxBundleSize", String.valueOf(lake.commitMaxRecords()));
    out.addAll(Arrays.asList(args));
    return withDefaults(out.toArray(String[]::new));
  }

  public static String[] withDefaults(String... args) {
    List<String> out = new ArrayList<>();
    add(out, args, "runner", "FlinkRunner");
    boolean flink =
        Arrays.stream(args).noneMatch(a -> a.startsWith("--runner=") && !a.contains("Flink"));
    if (flink) {
      add(out, args, "flinkMaster", "[local]");
      add(out, args, "checkpointingInterval", "10000");
      add(out, args, "parallelism", String.valueOf(parallelism(args)));
      // No fasterCopy: the heap state backend's asynchronous snapshots rely on the serializer's
      // copy of mutable state (the monitor's sketch accumulators); without it a checkpoint
      // serialises an accumulator while it is being updated, fails, and the job fails over.
      // Object reuse: chained operators hand elements on instead of copying each one through
      // its coder (encode + decode per element and hop, a tenth of the job's CPU). Safe for Beam,
      // whose transforms never mutate their input or an output once emitted; state snapshots
      // still copy through the serializer (unlike fasterCopy above).
      add(out, args, "objectReuse", "true");
      // A checkpoint's bundle ends before its barrier, so what it wrote (the writers' batches)
      // reaches the committer ahead of the barrier and commits when that checkpoint completes.
      // Beam's default ends the bundle after the barrier and holds its output in the snapshot:
      // the batches then arrived after the barrier and committed one checkpoint later, so every
      // commit came a whole lake.commitInterval late, and a caught-up run needed two checkpoints.
      add(out, args, "finishBundleBeforeCheckpointing", "true");
      if (isLocal(args)) {
        // Beam's Flink runner folds every step's counters into Flink accumulators after each
        // record the source reads (ReaderInvocationUtil.invokeAdvance): a fifth of the source
        // thread in a JFR profile of the ingest. The embedded cluster has no metrics reporter, and
        // the lake's snapshots give the run's counts exactly; --disableMetrics=false brings the
        // engine counters (read, valid, duplicates skipped) back. Clusters keep them for
        // Flink's Prometheus reporter.
        add(out, args, "disableMetrics", "true");
      }
      // Detached, so the launcher holds a handle that can cancel the job once it caught up.
      add(out, args, "attachedMode", "false");
      if (isLocal(args)
          && !has(args, "flinkConfDir")
          && !has(args, "numberOfExecutionRetries")
          && System.getenv("FLINK_CONF_DIR") == null) {
        add(out, args, "flinkConfDir", LocalFlinkConf.DIR.toString());
      }
      if (isLocal(args) && !has(args, "stateBackend") && !has(args, "stateBackendFactory")) {
        // Checkpoints to a local folder, not the JobManager's memory: the default memory storage
        // refuses a task state over 5 MiB, which the monitor's open windows (a sketch per feature
        // per window) pass on a backlog spanning days of event time; every checkpoint then
        // fails and the job fails over until its restart strategy gives up.
        add(out, args, "stateBackend", "filesystem");
        add(out, args, "stateBackendStoragePath", LocalFlinkConf.CHECKPOINTS.toUri().toString());
      }
    }
    out.addAll(Arrays.asList(args));
    return out.toArray(String[]::new);
  }

  /**
   * Source subtasks when the caller names none: on the embedded cluster half the cores (at least
   * one), elsewhere every core. An embedded job shares its machine with its own helpers (the file
   * closers that Parquet-encode in the background, the Kafka poll threads, the committer, the JIT
   * compiling a fresh job, in the demo the broker too), so one subtask per core oversubscribes it:
   * on 2 cores, 1M records took 17.9–19.8 CPU-s at parallelism 2 and 12.8–13.2 at 1 (the source
   * threads 8.4–9.8 s against 5.5–6.2 s for the same records), and the run was faster ({@code
   * bench/README.md}, stop 27). A cluster's task managers run nothing else.
   */
  static int parallelism(String[] args) {
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    return isLocal(args) ? Math.max(1, cores / 2) : cores;
  }

  /**
   * Whether the job runs on the embedded cluster this process starts: no master named, or {@code
   * [local]}. {@code [auto]} is a cluster's own environment (the FlinkDeployment's application
   * mode), whose configuration decides restarts, state backend and metrics.
   */
  static boolean isLocal(String[] args) {
    return Arrays.stream(args)
        .filter(a -> a.startsWith("--flinkMaster="))
        .allMatch(a -> a.equals("--flinkMaster=[local]"));
  }

  private static boolean has(String[] args, String name) {
    return Arrays.stream(args).anyMatch(a -> a.startsWith("--" + name + "="));
  }

  /**
   * The embedded cluster's restart strategy. Flink's default with checkpointing restarts a failing
   * job forever (every second), so a fault that cannot heal (an output topic that does not take
   * writes, a bug) would leave {@code driftgate ingest} running and doing nothing. With a failure
   * rate, a transient fault is still restarted from the last checkpoint, while a persistent one
   * ends the job FAILED and the command reports why ({@link JobFailure}). A cluster's own
   * configuration decides there (the Helm chart's {@code flinkConfiguration}).
   */
  static final class LocalFlinkConf {
    static final String CONTENT =
        String.join(
            "\n",
            "restart-strategy: failure-rate",
            "restart-strategy.failure-rate.max-failures-per-interval: 3",
            "restart-strategy.failure-rate.failure-rate-interval: 5 min",
            "restart-strategy.failure-rate.delay: 2 s",
            "");
    static final java.nio.file.Path DIR = write();

    /** Checkpoints of embedded jobs (the latest per job is kept; deleted with the process). */
    static final java.nio.file.Path CHECKPOINTS = DIR.resolve("checkpoints");

    private static java.nio.file.Path write() {
      try {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("driftgate-flink-conf-");
        java.nio.file.Path file = dir.resolve("flink-conf.yaml");
        java.nio.file.Files.writeString(file, CONTENT);
        // Removed with the process: the configuration and whatever checkpoints jobs left.
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try (java.util.stream.Stream<java.nio.file.Path> all =
                          java.nio.file.Files.walk(dir)) {
                        all.sorted(java.util.Comparator.reverseOrder())
                            .forEach(f -> f.toFile().delete());
                      } catch (java.io.IOException | RuntimeException e) {
                        // best effort: a temp folder
                      }
                    },
                    "driftgate-flink-conf-cleanup"));
        return dir;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot write the local Flink configuration", e);
      }
    }
  }

  private static void add(List<String> out, String[] args, String name, String value) {
    if (Arrays.stream(args).noneMatch(a -> a.startsWith("--" + name + "="))) {
      out.add("--" + name + "=" + value);
    }
  }
}
