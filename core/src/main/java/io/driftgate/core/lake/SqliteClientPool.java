package io.driftgate.core.lake;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.ClientPool;
import org.apache.iceberg.jdbc.JdbcClientPool;

/**
 * The JDBC catalog's connection pool for an embedded SQLite file. Iceberg's {@code JdbcCatalog}
 * leaves some statements and result sets open (its table-existence checks at start-up); on a server
 * database that costs nothing, but in SQLite an open read statement holds the file's read lock and
 * every other connection's commit then fails with {@code SQLITE_BUSY}. This pool closes whatever a
 * catalog call opened once the call returns.
 */
final class SqliteClientPool extends JdbcClientPool {

  SqliteClientPool(String url, Map<String, String> properties) {
    super(url, properties);
  }

  @Override
  public <R> R run(ClientPool.Action<R, Connection, SQLException> action)
      throws SQLException, InterruptedException {
    return super.run(conn -> closingAfter(conn, action));
  }

  @Override
  public <R> R run(ClientPool.Action<R, Connection, SQLException> action, boolean retry)
      throws SQLException, InterruptedException {
    return super.run(conn -> closingAfter(conn, action), retry);
  }

  private static <R> R closingAfter(
      Connection conn, ClientPool.Action<R, Connection, SQLException> action) throws SQLException {
    Tracker tracker = new Tracker(conn);
    try {
      return action.run(tracker.proxy());
    } finally {
      tracker.closeAll();
    }
  }

  /** Hands out a connection whose statements and metadata result sets are remembered. */
  private static final class Tracker implements InvocationHandler {
    private final Connection conn;
    private final List<AutoCloseable> opened = new ArrayList<>();

    Tracker(Connection conn) {
      this.conn = conn;
    }

    Connection proxy() {
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, this);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      Object result = call(conn, method, args);
      if (result instanceof Statement s) {
        opened.add(s);
      } else if (result instanceof DatabaseMetaData meta) {
        return Proxy.newProxyInstance(
            DatabaseMetaData.class.getClassLoader(),
            new Class<?>[] {DatabaseMetaData.class},
            (p, m, a) -> {
              Object r = call(meta, m, a);
              if (r instanceof ResultSet rs) {
                opened.add(rs);
              }
              return r;
            });
      }
      return result;
    }

    void closeAll() {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception e) {
          // Already closed by its user, or the connection is gone: nothing holds the lock.
        }
      }
      opened.clear();
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
