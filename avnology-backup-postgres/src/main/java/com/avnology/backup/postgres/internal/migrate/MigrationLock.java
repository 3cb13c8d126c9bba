package com.avnology.backup.postgres.internal.migrate;

import com.avnology.backup.postgres.MigrationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A session-level advisory lock, held on its own connection, that serialises this library's migrate
 * and rollback calls on one schema history table across instances (snapshot, migrate and
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
   * Waits until the lock is granted. Polls with {@code pg_try_advisory_lock} rather than blocking
   * in {@code pg_advisory_lock}: a session blocked in a statement holds a snapshot, and the lock
   * holder's {@code CREATE INDEX CONCURRENTLY} would wait for that snapshot forever (a deadlock
   * PostgreSQL does not detect).
   *
   * @param ds the database
   * @param historyTable the quoted, schema-qualified history table the lock guards
   * @param timeout how long to wait for another instance to finish
   * @return the held lock; close to release it
   * @throws MigrationException if the lock is not granted in time
   */
  public static MigrationLock acquire(DataSource ds, String historyTable, Duration timeout) {
    long key = MAGIC ^ historyTable.hashCode();
    long deadline = System.nanoTime() + timeout.toNanos();
    long sleep = 20;
    Connection c = null;
    try {
      c = ds.getConnection();
      c.setAutoCommit(true);
      try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        s.setLong(1, key);
        while (true) {
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            if (rs.getBoolean(1)) {
              return new MigrationLock(c, key);
            }
          }
          if (System.nanoTime() > deadline) {
            throw new MigrationException(
                "another instance has held the migration lock on "
                    + historyTable
                    + " (advisory lock "
                    + key
                    + ") for more than "
                    + timeout
                    + "; wait for it to finish (see pg_stat_activity), or raise lockTimeout");
          }
          Thread.sleep(sleep);
          sleep = Math.min(sleep * 2, 1000);
        }
      }
    } catch (SQLException e) {
      closeQuietly(c);
      throw new MigrationException(
          "cannot take the migration lock (advisory lock "
              + key
              + ") for "
              + historyTable
              + ": "
              + e.getMessage()
              + "; check that the database is reachable and the user may connect",
          e);
    } catch (InterruptedException e) {
      closeQuietly(c);
      Thread.currentThread().interrupt();
      throw new MigrationException(
          "interrupted while waiting for the migration lock on " + historyTable, e);
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
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
