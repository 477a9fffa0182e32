package io.driftgate.core.lake;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

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
}
