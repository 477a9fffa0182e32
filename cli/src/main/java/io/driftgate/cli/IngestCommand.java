package io.driftgate.cli;

import io.driftgate.streaming.ingest.IngestPipeline;
import io.driftgate.streaming.ingest.IngestResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs the ingestion pipeline (Beam on the FlinkRunner by default). */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Run the ingestion pipeline: Kafka -> decode -> validate -> preprocess -> lake.",
      "Runs on an embedded local Flink cluster by default; pass Beam/Flink options after '--',"
          + " e.g. -- --flinkMaster=host:8081 --parallelism=8."
    })
final class IngestCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin SpecOption specOption;

  @Option(
      names = "--until-caught-up",
      description = "Ingest what the topic holds now, commit it and exit.")
  boolean untilCaughtUp;

  @Option(names = "--no-dead-letter-topic", description = "Keep dead letters in the lake only.")
  boolean noDeadLetterTopic;

  @Option(names = "--no-monitor", description = "Do not run the drift monitor in the pipeline.")
  boolean noMonitor;

  @Option(names = "--json", description = "Print the result as one JSON document.")
  boolean json;

  @Parameters(description = "Extra Beam/Flink pipeline options, after '--'.")
  List<String> pipelineArgs = new ArrayList<>();

  @Override
  public Integer call() {
    List<String> args = new ArrayList<>();
    args.add("--spec=" + specOption.spec);
    if (specOption.bootstrapServers != null) {
      args.add("--bootstrapServers=" + specOption.bootstrapServers);
    }
    if (specOption.lake != null) {
      args.add("--lakePath=" + specOption.lake);
    }
    args.add("--untilCaughtUp=" + untilCaughtUp);
    args.add("--publishDeadLetters=" + !noDeadLetterTopic);
    args.add("--monitor=" + !noMonitor);
    args.addAll(pipelineArgs);
    io.driftgate.core.spec.ModelSpec spec = specOption.load(); // fail fast with its errors
    IngestResult result;
    long before = lakeRows(spec);
    try (Progress progress = Progress.start("ingest", "lake rows", 0);
        Progress.Poll poll =
            progress.poll(() -> lakeRows(spec) - before, java.time.Duration.ofSeconds(2))) {
      result = IngestPipeline.run(args.toArray(String[]::new));
    }
    if (json) {
      CliJson.print(CliJson.ingest(result));
    } else {
      System.out.println(result.summary());
    }
    return 0;
  }

  /** Rows the lake has committed (what ingestion's progress counts); 0 before the first commit. */
  private long lakeRows(io.driftgate.core.spec.ModelSpec spec) {
    if (specOption.lake != null
        && !java.nio.file.Files.exists(
            specOption.lake.resolve(io.driftgate.core.lake.LakeCatalog.EMBEDDED_DB))) {
      return 0; // never create the catalog the pipeline is about to create
    }
    try (io.driftgate.core.lake.Lake lake =
        specOption.lake != null
            ? io.driftgate.core.lake.Lake.open(specOption.lake)
            : LakeCommand.open(spec)) {
      return lake.isEmpty() ? 0 : lake.rows();
    } catch (RuntimeException unreadable) {
      return 0; // progress is a view: a lake it cannot read yet counts as empty
    }
  }
}
