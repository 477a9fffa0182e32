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
    specOption.load(); // fail fast with the spec's own error messages
    IngestResult result = IngestPipeline.run(args.toArray(String[]::new));
    System.out.println(result.summary());
    return 0;
  }
}
