package io.driftgate.core.lake;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The lake's tables and their schemas. One namespace per model (its name with {@code -} turned into
 * {@code _}), holding {@code records} (clean rows, partitioned by {@code hours(event_time)}) and
 * {@code dead_letters} (partitioned by {@code days(source_timestamp)}). Schemas derive from the
 * spec's Avro schemas; a changed spec evolves the table schema by name (Iceberg keeps field ids).
 */
public final class LakeTables {
  public static final String RECORDS = "records";
  public static final String DEAD_LETTERS = "dead_letters";
  public static final String EVENT_TIME = "event_time";
  public static final String DEAD_LETTER_TIME = "source_timestamp";

  /**
   * Parquet page size of the lake's tables. Iceberg's default (1 MiB) is also the size of the
   * compression buffer every open data file allocates up front, and a stream writes many small
   * files (one per partition per bundle): 1 MiB arrays are "humongous" for G1 (over half a region
   * at a few GiB of heap), go straight to the old generation and make the young collections copy
   * and scan far more. 128 KiB pages keep those buffers young; Parquet's own guidance is 8 KiB–1
   * MiB, and a stream's files rarely fill one page per column anyway.
   */
  static final String PAGE_SIZE_BYTES =
      System.getProperty("driftgate.lake.pageSizeBytes", "131072");

  private LakeTables() {}

  /** {@code flight-delay} → namespace {@code flight_delay}. */
  public static Namespace namespace(String model) {
    return Namespace.of(model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_"));
  }

  public static TableIdentifier records(String model) {
    return TableIdentifier.of(namespace(model), RECORDS);
  }

  public static TableIdentifier deadLetters(String model) {
    return TableIdentifier.of(namespace(model), DEAD_LETTERS);
  }

  /** The Iceberg schema of an Avro record schema (ids are assigned by the table on create). */
  public static Schema icebergSchema(org.apache.avro.Schema avro) {
    int[] nextId = {1};
    List<Types.NestedField> fields = new ArrayList<>();
    for (org.apache.avro.Schema.Field f : avro.getFields()) {
      org.apache.avro.Schema s = f.schema();
      boolean optional = false;
      if (s.getType() == org.apache.avro.Schema.Type.UNION) {
        List<org.apache.avro.Schema> branches =
            s.getTypes().stream()
                .filter(b -> b.getType() != org.apache.avro.Schema.Type.NULL)
                .toList();
        if (branches.size() != 1) {
          throw new IllegalArgumentException(
              "lake column " + f.name() + ": only [null, T] unions map to Iceberg, got " + s);
        }
        optional = branches.size() < s.getTypes().size();
        s = branches.get(0);
      }
      Type type = primitive(f.name(), s);
      int id = nextId[0]++;
      fields.add(
          optional
              ? Types.NestedField.optional(id, f.name(), type, f.doc())
              : Types.NestedField.required(id, f.name(), type, f.doc()));
    }
    return new Schema(fields);
  }

  private static Type primitive(String column, org.apache.avro.Schema s) {
    LogicalType logical = s.getLogicalType();
    if (logical instanceof LogicalTypes.TimestampMillis
        || logical instanceof LogicalTypes.TimestampMicros) {
      return Types.TimestampType.withZone();
    }
    return switch (s.getType()) {
      case STRING, ENUM -> Types.StringType.get();
      case INT -> Types.IntegerType.get();
      case LONG -> Types.LongType.get();
      case DOUBLE -> Types.DoubleType.get();
      case FLOAT -> Types.FloatType.get();
      case BOOLEAN -> Types.BooleanType.get();
      case BYTES, FIXED -> Types.BinaryType.get();
      default ->
          throw new IllegalArgumentException(
              "lake column " + column + ": Avro type " + s.getType() + " has no lake mapping");
    };
  }

  /** Partitioning of the records table: Iceberg hidden partitioning by event hour. */
  public static PartitionSpec recordsPartitioning(Schema schema) {
    return PartitionSpec.builderFor(schema).hour(EVENT_TIME).build();
  }

  /** Partitioning of the dead-letter table: by the day of the source record's timestamp. */
  public static PartitionSpec deadLetterPartitioning(Schema schema) {
    return PartitionSpec.builderFor(schema).day(DEAD_LETTER_TIME).build();
  }

  /** Loads the records table, creating it (and its namespace) or evolving its schema first. */
  public static Table ensureRecords(Catalog catalog, String model, org.apache.avro.Schema rows) {
    Schema schema = icebergSchema(rows);
    return ensure(catalog, records(model), schema, recordsPartitioning(schema));
  }

  /** Loads the dead-letter table, creating it first when needed. */
  public static Table ensureDeadLetters(
      Catalog catalog, String model, org.apache.avro.Schema deadLetters) {
    Schema schema = icebergSchema(deadLetters);
    return ensure(catalog, deadLetters(model), schema, deadLetterPartitioning(schema));
  }

  /** True when {@code wanted} has a column the table lacks, or one of another type. */
  static boolean needsEvolution(Schema current, Schema wanted) {
    for (Types.NestedField f : wanted.columns()) {
      Types.NestedField have = current.findField(f.name());
      if (have == null || !have.type().equals(f.type())) {
        return true;
      }
    }
    return false;
  }

  /** Loads a lake table, creating it (and its namespace) or evolving its schema first. */
  static Table ensure(Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
    if (catalog instanceof SupportsNamespaces ns && !ns.namespaceExists(id.namespace())) {
      try {
        ns.createNamespace(id.namespace(), Map.of());
      } catch (AlreadyExistsException e) {
        // Another writer created it first.
      }
    }
    if (!catalog.tableExists(id)) {
      try {
        return catalog
            .buildTable(id, schema)
            .withPartitionSpec(spec)
            .withProperties(
                Map.of(
                    TableProperties.FORMAT_VERSION, "2",
                    TableProperties.PARQUET_COMPRESSION, "snappy",
                    TableProperties.PARQUET_PAGE_SIZE_BYTES, PAGE_SIZE_BYTES,
                    TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
                    TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "20"))
            .create();
      } catch (AlreadyExistsException e) {
        // Created concurrently: fall through and load it.
      }
    }
    Table table = catalog.loadTable(id);
    if (needsEvolution(table.schema(), schema)) {
      // New columns are added with new ids; widened types are promoted; nothing is dropped.
      table.updateSchema().unionByNameWith(schema).commit();
      table.refresh();
    }
    return table;
  }
}
