package com.avnology.backup.postgres.internal.seeding;

import com.avnology.backup.BackupException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Puts one database back to its captured data in place: the rows of every table are kept in memory
 * (binary COPY), and a reset truncates and reloads only the tables whose {@code
 * pg_stat_user_tables} counters moved since the last reset, with the tables whose foreign keys
 * point at them, and sets back the sequences that moved.
 *
 * <p>The counters are updated asynchronously: a backend reports its counts when it goes idle (at
 * most once a second) and when it exits. A reset therefore first ends every other client session on
 * the database and waits until they are gone from {@code pg_stat_activity}; on PostgreSQL 15+ a
 * backend flushes its counts before it leaves that view, so the counters are then complete. On 13
 * and 14 the statistics collector receives them over UDP, so the reset reads until two reads 200 ms
 * apart agree. Schema changes are not undone. Not thread-safe: callers serialise.
 */
public final class TableReset implements AutoCloseable {
  private static final String COUNTERS =
      "SELECT format('%I.%I', schemaname, relname),"
          + " n_tup_ins, n_tup_upd, n_tup_del, n_live_tup FROM pg_stat_user_tables";
  private static final String SEQUENCES =
      "SELECT format('%I.%I', schemaname, sequencename),"
          + " last_value, start_value FROM pg_sequences"
          + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')";

  private final Connection c;
  private final String database;
  private final int major;
  private final Map<String, byte[]> rows = new LinkedHashMap<>();
  private final Map<String, List<String>> referencedBy = new HashMap<>();
  private final Map<String, String[]> sequences;
  private Map<String, List<Long>> baseline;

  private TableReset(Connection c, String database) throws SQLException {
    this.c = c;
    this.database = database;
    this.major = c.getMetaData().getDatabaseMajorVersion();
    this.sequences = sequenceValues();
  }

  /**
   * Reads every table's rows and the counters they start from.
   *
   * @param server the server
   * @param database the database to reset later; it keeps its content
   * @return the captured state, holding one connection until closed
   */
  public static TableReset capture(Server server, String database) {
    Connection c = null;
    try {
      c = server.dataSource(database).getConnection();
      TableReset reset = new TableReset(c, database);
      reset.readTables();
      reset.baseline = reset.settledCounters();
      return reset;
    } catch (SQLException | IOException e) {
      closeQuietly(c);
      throw new BackupException(
          "cannot capture the tables of " + database + " for resets: " + e.getMessage(), e);
    }
  }

  /**
   * Truncates and reloads the tables changed since the capture or the last reset.
   *
   * @return the tables reloaded, parents first
   */
  public List<String> reset() {
    try {
      endOtherSessions();
      Map<String, List<Long>> now = settledCounters();
      Set<String> changed = new LinkedHashSet<>();
      for (Map.Entry<String, List<Long>> e : now.entrySet()) {
        if (rows.containsKey(e.getKey()) && !e.getValue().equals(baseline.get(e.getKey()))) {
          changed.add(e.getKey());
        }
      }
      List<String> reload = withReferencing(changed);
      List<String[]> setvals = movedSequences();
      if (!reload.isEmpty() || !setvals.isEmpty()) {
        reload(reload, setvals);
        flushOwnCounts();
        baseline = settledCounters();
      }
      return reload;
    } catch (SQLException | IOException e) {
      throw new BackupException(
          "cannot reset "
              + database
              + ": "
              + e.getMessage()
              + "; use a template copy (SeedMode.TEMPLATE) for tests that change the schema",
          e);
    }
  }

  private void readTables() throws SQLException, IOException {
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    List<String> tables =
        strings(
            "SELECT format('%I.%I', n.nspname, k.relname) FROM pg_class k"
                + " JOIN pg_namespace n ON n.oid = k.relnamespace WHERE k.relkind = 'r'"
                + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                + " AND n.nspname !~ '^pg_(toast|temp_)' ORDER BY 1");
    for (String t : tables) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      copy.copyOut("COPY " + t + " TO STDOUT (FORMAT binary)", out);
      rows.put(t, out.toByteArray());
    }
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT format('%I.%I', pn.nspname, p.relname), format('%I.%I', cn.nspname, ch.relname)"
                    + " FROM pg_constraint f JOIN pg_class p ON p.oid = f.confrelid"
                    + " JOIN pg_namespace pn ON pn.oid = p.relnamespace"
                    + " JOIN pg_class ch ON ch.oid = f.conrelid"
                    + " JOIN pg_namespace cn ON cn.oid = ch.relnamespace WHERE f.contype = 'f'")) {
      while (rs.next()) {
        referencedBy.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
      }
    }
  }

  /** Changed tables and, transitively, those whose foreign keys a TRUNCATE would reach. */
  private List<String> withReferencing(Set<String> changed) {
    Set<String> all = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(changed);
    while (!todo.isEmpty()) {
      String t = todo.remove(todo.size() - 1);
      if (rows.containsKey(t) && all.add(t)) {
        todo.addAll(referencedBy.getOrDefault(t, List.of()));
      }
    }
    List<String> ordered = new ArrayList<>();
    Set<String> placed = new LinkedHashSet<>();
    while (ordered.size() < all.size()) { // parents first; a cycle is broken in name order
      String next =
          all.stream()
              .filter(t -> !placed.contains(t))
              .filter(
                  t ->
                      all.stream()
                          .noneMatch(
                              p ->
                                  !p.equals(t)
                                      && !placed.contains(p)
                                      && referencedBy.getOrDefault(p, List.of()).contains(t)))
              .findFirst()
              .orElse(all.stream().filter(t -> !placed.contains(t)).findFirst().get());
      placed.add(next);
      ordered.add(next);
    }
    return ordered;
  }

  private void reload(List<String> tables, List<String[]> setvals)
      throws SQLException, IOException {
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      Savepoint sp = c.setSavepoint();
      try { // skips foreign-key checks on the reload, where the role may (superuser)
        s.execute("SET LOCAL session_replication_role = replica");
      } catch (SQLException e) {
        c.rollback(sp);
      }
      if (!tables.isEmpty()) {
        s.execute("TRUNCATE " + String.join(", ", tables));
      }
      for (String t : tables) {
        copy.copyIn(
            "COPY " + t + " FROM STDIN (FORMAT binary)", new ByteArrayInputStream(rows.get(t)));
      }
      for (String[] v : setvals) {
        s.execute(
            "SELECT pg_catalog.setval('"
                + v[0].replace("'", "''")
                + "', "
                + v[1]
                + ", "
                + v[2]
                + ")");
      }
      c.commit();
    } catch (SQLException | IOException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private List<String[]> movedSequences() throws SQLException {
    List<String[]> out = new ArrayList<>();
    for (Map.Entry<String, String[]> e : sequenceValues().entrySet()) {
      String[] was = sequences.get(e.getKey());
      if (was != null && !Objects.equals(was[0], e.getValue()[0])) {
        out.add(
            was[0] == null
                ? new String[] {e.getKey(), was[1], "false"}
                : new String[] {e.getKey(), was[0], "true"});
      }
    }
    return out;
  }

  private Map<String, String[]> sequenceValues() throws SQLException {
    Map<String, String[]> out = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(SEQUENCES)) {
      while (rs.next()) {
        out.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
      }
    }
    return out;
  }

  private void endOtherSessions() throws SQLException {
    String others =
        " FROM pg_stat_activity WHERE datname = current_database()"
            + " AND pid <> pg_backend_pid() AND backend_type = 'client backend'";
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(pid)" + others);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (true) {
        try (ResultSet rs = s.executeQuery("SELECT count(*)" + others)) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new SQLException("other sessions on " + database + " did not end within 10 s");
        }
        sleep(2);
      }
    }
  }

  private void flushOwnCounts() throws SQLException {
    if (major >= 15) {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_stat_force_next_flush()");
      }
    }
  }

  private Map<String, List<Long>> settledCounters() throws SQLException {
    Map<String, List<Long>> last = counters();
    if (major >= 15) {
      return last;
    }
    for (int i = 0; i < 10; i++) {
      sleep(200);
      Map<String, List<Long>> next = counters();
      if (next.equals(last)) {
        return next;
      }
      last = next;
    }
    return last;
  }

  private Map<String, List<Long>> counters() throws SQLException {
    Map<String, List<Long>> out = new HashMap<>();
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_stat_clear_snapshot()");
      try (ResultSet rs = s.executeQuery(COUNTERS)) {
        while (rs.next()) {
          out.put(
              rs.getString(1), List.of(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
        }
      }
    }
    return out;
  }

  private List<String> strings(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException("interrupted while waiting for statistics", e);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already failing
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(c);
  }
}
