package com.avnology.backup.postgres.internal.engine;

import javax.sql.DataSource;

/** Data sources for scratch databases beside a given one (test restores). */
public final class ScratchDatabases {
  private ScratchDatabases() {}

  /**
   * {@return a data source for that database, otherwise equal to {@code ds}}
   *
   * @param ds a PgJDBC data source of the server
   * @param database another database on it
   * @throws com.avnology.backup.BackupException if {@code ds} is not PgJDBC's
   */
  public static DataSource forDatabase(DataSource ds, String database) {
    return DataSources.forDatabase(ds, database);
  }
}
