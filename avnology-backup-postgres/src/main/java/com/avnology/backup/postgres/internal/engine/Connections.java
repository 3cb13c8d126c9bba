package com.avnology.backup.postgres.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Opening and closing connections with messages that never hold a password. */
public final class Connections {
  private Connections() {}

  /**
   * {@return a new connection}
   *
   * @param ds the data source
   * @param purpose for the message
   * @throws SQLException with a message naming the purpose
   */
  public static Connection open(DataSource ds, String purpose) throws SQLException {
    try {
      return ds.getConnection();
    } catch (SQLException e) {
      throw new SQLException(
          "cannot connect for "
              + purpose
              + ": "
              + e.getMessage()
              + " (check host, port, database, user and password)",
          e.getSQLState(),
          e);
    }
  }

  /**
   * Closes a connection, ignoring failures.
   *
   * @param c a connection to close, ignoring failures; null is fine
   */
  public static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      // closing after a failure; the first error is what matters
    }
  }
}
