package io.driftgate.cli;

import io.driftgate.core.lake.LakeIndex;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Lists the committed lake: windows (event date/hour) and counts. */
@Command(
    name = "lake",
    mixinStandardHelpOptions = true,
    description =
        "List the lake's committed windows (event date/hour) with row counts, and dead letters.")
final class LakeCommand implements Callable<Integer> {
  @Mixin SpecOption specOption;

  @Override
  public Integer call() {
    Path root = specOption.lake != null ? specOption.lake : specOption.load().lake().path();
    LakeIndex index = LakeIndex.load(root);
    System.out.println("lake " + root);
    System.out.printf("%-12s %5s %10s %6s %8s%n", "event_date", "hour", "rows", "files", "commits");
    for (LakeIndex.Window w : index.windows()) {
      System.out.printf(
          "%-12s %5d %10d %6d %8d%n",
          w.eventDate(), w.eventHour(), w.rows(), w.files(), w.commits());
    }
    System.out.printf(
        "total: %d rows, %d dead letters, %d commits%n",
        index.rows(), index.deadLetters(), index.commits().size());
    for (Map.Entry<String, Long> e : index.deadLettersByKind().entrySet()) {
      System.out.printf("  dead letters %-18s %d%n", e.getKey(), e.getValue());
    }
    index.offsetsByPartition().forEach((tp, r) -> System.out.printf("  offsets %-20s %s%n", tp, r));
    return 0;
  }
}
