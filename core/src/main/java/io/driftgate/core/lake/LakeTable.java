package io.driftgate.core.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * One of a model's small lake tables (drift reports, window profiles, predictions, unmatched
 * labels): its name in the model's namespace, schema and partitioning, created on first use and
 * read whole. The records and dead-letter tables, whose schema follows the spec, are {@link
 * LakeTables}'.
 *
 * @param name the table's name in the model's namespace
 * @param schema its columns
 * @param partitioning its partition spec, from the schema
 */
public record LakeTable(String name, Schema schema, Function<Schema, PartitionSpec> partitioning) {
  public LakeTable {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(partitioning, "partitioning");
  }

  /** An unpartitioned table. */
  public static LakeTable unpartitioned(String name, Schema schema) {
    return new LakeTable(name, schema, s -> PartitionSpec.unpartitioned());
  }

  /** A table partitioned by the day of a timestamp column. */
  public static LakeTable byDay(String name, Schema schema, String timestampColumn) {
    return new LakeTable(
        name, schema, s -> PartitionSpec.builderFor(s).day(timestampColumn).build());
  }

  /** The same columns and partitioning under another name. */
  public LakeTable named(String other) {
    return new LakeTable(other, schema, partitioning);
  }

  public TableIdentifier id(String model) {
    return TableIdentifier.of(LakeTables.namespace(model), name);
  }

  /** Loads the table, creating it (and the namespace) or evolving its schema first. */
  public Table ensure(Catalog catalog, String model) {
    return LakeTables.ensure(catalog, id(model), schema, partitioning.apply(schema));
  }

  /** Every stored row (current snapshot), or none when the table does not exist. */
  public List<Record> read(Catalog catalog, String model) {
    return read(catalog, model, Expressions.alwaysTrue());
  }

  /**
   * The stored rows that match {@code filter} (current snapshot), or none when the table does not
   * exist. Iceberg prunes partitions and files by the filter's bounds before reading any row.
   */
  public List<Record> read(Catalog catalog, String model, Expression filter) {
    List<Record> out = new ArrayList<>();
    if (!catalog.tableExists(id(model))) {
      return out;
    }
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(catalog.loadTable(id(model))).where(filter).build()) {
      rows.forEach(r -> out.add(r.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
