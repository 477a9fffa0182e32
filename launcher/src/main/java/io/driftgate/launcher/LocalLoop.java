package io.driftgate.launcher;

import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.RunPolicy;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.StateSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * An in-process launcher on the {@link LocalBackend}: tuning with {@link TuneRunnerStep}, gating
 * with {@link GateServiceStep}, runs persisted in the state database ({@link JdbcRunStore}), each
 * run pinned to a lake snapshot by a {@link SnapshotResolver} when one is given.
 */
public final class LocalLoop implements AutoCloseable {

  /**
   * How a local loop runs.
   *
   * @param specFile the model spec file (trials and the gate read it)
   * @param lake the lake directory
   * @param state the state database that keeps the runs
   * @param gateReports where the gate's HTML reports go
   * @param studiesDir where tuning studies go
   * @param registry the model registry
   * @param grid searched parameters (null: {@link TuneRunnerStep#DEFAULT_GRID})
   * @param baseParams training parameters of every trial (epochs, hidden, ...)
   * @param parallelism trials at once
   * @param trialHeap -Xmx of each trial JVM
   * @param seed study and gate seed
   * @param bootstrapResamples the gate's paired bootstrap resamples
   * @param explainPoints the gate's SHAP points
   * @param inProcessTrials trials run on threads of this JVM, not child JVMs ({@link
   *     io.driftgate.trainer.TuneRunner.Builder#optInProcess})
   */
  public record Options(
      Path specFile,
      Path lake,
      StateSpec state,
      Path gateReports,
      Path studiesDir,
      JdbcModelRegistry registry,
      Map<String, List<String>> grid,
      Map<String, String> baseParams,
      int parallelism,
      String trialHeap,
      long seed,
      int bootstrapResamples,
      int explainPoints,
      boolean inProcessTrials) {

    /** Trials in child JVMs. */
    public Options(
        Path specFile,
        Path lake,
        StateSpec state,
        Path gateReports,
        Path studiesDir,
        JdbcModelRegistry registry,
        Map<String, List<String>> grid,
        Map<String, String> baseParams,
        int parallelism,
        String trialHeap,
        long seed,
        int bootstrapResamples,
        int explainPoints) {
      this(
          specFile,
          lake,
          state,
          gateReports,
          studiesDir,
          registry,
          grid,
          baseParams,
          parallelism,
          trialHeap,
          seed,
          bootstrapResamples,
          explainPoints,
          false);
    }
  }

  /**
   * How often a run waiting for its lake snapshot checks again: the lake is on this machine, so a
   * check is cheap, and a run starts within a quarter second of the commit that covers it.
   */
  static final java.time.Duration PIN_POLL = java.time.Duration.ofMillis(250);

  private final JdbcRunStore store;
  private final JdbcModelRegistry registry;
  private final GateServiceStep gate;
  private final LocalBackend backend;
  private final Launcher launcher;

  /** A loop whose runs read the lake's current data (no snapshot pinning). */
  public LocalLoop(String model, LauncherConfig config, Options o) {
    this(model, config, o, null);
  }

  /**
   * @param snapshots pins each run to a lake snapshot before its study starts (waiting up to {@link
   *     Launcher.Pinning#DEFAULT_TIMEOUT} for the lake to cover its range); null: no pinning
   */
  public LocalLoop(String model, LauncherConfig config, Options o, SnapshotResolver snapshots) {
    this(model, config, o, snapshots, Clock.systemUTC());
  }

  /** As above, on {@code clock} (the run machine's and the launcher's). */
  public LocalLoop(
      String model, LauncherConfig config, Options o, SnapshotResolver snapshots, Clock clock) {
    this.store = JdbcRunStore.open(o.state());
    this.registry = o.registry();
    TuneRunnerStep tune =
        new TuneRunnerStep(
            o.specFile(),
            o.lake(),
            o.studiesDir(),
            o.grid(),
            o.baseParams(),
            o.parallelism(),
            o.trialHeap(),
            o.seed(),
            o.inProcessTrials());
    this.gate =
        new GateServiceStep(
            o.specFile(),
            o.lake(),
            registry,
            o.gateReports(),
            o.seed(),
            o.bootstrapResamples(),
            o.explainPoints());
    this.backend = new LocalBackend(tune, gate, 2);
    this.launcher =
        Launcher.builder()
            .setModel(model)
            .setStore(store)
            .setMachine(new RunMachine(RunPolicy.of(config), clock))
            .setBackend(backend)
            .optMaxInFlight(1)
            .optClock(clock)
            .optTickInterval(LauncherFactory.LOCAL_POLL)
            .optPinning(
                snapshots == null
                    ? null
                    : new Launcher.Pinning(snapshots, PIN_POLL, Launcher.Pinning.DEFAULT_TIMEOUT))
            .build();
  }

  public Launcher launcher() {
    return launcher;
  }

  public LocalBackend backend() {
    return backend;
  }

  public JdbcRunStore store() {
    return store;
  }

  public JdbcModelRegistry registry() {
    return registry;
  }

  public GateServiceStep gate() {
    return gate;
  }

  @Override
  public void close() {
    launcher.close();
  }
}
