package com.avnology.backup.schedule;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.StorageException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordinates the replicas of a service through the PostgreSQL database it already has, in the
 * spirit of ShedLock and db-scheduler, with two of PostgreSQL's guarantees:
 *
 * <ul>
 *   <li>a session advisory lock per job, held on its own connection for the whole run: a second
 *       replica cannot run the job at the same time, and a replica that dies (its connection
 *       closes) releases the lock at once, so the others take over at the next due time;
 *   <li>a row per (job, due time) in a table ({@code avnology_backup_runs} by default, created on
 *       first use), inserted with {@code ON CONFLICT DO NOTHING}: exactly one replica inserts it,
 *       so each due time runs once, and the row records how the run ended.
 * </ul>
 *
 * <p>Needs PostgreSQL (advisory locks, {@code ON CONFLICT}); the role needs CREATE on the schema
 * the first time, then INSERT, UPDATE, SELECT on the table. Holds one connection per running job.
 * The data source is never closed by this class. Thread-safe.
 */
public final class JdbcRunCoordinator implements RunCoordinator {
  private static final Logger log = LoggerFactory.getLogger(JdbcRunCoordinator.class);
  private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final DataSource dataSource;
  private final String table;
  private final String owner;
  private volatile boolean created;

  private JdbcRunCoordinator(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
    this.owner = ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * {@return a coordinator using the table {@code avnology_backup_runs}; the same as {@code
   * builder(dataSource).build()}}
   *
   * @param dataSource connects to the service's PostgreSQL database
   */
  public static JdbcRunCoordinator of(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /**
   * {@return a builder of a coordinator, using the table {@code avnology_backup_runs} unless told
   * otherwise}
   *
   * @param dataSource connects to the service's PostgreSQL database
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(requireNonNull(dataSource, "null dataSource"));
  }

  /** Collects a coordinator's settings. Not thread-safe; {@link #build()} leaves it unchanged. */
  public static final class Builder {
    private final DataSource dataSource;
    private String table = "avnology_backup_runs";

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * {@return this builder}
     *
     * @param table the table's name (lowercase, unquoted; in the connection's search path)
     * @throws IllegalArgumentException if the name is not a plain lowercase identifier
     */
    public Builder table(String table) {
      requireNonNull(table, "null table");
      if (!TABLE.matcher(table).matches()) {
        throw new IllegalArgumentException(
            "run table name must be a lowercase identifier such as"
                + " avnology_backup_runs: '"
                + table
                + "'");
      }
      this.table = table;
      return this;
    }

    /** {@return the coordinator} */
    public JdbcRunCoordinator build() {
      return new JdbcRunCoordinator(dataSource, table);
    }
  }

  /** {@return this replica's name in the table's {@code owner} column (process id and a random)} */
  public String owner() {
    return owner;
  }

  @Override
  public Optional<Claim> claim(String job, Instant due) {
    Connection c = null;
    boolean locked = false;
    try {
      c = dataSource.getConnection();
      c.setAutoCommit(true);
      ensureTable(c);
      locked = advisory(c, "pg_try_advisory_lock", job);
      if (!locked) {
        log.info("job {} due {} skipped here: another replica is running the job", job, due);
        close(c);
        return Optional.empty();
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO "
                  + table
                  + " (job, due, owner, started_at) VALUES (?, ?, ?, now()) ON CONFLICT DO NOTHING")) {
        s.setString(1, job);
        s.setTimestamp(2, Timestamp.from(due));
        s.setString(3, owner);
        if (s.executeUpdate() == 0) {
          advisory(c, "pg_advisory_unlock", job);
          close(c);
          return Optional.empty();
        }
      }
      return Optional.of(new JdbcClaim(c, job, due));
    } catch (SQLException e) {
      close(c);
      throw new StorageException(
          "cannot claim the run of job "
              + job
              + " due "
              + due
              + " in the database (table "
              + table
              + "): "
              + e.getMessage()
              + "; check that the"
              + " database is reachable and the role may create and write the table",
          e);
    }
  }

  @Override
  public Optional<Instant> lastClaimed(String job) {
    try (Connection c = dataSource.getConnection()) {
      ensureTable(c);
      try (PreparedStatement s =
          c.prepareStatement("SELECT max(due) FROM " + table + " WHERE job = ?")) {
        s.setString(1, job);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          Timestamp t = r.getTimestamp(1);
          return Optional.ofNullable(t).map(Timestamp::toInstant);
        }
      }
    } catch (SQLException e) {
      throw new StorageException(
          "cannot read the runs of job " + job + " from table " + table + ": " + e.getMessage(), e);
    }
  }

  private void ensureTable(Connection c) throws SQLException {
    if (created) {
      return;
    }
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      // two replicas creating the table at once would collide on the catalog: serialize them
      s.execute("SELECT pg_advisory_xact_lock(" + key("table " + table) + ")");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table
              + " (job text NOT NULL, due timestamptz"
              + " NOT NULL, owner text NOT NULL, started_at timestamptz NOT NULL, finished_at"
              + " timestamptz, succeeded boolean, message text, set_id text, bytes bigint,"
              + " PRIMARY KEY (job, due))");
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
    created = true;
  }

  private static boolean advisory(Connection c, String function, String job) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT " + function + "(" + key("job " + job) + ")")) {
      r.next();
      return r.getBoolean(1);
    }
  }

  /** {@return a 64-bit advisory lock key for the name} */
  static long key(String name) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(("avnology-backup " + name).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(h).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void close(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        log.debug("closing a coordinator connection failed: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "JdbcRunCoordinator[" + table + ", owner " + owner + "]";
  }

  /** A claimed run: the row inserted and the job's advisory lock held on {@code c}. */
  private final class JdbcClaim implements Claim {
    private final Connection c;
    private final String job;
    private final Instant due;

    JdbcClaim(Connection c, String job, Instant due) {
      this.c = c;
      this.job = job;
      this.due = due;
    }

    @Override
    public void finished(RunRecord record) {
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE "
                  + table
                  + " SET finished_at = ?,"
                  + " succeeded = ?, message = ?, set_id = ?, bytes = ? WHERE job = ? AND due = ?")) {
        s.setTimestamp(1, Timestamp.from(record.finishedAt()));
        s.setBoolean(2, record.succeeded());
        s.setString(3, record.message());
        s.setString(4, record.setId().orElse(null));
        s.setLong(5, record.bytes());
        s.setString(6, job);
        s.setTimestamp(7, Timestamp.from(due));
        s.executeUpdate();
      } catch (SQLException e) {
        throw new StorageException(
            "cannot record the end of job "
                + job
                + " due "
                + due
                + " in table "
                + table
                + ": "
                + e.getMessage(),
            e);
      }
    }

    @Override
    public void close() {
      try {
        advisory(c, "pg_advisory_unlock", job);
      } catch (SQLException e) {
        log.debug(
            "unlocking job {} failed (closing the connection unlocks it): {}", job, e.toString());
      }
      JdbcRunCoordinator.close(c);
    }
  }
}
