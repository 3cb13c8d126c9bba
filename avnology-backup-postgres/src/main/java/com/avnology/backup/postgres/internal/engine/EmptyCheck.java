package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.BackupException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Refuses to restore over a database that holds user objects. */
final class EmptyCheck {
  private static final String USER_NS =
      "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'"
          + " AND n.nspname !~ '^pg_temp'";

  private EmptyCheck() {}

  static void requireEmpty(Connection c) throws SQLException {
    String found = userObjects(c);
    if (!found.isEmpty()) {
      throw new BackupException(
          "target database "
              + c.getCatalog()
              + " is not empty (it holds "
              + found
              + "…): restore into an empty database, or choose clean() (CLI --clean) to"
              + " replace the archive's objects");
    }
  }

  /**
   * @param c a connection to the database
   * @return up to three user objects it holds, comma-separated; empty if none
   * @throws SQLException if the server refuses
   */
  static String userObjects(Connection c) throws SQLException {
    String sql =
        "SELECT what FROM ("
            + " SELECT 'relation ' || n.nspname || '.' || c.relname AS what FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
            + USER_NS
            + " UNION ALL SELECT 'function ' || n.nspname || '.' || p.proname FROM pg_catalog.pg_proc p"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE "
            + USER_NS
            + " UNION ALL SELECT 'type ' || n.nspname || '.' || t.typname FROM pg_catalog.pg_type t"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE "
            + USER_NS
            + " AND t.typtype IN ('e', 'd', 'r', 'm') OR (t.typtype = 'c' AND "
            + USER_NS
            + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid"
            + " AND r.relkind <> 'c'))"
            + " UNION ALL SELECT 'schema ' || n.nspname FROM pg_catalog.pg_namespace n WHERE "
            + USER_NS
            + " AND n.nspname NOT IN ('public', '"
            + RestoreMarker.SCHEMA
            + "')"
            + " UNION ALL SELECT 'extension ' || e.extname FROM pg_catalog.pg_extension e"
            + " WHERE e.extname <> 'plpgsql'"
            + " UNION ALL SELECT 'large object ' || l.oid FROM pg_catalog.pg_largeobject_metadata l"
            + ") x LIMIT 3";
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      StringBuilder found = new StringBuilder();
      while (rs.next()) {
        found.append(found.length() == 0 ? "" : ", ").append(rs.getString(1));
      }
      return found.toString();
    }
  }
}
