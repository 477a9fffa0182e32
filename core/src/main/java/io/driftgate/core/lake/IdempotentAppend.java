package io.driftgate.core.lake;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;

/**
 * Appends data files in one Iceberg commit whose snapshot summary names what they hold (batch,
 * report or profile ids under one key), and tells which ids recent snapshots already hold, so a
 * writer replayed after a restart (a commit that landed before the checkpoint or the state saying
 * so) leaves them out instead of appending them twice.
 */
public final class IdempotentAppend {
  /** Snapshots looked back through for ids already appended. */
  static final int LOOKBACK = 200;

  private IdempotentAppend() {}

  /** The ids the table's last {@value #LOOKBACK} snapshots name under {@code key}. */
  public static Set<String> committed(Table table, String key) {
    table.refresh();
    Set<String> out = new HashSet<>();
    Snapshot s = table.currentSnapshot();
    for (int i = 0; s != null && i < LOOKBACK; i++) {
      String ids = s.summary().get(key);
      if (ids != null && !ids.isEmpty()) {
        out.addAll(List.of(ids.split(",")));
      }
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    return out;
  }

  /**
   * Appends {@code files} in one commit naming {@code ids} (comma-separated, so no id may hold a
   * comma) under {@code key}; nothing when there are no files.
   */
  public static void append(Table table, String key, Collection<String> ids, List<DataFile> files) {
    if (files.isEmpty()) {
      return;
    }
    for (String id : ids) {
      if (id.contains(",")) {
        throw new IllegalArgumentException("an append id holds a comma: " + id);
      }
    }
    AppendFiles append = table.newFastAppend();
    files.forEach(append::appendFile);
    append.set(key, String.join(",", new ArrayList<>(ids))).commit();
  }

  /**
   * Writes the rows of each item whose id recent snapshots do not hold yet (nor an earlier item of
   * {@code items}) and appends them in one commit naming those ids under {@code key}; nothing when
   * every item is a replay. The drift-report and window-profile tables append this way.
   */
  public static <T> void appendNew(
      Table table,
      String key,
      List<T> items,
      Function<T, String> idOf,
      Function<T, List<Record>> rowsOf) {
    Set<String> done = committed(table, key);
    List<String> ids = new ArrayList<>();
    List<Record> rows = new ArrayList<>();
    for (T item : items) {
      String id = idOf.apply(item);
      if (done.add(id)) {
        ids.add(id);
        rows.addAll(rowsOf.apply(item));
      }
    }
    if (!rows.isEmpty()) {
      append(table, key, ids, LakeFileWriter.writeAll(table, 0, rows));
    }
  }
}
