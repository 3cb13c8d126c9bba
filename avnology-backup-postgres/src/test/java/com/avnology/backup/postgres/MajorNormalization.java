package com.avnology.backup.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Removes from a pair of catalog snapshots (see {@code Fidelity.catalogSnapshot}) what PostgreSQL
 * itself changes when a database of major {@code source} is recreated on major {@code target}, and
 * nothing else. Each rule applies only when the pair crosses the major that made the change, and is
 * applied to both sides (it is a no-op on the side that lacks the feature):
 *
 * <ul>
 *   <li>any two majors: extension versions. A restore (pg_dump's too) runs {@code CREATE EXTENSION}
 *       without {@code VERSION}, so the target's default version is installed.
 *   <li>14: every range type gets a multirange type and three constructor functions ({@code
 *       multirange_constructor0/1/2}); procedure arguments are printed with their mode ({@code IN
 *       x}) by {@code pg_get_function_identity_arguments} and {@code pg_get_functiondef}.
 *   <li>15: triggers cloned onto partitions are no longer {@code tgisinternal}, so they appear in
 *       the target only (identified by {@code tgparentid <> 0} on the target).
 *   <li>16: {@code pg_get_viewdef} no longer qualifies the columns of a single-relation query. The
 *       source's view text is re-parsed by the target server (a temporary view, rolled back) and
 *       compared as the target prints it.
 *   <li>17: {@code attstattarget} defaults to NULL instead of -1; domain NOT NULL becomes a {@code
 *       pg_constraint} row; the owner's default privileges gain MAINTAIN ({@code m}); partitions
 *       share their partitioned table's identity column (their column shows the identity,
 *       identified on the target by {@code relispartition}).
 *   <li>18: table NOT NULL constraints become {@code pg_constraint} rows (contype {@code n}); the
 *       columns' {@code notnull} is still compared.
 * </ul>
 */
final class MajorNormalization {
  private static final Pattern PROCEDURE_IN_ARG = Pattern.compile("([(,] ?)IN ");
  private static final Pattern STATTARGET_DEFAULT = Pattern.compile("\"stattarget\": -1([,}])");
  private static final Pattern INDEX_STATTARGET = Pattern.compile("(?<=[{,])-1(?=[,}])");

  private MajorNormalization() {}

  /**
   * Returns the snapshot without what PostgreSQL changes between the two majors.
   *
   * @param snapshot a snapshot of the source or the target database
   * @param source the source major
   * @param target the target major
   * @param restored the restored database (on the target major), used to re-print definitions
   */
  static Map<String, String> snapshot(
      Map<String, String> snapshot, int source, int target, DataSource restored) {
    if (source == target) {
      return snapshot;
    }
    try (Connection c = restored.getConnection()) {
      return normalize(snapshot, source, target, c);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot normalize a snapshot: " + e.getMessage(), e);
    }
  }

  private static Map<String, String> normalize(
      Map<String, String> in, int source, int target, Connection c) throws SQLException {
    Set<String> clonedTriggers = crosses(source, target, 15) ? clonedTriggers(c) : Set.of();
    Set<String> partitionIdentities =
        crosses(source, target, 17) ? partitionIdentities(c) : Set.of();
    Map<String, String> out = new TreeMap<>();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL search_path = pg_catalog");
      int views = 0;
      for (Map.Entry<String, String> e : in.entrySet()) {
        String key = e.getKey();
        String value = e.getValue();
        if (key.startsWith("extension ")) {
          value = json(c, "$1::jsonb - 'version'", value);
        }
        if (crosses(source, target, 14)) {
          if (key.startsWith("function ") && value.contains("$function$multirange_constructor")) {
            continue;
          }
          if (key.startsWith("type ") && value.contains("\"typtype\": \"r\"")) {
            value = json(c, "$1::jsonb #- '{range,multirange}'", value);
          }
          if (key.startsWith("function ") && value.contains("\"kind\": \"p\"")) {
            key = PROCEDURE_IN_ARG.matcher(key).replaceAll("$1");
            value = PROCEDURE_IN_ARG.matcher(value).replaceAll("$1");
          }
        }
        if (clonedTriggers.contains(key)) {
          continue;
        }
        if (crosses(source, target, 16)
            && key.startsWith("relation ")
            && value.matches("(?s).*\"kind\": \"[vm]\".*")) {
          value = reprintView(c, value, views++);
        }
        if (crosses(source, target, 17)) {
          if (key.startsWith("constraint domain ") && value.contains("\"type\": \"n\"")) {
            continue;
          }
          value = value.replace("=arwdDxtm/", "=arwdDxt/");
          if (key.startsWith("column ")) {
            value = STATTARGET_DEFAULT.matcher(value).replaceAll("\"stattarget\": null$1");
          }
          if (partitionIdentities.contains(key)) {
            value = value.replaceFirst("\"identity\": \"[ad]\"", "\"identity\": \"\"");
          }
          if (key.startsWith("index ")) {
            value = INDEX_STATTARGET.matcher(value).replaceAll("NULL");
          }
        }
        if (crosses(source, target, 18)
            && key.startsWith("constraint ")
            && value.contains("\"type\": \"n\"")) {
          continue;
        }
        out.put(key, value);
      }
    } finally {
      c.rollback();
    }
    return out;
  }

  private static boolean crosses(int source, int target, int major) {
    return source < major && target >= major;
  }

  private static String json(Connection c, String expr, String json) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT (" + expr.replace("$1", "?") + ")::text")) {
      ps.setString(1, json);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** The view's text as the target server prints it, from a temporary view of the same query. */
  private static String reprintView(Connection c, String value, int n) throws SQLException {
    String def = json(c, "$1::jsonb ->> 'view'", value);
    String temp = "pg_temp.major_normalization_" + n;
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TEMPORARY VIEW " + temp + " AS " + def);
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT jsonb_set(?::jsonb, '{view}',"
                + " to_jsonb(pg_get_viewdef(?::regclass, true)))::text")) {
      ps.setString(1, value);
      ps.setString(2, temp);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static Set<String> clonedTriggers(Connection c) throws SQLException {
    return keys(
        c,
        "SELECT 'trigger ' || format('%I.%I', n.nspname, r.relname) || '.'"
            + " || quote_ident(g.tgname) FROM pg_trigger g JOIN pg_class r ON r.oid = g.tgrelid"
            + " JOIN pg_namespace n ON n.oid = r.relnamespace WHERE g.tgparentid <> 0");
  }

  private static Set<String> partitionIdentities(Connection c) throws SQLException {
    return keys(
        c,
        "SELECT 'column ' || format('%I.%I', n.nspname, r.relname) || '.'"
            + " || quote_ident(a.attname) FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid"
            + " JOIN pg_namespace n ON n.oid = r.relnamespace"
            + " WHERE r.relispartition AND a.attidentity <> '' AND NOT a.attisdropped");
  }

  private static Set<String> keys(Connection c, String sql) throws SQLException {
    Set<String> out = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
