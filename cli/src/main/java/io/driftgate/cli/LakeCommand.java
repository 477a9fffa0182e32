package io.driftgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeMaintenance;
import io.driftgate.core.lake.OffsetRanges;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.ModelRegistry;
import io.driftgate.core.registry.ModelVersion;
import io.driftgate.core.spec.Durations;
import io.driftgate.core.spec.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Shows the committed lake (its Iceberg snapshots, hour partitions, dead letters); maintains it.
 */
@Command(
    name = "lake",
    mixinStandardHelpOptions = true,
    description =
        "Show the lake: snapshots (commits with their Kafka offsets), rows per event hour, dead"
            + " letters by kind, totals and the records table's metadata file.",
    subcommands = {LakeCommand.MaintainCommand.class})
public final class LakeCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;

  @Option(names = "--json", description = "Print JSON instead of tables.")
  boolean json;

  @Option(
      names = "--snapshots",
      description = "Show the newest N snapshots (0: all). Default: ${DEFAULT-VALUE}.",
      defaultValue = "20")
  int snapshots;

  @Override
  public Integer call() throws IOException {
    try (Lake lake = open(specOption)) {
      if (json) {
        System.out.println(ModelsCommand.JSON.writeValueAsString(toJson(lake, snapshots)));
      } else {
        print(lake, where(specOption), snapshots);
      }
    }
    return 0;
  }

  /**
   * The lake of the command line: with {@code --lake DIR} the embedded lake in that folder (the
   * spec names the model when the folder holds several), else the spec's lake.
   */
  static Lake open(SpecOption o) {
    if (o.lake == null) {
      return open(o.load());
    }
    try {
      return Lake.open(o.lake);
    } catch (IllegalArgumentException severalModels) {
      return Lake.open(LakeCatalog.embedded(o.lake), o.load().model());
    }
  }

  /** The spec's lake; an embedded lake that was never written reads as empty (nothing created). */
  public static Lake open(ModelSpec spec) {
    if (!spec.lake().hasConfiguredCatalog()
        && !Files.exists(spec.lake().path().resolve(LakeCatalog.EMBEDDED_DB))) {
      return Lake.open(spec.lake().path());
    }
    return Lake.open(spec);
  }

  private static String where(SpecOption o) {
    if (o.lake != null) {
      return o.lake.toString();
    }
    ModelSpec spec = o.load();
    return spec.lake().hasConfiguredCatalog()
        ? spec.lake().catalog().describe()
        : spec.lake().path().toString();
  }

  /**
   * Offsets committed more than once (by two commits of the records table); 0 for a healthy lake.
   * Counts only the snapshots still in the table.
   */
  public static long duplicateOffsets(Lake lake) {
    long listed = 0;
    for (Lake.SnapshotInfo s : lake.snapshots()) {
      listed += s.commitOffsets().values().stream().mapToLong(OffsetRanges::count).sum();
    }
    long distinct = lake.offsets().values().stream().mapToLong(OffsetRanges::count).sum();
    return Math.max(0, listed - distinct);
  }

  static String offsets(Map<String, OffsetRanges> offsets) {
    return offsets.entrySet().stream()
        .map(e -> e.getKey() + e.getValue())
        .collect(Collectors.joining(" "));
  }

  private static void print(Lake lake, String where, int newest) {
    if (lake.isEmpty()) {
      System.out.println("lake " + where + ": no commits yet");
      return;
    }
    System.out.println("lake " + where + "  table " + lake.recordsTable().name());
    System.out.println("metadata " + lake.metadataLocation());
    List<Lake.SnapshotInfo> all = lake.snapshots();
    List<Lake.SnapshotInfo> shown =
        newest <= 0 || all.size() <= newest ? all : all.subList(all.size() - newest, all.size());
    System.out.println();
    System.out.printf(
        "%-20s %-24s %-9s %9s %6s %7s  %s%n",
        "snapshot", "committed", "operation", "rows", "files", "dead", "offsets of the commit");
    if (shown.size() < all.size()) {
      System.out.printf(
          "... %d older snapshots (--snapshots 0 shows all)%n", all.size() - shown.size());
    }
    for (Lake.SnapshotInfo s : shown) {
      System.out.printf(
          "%-20d %-24s %-9s %9s %6s %7d  %s%n",
          s.snapshotId(),
          Instant.ofEpochMilli(s.committedAtMillis()),
          s.operation(),
          (s.operation().equals("append") ? "+" : "") + s.addedRows(),
          (s.operation().equals("append") ? "+" : "") + s.addedFiles(),
          s.deadLetters(),
          offsets(s.commitOffsets()));
    }
    System.out.println();
    System.out.printf("%-12s %5s %10s %6s%n", "event_date", "hour", "rows", "files");
    for (Lake.Window w : lake.windows()) {
      System.out.printf("%-12s %5d %10d %6d%n", w.eventDate(), w.eventHour(), w.rows(), w.files());
    }
    System.out.println();
    System.out.printf(
        "total: %d rows in %d data files, %d dead letters, %d snapshots%n",
        lake.rows(), lake.dataFiles(), lake.deadLetters(), all.size());
    for (Map.Entry<String, Long> e : lake.deadLettersByKind().entrySet()) {
      System.out.printf("  dead letters %-18s %d%n", e.getKey(), e.getValue());
    }
    lake.offsets().forEach((tp, r) -> System.out.printf("  offsets %-20s %s%n", tp, r));
  }

  static Map<String, Object> toJson(Lake lake, int newest) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("table", lake.recordsTable() == null ? null : lake.recordsTable().name());
    out.put("metadataLocation", lake.metadataLocation());
    out.put("snapshotId", lake.snapshotId());
    out.put("rows", lake.rows());
    out.put("dataFiles", lake.dataFiles());
    out.put("deadLetters", lake.deadLetters());
    out.put("deadLettersByKind", lake.deadLettersByKind());
    out.put("offsets", ranges(lake.offsets()));
    out.put("duplicateOffsets", duplicateOffsets(lake));
    List<Lake.SnapshotInfo> all = lake.snapshots();
    List<Map<String, Object>> snaps = new ArrayList<>();
    for (Lake.SnapshotInfo s :
        newest <= 0 || all.size() <= newest ? all : all.subList(all.size() - newest, all.size())) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("snapshotId", s.snapshotId());
      m.put("committedAt", Instant.ofEpochMilli(s.committedAtMillis()).toString());
      m.put("operation", s.operation());
      m.put("addedRows", s.addedRows());
      m.put("addedFiles", s.addedFiles());
      m.put("totalRows", s.totalRows());
      m.put("deadLetters", s.deadLetters());
      m.put("commitOffsets", ranges(s.commitOffsets()));
      snaps.add(m);
    }
    out.put("snapshotCount", all.size());
    out.put("snapshots", snaps);
    List<Map<String, Object>> windows = new ArrayList<>();
    for (Lake.Window w : lake.windows()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("eventDate", w.eventDate());
      m.put("eventHour", w.eventHour());
      m.put("rows", w.rows());
      m.put("files", w.files());
      windows.add(m);
    }
    out.put("windows", windows);
    return out;
  }

  /** {@code flights-0 -> [[0, 120], [130, 200]]} (half-open ranges). */
  private static Map<String, List<long[]>> ranges(Map<String, OffsetRanges> offsets) {
    Map<String, List<long[]>> out = new TreeMap<>();
    offsets.forEach(
        (k, r) -> out.put(k, r.ranges().stream().map(x -> new long[] {x.from(), x.to()}).toList()));
    return out;
  }

  /**
   * Lake snapshot ids the registered versions of {@code model} were trained on, from each version's
   * lineage ({@code training.json}): {@code lake.snapshotId}, {@code lake.snapshot}, or a top-level
   * {@code lakeSnapshotId} / {@code lakeSnapshot}; or the registration metadata's {@code
   * lakeSnapshotId} / {@code lakeSnapshot}. Versions without one are skipped.
   */
  static Set<Long> modelSnapshots(ModelRegistry registry, String model) {
    Set<Long> out = new TreeSet<>();
    for (ModelVersion v : registry.versions(model)) {
      for (String key : List.of("lakeSnapshotId", "lakeSnapshot")) {
        addId(out, v.metadata().get(key));
      }
      Path training = registry.load(model, v.versionId()).resolve(TRAINING_FILE); // verified
      if (!Files.isRegularFile(training)) {
        continue;
      }
      JsonNode t;
      try {
        t = ModelsCommand.JSON.readTree(training.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the lineage of " + v.versionId(), e);
      }
      for (JsonNode n :
          List.of(
              t.path("lake").path("snapshotId"),
              t.path("lake").path("snapshot"),
              t.path("lakeSnapshotId"),
              t.path("lakeSnapshot"))) {
        if (n.isIntegralNumber()) {
          out.add(n.asLong());
        } else if (n.isTextual()) {
          addId(out, n.asText());
        }
      }
    }
    return out;
  }

  /** The trainer's lineage file in a model directory. */
  static final String TRAINING_FILE = "training.json";

  private static void addId(Set<Long> out, String text) {
    if (text != null && text.matches("-?\\d{1,19}")) {
      try {
        out.add(Long.parseLong(text));
      } catch (NumberFormatException e) {
        // Not a snapshot id.
      }
    }
  }

  /** {@code driftgate lake maintain}. */
  @Command(
      name = "maintain",
      mixinStandardHelpOptions = true,
      description =
          "Compact small data files, expire old snapshots (keeping the last N and every snapshot a"
              + " registered model was trained on, which get a tag) and remove orphan files, in the"
              + " records and dead-letter tables. Safe while ingestion runs.")
  static final class MaintainCommand implements Callable<Integer> {
    @Mixin SpecOption specOption;
    @Mixin GateCommand.RegistryOptions registryOptions;

    @Option(
        names = "--older-than",
        description = "Expire snapshots older than this (e.g. 1h, 7d). Default: ${DEFAULT-VALUE}.",
        defaultValue = "1d")
    String olderThan;

    @Option(
        names = "--retain-last",
        description = "Always keep the newest N snapshots. Default: ${DEFAULT-VALUE}.",
        defaultValue = "10")
    int retainLast;

    @Option(
        names = "--orphans-older-than",
        description =
            "Remove unreferenced files only when older than this (a writer may still commit"
                + " younger ones). Default: ${DEFAULT-VALUE}.",
        defaultValue = "1h")
    String orphansOlderThan;

    @Option(
        names = "--target-file-size-mb",
        description =
            "Compact files smaller than this into files up to this size. Default: ${DEFAULT-VALUE}.",
        defaultValue = "128")
    long targetFileSizeMb;

    @Option(
        names = "--keep",
        split = ",",
        description = "Also keep these records-table snapshot ids (besides the models').")
    List<Long> keep = new ArrayList<>();

    @Option(
        names = "--no-registry",
        description = "Do not read the model registry for snapshots to keep.")
    boolean noRegistry;

    @Option(names = "--dry-run", description = "Report what would be done; change nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      LakeMaintenance.Options options =
          new LakeMaintenance.Options(
              Math.multiplyExact(targetFileSizeMb, 1L << 20),
              duration("--older-than", olderThan),
              retainLast,
              duration("--orphans-older-than", orphansOlderThan),
              dryRun);
      Set<Long> kept = new TreeSet<>(keep);
      int models = 0;
      String registry = null;
      if (!noRegistry && (specOption.lake == null || Files.exists(specOption.spec))) {
        ModelSpec spec = specOption.load();
        JdbcModelRegistry reg = registryOptions.open(spec);
        Set<Long> fromModels = modelSnapshots(reg, spec.model());
        models = fromModels.size();
        kept.addAll(fromModels);
        registry = reg.describe();
      }
      LakeMaintenance.Result r;
      try (Lake lake = open(specOption)) {
        r = LakeMaintenance.maintain(lake, kept, options);
      }
      if (json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dryRun", r.dryRun());
        out.put("registry", registry);
        out.put("keep", kept);
        out.put("keepMissing", new TreeSet<>(r.keepMissing()));
        out.put("records", r.records());
        out.put("deadLetters", r.deadLetters());
        System.out.println(ModelsCommand.JSON.writeValueAsString(out));
        return 0;
      }
      System.out.printf(
          "lake maintenance%s: expire snapshots older than %s (keep the last %d), orphans older"
              + " than %s, target file size %d MiB%n",
          dryRun ? " (dry run: nothing changed)" : "",
          Durations.format(options.snapshotRetention()),
          retainLast,
          Durations.format(options.orphanGrace()),
          targetFileSizeMb);
      System.out.printf(
          "kept snapshots: %d (%d from registered models%s, %d from --keep)%s%n",
          kept.size(),
          models,
          registry != null ? " in " + registry : noRegistry ? "" : ", registry not read: no spec",
          keep.size(),
          r.keepMissing().isEmpty()
              ? ""
              : "; not in the lake (expired or another lake): " + new TreeSet<>(r.keepMissing()));
      for (LakeMaintenance.TableResult t : List.of(r.records(), r.deadLetters())) {
        if (t.table() != null) {
          System.out.println(describe(t, dryRun));
        }
      }
      if (r.records().table() == null) {
        System.out.println("the lake has no tables yet: nothing to do");
      }
      return 0;
    }

    private static java.time.Duration duration(String option, String text) {
      try {
        return Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            option + ": '" + text + "' is not a duration; use " + Durations.FORMS, e);
      }
    }
  }

  /** One line per table: what maintenance did (or, in a dry run, would do). */
  static String describe(LakeMaintenance.TableResult t, boolean dryRun) {
    StringBuilder sb = new StringBuilder(t.table()).append(": ");
    if (t.filesRewritten() == 0) {
      sb.append("nothing to compact");
    } else {
      sb.append(
          String.format(
              Locale.ROOT,
              "%s %d small files (%s) into %d",
              dryRun ? "would compact" : "compacted",
              t.filesRewritten(),
              bytes(t.bytesRewritten()),
              t.filesAdded()));
      if (!dryRun) {
        sb.append(
            String.format(
                Locale.ROOT, " (%s, snapshot %d)", bytes(t.bytesAdded()), t.rewriteSnapshotId()));
      }
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "; %s %d snapshots",
            dryRun ? "would expire" : "expired",
            t.snapshotsExpired()));
    if (!dryRun) {
      sb.append(String.format(Locale.ROOT, " (%d files deleted)", t.expiredFilesDeleted()));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "; %s %d orphan files (%s)",
            dryRun ? "would remove" : "removed",
            t.orphansRemoved(),
            bytes(t.orphanBytes())));
    if (!t.tagsCreated().isEmpty()) {
      sb.append("; tagged ").append(String.join(", ", t.tagsCreated()));
    }
    return sb.toString();
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
  }
}
