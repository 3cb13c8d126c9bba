package com.avnology.backup.postgres.internal.engine;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The mark an in-place restore leaves in its database until it is complete: a schema whose comment
 * says which restore it is. A restore killed where nothing can undo it (SIGKILL, a crash, a lost
 * server) leaves it behind, and the next restore or a check of the database reports it.
 */
final class RestoreMarker {
  /** The marker schema's name. */
  static final String SCHEMA = "avnology_unfinished_restore";

  private RestoreMarker() {}

  /**
   * {@return a description: the source, when and where the restore started}
   *
   * @param source what is restored, for the comment
   */
  static String describe(String source) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | RuntimeException e) {
      host = "unknown host";
    }
    return "of "
        + source
        + " (started "
        + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + " on "
        + host
        + ", pid "
        + ProcessHandle.current().pid()
        + ")";
  }

  /**
   * Creates the marker (committed at once when the connection is in autocommit).
   *
   * @param c a connection to the database
   * @param description from {@link #describe(String)}
   * @throws SQLException if the server refuses
   */
  static void create(Connection c, String description) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + SCHEMA);
      s.execute("COMMENT ON SCHEMA " + SCHEMA + " IS " + literal(description));
    }
  }

  /**
   * @param c a connection to the database
   * @throws SQLException if the server refuses
   */
  static void drop(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + SCHEMA);
    }
  }

  /**
   * @param c a connection to the database
   * @return the report of an unfinished restore marked in it, if any
   * @throws SQLException if the server refuses
   */
  static Optional<String> find(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_catalog.obj_description(oid, 'pg_namespace'),"
                    + " pg_catalog.current_database() FROM pg_catalog.pg_namespace"
                    + " WHERE nspname = '"
                    + SCHEMA
                    + "'")) {
      if (!rs.next()) {
        return Optional.empty();
      }
      String what = rs.getString(1) == null ? "(no description)" : rs.getString(1);
      return Optional.of(
          "an unfinished restore " + what + " was found in database " + rs.getString(2));
    }
  }

  /** {@return s as an SQL string literal (standard_conforming_strings on)} */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
