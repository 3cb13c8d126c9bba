package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.internal.catalog.CatalogReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Session settings of dump and restore connections, as pg_dump's {@code setup_connection} and
 * pg_restore's {@code _doSetFixedOutputState} make them: the server then deparses fully qualified
 * names and writes COPY text that any server reads back the same.
 */
final class Sessions {
  private Sessions() {}

  /**
   * Prepares a dump connection and opens its REPEATABLE READ, READ ONLY transaction.
   *
   * @param c a new connection; left with autocommit off, inside the transaction
   * @param snapshot a snapshot id to import, or null to start a fresh snapshot
   * @throws SQLException if the server refuses
   */
  public static void dump(Connection c, String snapshot) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      if (snapshot != null) {
        if (!snapshot.matches("[0-9A-Fa-f-]+")) {
          throw new IllegalArgumentException("not a snapshot id: " + snapshot);
        }
        s.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
      }
    }
    // Local to the transaction, which lasts as long as the dump: through a transaction-pooling
    // PgBouncer, session settings made outside it would land on another server session (and
    // stay there for other clients).
    CatalogReader.setUpSession(c);
  }

  /**
   * Prepares a restore connection (autocommit on). The settings a restore needs are made per
   * transaction ({@link #local}); the session gets only what must hold while it idles between them.
   *
   * @param c a new connection
   * @throws SQLException if the server refuses
   */
  public static void restore(Connection c) throws SQLException {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      // the leader idles through the data phase, workers through pre-data (PostgreSQL 14+)
      s.execute(
          "SELECT pg_catalog.set_config('idle_session_timeout', '0', false)"
              + " WHERE pg_catalog.current_setting('server_version_num')::int >= 140000");
    }
  }

  private static final Pattern SEARCH_PATH =
      Pattern.compile("(?s).*set_config\\('search_path',\\s*'((?:[^']|'')*)',\\s*false\\).*");

  /**
   * The settings of a restore transaction, as pg_restore's {@code _doSetFixedOutputState} makes
   * them for its session, local to the transaction: a transaction-pooling PgBouncer hands each
   * transaction to any server session, so session settings would be lost (and leak to other
   * clients). Faster loads than pg_restore's defaults, without weakening the end result: commits
   * are made durable by {@link #durable} once the restore is complete, and index builds sort in
   * memory when they can.
   *
   * @param searchPath the archive's SEARCHPATH statement, or null
   * @return one statement to run first in every transaction of the restore
   */
  public static String local(String searchPath) {
    String path = "";
    if (searchPath != null) {
      Matcher m = SEARCH_PATH.matcher(searchPath);
      if (m.matches()) {
        path = m.group(1);
      }
    }
    return "SELECT pg_catalog.set_config('statement_timeout', '0', true),"
        + " pg_catalog.set_config('lock_timeout', '0', true),"
        + " pg_catalog.set_config('idle_in_transaction_session_timeout', '0', true),"
        + " pg_catalog.set_config('standard_conforming_strings', 'on', true),"
        + " pg_catalog.set_config('search_path', '"
        + path
        + "', true),"
        + " pg_catalog.set_config('check_function_bodies', 'false', true),"
        + " pg_catalog.set_config('xmloption', 'content', true),"
        + " pg_catalog.set_config('client_min_messages', 'warning', true),"
        + " pg_catalog.set_config('row_security', 'off', true),"
        + " pg_catalog.set_config('synchronous_commit', 'off', true),"
        + " pg_catalog.set_config('maintenance_work_mem', CASE WHEN"
        + " pg_catalog.current_setting('maintenance_work_mem') NOT LIKE '%GB'"
        + " AND pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem'))"
        + " < 256 * 1024 * 1024 THEN '256MB'"
        + " ELSE pg_catalog.current_setting('maintenance_work_mem') END, true)";
  }

  /**
   * Names a restore session in {@code pg_stat_activity}: its application name (or {@code
   * avnology-backup}) followed by its role, so an operator can tell the restore's sessions apart.
   *
   * @param c a restore connection (autocommit on)
   * @param role such as {@code restore leader}
   * @throws SQLException if the server refuses
   */
  public static void label(Connection c, String role) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_catalog.set_config('application_name', pg_catalog.left(coalesce("
              + "nullif(pg_catalog.current_setting('application_name'), ''), 'avnology-backup')"
              + " || ' "
              + role.replace("'", "")
              + "', 63), false)");
    }
  }

  /**
   * Makes every transaction committed so far durable: a commit with synchronous_commit on flushes
   * the WAL up to it, which covers the earlier asynchronous commits.
   *
   * @param c a restore connection (autocommit on)
   * @throws SQLException if the server refuses
   */
  public static void durable(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SET LOCAL synchronous_commit = on");
      s.execute("SELECT pg_catalog.txid_current()");
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
  }
}
