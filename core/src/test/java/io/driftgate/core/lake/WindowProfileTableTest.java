package io.driftgate.core.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.drift.profile.CategoricalProfile;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.NumericProfile;
import io.driftgate.core.drift.profile.WindowProfiles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowProfileTableTest {
  @TempDir Path root;

  static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

  static DatasetProfile profile(long seed, double shift) {
    Random random = new Random(seed);
    NumericProfile delay = new NumericProfile();
    CategoricalProfile weather = new CategoricalProfile();
    String[] kinds = {"clear", "rain", "snow"};
    for (int i = 0; i < 500; i++) {
      delay.accumulate(i % 50 == 0 ? null : random.nextGaussian() * 10 + shift);
      weather.accumulate(kinds[random.nextInt(3)]);
    }
    return new DatasetProfile(500, Map.of("dep_delay_min", delay, "weather", weather));
  }

  static WindowProfileTable.Stored stored(String id, String role, DatasetProfile p, int window) {
    Instant start = T0.plusSeconds(600L * window);
    return new WindowProfileTable.Stored(
        id, role, WindowProfiles.toAvro("flight-delay", start, start.plusSeconds(600), p));
  }

  @Test
  void profilesGoInOneRowPerFeatureAndComeBackWhole() throws Exception {
    Catalog catalog = LakeCatalog.embedded(root).open();
    Table table = WindowProfileTable.ensure(catalog, "flight-delay");
    DatasetProfile reference = profile(1, 0);
    DatasetProfile window = profile(2, 25);
    WindowProfileTable.append(
        table,
        List.of(
            stored("first-500-records", WindowProfileTable.REFERENCE, reference, 0),
            stored("flight-delay@w1", WindowProfileTable.WINDOW, window, 1)));

    assertThat(WindowProfileTable.rows(catalog, "flight-delay")).hasSize(4);
    Map<String, WindowProfileTable.Stored> read = WindowProfileTable.read(catalog, "flight-delay");
    assertThat(read.keySet()).containsExactlyInAnyOrder("first-500-records", "flight-delay@w1");
    WindowProfileTable.Stored w = read.get("flight-delay@w1");
    assertThat(w.role()).isEqualTo(WindowProfileTable.WINDOW);
    assertThat(w.profile().getWindowStart()).isEqualTo(T0.plusSeconds(600));
    // the categorical counts are readable without driftgate, the sketch holds the whole profile
    assertThat(
            w.profile().getFeatures().stream()
                .filter(f -> f.getName().equals("weather"))
                .findFirst()
                .orElseThrow()
                .getValueCounts())
        .containsOnlyKeys("clear", "rain", "snow");
    DatasetProfile back = WindowProfiles.toDataset(w.profile());
    NumericProfile before = (NumericProfile) window.features().get("dep_delay_min");
    NumericProfile after = (NumericProfile) back.features().get("dep_delay_min");
    assertThat(after.count()).isEqualTo(500);
    assertThat(after.nullCount()).isEqualTo(10);
    // whole: the same exact values, counts and moments (the sketch is made from the values)
    assertThat(after.exactValues()).containsExactly(before.exactValues());
    assertThat(after.toBytes()).isEqualTo(before.toBytes());
    assertThat(((CategoricalProfile) back.features().get("weather")).valueCounts())
        .isEqualTo(((CategoricalProfile) window.features().get("weather")).valueCounts());
  }

  @Test
  void aReplayedProfileIsNotAppendedTwice() throws Exception {
    Catalog catalog = LakeCatalog.embedded(root).open();
    Table table = WindowProfileTable.ensure(catalog, "flight-delay");
    WindowProfileTable.append(
        table, List.of(stored("flight-delay@w1", WindowProfileTable.WINDOW, profile(2, 0), 1)));
    long snapshots = countSnapshots(table);
    // the bundle is replayed (its commit landed before the monitor's state was saved), with a
    // new window beside it: only the new one is appended
    WindowProfileTable.append(
        table,
        List.of(
            stored("flight-delay@w1", WindowProfileTable.WINDOW, profile(2, 0), 1),
            stored("flight-delay@w2", WindowProfileTable.WINDOW, profile(3, 0), 2)));
    assertThat(WindowProfileTable.rows(catalog, "flight-delay")).hasSize(4);
    // all replayed: no commit at all
    WindowProfileTable.append(
        table, List.of(stored("flight-delay@w2", WindowProfileTable.WINDOW, profile(3, 0), 2)));
    assertThat(countSnapshots(table)).isEqualTo(snapshots + 1);
    assertThat(table.currentSnapshot().summary().get(WindowProfileTable.PROFILE_IDS))
        .isEqualTo("flight-delay@w2");
  }

  @Test
  void aRangeReadReturnsTheWindowsStartingInItAndPrunesOtherDays() throws Exception {
    Catalog catalog = LakeCatalog.embedded(root).open();
    Table table = WindowProfileTable.ensure(catalog, "flight-delay");
    // three days of windows, one append per day (a file per day partition)
    for (int day = 0; day < 3; day++) {
      int first = day * 144;
      WindowProfileTable.append(
          table,
          List.of(
              stored(
                  "flight-delay@d" + day + "a", WindowProfileTable.WINDOW, profile(day, 0), first),
              stored(
                  "flight-delay@d" + day + "b",
                  WindowProfileTable.WINDOW,
                  profile(day + 10, 0),
                  first + 1)));
    }
    Instant from = T0.plusSeconds(86_400);
    Instant to = T0.plusSeconds(86_400 + 600);

    Map<String, WindowProfileTable.Stored> read =
        WindowProfileTable.readStarting(catalog, "flight-delay", from, to);

    // [from, to) holds the second day's first window only; its neighbour starts at `to`
    assertThat(read.keySet()).containsExactly("flight-delay@d1a");
    assertThat(read.get("flight-delay@d1a").profile().getWindowStart()).isEqualTo(from);
    // the other days' files are not even opened
    table.refresh();
    long planned = 0;
    try (var files =
        table
            .newScan()
            .filter(
                org.apache.iceberg.expressions.Expressions.greaterThanOrEqual(
                    "window_start", from.toEpochMilli() * 1000))
            .filter(
                org.apache.iceberg.expressions.Expressions.lessThan(
                    "window_start", to.toEpochMilli() * 1000))
            .planFiles()) {
      for (var ignored : files) {
        planned++;
      }
    }
    assertThat(planned).isEqualTo(1);
    assertThat(WindowProfileTable.read(catalog, "flight-delay")).hasSize(6);
  }

  private static long countSnapshots(Table table) {
    table.refresh();
    long n = 0;
    for (var ignored : table.snapshots()) {
      n++;
    }
    return n;
  }
}
