package io.driftgate.core.lake;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.jdbc.JdbcClientPool;

/**
 * The embedded catalog's SQLite connections, with one fix: {@code JdbcCatalog.initialize} checks
 * for its tables with {@link DatabaseMetaData#getTables} and {@link DatabaseMetaData#getColumns}
 * and never closes those result sets. On SQLite an open result set holds a read transaction, so
 * that pooled connection keeps reading the database as it was when the catalog opened; once another
 * connection (another process, or another catalog in this one: ingestion and {@code driftgate lake
 * maintain}) commits, every commit through it fails with {@code SQLITE_BUSY_SNAPSHOT}. Here the
 * metadata result sets are read at once into memory and closed.
 */
final class SqliteClientPool extends JdbcClientPool {

  SqliteClientPool(String uri, Map<String, String> properties) {
    super(uri, properties);
  }

  @Override
  protected Connection newClient() {
    return closingMetadata(super.newClient());
  }

  @Override
  protected Connection reconnect(Connection client) {
    close(client);
    return newClient();
  }

  static Connection closingMetadata(Connection connection) {
    Connection[] self = new Connection[1];
    self[0] =
        proxy(
            Connection.class,
            (p, m, args) -> {
              if (m.getName().equals("equals") && m.getParameterCount() == 1) {
                return p == args[0];
              }
              if (m.getName().equals("hashCode") && m.getParameterCount() == 0) {
                return System.identityHashCode(p);
              }
              Object out = call(connection, m, args);
              return out instanceof DatabaseMetaData md ? metadata(md, self[0]) : out;
            });
    return self[0];
  }

  private static DatabaseMetaData metadata(DatabaseMetaData md, Connection owner) {
    return proxy(
        DatabaseMetaData.class,
        (p, m, args) -> {
          if (m.getName().equals("getConnection")) {
            return owner;
          }
          Object out = call(md, m, args);
          if (out instanceof ResultSet rs) {
            try (rs) {
              return read(rs);
            }
          }
          return out;
        });
  }

  /** The rows of a result set, read into memory; the original is closed by the caller. */
  private static ResultSet read(ResultSet rs) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    int n = meta.getColumnCount();
    List<String> labels = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      labels.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
    }
    List<Object[]> rows = new ArrayList<>();
    while (rs.next()) {
      Object[] row = new Object[n];
      for (int i = 0; i < n; i++) {
        row[i] = rs.getObject(i + 1);
      }
      rows.add(row);
    }
    int[] at = {-1};
    boolean[] closed = {false};
    Object[] last = {null};
    return proxy(
        ResultSet.class,
        (p, m, args) -> {
          switch (m.getName()) {
            case "next":
              at[0]++;
              return at[0] < rows.size();
            case "close":
              closed[0] = true;
              return null;
            case "isClosed":
              return closed[0];
            case "hashCode":
              return System.identityHashCode(p);
            case "equals":
              return p == args[0];
            case "toString":
              return "catalog metadata result of " + rows.size() + " rows";
            case "wasNull":
              return last[0] == null;
            case "getObject":
            case "getString":
            case "getInt":
            case "getLong":
            case "getBoolean":
              if (at[0] < 0 || at[0] >= rows.size()) {
                throw new SQLException("no current row");
              }
              int col =
                  args[0] instanceof Integer i
                      ? i - 1
                      : labels.indexOf(((String) args[0]).toLowerCase(Locale.ROOT));
              if (col < 0 || col >= n) {
                throw new SQLException("no column " + args[0]);
              }
              Object v = rows.get(at[0])[col];
              last[0] = v;
              return convert(m.getName(), v);
            default:
              throw new SQLFeatureNotSupportedException(
                  "ResultSet." + m.getName() + " on a catalog metadata result");
          }
        });
  }

  private static Object convert(String getter, Object v) {
    return switch (getter) {
      case "getString" -> v == null ? null : v.toString();
      case "getInt" -> v == null ? 0 : ((Number) v).intValue();
      case "getLong" -> v == null ? 0L : ((Number) v).longValue();
      case "getBoolean" -> v != null && (v instanceof Boolean b ? b : ((Number) v).intValue() != 0);
      default -> v;
    };
  }

  private static Object call(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return (T)
        Proxy.newProxyInstance(
            SqliteClientPool.class.getClassLoader(), new Class<?>[] {type}, handler);
  }
}
