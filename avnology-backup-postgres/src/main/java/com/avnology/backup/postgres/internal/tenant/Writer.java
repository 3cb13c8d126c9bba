package com.avnology.backup.postgres.internal.tenant;

import com.avnology.backup.BackupException;
import com.avnology.backup.postgres.ConflictPolicy;
import com.avnology.backup.postgres.TenantRestoreReport;
import com.avnology.backup.postgres.internal.catalog.Identifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Counts what the marked rows would do to the live tables and, for a real run, does it: inserts
 * (parents first), updates under {@link ConflictPolicy#OVERWRITE}, then moves serial and identity
 * sequences forward past the restored values. Every statement's row count is checked against the
 * count the dry run reports, so the report is what happened.
 */
final class Writer {
  private final Connection c;
  private final ConflictPolicy policy;

  Writer(Connection c, ConflictPolicy policy) {
    this.c = c;
    this.policy = policy;
  }

  /**
   * Orders tables parents first. Deferrable foreign keys are deferred to the commit and
   * self-references are checked at the end of the one statement that inserts the table, so neither
   * orders anything; a cycle of non-deferrable foreign keys between tables is refused.
   */
  static List<Staging> order(Map<Long, Staging> staged, List<LiveSchema.ForeignKey> fks) {
    Map<Long, Set<Long>> parents = new LinkedHashMap<>();
    staged.keySet().forEach(t -> parents.put(t, new LinkedHashSet<>()));
    for (LiveSchema.ForeignKey fk : fks) {
      if (!fk.deferrable()
          && fk.child() != fk.parent()
          && staged.containsKey(fk.child())
          && staged.containsKey(fk.parent())) {
        parents.get(fk.child()).add(fk.parent());
      }
    }
    List<Staging> out = new ArrayList<>();
    Set<Long> placed = new LinkedHashSet<>();
    while (placed.size() < staged.size()) {
      boolean progress = false;
      for (Map.Entry<Long, Set<Long>> e : parents.entrySet()) {
        if (!placed.contains(e.getKey()) && placed.containsAll(e.getValue())) {
          placed.add(e.getKey());
          out.add(staged.get(e.getKey()));
          progress = true;
        }
      }
      if (!progress) {
        String cycle =
            parents.keySet().stream()
                .filter(t -> !placed.contains(t))
                .map(t -> staged.get(t).table.display())
                .collect(Collectors.joining(", "));
        throw new BackupException(
            "tables "
                + cycle
                + " reference each other through foreign"
                + " keys that are not DEFERRABLE, so no insert order satisfies them: make one of"
                + " those foreign keys DEFERRABLE (ALTER TABLE … ALTER CONSTRAINT … DEFERRABLE);"
                + " nothing was restored");
      }
    }
    return out;
  }

  TenantRestoreReport.Table count(Staging t) throws SQLException {
    String sql =
        "SELECT count(*) FILTER (WHERE l.present IS NULL),"
            + " count(*) FILTER (WHERE l.present AND "
            + differs(t)
            + "),"
            + " count(*) FILTER (WHERE l.present) FROM "
            + t.temp
            + " s LEFT JOIN LATERAL"
            + " (SELECT true AS present, "
            + Staging.quoted(t.columns)
            + " FROM "
            + t.table.qualified()
            + " l WHERE "
            + match(t)
            + " LIMIT 1) l ON true WHERE s."
            + Staging.SELECTED;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      long insert = rs.getLong(1);
      long differ = rs.getLong(2);
      long present = rs.getLong(3);
      long update = policy == ConflictPolicy.OVERWRITE && !updatable(t).isEmpty() ? differ : 0;
      return new TenantRestoreReport.Table(
          t.table.display(), insert, update, present - update, present);
    }
  }

  /** {@return rows inserted} */
  long insert(Staging t) throws SQLException {
    boolean always =
        t.columns.stream()
            .anyMatch(
                col -> t.table.column(col).map(LiveSchema.Column::identityAlways).orElse(false));
    String list = Staging.quoted(t.columns);
    return execute(
        "INSERT INTO "
            + t.table.qualified()
            + " ("
            + list
            + ")"
            + (always ? " OVERRIDING SYSTEM VALUE" : "")
            + " SELECT "
            + t.columns.stream()
                .map(col -> "s." + Identifiers.quote(col))
                .collect(Collectors.joining(", "))
            + " FROM "
            + t.temp
            + " s WHERE s."
            + Staging.SELECTED
            + " AND NOT EXISTS (SELECT 1 FROM "
            + t.table.qualified()
            + " l WHERE "
            + match(t)
            + ")");
  }

  /** {@return rows updated} */
  long update(Staging t) throws SQLException {
    List<String> set = updatable(t);
    if (set.isEmpty()) {
      return 0;
    }
    return execute(
        "UPDATE "
            + t.table.qualified()
            + " l SET "
            + set.stream()
                .map(col -> Identifiers.quote(col) + " = s." + Identifiers.quote(col))
                .collect(Collectors.joining(", "))
            + " FROM "
            + t.temp
            + " s WHERE s."
            + Staging.SELECTED
            + " AND "
            + match(t)
            + " AND "
            + differs(t));
  }

  /**
   * Moves each serial or identity sequence of the table to the column's highest value when that is
   * past where the sequence stands; never backwards, and never a descending sequence.
   */
  void sequences(Staging t) throws SQLException {
    for (LiveSchema.Column col : t.table.columns()) {
      if (col.sequence() == null || !t.columns.contains(col.name())) {
        continue;
      }
      String seq = col.sequence();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT setval('"
                      + seq.replace("'", "''")
                      + "', m)"
                      + " FROM (SELECT max("
                      + Identifiers.quote(col.name())
                      + ") AS m FROM "
                      + t.table.qualified()
                      + ") x, "
                      + seq
                      + " q, pg_sequence p"
                      + " WHERE p.seqrelid = '"
                      + seq.replace("'", "''")
                      + "'::regclass"
                      + " AND p.seqincrement > 0 AND x.m IS NOT NULL"
                      + " AND x.m > CASE WHEN q.is_called THEN q.last_value ELSE q.last_value - 1 END")) {
        while (rs.next()) {
          // the row says the sequence moved
        }
      }
    }
  }

  /** The key columns when the table has one, else every column, null matching null. */
  private static String match(Staging t) {
    List<String> key = t.table.key();
    if (!key.isEmpty() && t.columns.containsAll(key)) {
      return Selection.equal("l", key, "s", key);
    }
    return t.columns.stream()
        .map(
            col ->
                "l."
                    + Identifiers.quote(col)
                    + "::text IS NOT DISTINCT"
                    + " FROM s."
                    + Identifiers.quote(col)
                    + "::text")
        .collect(Collectors.joining(" AND "));
  }

  private static String differs(Staging t) {
    return "ROW("
        + t.columns.stream()
            .map(col -> "l." + Identifiers.quote(col) + "::text")
            .collect(Collectors.joining(", "))
        + ") IS DISTINCT FROM ROW("
        + t.columns.stream()
            .map(col -> "s." + Identifiers.quote(col) + "::text")
            .collect(Collectors.joining(", "))
        + ")";
  }

  /** Columns an overwrite sets: not the key, and not an identity column generated always. */
  private static List<String> updatable(Staging t) {
    List<String> key = t.table.key();
    if (key.isEmpty() || !t.columns.containsAll(key)) {
      return List.of();
    }
    return t.columns.stream()
        .filter(col -> !key.contains(col))
        .filter(col -> !t.table.column(col).map(LiveSchema.Column::identityAlways).orElse(false))
        .toList();
  }

  private long execute(String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      return s.executeLargeUpdate(sql);
    }
  }
}
