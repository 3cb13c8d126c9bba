package com.avnology.backup.postgres.internal.engine;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Connections that work through a transaction-pooling PgBouncer: no named server-side prepared
 * statements (PgJDBC's {@code prepareThreshold} is 0 while the library holds the connection; a
 * pooler hands the server session to other clients between transactions, where a statement {@code
 * S_1} prepared by one collides with another's). The threshold is put back when the connection is
 * closed, so a pool the caller owns gets its connections back as they were.
 *
 * <p>Thread-safe.
 */
public final class PoolerSafe implements DataSource {
  private final DataSource delegate;

  private PoolerSafe(DataSource delegate) {
    this.delegate = delegate;
  }

  /**
   * {@return it, wrapped (once)}
   *
   * @param ds a data source
   */
  public static DataSource wrap(DataSource ds) {
    return ds instanceof PoolerSafe ? ds : new PoolerSafe(ds);
  }

  private static Connection guard(Connection c) throws SQLException {
    if (!c.isWrapperFor(PGConnection.class)) {
      return c;
    }
    PGConnection pg = c.unwrap(PGConnection.class);
    int before = pg.getPrepareThreshold();
    if (before == 0) {
      return c;
    }
    pg.setPrepareThreshold(0);
    InvocationHandler h =
        new InvocationHandler() {
          @Override
          public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            if (m.getName().equals("close") && m.getParameterCount() == 0) {
              try {
                if (!c.isClosed()) {
                  pg.setPrepareThreshold(before);
                }
              } catch (SQLException ignored) {
                // closing anyway
              }
            }
            if (m.getName().equals("unwrap")
                && args != null
                && args.length == 1
                && ((Class<?>) args[0]).isInstance(proxy)) {
              return proxy;
            }
            try {
              return m.invoke(c, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          }
        };
    return (Connection)
        Proxy.newProxyInstance(
            PoolerSafe.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return guard(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return guard(delegate.getConnection(username, password));
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(delegate) ? iface.cast(delegate) : delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(delegate) || delegate.isWrapperFor(iface);
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
