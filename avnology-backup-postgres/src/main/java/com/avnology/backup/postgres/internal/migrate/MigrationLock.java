package com.avnology.backup.postgres.internal.migrate;

import com.avnology.backup.postgres.MigrationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A session-level advisory lock, held on its own connection, that serialises this library's
 * migrate and rollback calls on one schema history table across instances (snapshot, migrate and
 * restore-on-failure happen under it). Flyway takes its own advisory lock inside migrate as well;
 * this one is distinct so that the two never wait for each other.
 */
public final class MigrationLock implements AutoCloseable {
  /** Distinguishes this library's key space from Flyway's (77431708279161 + hash). */
  private static final long MAGIC = 0x61766e6f6c6f6779L; // "avnology"

  private final Connection connection;
  private final long key;

  private MigrationLock(Connection connection, long key) {
    this.connection = connection;
    this.key = key;
  }

  /**
   * Blocks until the lock is granted.
   *
   * @param ds the database
   * @param historyTable the quoted, schema-qualified history table the lock guards
   * @return the held lock; close to release it
   */
  public static MigrationLock acquire(DataSource ds, String historyTable) {
    long key = MAGIC ^ historyTable.hashCode();
    Connection c = null;
    try {
      c = ds.getConnection();
      c.setAutoCommit(true);
      try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
        s.setLong(1, key);
        s.execute();
      }
      return new MigrationLock(c, key);
    } catch (SQLException e) {
      closeQuietly(c);
      throw new MigrationException("cannot take the migration lock (advisory lock " + key
          + ") for " + historyTable + ": " + e.getMessage()
          + "; check that the database is reachable and the user may connect", e);
    }
  }

  /**
   * Flyway's key for its own PostgreSQL advisory lock on a history table (see Flyway's
   * PostgreSQLConnection.lock): 77431708279161 plus the hash of the quoted table name.
   *
   * @param historyTable such as {@code "public"."flyway_schema_history"}
   * @return the key
   */
  public static long flywayKey(String historyTable) {
    return 77431708279161L + historyTable.hashCode();
  }

  @Override
  public void close() {
    try (PreparedStatement s = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
      s.setLong(1, key);
      s.execute();
    } catch (SQLException e) {
      // closing the session releases the lock anyway
    } finally {
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // nothing more to do
      }
    }
  }
}
