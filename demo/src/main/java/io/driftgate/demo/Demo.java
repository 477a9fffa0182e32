package io.driftgate.demo;

import io.driftgate.cli.LakeCommand;
import io.driftgate.cli.Progress;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.Transition;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.ScoringSpec;
import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.spec.VolumeSpec;
import io.driftgate.launcher.LocalLoop;
import io.driftgate.launcher.RequestConsumer;
import io.driftgate.launcher.TuneRunnerStep;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.ingest.IngestOptions;
import io.driftgate.streaming.ingest.IngestPipeline;
import io.driftgate.streaming.ingest.IngestResult;
import io.driftgate.streaming.ingest.RunnerDefaults;
import io.driftgate.streaming.ingest.StopCondition;
import io.driftgate.testkit.generate.GeneratorConfig;
import io.driftgate.testkit.kafka.EmbeddedKafka;
import io.driftgate.testkit.kafka.ProduceResult;
import io.driftgate.testkit.kafka.ProgressListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The whole embedded loop: broker -> producer (with an injected drift) -> ingestion (Beam on a
 * local Flink cluster) -> lake, drift reports and retrain requests -> launcher (tune, train best,
 * gate, promote), with an accounting check at the end. The launcher runs alongside ingestion: it
 * consumes a retrain request as soon as the monitor emits it and pins the run to the newest lake
 * snapshot that covers the request's range, while ingestion keeps appending.
 */
public final class Demo {

  /** What the demo did; {@link #balanced()} is the "nothing is lost" check. */
  public record Result(
      ProduceResult produced,
      IngestResult ingest,
      long lakeRows,
      long deadLetters,
      Map<String, Long> deadLettersByKind,
      int dataFiles,
      long duplicateOffsets,
      long wallMillis,
      List<DriftReport> reports,
      List<RetrainRequest> requests,
      List<RetrainRun> runs,
      List<Event> timeline,
      StateSpec registry,
      Path gateReport,
      Long onsetToPromotionMillis,
      List<GateTest> gateTests) {
    public boolean balanced() {
      return lakeRows + deadLetters == produced.total() && duplicateOffsets == 0;
    }

    /**
     * The kinds whose dead letters differ from what the producer wrote invalid as that kind (dead
     * letters minus produced); empty when every kind matches.
     */
    public Map<String, Long> deadLetterKindsNotAsProduced() {
      Map<String, Long> diff = new TreeMap<>(deadLettersByKind);
      produced.malformedByKind().forEach((k, n) -> diff.merge(k.name(), -n, Long::sum));
      diff.values().removeIf(v -> v == 0);
      return diff;
    }

    /** Whether every retrain request ended in a finished run (always true with --no-train). */
    public boolean loopClosed() {
      return runs.stream().allMatch(r -> r.state().terminal());
    }
  }

  /**
   * The gate's champion/challenger test of one run: a paired bootstrap on per-example log-loss of
   * the two models on the same newest rows ({@code effect} = mean improvement, its CI and p), or
   * none when there was no champion.
   */
  public record GateTest(
      String runKey,
      String championBefore,
      String challenger,
      boolean promoted,
      String status,
      Double effect,
      Double ciLow,
      Double ciHigh,
      Double pValue,
      Double rows,
      String detail,
      Map<String, Double> challengerMetrics,
      int validationRows) {
    static GateTest of(String runKey, io.driftgate.gate.GateService.Decision d) {
      var check = d.outcome().report().check(io.driftgate.core.gate.Gate.CHAMPION_CHALLENGER);
      Map<String, Double> n = check.map(c -> c.numbers()).orElse(Map.of());
      return new GateTest(
          runKey,
          d.championBefore(),
          d.version().versionId(),
          d.promoted(),
          check.map(c -> c.status().toString()).orElse("none"),
          n.get("meanDiff"),
          n.get("ciLow"),
          n.get("ciHigh"),
          n.get("pValue"),
          n.get("n"),
          check.map(c -> c.detail()).orElse("no champion/challenger check"),
          new TreeMap<>(d.outcome().challengerMetrics()),
          d.outcome().validationRows());
    }

    /** Whether a champion was there to test against. */
    public boolean againstChampion() {
      return championBefore != null && effect != null;
    }
  }

  /** One timeline line: a wall-clock instant and what happened. */
  public record Event(Instant at, String what) {}

  /**
   * The training half of the demo: an in-process launcher (local backend), started before
   * ingestion, consumes the retrain request from Kafka, pins its lake snapshot, tunes, gates and
   * promotes.
   *
   * @param specFile the spec file the trials and the gate read (the lake path is passed apart)
   * @param grid searched parameters
   * @param baseParams every trial's training parameters (few epochs, small hidden layer)
   * @param parallelism trials at once
   * @param trialHeap -Xmx of each trial JVM
   * @param seed study and gate seed
   * @param bootstrapResamples gate bootstrap resamples
   * @param explainPoints gate SHAP points
   * @param timeout longest the runs may take
   * @param inProcessTrials trials run on threads of the demo's JVM, which has DJL and the lake's
   *     classes loaded and warm, instead of a child JVM each ({@code trialHeap} then does not
   *     apply)
   */
  public record Training(
      Path specFile,
      Map<String, List<String>> grid,
      Map<String, String> baseParams,
      int parallelism,
      String trialHeap,
      long seed,
      int bootstrapResamples,
      int explainPoints,
      Duration timeout,
      boolean inProcessTrials) {

    /** Trials in child JVMs. */
    public Training(
        Path specFile,
        Map<String, List<String>> grid,
        Map<String, String> baseParams,
        int parallelism,
        String trialHeap,
        long seed,
        int bootstrapResamples,
        int explainPoints,
        Duration timeout) {
      this(
          specFile,
          grid,
          baseParams,
          parallelism,
          trialHeap,
          seed,
          bootstrapResamples,
          explainPoints,
          timeout,
          false);
    }

    /**
     * Small and fast: lr x momentum 2x2, 3 epochs, one hidden layer of 16, 2 trials at once, on
     * threads of the demo's JVM: a trial JVM spent ~10 s starting, loading libtorch and reading the
     * lake with cold classes for well under a second of epochs.
     */
    public static Training fast(Path specFile, long seed) {
      return new Training(
          specFile,
          TuneRunnerStep.DEFAULT_GRID,
          Map.of("epochs", "3", "hidden", "16", "patience", "2", "seed", Long.toString(seed)),
          2,
          "384m",
          seed,
          500,
          100,
          Duration.ofMinutes(20),
          true);
    }
  }

  /**
   * The demo's initial champion: the stream is produced in two parts. Part one, records {@code [0,
   * championAt)}, is ingested with {@code volume.minNewRecords = volumeRecords}, so the monitor's
   * volume trigger requests the first model through the launcher's normal path; the demo waits
   * until that run is promoted, tells the monitor's policy that the run finished (the
   * orchestrator's job; the stopped job's state is in the monitor store) and restarts the job on
   * part two with the spec's own volume settings: the champion scores every record of part two, and
   * the drift, which starts in part two, meets it.
   *
   * @param championAt first record of part two (a multiple of the drift window in records keeps the
   *     windows of the two parts apart)
   * @param volumeRecords valid records after the reference that trigger the first model
   */
  public record Bootstrap(long championAt, long volumeRecords) {
    public Bootstrap {
      if (championAt <= 0 || volumeRecords <= 0) {
        throw new IllegalArgumentException(
            "championAt and volumeRecords must be > 0: " + championAt + ", " + volumeRecords);
      }
    }
  }

  /** How often the demo's scoring stage asks the registry for the champion. */
  static final Duration SCORING_POLL = Duration.ofSeconds(2);

  private Demo() {}

  public static Result run(
      ModelSpec exampleSpec,
      GeneratorConfig generator,
      int partitions,
      Path workDir,
      PrintStream out,
      boolean progress,
      String... pipelineArgs)
      throws Exception {
    return run(
        exampleSpec, null, null, generator, partitions, workDir, out, progress, pipelineArgs);
  }

  /**
   * {@link #run(ModelSpec, Training, Bootstrap, GeneratorConfig, int, Path, PrintStream, boolean,
   * String...)} without an initial champion.
   */
  public static Result run(
      ModelSpec exampleSpec,
      Training training,
      GeneratorConfig generator,
      int partitions,
      Path workDir,
      PrintStream out,
      boolean progress,
      String... pipelineArgs)
      throws Exception {
    return run(
        exampleSpec, training, null, generator, partitions, workDir, out, progress, pipelineArgs);
  }

  /** One ingestion of part of the stream. */
  private record Phase(
      ProduceResult produced,
      IngestResult ingest,
      Instant onsetSent,
      Instant beforeOnset,
      Instant producerDone) {}

  /**
   * The demo; with {@code training} non-null the loop runs on to a promoted (or rejected) model: an
   * in-process launcher starts before ingestion and runs alongside it ({@link LiveLauncher}); with
   * {@code bootstrap} non-null too, a first model is trained and promoted before the stream drifts
   * ({@link Bootstrap}).
   */
  public static Result run(
      ModelSpec exampleSpec,
      Training training,
      Bootstrap bootstrap,
      GeneratorConfig generator,
      int partitions,
      Path workDir,
      PrintStream out,
      boolean progress,
      String... pipelineArgs)
      throws Exception {
    return run(
        exampleSpec,
        training,
        bootstrap,
        DemoStream.of(generator),
        partitions,
        workDir,
        out,
        progress,
        pipelineArgs);
  }

  /**
   * {@link #run(ModelSpec, Training, Bootstrap, GeneratorConfig, int, Path, PrintStream, boolean,
   * String...)} on any stream, e.g. an example corpus ({@code --example digits|text}).
   */
  public static Result run(
      ModelSpec exampleSpec,
      Training training,
      Bootstrap bootstrap,
      DemoStream generator,
      int partitions,
      Path workDir,
      PrintStream out,
      boolean progress,
      String... pipelineArgs)
      throws Exception {
    if (bootstrap != null
        && (training == null
            || bootstrap.championAt() >= generator.firstIndex() + generator.count())) {
      throw new IllegalArgumentException(
          "an initial champion needs training and championAt inside the stream: " + bootstrap);
    }
    List<Event> timeline = new ArrayList<>();
    long started = System.nanoTime();
    deleteRecursively(workDir);
    Files.createDirectories(workDir);
    Path lake = workDir.resolve("lake");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      out.printf(
          "[%5.1fs] Kafka (KRaft) broker up at %s%n", secs(started), kafka.bootstrapServers());
      timeline.add(new Event(Instant.now(), "Kafka broker up"));
      ModelSpec spec =
          exampleSpec.withBootstrapServers(kafka.bootstrapServers()).withLakePath(lake);
      if (bootstrap != null) {
        // The champion scores the stream: its labelled errors feed the performance monitor.
        spec =
            spec.withScoring(
                (spec.scoring().enabled() ? spec.scoring() : ScoringSpec.defaults())
                    .withPollInterval(SCORING_POLL));
      }
      String requestsTopic = spec.drift().requestsTopicOr(spec.model());
      kafka.createTopicsFor(spec, partitions);
      // The launcher first, so that it consumes the retrain request as soon as it is emitted.
      try (LiveLauncher live =
          training == null ? null : LiveLauncher.start(spec, training, workDir, requestsTopic)) {
        if (live != null) {
          out.printf(
              "[%5.1fs] launcher (local backend) consuming retrain requests from '%s' while"
                  + " ingesting; each run waits for a lake snapshot that covers its range; study"
                  + " %s, parallelism %d, trials %s, params %s%n",
              secs(started),
              requestsTopic,
              training.grid(),
              training.parallelism(),
              training.inProcessTrials() ? "on threads of this JVM" : "in child JVMs",
              new TreeMap<>(training.baseParams()));
          timeline.add(new Event(Instant.now(), "launcher started (consuming retrain requests)"));
        }
        List<Phase> phases = new ArrayList<>();
        if (bootstrap != null) {
          VolumeSpec v = spec.volume();
          ModelSpec first =
              spec.withVolume(
                  new VolumeSpec(
                      bootstrap.volumeRecords(), v.cooldown(), v.maxInFlight(), v.maxAge()));
          out.printf(
              "[%5.1fs] part 1: records [%,d, %,d) with volume.minNewRecords=%,d, so that the"
                  + " volume trigger requests the initial champion%n",
              secs(started),
              generator.firstIndex(),
              bootstrap.championAt(),
              bootstrap.volumeRecords());
          phases.add(
              ingest(
                  first,
                  generator.slice(
                      generator.firstIndex(), bootstrap.championAt() - generator.firstIndex()),
                  kafka,
                  partitions,
                  lake,
                  out,
                  progress,
                  started,
                  timeline,
                  pipelineArgs));
          awaitChampion(spec, live, training, out, started, timeline);
          out.printf(
              "[%5.1fs] part 2: records [%,d, %,d), scored by the champion (scoring.pollInterval"
                  + " %s), with the spec's volume settings; the job restarts from its committed"
                  + " offsets and the monitor resumes from its store%n",
              secs(started),
              bootstrap.championAt(),
              generator.firstIndex() + generator.count(),
              SCORING_POLL);
          timeline.add(new Event(Instant.now(), "job restarted on part 2 (champion scores)"));
          phases.add(
              ingest(
                  spec,
                  generator.slice(
                      bootstrap.championAt(),
                      generator.firstIndex() + generator.count() - bootstrap.championAt()),
                  kafka,
                  partitions,
                  lake,
                  out,
                  progress,
                  started,
                  timeline,
                  pipelineArgs));
        } else {
          phases.add(
              ingest(
                  spec,
                  generator,
                  kafka,
                  partitions,
                  lake,
                  out,
                  progress,
                  started,
                  timeline,
                  pipelineArgs));
        }
        ProduceResult produced = sumProduced(phases);
        IngestResult ingest = sumIngest(phases);
        Instant onsetProduced =
            phases.stream().map(Phase::onsetSent).filter(i -> i != null).findFirst().orElse(null);
        long driftAt = generator.driftAt();
        if (onsetProduced != null) {
          Instant before =
              phases.stream()
                  .filter(ph -> ph.onsetSent() != null)
                  .map(Phase::beforeOnset)
                  .findFirst()
                  .orElse(onsetProduced);
          timeline.add(
              new Event(
                  onsetProduced,
                  String.format(
                      "drift onset: record %,d (event time %s) handed to the producer"
                          + " (between %s and this instant; producer reports once a second)",
                      driftAt, Instant.ofEpochMilli(generator.eventTimeMillis(driftAt)), before)));
        }
        MonitorStore monitor = MonitorStore.open(spec.state(), spec.model());
        List<MonitorStore.Written<DriftReport>> reportLog = monitor.reportLog();
        List<MonitorStore.Written<RetrainRequest>> requestLog = monitor.requestLog();
        List<DriftReport> reports = reportLog.stream().map(MonitorStore.Written::value).toList();
        List<RetrainRequest> requests =
            requestLog.stream().map(MonitorStore.Written::value).toList();
        double share = spec.drift().driftedShare();
        reportLog.stream()
            .filter(rep -> rep.value().getDriftedShare() >= share && !isLate(rep.value()))
            .findFirst()
            .ifPresent(
                rep ->
                    timeline.add(
                        new Event(
                            rep.writtenAt(),
                            String.format(
                                "first drifted report written: window %s, %.0f%% of"
                                    + " features drifted",
                                rep.value().getWindowStart(),
                                rep.value().getDriftedShare() * 100))));
        for (MonitorStore.Written<RetrainRequest> req : requestLog) {
          timeline.add(
              new Event(
                  req.writtenAt(),
                  "retrain request emitted: "
                      + req.value().getIdempotencyKey()
                      + " reasons "
                      + req.value().getReasons()
                      + firedBy(req.value())
                      + " (topic "
                      + requestsTopic
                      + ")"));
        }
        List<RetrainRun> runs = List.of();
        StateSpec registry = null;
        Path gateReport = null;
        List<GateTest> gateTests = new ArrayList<>();
        if (live != null) {
          registry = spec.state();
          // Requests emitted at the very end of ingestion may still be on their way.
          live.awaitConsumed(requests.size(), Duration.ofSeconds(60));
          if (!live.loop().launcher().awaitAllTerminal(training.timeout())) {
            out.printf("runs not finished after %s; giving up%n", training.timeout());
          }
          timeline.addAll(live.events());
          runs = live.loop().launcher().runs();
          for (RetrainRun run : runs) {
            for (Transition t : run.history()) {
              if (t.from() != t.to()
                  || t.to() == RunState.REQUESTED
                  || t.reason().startsWith("lake snapshot")) {
                timeline.add(
                    new Event(
                        t.at(),
                        "run " + run.key() + ": " + t.to() + "  (" + clip(t.reason()) + ")"));
              }
            }
            if (run.state() == RunState.PROMOTED || run.state() == RunState.REJECTED) {
              gateReport = live.loop().gate().reportFile(run.key());
            }
            live.loop()
                .gate()
                .decision(run.key())
                .map(d -> GateTest.of(run.key(), d))
                .ifPresent(gateTests::add);
          }
        }
        timeline.sort(Comparator.comparing(Event::at));
        Long onsetToPromotion = null;
        Instant promotedAt =
            runs.stream()
                .flatMap(r -> r.history().stream())
                .filter(t -> t.to() == RunState.PROMOTED && t.from() != RunState.PROMOTED)
                .map(Transition::at)
                .filter(at -> onsetProduced != null && at.isAfter(onsetProduced))
                .min(Comparator.naturalOrder())
                .orElse(null);
        if (promotedAt != null) {
          onsetToPromotion = Duration.between(onsetProduced, promotedAt).toMillis();
        }
        long lakeRows;
        long deadLetters;
        Map<String, Long> deadLettersByKind;
        long dataFiles;
        long duplicateOffsets;
        try (Lake committed = LakeCommand.open(spec)) {
          lakeRows = committed.rows();
          deadLetters = committed.deadLetters();
          deadLettersByKind = new TreeMap<>(committed.deadLettersByKind());
          dataFiles = committed.dataFiles();
          duplicateOffsets = LakeCommand.duplicateOffsets(committed);
        }
        Result r =
            new Result(
                produced,
                ingest,
                lakeRows,
                deadLetters,
                deadLettersByKind,
                (int) dataFiles,
                duplicateOffsets,
                (System.nanoTime() - started) / 1_000_000,
                reports,
                requests,
                runs,
                timeline,
                registry,
                gateReport,
                onsetToPromotion,
                List.copyOf(gateTests));
        printDrift(r, generator, spec, out);
        if (training != null) {
          printLoop(r, lake, out);
        }
        printSummary(r, lake, out);
        return r;
      }
    }
  }

  /** A report of a late pane (its window was closed before); see DriftMonitor#onWindow. */
  static boolean isLate(DriftReport rep) {
    return rep.getReportId().contains("-late-");
  }

  /** The detector behind a performance_drift request (its evidence id), or "". */
  static String firedBy(RetrainRequest req) {
    List<String> perf =
        req.getEvidenceReportIds().stream().filter(id -> id.startsWith("performance:")).toList();
    return perf.isEmpty() ? "" : " fired by " + String.join(", ", perf);
  }

  /**
   * Waits for part one's volume request to end in a finished run and prints the champion (the
   * monitor frees the run's in-flight slot itself: it asks the run store each window).
   */
  private static void awaitChampion(
      ModelSpec spec,
      LiveLauncher live,
      Training training,
      PrintStream out,
      long started,
      List<Event> timeline)
      throws InterruptedException {
    MonitorStore store = MonitorStore.open(spec.state(), spec.model());
    List<RetrainRequest> requests = store.requests();
    if (requests.isEmpty()) {
      out.printf(
          "[%5.1fs] part 1 ended without a volume request: part 2 starts with no champion%n",
          secs(started));
      return;
    }
    live.awaitConsumed(requests.size(), Duration.ofSeconds(60));
    if (!live.loop().launcher().awaitAllTerminal(training.timeout())) {
      out.printf("[%5.1fs] initial run not finished after %s%n", secs(started), training.timeout());
      return;
    }
    for (RetrainRun run : live.loop().launcher().runs()) {
      out.printf(
          "[%5.1fs] initial run %s: %s, model version %s%n",
          secs(started), run.key(), run.state(), run.results().modelVersion());
      timeline.add(
          new Event(
              Instant.now(),
              "initial champion: run "
                  + run.key()
                  + " "
                  + run.state()
                  + ", version "
                  + run.results().modelVersion()));
    }
  }

  private static Phase ingest(
      ModelSpec spec,
      DemoStream generator,
      EmbeddedKafka kafka,
      int partitions,
      Path lake,
      PrintStream out,
      boolean progress,
      long started,
      List<Event> timeline,
      String[] pipelineArgs)
      throws Exception {
    String topic = spec.source().kafka().topic();
    out.printf(
        "[%5.1fs] producing %,d records (%.1f%% malformed) to '%s' (%d partitions) once the"
            + " job is submitted, while ingesting%n",
        secs(started), generator.count(), generator.malformedFraction() * 100, topic, partitions);
    // The onset's position among this part's records.
    long driftAt = generator.driftAt() < 0 ? -1 : generator.driftAt() - generator.firstIndex();
    AtomicReference<Instant> beforeOnset = new AtomicReference<>(Instant.now());
    AtomicReference<Instant> onsetSent = new AtomicReference<>();
    AtomicReference<Instant> producerDone = new AtomicReference<>();
    ProgressListener onsetWatch =
        (sent, total, elapsed) -> {
          Instant now = Instant.now();
          if (driftAt >= 0 && driftAt < generator.count() && onsetSent.get() == null) {
            if (sent > driftAt) {
              onsetSent.set(now);
            } else {
              beforeOnset.set(now);
            }
          }
        };
    // The producer starts once the job is submitted (the stop condition's first check), as a
    // stream meets a running ingestion in production: the job's start-up (embedded cluster,
    // tasks, the lake's setup) is not inside the drift onset -> promotion time.
    AtomicReference<CompletableFuture<ProduceResult>> producer = new AtomicReference<>();
    Supplier<CompletableFuture<ProduceResult>> producing =
        () -> {
          if (producer.get() == null) {
            timeline.add(new Event(Instant.now(), "producer started (job submitted)"));
            producer.set(
                CompletableFuture.supplyAsync(
                        () -> generator.produce(kafka.bootstrapServers(), topic, onsetWatch))
                    .whenComplete((p, e) -> producerDone.set(Instant.now())));
          }
          return producer.get();
        };
    IngestConfig config = IngestConfig.of(spec);
    // Stop once everything the producer wrote is durably committed.
    StopCondition caughtUp =
        StopCondition.caughtUpWith(
                kafka.bootstrapServers(),
                topic,
                spec.source().kafka().consumerGroup(),
                () -> producing.get().isDone() ? producing.get().join().endOffsets() : null)
            // ... and the drift monitor has closed the last event-time window.
            .and(StopCondition.monitorClosedAllWindows(config, spec.drift().window()));
    String[] args = RunnerDefaults.withDefaults(spec.lake(), pipelineArgs);
    IngestOptions options = PipelineOptionsFactory.fromArgs(args).as(IngestOptions.class);
    out.printf(
        "[%5.1fs] ingestion started: Beam %s on %s, lake commits every %s ms (lake.commitInterval"
            + " %s; after --: --checkpointingInterval and --maxBundleTimeMills)%n",
        secs(started),
        org.apache.beam.sdk.util.ReleaseInfo.getReleaseInfo().getVersion(),
        options.getRunner().getSimpleName(),
        java.util.Arrays.stream(args)
            .filter(a -> a.startsWith("--checkpointingInterval="))
            .map(a -> a.substring(a.indexOf('=') + 1))
            .findFirst()
            .orElse("?"),
        spec.lake().commitInterval());
    long before = committedRows(lake, 0);
    IngestResult ingest;
    try (Progress bar =
            progress ? committedProgress(out, generator.count(), System.console() != null) : null;
        Progress.Poll poll =
            bar == null
                ? null
                : bar.poll(() -> committedRows(lake, before) - before, Duration.ofMillis(500))) {
      ingest = IngestPipeline.run(options, config, caughtUp);
      if (bar != null) {
        bar.stepTo(committedRows(lake, before) - before);
      }
    }
    ProduceResult produced = producing.get().get();
    timeline.add(new Event(Instant.now(), "ingestion stopped (caught up, all windows closed)"));
    timeline.add(
        new Event(
            producerDone.get(), String.format("producer done: %,d records", produced.total())));
    return new Phase(produced, ingest, onsetSent.get(), beforeOnset.get(), producerDone.get());
  }

  /**
   * The ingestion's progress (lake rows + dead letters committed): a redrawn bar on a terminal
   * (stderr), plain lines on {@code out} otherwise, so a pipe or a log never gets {@code \r}.
   */
  static Progress committedProgress(PrintStream out, long total, boolean terminal) {
    return terminal
        ? Progress.start("committed", "records", total)
        : new Progress.Lines(
            out, "  committed", "records", total, Progress.LINE_INTERVAL, System::nanoTime);
  }

  /** Rows and dead letters committed to the lake ({@code fallback} while it cannot be read). */
  private static long committedRows(Path lake, long fallback) {
    try (Lake committed = Lake.open(lake)) {
      return committed.rows() + committed.deadLetters();
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  private static ProduceResult sumProduced(List<Phase> phases) {
    long total = 0;
    long valid = 0;
    long drifted = 0;
    long elapsed = 0;
    Map<io.driftgate.schemas.ErrorKind, Long> kinds =
        new java.util.EnumMap<>(io.driftgate.schemas.ErrorKind.class);
    Map<Integer, Long> ends = Map.of();
    for (Phase ph : phases) {
      ProduceResult p = ph.produced();
      total += p.total();
      valid += p.valid();
      drifted += p.drifted();
      elapsed += p.elapsedMillis();
      p.malformedByKind().forEach((k, n) -> kinds.merge(k, n, Long::sum));
      ends = p.endOffsets();
    }
    return new ProduceResult(total, valid, kinds, drifted, ends, elapsed);
  }

  private static IngestResult sumIngest(List<Phase> phases) {
    IngestResult out = null;
    for (Phase ph : phases) {
      IngestResult i = ph.ingest();
      if (out == null) {
        out = i;
        continue;
      }
      Map<String, Long> kinds = new TreeMap<>(out.deadLettersByKind());
      i.deadLettersByKind().forEach((k, n) -> kinds.merge(k, n, Long::sum));
      out =
          new IngestResult(
              out.model(),
              out.read() + i.read(),
              out.valid() + i.valid(),
              out.rowsWritten() + i.rowsWritten(),
              out.deadLettersWritten() + i.deadLettersWritten(),
              kinds,
              out.duplicatesSkipped() + i.duplicatesSkipped(),
              out.commits() + i.commits(),
              out.wallMillis() + i.wallMillis());
    }
    return out;
  }

  /**
   * The demo's launcher: a {@link LocalLoop} whose runs are pinned to lake snapshots, fed by a
   * thread that polls the requests topic from before ingestion starts until {@link #close()}.
   */
  static final class LiveLauncher implements AutoCloseable {
    private final LocalLoop loop;
    private final Thread poller;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger consumed =
        new java.util.concurrent.atomic.AtomicInteger();
    private final List<Event> events = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private LiveLauncher(LocalLoop loop, String bootstrapServers, String requestsTopic) {
      this.loop = loop;
      this.poller =
          new Thread(
              () -> {
                try (RequestConsumer consumer =
                    new RequestConsumer(
                        bootstrapServers,
                        requestsTopic,
                        loop.launcher(),
                        new io.driftgate.core.run.JdbcRejectedRequests(loop.store().database()))) {
                  while (!stop.get()) {
                    int n = consumer.pollOnce(Duration.ofMillis(100));
                    if (n > 0) {
                      consumed.addAndGet(n);
                      events.add(
                          new Event(Instant.now(), "launcher consumed " + n + " request(s)"));
                    }
                  }
                } catch (RuntimeException e) {
                  failure.set(e);
                }
              },
              "demo-launcher");
      poller.setDaemon(true);
    }

    static LiveLauncher start(
        ModelSpec spec, Training training, Path workDir, String requestsTopic) {
      LocalLoop.Options o =
          new LocalLoop.Options(
              training.specFile(),
              spec.lake().path(),
              spec.state(),
              workDir.resolve("gate-reports"),
              workDir.resolve("studies"),
              JdbcModelRegistry.open(spec),
              training.grid(),
              training.baseParams(),
              training.parallelism(),
              training.trialHeap(),
              training.seed(),
              training.bootstrapResamples(),
              training.explainPoints(),
              training.inProcessTrials());
      LocalLoop loop =
          new LocalLoop(
              spec.model(),
              LauncherConfig.load(training.specFile()),
              o,
              io.driftgate.launcher.LauncherFactory.snapshots(spec, false));
      LiveLauncher live =
          new LiveLauncher(loop, spec.source().kafka().bootstrapServers(), requestsTopic);
      loop.launcher().start();
      live.poller.start();
      return live;
    }

    LocalLoop loop() {
      return loop;
    }

    /** Waits until {@code n} requests were consumed (at most {@code maxWait}). */
    void awaitConsumed(int n, Duration maxWait) throws InterruptedException {
      long end = System.nanoTime() + maxWait.toNanos();
      while (consumed.get() < n && System.nanoTime() < end && failure.get() == null) {
        Thread.sleep(50);
      }
      if (failure.get() != null) {
        throw new IllegalStateException("the launcher's consumer failed", failure.get());
      }
    }

    List<Event> events() {
      synchronized (events) {
        return new ArrayList<>(events);
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      poller.join(10_000);
      loop.close();
    }
  }

  static void printLoop(Result r, Path lake, PrintStream out) {
    out.println();
    out.println("== timeline (wall clock) ==");
    Instant first = r.timeline().isEmpty() ? Instant.now() : r.timeline().get(0).at();
    for (Event e : r.timeline()) {
      out.printf(
          "  %s  +%6.1fs  %s%n",
          e.at(), Duration.between(first, e.at()).toMillis() / 1000.0, e.what());
    }
    if (r.requests().isEmpty()) {
      out.println("no retrain request: nothing to train");
      return;
    }
    for (RetrainRun run : r.runs()) {
      out.printf(
          "run %s: %s  best params %s  model version %s%n  gate: %s%n",
          run.key(),
          run.state(),
          run.results().bestParams(),
          run.results().modelVersion(),
          run.state() == RunState.FAILED ? run.failure() : run.results().gateReason());
    }
    for (GateTest g : r.gateTests()) {
      out.printf(
          "gate of %s: challenger on %,d validation rows: %s%n",
          g.runKey(), g.validationRows(), metricsLine(g.challengerMetrics()));
      if (g.againstChampion()) {
        out.printf(
            "gate of %s: challenger %s vs champion %s on the same %,.0f newest rows:"
                + " log-loss improvement %.4f, 95%% CI [%.4f, %.4f], p = %.4f -> %s (%s)%n",
            g.runKey(),
            g.challenger(),
            g.championBefore(),
            g.rows(),
            g.effect(),
            g.ciLow(),
            g.ciHigh(),
            g.pValue(),
            g.promoted() ? "PROMOTED" : "REJECTED",
            g.status());
      } else {
        out.printf(
            "gate of %s: no champion before (first model): %s -> %s%n",
            g.runKey(), g.detail(), g.promoted() ? "PROMOTED" : "REJECTED");
      }
    }
    if (r.onsetToPromotionMillis() != null) {
      out.printf(
          "drift onset -> promotion: %.1f s wall clock (from the producer handing over the first"
              + " drifted record, +-1 s, to the champion alias moving)%n",
          r.onsetToPromotionMillis() / 1000.0);
    } else {
      out.println("drift onset -> promotion: no promotion");
    }
    if (r.registry() != null) {
      out.println(
          "registry: "
              + r.registry().describe()
              + ", artifacts "
              + r.registry().artifacts()
              + "   (inspect: ./driftgate models list --lake "
              + lake
              + "; ./driftgate ledger --lake "
              + lake
              + ")");
    }
    if (r.gateReport() != null) {
      out.println("gate report: " + r.gateReport().toAbsolutePath().normalize());
    }
  }

  private static String metricsLine(Map<String, Double> metrics) {
    StringBuilder b = new StringBuilder();
    metrics.forEach(
        (k, v) -> b.append(b.length() == 0 ? "" : ", ").append(String.format("%s %.4f", k, v)));
    return b.length() == 0 ? "(no metrics)" : b.toString();
  }

  private static String clip(String s) {
    return s == null ? "" : s.length() > 140 ? s.substring(0, 137) + "..." : s;
  }

  static void printSummary(Result r, Path lake, PrintStream out) {
    out.println();
    out.println("== driftgate demo summary ==");
    out.printf("records in (produced)     %,12d%n", r.produced().total());
    out.printf("lake rows                 %,12d%n", r.lakeRows());
    out.printf("dead letters              %,12d%n", r.deadLetters());
    r.deadLettersByKind().forEach((k, v) -> out.printf("  %-22s  %,12d%n", k, v));
    out.printf("lake data files           %,12d%n", r.dataFiles());
    out.printf("duplicate offsets         %,12d%n", r.duplicateOffsets());
    out.printf(
        "accounting                %12s  (lake rows + dead letters %s records in)%n",
        r.balanced() ? "OK" : "MISMATCH", r.balanced() ? "==" : "!=");
    Map<String, Long> mismatched = r.deadLetterKindsNotAsProduced();
    out.printf(
        "accounting per kind       %12s  (dead letters of each kind %s records produced invalid as"
            + " that kind)%s%n",
        mismatched.isEmpty() ? "OK" : "MISMATCH",
        mismatched.isEmpty() ? "==" : "!=",
        mismatched.isEmpty() ? "" : " dead letters minus produced: " + mismatched);
    out.printf(
        "wall time                 %11.1fs  (ingest %.1fs, %,.0f records/s)%n",
        r.wallMillis() / 1000.0,
        r.ingest().wallMillis() / 1000.0,
        r.produced().total() / Math.max(0.001, r.ingest().wallMillis() / 1000.0));
    out.println("lake: " + lake + "   (inspect: ./driftgate lake --lake " + lake + ")");
  }

  /** The drift timeline: one line per window after the reference, a bar for the drifted share. */
  static void printDrift(Result r, DemoStream gen, ModelSpec spec, PrintStream out) {
    out.println();
    out.printf(
        "== drift monitor: %d windows of %s after the reference (%,d records) ==%n",
        r.reports().stream().filter(rep -> !isLate(rep)).count(),
        spec.drift().window(),
        spec.drift().referenceRecords());
    Long onset = gen.driftAt() < 0 ? null : gen.eventTimeMillis(gen.driftAt());
    boolean onsetShown = false;
    String previous = null;
    int similar = 0;
    // Late panes (a window closed before, e.g. by the job restart between the demo's two parts,
    // that got a few more rows) do not move the policy: left out here, counted below.
    List<DriftReport> reports = r.reports().stream().filter(rep -> !isLate(rep)).toList();
    long late = r.reports().size() - reports.size();
    for (int i = 0; i < reports.size(); i++) {
      DriftReport rep = reports.get(i);
      long start = rep.getWindowStart().toEpochMilli();
      boolean atOnset =
          onset != null && !onsetShown && start + spec.drift().window().toMillis() > onset;
      StringBuilder drifted = new StringBuilder();
      for (var f : rep.getFeatures()) {
        if (f.getDrifted()) {
          drifted.append(drifted.length() == 0 ? "" : ",").append(f.getName());
        }
      }
      String verdict = drifted.toString();
      boolean last = i == reports.size() - 1;
      // Compact: print a window when its verdict changes, near the onset, first and last.
      if (!atOnset && !last && i > 0 && verdict.equals(previous)) {
        similar++;
        continue;
      }
      if (similar > 0) {
        out.printf("  ... %d more windows like the one above%n", similar);
        similar = 0;
      }
      if (atOnset) {
        out.printf(
            "  ---- drift injected at record %,d (%s) ----%n",
            gen.driftAt(), java.time.Instant.ofEpochMilli(onset));
        onsetShown = true;
      }
      int bar = (int) Math.round(rep.getDriftedShare() * 20);
      out.printf(
          "  %s  %5d rows  drifted %3.0f%% %-20s %s%n",
          rep.getWindowStart(),
          rep.getRowCount(),
          rep.getDriftedShare() * 100,
          "#".repeat(bar),
          verdict);
      previous = verdict;
    }
    if (late > 0) {
      out.printf(
          "  (%d late-pane report(s) not shown: windows closed before that got more rows)%n", late);
    }
    if (r.requests().isEmpty()) {
      out.println("retrain requests: none");
    }
    for (RetrainRequest req : r.requests()) {
      out.printf(
          "RETRAIN REQUEST  key=%s%n  reasons=%s  trigger window end=%s%n  evidence=%s%n  train on [%s, %s), %,d valid records since the last run%n",
          req.getIdempotencyKey(),
          req.getReasons(),
          req.getTriggerWindowEnd(),
          req.getEvidenceReportIds(),
          req.getDataFrom(),
          req.getDataTo(),
          req.getValidRecordsSinceLastRun());
      if (onset != null) {
        long delay = req.getTriggerWindowEnd().toEpochMilli() - onset;
        out.printf(
            "  detection delay: %.1f h of event time (%,d records) after the drift onset%n",
            delay / 3.6e6, delay / Math.max(1, gen.eventSpacingMillis()));
      }
    }
  }

  private static double secs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
