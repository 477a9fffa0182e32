package io.driftgate.launcher;

import io.driftgate.core.registry.LedgerEntry;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.Transition;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher's read-only web view ({@code GET /ui}): one self-contained HTML page (inline CSS, no
 * script, no network resource) with the runs, their states and timelines, where their gate reports
 * are, and the champion's history from the registry's ledger. Every value is escaped.
 */
final class LauncherUi {
  private LauncherUi() {}

  /** The gate report a local gate names at the end of its reason ({@code ... | report PATH}). */
  private static final Pattern REPORT = Pattern.compile("\\| report (\\S+)\\s*$");

  /**
   * @param ledger the champion's moves, oldest first; null when the launcher was given no registry
   */
  static String page(String model, List<RetrainRun> runs, List<LedgerEntry> ledger, Instant now) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>driftgate launcher: ")
        .append(esc(model))
        .append("</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}")
        .append("table{border-collapse:collapse;margin:.5em 0 1.5em}")
        .append(
            "td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}")
        .append("th{background:#f3f3f3}.PROMOTED{color:#166534}.REJECTED{color:#9a3412}")
        .append(".FAILED,.CANCELLED{color:#991b1b}ol{margin:0;padding-left:1.2em}")
        .append("code{font-size:12px}")
        .append("</style></head><body>\n");
    h.append("<h1>driftgate launcher: <span id=\"model\">")
        .append(esc(model))
        .append("</span></h1>\n<p>")
        .append(runs.size())
        .append(runs.size() == 1 ? " run" : " runs")
        .append(", as of ")
        .append(esc(format(now)))
        .append(". Read-only; JSON at <code>/runs</code>.</p>\n");

    h.append("<h2>Runs</h2>\n<table id=\"runs\"><tr><th>run</th><th>state</th><th>attempt</th>")
        .append("<th>requested</th><th>data range</th><th>result</th><th>timeline</th></tr>\n");
    for (RetrainRun r : newestFirst(runs)) {
      h.append("<tr class=\"run\"><td><code>")
          .append(esc(r.key()))
          .append("</code></td><td class=\"state ")
          .append(r.state().name())
          .append("\">")
          .append(r.state().name())
          .append("</td><td>")
          .append(r.attempt())
          .append("</td><td>")
          .append(esc(format(r.createdAt())))
          .append("<br>")
          .append(esc(String.join(", ", r.request().reasons())))
          .append("</td><td>")
          .append(esc(format(r.request().dataFrom())))
          .append(" to ")
          .append(esc(format(r.request().dataTo())))
          .append("</td><td>")
          .append(result(r))
          .append("</td><td><ol class=\"timeline\">");
      for (Transition t : r.history()) {
        h.append("<li>")
            .append(esc(format(t.at())))
            .append(" ")
            .append(t.from() == t.to() ? t.to().name() : t.from().name() + " &rarr; " + t.to())
            .append(t.reason().isEmpty() ? "" : ": " + esc(t.reason()))
            .append("</li>");
      }
      h.append("</ol></td></tr>\n");
    }
    h.append("</table>\n");

    h.append("<h2>Champion history</h2>\n");
    if (ledger == null) {
      h.append("<p>This launcher was started without the registry's ledger.</p>\n");
    } else if (ledger.isEmpty()) {
      h.append("<p>No champion yet.</p>\n");
    } else {
      h.append("<table id=\"ledger\"><tr><th>#</th><th>time</th><th>alias</th><th>action</th>")
          .append("<th>from</th><th>to</th><th>by</th><th>why</th></tr>\n");
      for (LedgerEntry e : newestFirst(ledger)) {
        h.append("<tr class=\"move\"><td>")
            .append(e.seq())
            .append("</td><td>")
            .append(esc(format(e.time())))
            .append("</td><td>")
            .append(esc(e.alias()))
            .append("</td><td>")
            .append(e.action().name())
            .append("</td><td>")
            .append(esc(e.fromVersion() == null ? "none" : e.fromVersion()))
            .append("</td><td>")
            .append(esc(e.toVersion()))
            .append("</td><td>")
            .append(esc(e.actor()))
            .append("</td><td>")
            .append(esc(e.reason()))
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    return h.append("</body></html>\n").toString();
  }

  /** The verdict, the version and where the gate report is; the failure of a failed run. */
  private static String result(RetrainRun r) {
    StringBuilder s = new StringBuilder();
    if (r.results().modelVersion() != null) {
      s.append("version <code>").append(esc(r.results().modelVersion())).append("</code><br>");
    }
    String reason = r.results().gateReason();
    String report = r.handle("gate"); // the kubernetes backend's report location
    if (reason != null) {
      Matcher m = REPORT.matcher(reason);
      if (m.find()) {
        report = m.group(1);
        reason = reason.substring(0, m.start()).strip();
      }
      s.append(esc(reason));
    }
    if (report != null) {
      s.append("<br>gate report: ");
      if (report.startsWith("https://") || report.startsWith("http://")) {
        s.append("<a class=\"report\" href=\"")
            .append(esc(report))
            .append("\">")
            .append(esc(report))
            .append("</a>");
      } else { // a file or an object the browser cannot open from here: where to find it
        s.append("<code class=\"report\">").append(esc(report)).append("</code>");
      }
    }
    if (r.failure() != null) {
      s.append(esc(r.failure()));
    }
    return s.toString();
  }

  private static <T> List<T> newestFirst(List<T> oldestFirst) {
    List<T> l = new java.util.ArrayList<>(oldestFirst);
    java.util.Collections.reverse(l);
    return l;
  }

  private static String format(Instant t) {
    return t == null
        ? "-"
        : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
