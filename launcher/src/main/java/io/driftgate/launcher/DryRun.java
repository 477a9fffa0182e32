package io.driftgate.launcher;

import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.RunPolicy;
import io.driftgate.core.run.RunRequest;
import io.driftgate.core.run.RunStep;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.RetrainRequest;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;

/** {@code driftgate launcher --dry-run}: what each backend would create, as text. */
public final class DryRun {
  private DryRun() {}

  /**
   * Prints what the launcher would create for the monitor's retrain requests in the state database:
   * for the local backend one line per run, for kubernetes its two Jobs, for katib its Experiment
   * and best-model Job. Touches neither Kafka nor a cluster.
   *
   * @return the exit code (0)
   */
  public static int print(ModelSpec spec, LauncherConfig config, PrintStream out) {
    MonitorStore monitor = MonitorStore.open(spec.state(), spec.model());
    List<RetrainRequest> requests = monitor.requests();
    if (requests.isEmpty()) {
      out.println(
          "no retrain requests of "
              + spec.model()
              + " in the state database "
              + spec.state().describe());
      return 0;
    }
    JobRenderer renderer = new JobRenderer(config, spec.model());
    RunMachine machine = new RunMachine(RunPolicy.of(config), Clock.systemUTC());
    // The lake only (no Kafka): a request the lake does not cover yet shows a placeholder.
    try (SnapshotResolver lake =
        LakeSnapshotResolver.forSpec(
            spec,
            spec.lake().path(),
            config.backend() != LauncherConfig.Backend.LOCAL && !spec.lake().hasConfiguredCatalog(),
            null)) {
      for (RetrainRequest r : requests) {
        RunRequest what = pinOnce(lake, r, out);
        if (config.backend() == LauncherConfig.Backend.LOCAL) {
          out.printf(
              "would run %s locally: tune on [%s, %s) of lake snapshot %s, then gate%n",
              r.getIdempotencyKey(), r.getDataFrom(), r.getDataTo(), what.lakeSnapshot());
          continue;
        }
        RetrainRun run = machine.request(r.getIdempotencyKey(), spec.model(), what);
        if (config.backend() == LauncherConfig.Backend.KATIB) {
          printKatib(new KatibRenderer(config, spec.model()), run, out);
          continue;
        }
        out.println("# run " + run.key() + ": tuning Job");
        out.println(renderer.yaml(run, RunStep.TUNE, 1));
        out.println("---");
        out.println("# run " + run.key() + ": best model + gate Job");
        out.println(renderer.yaml(run, RunStep.BEST, 1));
      }
    }
    return 0;
  }

  /** Placeholder of a snapshot the launcher would pin later, in dry-run output. */
  public static final String SNAPSHOT_PLACEHOLDER = "<lake-snapshot>";

  /**
   * The request's snapshot, else the one the lake would pin now, else {@link #SNAPSHOT_PLACEHOLDER}
   * (the launcher waits for the lake to cover the range).
   */
  public static RunRequest pinOnce(SnapshotResolver lake, RetrainRequest r, PrintStream out) {
    RunRequest what = RunRequest.from(r);
    if (what.lakeSnapshot() != null) {
      return what;
    }
    SnapshotResolver.Resolution p;
    try {
      p = lake.resolve(r.getIdempotencyKey(), r.getDataFrom(), r.getDataTo());
    } catch (RuntimeException e) {
      p = SnapshotResolver.Resolution.notYet("the lake cannot be read: " + e.getMessage());
    }
    if (p.covered()) {
      out.printf(
          "# run %s: lake snapshot %d (%s)%n", r.getIdempotencyKey(), p.snapshotId(), p.detail());
      return what.withLakeSnapshot(Long.toString(p.snapshotId()), p.metadataLocation());
    }
    out.printf(
        "# run %s: no lake snapshot covers [%s, %s) yet (%s); the launcher waits for one, shown"
            + " as %s%n",
        r.getIdempotencyKey(), r.getDataFrom(), r.getDataTo(), p.detail(), SNAPSHOT_PLACEHOLDER);
    return what.withLakeSnapshot(SNAPSHOT_PLACEHOLDER, null);
  }

  private static void printKatib(KatibRenderer katib, RetrainRun run, PrintStream out) {
    out.println("# run " + run.key() + ": tuning study, a Katib Experiment");
    out.println(katib.yaml(run, 1));
    out.println("---");
    out.println(
        "# run "
            + run.key()
            + ": best model + gate Job; the --param values <best-NAME> are placeholders for"
            + " the Experiment's optimal trial");
    out.println(katib.bestYamlWithPlaceholders(run));
  }
}
