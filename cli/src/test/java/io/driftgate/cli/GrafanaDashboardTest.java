package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.launcher.LauncherMetrics;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.streaming.commit.CommitLatency;
import io.driftgate.streaming.ingest.IngestMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana/driftgate.json queries only metrics the code defines: the launcher's meters
 * ({@link LauncherMetrics}, as Micrometer's Prometheus registry names them) and the ingest's Beam
 * counters ({@link IngestMetrics}, as Flink's Prometheus reporter names operator metrics), plus the
 * few Flink metrics listed here; and every one of ours is on it.
 */
class GrafanaDashboardTest {
  static final Path DASHBOARD =
      Path.of(System.getProperty("basedir", "."))
          .toAbsolutePath()
          .getParent()
          .resolve("deploy/grafana/driftgate.json");

  /** How Flink's Prometheus reporter names a Beam counter of an operator. */
  static final String FLINK_OPERATOR = "flink_taskmanager_job_task_operator_";

  /** Flink's own metrics the dashboard reads (not defined by driftgate). */
  static final Set<String> FLINK_METRICS =
      Set.of(
          "flink_jobmanager_job_lastCheckpointDuration",
          "flink_taskmanager_job_task_operator_currentOutputWatermark");

  static String beam(String name) {
    return FLINK_OPERATOR
        + (IngestMetrics.NAMESPACE + "." + name).replaceAll("[^a-zA-Z0-9_:]", "_");
  }

  static String prometheus(String micrometerName) {
    return micrometerName.replace('.', '_');
  }

  /** The Prometheus series of every driftgate meter and counter. */
  static Set<String> defined() {
    Set<String> names = new LinkedHashSet<>();
    for (String n : LauncherMetrics.NAMES) {
      String p = prometheus(n);
      if (n.equals(LauncherMetrics.RUNS)) {
        names.add(p); // a gauge
      } else if (n.equals(LauncherMetrics.STEP_DURATION)) {
        names.addAll(List.of(p + "_seconds_count", p + "_seconds_sum", p + "_seconds_max"));
      } else {
        names.add(p + "_total"); // a counter
      }
    }
    for (String n :
        List.of(
            IngestMetrics.READ,
            IngestMetrics.VALID,
            IngestMetrics.WRITTEN,
            IngestMetrics.DEAD_LETTERS_WRITTEN,
            IngestMetrics.DUPLICATES_SKIPPED,
            IngestMetrics.COMMITS,
            CommitLatency.LAST)) {
      names.add(beam(n));
    }
    for (ErrorKind k : ErrorKind.values()) {
      names.add(beam(IngestMetrics.deadLetter(k)));
    }
    return names;
  }

  static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
  static final Pattern NAME_REGEX =
      Pattern.compile("__name__=~\"([a-zA-Z0-9_]+)\\(([a-z0-9_|]+)\\)\"");
  static final Pattern NAME = Pattern.compile("\\b(?:driftgate|flink)_[a-zA-Z0-9_:]*");

  /** Every metric name the dashboard's queries read. */
  static Set<String> queried() throws Exception {
    JsonNode d = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : d.get("panels")) {
      for (JsonNode t : panel.path("targets")) {
        exprs.add(t.get("expr").asText());
      }
    }
    assertThat(exprs).isNotEmpty();
    Set<String> names = new LinkedHashSet<>();
    for (String e : exprs) {
      // {__name__=~"prefix(a|b)"}: the names prefix+a, prefix+b
      Matcher r = NAME_REGEX.matcher(e);
      while (r.find()) {
        for (String alt : r.group(2).split("\\|")) {
          names.add(r.group(1) + alt);
        }
      }
      // Quoted strings are label values and regexes, not names.
      Matcher m = NAME.matcher(QUOTED.matcher(e).replaceAll("\"\""));
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  @Test
  void theDashboardQueriesOnlyDefinedMetrics() throws Exception {
    Set<String> known = new LinkedHashSet<>(defined());
    known.addAll(FLINK_METRICS);
    assertThat(queried()).isNotEmpty().isSubsetOf(known);
  }

  @Test
  void everyMeterOfTheLauncherAndEveryIngestCounterIsOnTheDashboard() throws Exception {
    Set<String> queried = queried();
    for (String n : LauncherMetrics.NAMES) {
      assertThat(queried).as(n).anyMatch(q -> q.startsWith(prometheus(n)));
    }
    for (ErrorKind k : ErrorKind.values()) {
      assertThat(queried).contains(beam(IngestMetrics.deadLetter(k)));
    }
    assertThat(queried)
        .contains(
            beam(IngestMetrics.READ),
            beam(IngestMetrics.VALID),
            beam(IngestMetrics.WRITTEN),
            beam(IngestMetrics.COMMITS),
            // the lake committer's last commit (a gauge: the distribution is not exported)
            beam(CommitLatency.LAST));
  }
}
