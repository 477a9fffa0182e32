package io.driftgate.cli;

import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.report.DriftReportHtml;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes the drift monitor's history (its stored reports and requests) as an HTML page. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write the drift monitor's history as one self-contained HTML page: each feature's drift"
          + " score per window against its threshold, the drifted share per window and the"
          + " retrain requests. Reads the reports and requests the monitor stored in the state"
          + " database (the spec's state.database, by default the lake catalog's database).",
      "The monitor stores scores, not window distributions: for a window's histograms run"
          + " driftgate drift --reference ... --current LAKE@FROM..TO --html FILE."
    })
final class ReportCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;

  @Option(names = "--html", required = true, paramLabel = "FILE", description = "Write it here.")
  Path html;

  @Override
  public Integer call() {
    ModelSpec spec = specOption.load();
    MonitorStore store = MonitorStore.open(spec.state(), spec.model());
    List<DriftReport> reports = store.reports();
    List<RetrainRequest> requests = store.requests();
    DriftReportHtml.write(
        DriftReportHtml.history(spec.model(), spec.state().describe(), reports, requests), html);
    System.out.printf(
        "drift history of %s: %d reports, %d retrain requests; report: %s%n",
        spec.model(), reports.size(), requests.size(), html.toAbsolutePath().normalize());
    return Main.EXIT_OK;
  }
}
