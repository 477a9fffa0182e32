package io.driftgate.cli;

import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.WindowProfiles;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.WindowProfileTable;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.report.DriftReportHtml;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.iceberg.catalog.Catalog;
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
      "Each feature also shows the reference vs current distribution of its last windows, from"
          + " the profiles the monitor stored in the lake's window_profiles table (nothing is"
          + " recomputed from the records)."
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
    Map<String, DatasetProfile> profiles = storedProfiles(spec);
    DriftReportHtml.write(
        DriftReportHtml.history(spec.model(), spec.state().describe(), reports, requests, profiles),
        html);
    System.out.printf(
        "drift history of %s: %d reports, %d retrain requests, %d stored profiles; report: %s%n",
        spec.model(),
        reports.size(),
        requests.size(),
        profiles.size(),
        html.toAbsolutePath().normalize());
    return Main.EXIT_OK;
  }

  /**
   * The window and reference profiles the monitor stored in the lake, by profile id; none when the
   * lake has no catalog yet (an embedded lake never written is not created here).
   */
  static Map<String, DatasetProfile> storedProfiles(ModelSpec spec) {
    Map<String, DatasetProfile> out = new LinkedHashMap<>();
    if (!spec.lake().hasConfiguredCatalog()
        && !Files.exists(spec.lake().path().resolve(LakeCatalog.EMBEDDED_DB))) {
      return out;
    }
    Catalog catalog = spec.lake().catalog().open();
    try {
      WindowProfileTable.read(catalog, spec.model())
          .forEach((id, p) -> out.put(id, WindowProfiles.toDataset(p.profile())));
    } finally {
      if (catalog instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          // read-only: nothing to lose
        }
      }
    }
    return out;
  }
}
