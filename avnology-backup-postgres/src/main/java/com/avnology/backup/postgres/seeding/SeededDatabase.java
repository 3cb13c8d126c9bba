package com.avnology.backup.postgres.seeding;

import static java.util.Objects.requireNonNull;

import javax.sql.DataSource;

/**
 * One test's database: a fresh copy of a {@link DatabaseSnapshot}. Closing it drops the copy (or,
 * in {@link SeedMode#RESET}, resets the shared database and hands it to the next test); closing
 * twice does nothing.
 *
 * <p>Thread-safe.
 */
public final class SeededDatabase implements AutoCloseable {
  private final String name;
  private final String jdbcUrl;
  private final DataSource dataSource;
  private final Runnable release;
  private boolean closed;

  SeededDatabase(String name, String jdbcUrl, DataSource dataSource, Runnable release) {
    this.name = requireNonNull(name, "null name");
    this.jdbcUrl = requireNonNull(jdbcUrl, "null jdbcUrl");
    this.dataSource = requireNonNull(dataSource, "null dataSource");
    this.release = requireNonNull(release, "null release");
  }

  /** {@return the database's name on the server} */
  public String name() {
    return name;
  }

  /**
   * {@return a JDBC URL of the database: the snapshot's URL with this database in it (credentials
   * given separately to the snapshot are in {@link #dataSource()} only)}
   */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** {@return a PgJDBC data source of the database, with the snapshot's credentials} */
  public DataSource dataSource() {
    return dataSource;
  }

  /** Drops the copy (or resets the database), ending any session still on it. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    release.run();
  }

  @Override
  public String toString() {
    return "SeededDatabase[" + name + "]";
  }
}
