package com.avnology.backup.postgres.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.ds.common.BaseDataSource;

/** Data sources for other databases of the same server, with the same settings and user. */
final class DataSources {
  private DataSources() {}

  /**
   * @param ds a PgJDBC data source, or one that unwraps to it
   * @param database another database's name
   * @return a data source for that database, otherwise equal to {@code ds}
   * @throws com.avnology.backup.BackupException if {@code ds} is not PgJDBC's
   */
  static DataSource forDatabase(DataSource ds, String database) {
    BaseDataSource base = base(ds);
    PGSimpleDataSource copy =
        new PGSimpleDataSource() {
          private static final long serialVersionUID = 1L;

          @Override
          public String toString() {
            return "PGSimpleDataSource[" + getDatabaseName() + "]";
          }
        };
    for (PGProperty p : PGProperty.values()) {
      String v = base.getProperty(p);
      if (v != null) {
        copy.setProperty(p, v);
      }
    }
    copy.setServerNames(base.getServerNames());
    copy.setPortNumbers(base.getPortNumbers());
    copy.setUser(base.getUser());
    copy.setPassword(base.getPassword());
    copy.setDatabaseName(database);
    return copy;
  }

  /**
   * {@return a data source for {@code postgres}, or {@code template1} when that cannot be reached}
   *
   * @param ds a PgJDBC data source of the target database
   * @param live the target database, which cannot be renamed from a connection to itself
   */
  static DataSource maintenance(DataSource ds, String live) {
    SQLException first = null;
    for (String db : new String[] {"postgres", "template1"}) {
      if (db.equals(live)) {
        continue;
      }
      DataSource candidate = forDatabase(ds, db);
      try (Connection c = candidate.getConnection()) {
        return candidate;
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    throw new com.avnology.backup.BackupException(
        "a swap restore renames the database from"
            + " another one, but neither postgres nor template1 can be reached"
            + (first == null ? "" : ": " + first.getMessage())
            + "; allow connections to one of them, or restore with clean (one transaction)");
  }

  private static BaseDataSource base(DataSource ds) {
    if (ds instanceof BaseDataSource b) {
      return b;
    }
    try {
      if (ds.isWrapperFor(BaseDataSource.class)) {
        return ds.unwrap(BaseDataSource.class);
      }
    } catch (SQLException ignored) {
      // not a wrapper
    }
    throw new com.avnology.backup.BackupException(
        "a swap restore connects to a new database"
            + " beside the target one, which needs a PgJDBC DataSource (PGSimpleDataSource) or a"
            + " JDBC URL (PostgresTarget.builder(jdbcUrl)); "
            + ds.getClass().getName()
            + " cannot be pointed at another database: use one of those, or restore with clean"
            + " (one transaction)");
  }
}
