package com.avnology.backup.postgres.internal.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Session settings of dump and restore connections, as pg_dump's {@code setup_connection} and
 * pg_restore's {@code _doSetFixedOutputState} make them: the server then deparses fully qualified
 * names and writes COPY text that any server reads back the same.
 */
public final class Sessions {
  private Sessions() {}

  /**
   * Prepares a dump connection and opens its REPEATABLE READ, READ ONLY transaction.
   *
   * @param c a new connection; left with autocommit off, inside the transaction
   * @param snapshot a snapshot id to import, or null to start a fresh snapshot
   * @throws SQLException if the server refuses
   */
  public static void dump(Connection c, String snapshot) throws SQLException {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_catalog.set_config('search_path', '', false)");
      s.execute("SET DATESTYLE = ISO");
      s.execute("SET INTERVALSTYLE = POSTGRES");
      s.execute("SET extra_float_digits TO 3");
      s.execute("SET synchronize_seqscans TO off");
      s.execute("SET statement_timeout = 0");
      s.execute("SET lock_timeout = 0");
      s.execute("SET idle_in_transaction_session_timeout = 0");
      s.execute("SET row_security = off");
      if (hasSetting(s, "restrict_nonsystem_relation_kind")) {
        s.execute("SELECT pg_catalog.set_config('restrict_nonsystem_relation_kind',"
            + " 'view, foreign-table', false)");
      }
    }
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
  }

  /**
   * Prepares a restore connection (autocommit on).
   *
   * @param c a new connection
   * @param searchPath the archive's SEARCHPATH statement, or null
   * @throws SQLException if the server refuses
   */
  public static void restore(Connection c, String searchPath) throws SQLException {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute("SET statement_timeout = 0");
      s.execute("SET lock_timeout = 0");
      s.execute("SET idle_in_transaction_session_timeout = 0");
      // the leader idles through the data phase, workers through pre-data (PostgreSQL 14+)
      s.execute("SELECT pg_catalog.set_config('idle_session_timeout', '0', false)"
          + " WHERE pg_catalog.current_setting('server_version_num')::int >= 140000");
      s.execute("SET standard_conforming_strings = on");
      s.execute(searchPath != null && !searchPath.isBlank()
          ? searchPath
          : "SELECT pg_catalog.set_config('search_path', '', false)");
      s.execute("SET check_function_bodies = false");
      s.execute("SET xmloption = content");
      s.execute("SET client_min_messages = warning");
      s.execute("SET row_security = off");
      // Faster loads than pg_restore's defaults, without weakening the end result: commits are
      // made durable by durable(...) once the restore is complete, and index builds sort in memory
      // when they can.
      s.execute("SET synchronous_commit = off");
      s.execute("SELECT pg_catalog.set_config('maintenance_work_mem', '256MB', false)"
          + " WHERE pg_catalog.current_setting('maintenance_work_mem')::text NOT LIKE '%GB'"
          + " AND pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem'))"
          + " < 256 * 1024 * 1024");
    }
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
      s.execute("SELECT pg_catalog.set_config('application_name', pg_catalog.left(coalesce("
          + "nullif(pg_catalog.current_setting('application_name'), ''), 'avnology-backup')"
          + " || ' " + role.replace("'", "") + "', 63), false)");
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
      s.execute("SET synchronous_commit = on");
      c.setAutoCommit(false);
      s.execute("SELECT pg_catalog.txid_current()");
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static boolean hasSetting(Statement s, String name) throws SQLException {
    try (ResultSet rs = s.executeQuery(
        "SELECT 1 FROM pg_catalog.pg_settings WHERE name = '" + name + "'")) {
      return rs.next();
    }
  }
}
