package io.driftgate.launcher;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.tune.Algorithm;
import io.driftgate.core.tune.Objective;
import io.driftgate.core.tune.SearchSpace;
import io.driftgate.trainer.TuneRunner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link TuningStep} over the trainer's {@link TuneRunner}: a grid study (child-JVM trials, or
 * threads of this JVM) on the run's data range, in {@code <studies>/<run key>} (a retried attempt
 * resumes the same study), every trial reading the run's pinned lake snapshot. The best trial's
 * model, published to {@code <study>/best-model}, is the candidate.
 */
public final class TuneRunnerStep implements TuningStep {
  /** The default grid: learning rate x momentum, 2 x 2 (the same as the Kubernetes backend's). */
  public static final Map<String, List<String>> DEFAULT_GRID =
      io.driftgate.core.spec.LauncherConfig.DEFAULT_GRID;

  private final Path specFile;
  private final Path lake;
  private final Path studies;
  private final Map<String, List<String>> grid;
  private final Map<String, String> baseParams;
  private final int parallelism;
  private final String trialHeap;
  private final long seed;
  private final boolean inProcess;

  public TuneRunnerStep(
      Path specFile,
      Path lake,
      Path studies,
      Map<String, List<String>> grid,
      Map<String, String> baseParams,
      int parallelism,
      String trialHeap,
      long seed) {
    this(specFile, lake, studies, grid, baseParams, parallelism, trialHeap, seed, false);
  }

  /**
   * @param inProcess trials run on threads of this JVM ({@link TuneRunner.Builder#optInProcess})
   *     instead of child JVMs
   */
  public TuneRunnerStep(
      Path specFile,
      Path lake,
      Path studies,
      Map<String, List<String>> grid,
      Map<String, String> baseParams,
      int parallelism,
      String trialHeap,
      long seed,
      boolean inProcess) {
    this.specFile = Objects.requireNonNull(specFile, "specFile");
    this.lake = Objects.requireNonNull(lake, "lake");
    this.studies = Objects.requireNonNull(studies, "studies");
    this.grid = grid == null || grid.isEmpty() ? DEFAULT_GRID : new LinkedHashMap<>(grid);
    this.baseParams = baseParams == null ? Map.of() : new LinkedHashMap<>(baseParams);
    this.parallelism = Math.max(1, parallelism);
    this.trialHeap = trialHeap == null ? "512m" : trialHeap;
    this.seed = seed;
    this.inProcess = inProcess;
  }

  /** The study directory of a run. */
  public Path studyDir(RetrainRun run) {
    return studies.resolve(io.driftgate.core.run.IdempotencyKey.storageName(run.key()));
  }

  @Override
  public Result tune(RetrainRun run, int attempt) throws Exception {
    SearchSpace.Builder space = SearchSpace.builder();
    grid.forEach((k, v) -> space.add(k, SearchSpace.choice(v.toArray())));
    Path study = studyDir(run);
    TuneRunner.Result r =
        TuneRunner.builder()
            .setSpec(specFile)
            .setLake(lake)
            .setStudyDir(study)
            .setSpace(space.build())
            .optName(run.model())
            .optAlgorithm(Algorithm.GRID)
            .optObjective(Objective.minimize("val_loss"))
            .optSeed(seed)
            .optParallelism(parallelism)
            .optBaseParams(baseParams)
            .optTrialHeap(trialHeap)
            // Local trials are short JVMs whose heavy work is native (libtorch): C1 only skips
            // C2's compile threads, ~25% less wall time per trial on 2 cores (bench/README).
            .optJvmFlags(List.of("-XX:TieredStopAtLevel=1"))
            .optInProcess(inProcess)
            .optRange(run.request().dataFrom(), run.request().dataTo())
            .optSnapshot(run.request().lakeSnapshotId())
            .optMetadataLocation(run.request().lakeMetadataLocation())
            .build()
            .run();
    if (r.bestModel() == null || r.best().isEmpty()) {
      throw new StepException(
          "no trial of study " + study + " completed (" + r.counts() + ")", false);
    }
    var best = r.best().get();
    Map<String, String> params = new LinkedHashMap<>();
    grid.keySet().forEach(k -> params.put(k, best.params().get(k)));
    return new Result(
        params, best.index(), r.bestModel().toAbsolutePath().toString(), study.toString());
  }
}
