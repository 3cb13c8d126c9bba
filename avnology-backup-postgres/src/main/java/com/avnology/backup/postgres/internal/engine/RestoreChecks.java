package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.HealthCheck;
import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.RestoreMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** Before a restore: would the database refuse it? After: does it hold the recorded rows? */
public final class RestoreChecks {
  private RestoreChecks() {}

  /**
   * {@return why the restore would be refused, if it would}
   *
   * @param dataSource the target database
   * @param options the restore's options
   */
  public static Optional<String> refusal(DataSource dataSource, PostgresOptions options) {
    if (options.restoreMode() == RestoreMode.SWAP) {
      return Optional.empty();
    }
    try (Connection c = Connections.open(dataSource, "checking the database")) {
      Optional<String> unfinished = RestoreMarker.find(c);
      if (options.clean()) {
        return Optional.empty();
      }
      if (unfinished.isPresent()) {
        return Optional.of(
            unfinished.get()
                + ": drop and recreate the database, or choose"
                + " clean() (CLI --clean), which replaces it in one transaction");
      }
      String held = EmptyCheck.userObjects(c);
      return held.isEmpty()
          ? Optional.empty()
          : Optional.of(
              "target database "
                  + c.getCatalog()
                  + " is not empty (it holds "
                  + held
                  + "…): restore into an empty database, or choose"
                  + " clean() (CLI --clean) to replace the archive's objects");
    } catch (SQLException e) {
      return Optional.of("cannot reach the database: " + e.getMessage());
    }
  }

  /**
   * {@return the row-count check}
   *
   * @param dataSource the restored database
   * @param label {@code postgres/<name>}
   * @param metadata the target's manifest metadata ({@code rows.<schema>.<table>})
   */
  public static List<HealthCheck> check(
      DataSource dataSource, String label, Map<String, String> metadata) {
    String check = label + " rows";
    List<String> wrong = new ArrayList<>();
    long tables = 0;
    long rows = 0;
    try (Connection c = Connections.open(dataSource, "checking the restore");
        PreparedStatement find =
            c.prepareStatement(
                "SELECT format('%I.%I', n.nspname,"
                    + " c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE n.nspname || '.' || c.relname = ?"
                    + " AND c.relkind IN ('r', 'p', 'f', 'm')")) {
      for (Map.Entry<String, String> m : metadata.entrySet()) {
        if (!m.getKey().startsWith("rows.") || !m.getValue().matches("[0-9]{1,18}")) {
          continue;
        }
        String table = m.getKey().substring("rows.".length());
        long expected = Long.parseLong(m.getValue());
        tables++;
        rows += expected;
        find.setString(1, table);
        String qualified;
        try (ResultSet rs = find.executeQuery()) {
          qualified = rs.next() ? rs.getString(1) : null;
        }
        long found = qualified == null ? -1 : count(c, qualified);
        if (found != expected && wrong.size() < 5) {
          wrong.add(table + (found < 0 ? " missing" : " has " + found + " rows, not " + expected));
        }
      }
    } catch (SQLException e) {
      return List.of(HealthCheck.failed(check, "the database does not answer: " + e.getMessage()));
    }
    HealthCheck counted =
        wrong.isEmpty()
            ? HealthCheck.passed(check, tables + " tables, " + rows + " rows as recorded")
            : HealthCheck.failed(check, "of " + tables + " tables, " + String.join(", ", wrong));
    return metadata.keySet().stream().anyMatch(k -> k.startsWith("content."))
        ? List.of(counted, content(dataSource, label, metadata))
        : List.of(counted);
  }

  /**
   * Reads every table the backup recorded a content digest for, as the backup read it (COPY text,
   * the same session settings), and compares the digests.
   */
  private static HealthCheck content(
      DataSource dataSource, String label, Map<String, String> metadata) {
    String check = label + " content";
    List<String> wrong = new ArrayList<>();
    int tables = 0;
    try (Connection c = Connections.open(dataSource, "checking the restored content")) {
      Sessions.dump(c, null);
      try (PreparedStatement find =
          c.prepareStatement(
              "SELECT format('%I.%I', n.nspname,"
                  + " c.relname), (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)"
                  + " FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
                  + " AND NOT a.attisdropped AND a.attgenerated = '') FROM pg_catalog.pg_class c"
                  + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                  + " WHERE n.nspname || '.' || c.relname = ? AND c.relkind IN ('r', 'p', 'm')")) {
        for (Map.Entry<String, String> m : new java.util.TreeMap<>(metadata).entrySet()) {
          if (!m.getKey().startsWith("content.")) {
            continue;
          }
          String table = m.getKey().substring("content.".length());
          tables++;
          find.setString(1, table);
          String qualified = null;
          String columns = null;
          try (ResultSet rs = find.executeQuery()) {
            if (rs.next()) {
              qualified = rs.getString(1);
              columns = rs.getString(2);
            }
          }
          if (qualified == null) {
            if (wrong.size() < 5) {
              wrong.add(table + " missing");
            }
            continue;
          }
          RowDigest digest = new RowDigest(java.io.OutputStream.nullOutputStream());
          c.unwrap(org.postgresql.PGConnection.class)
              .getCopyAPI()
              .copyOut(
                  "COPY "
                      + qualified
                      + (columns == null ? "" : " (" + columns + ")")
                      + " TO STDOUT",
                  digest);
          if (!digest.value().equals(m.getValue()) && wrong.size() < 5) {
            wrong.add(table + " differs from what the backup read");
          }
        }
      }
      c.rollback();
    } catch (SQLException | java.io.IOException e) {
      return HealthCheck.failed(check, "cannot read the restored tables: " + e.getMessage());
    }
    return wrong.isEmpty()
        ? HealthCheck.passed(check, tables + " tables hold the rows the backup read")
        : HealthCheck.failed(check, "of " + tables + " tables, " + String.join(", ", wrong));
  }

  private static long count(Connection c, String qualified) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM ONLY " + qualified)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
