package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.BackupException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fails a backup, before anything is published, when the database holds objects of a kind the
 * catalog reader does not dump yet: a backup that silently lacks a collation or a default privilege
 * would only show its hole at restore time.
 */
final class UnsupportedObjects {

  /** Kind → query returning the names of such objects that pg_dump would dump. */
  private static final Map<String, String> KINDS = new LinkedHashMap<>();

  static {
    KINDS.put(
        "subscription (reading it needs a superuser, as for pg_dump)",
        "SELECT x.subname FROM pg_catalog.pg_subscription x WHERE x.subdbid = (SELECT d.oid"
            + " FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())"
            + " AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)");
  }

  private UnsupportedObjects() {}

  /**
   * @param c a dump connection
   * @param database the database name, for the message
   * @throws BackupException listing what cannot be backed up
   */
  static void check(Connection c, String database) throws SQLException {
    List<String> found = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      for (Map.Entry<String, String> kind : KINDS.entrySet()) {
        try (ResultSet rs = s.executeQuery(kind.getValue() + " LIMIT 5")) {
          while (rs.next()) {
            found.add(kind.getKey() + " " + rs.getString(1));
          }
        }
      }
    }
    if (!found.isEmpty()) {
      throw new BackupException(
          "database "
              + database
              + " holds objects this version cannot back"
              + " up yet: "
              + String.join(", ", found)
              + "; nothing was published. Exclude their"
              + " schemas or tables from the backup, or back this database up with pg_dump");
    }
  }
}
