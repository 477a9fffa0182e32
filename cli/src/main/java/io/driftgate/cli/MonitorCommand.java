package io.driftgate.cli;

import io.driftgate.core.monitor.MonitorState;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The streaming drift monitor. It runs inside the ingestion pipeline (one pass over the stream):
 * {@code driftgate monitor} starts that pipeline; {@code --status} prints what it has decided.
 */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = {
      "Run the streaming drift monitor (inside the ingestion pipeline), or with --status print"
          + " its drift reports and retrain requests from the lake."
    })
final class MonitorCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;

  @Option(
      names = "--status",
      description = "Print the monitor's state, reports and requests, then exit.")
  boolean status;

  @Option(names = "--until-caught-up", description = "Process what the topic holds now, then stop.")
  boolean untilCaughtUp;

  @Option(
      names = "--last",
      description = "With --status: how many recent reports to show. Default: ${DEFAULT-VALUE}.",
      defaultValue = "20")
  int last;

  @Override
  public Integer call() {
    if (!status) {
      IngestCommand ingest = new IngestCommand();
      ingest.specOption = specOption;
      ingest.untilCaughtUp = untilCaughtUp;
      return ingest.call();
    }
    Path lake = specOption.lake != null ? specOption.lake : specOption.load().lake().path();
    MonitorStore store = new MonitorStore(lake);
    MonitorState state = store.load();
    System.out.printf(
        "monitor at %s: %d windows processed, reference %s%n",
        lake,
        state.windows(),
        state.referenceComplete() ? state.referenceId() : "still accumulating");
    var reports = store.reports();
    for (DriftReport r : reports.subList(Math.max(0, reports.size() - last), reports.size())) {
      System.out.printf(
          "  %s  rows %5d  drifted %3.0f%%  %s%n",
          r.getWindowStart(),
          r.getRowCount(),
          r.getDriftedShare() * 100,
          r.getFeatures().stream().filter(f -> f.getDrifted()).map(f -> f.getName()).toList());
    }
    for (RetrainRequest q : store.requests()) {
      System.out.printf(
          "retrain request %s: %s, trigger %s, evidence %s%n",
          q.getIdempotencyKey(), q.getReasons(), q.getTriggerWindowEnd(), q.getEvidenceReportIds());
    }
    return 0;
  }
}
