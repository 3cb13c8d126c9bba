package com.avnology.backup.postgres.internal.tenant;

import com.avnology.backup.postgres.internal.catalog.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Marks the tenant's rows in the staged tables, set-based, until nothing changes: first the seeds
 * (the root row, the filters' rows), then every row referencing a marked row through a foreign key
 * (children, transitively; self-references and cycles included), then every row a marked row
 * references that the live database lacks (missing parents, transitively; they pull in no
 * children). A row whose foreign key names another root row (another tenant) is never marked.
 */
final class Selection {
  private final Connection c;
  private final Map<Long, Staging> staged;
  private final List<LiveSchema.ForeignKey> fks;
  private final LiveSchema.Table root;
  private final String keyColumn;
  private final String keyValue;

  Selection(
      Connection c,
      Map<Long, Staging> staged,
      List<LiveSchema.ForeignKey> fks,
      LiveSchema.Table root,
      String keyColumn,
      String keyValue) {
    this.c = c;
    this.staged = staged;
    this.fks = fks;
    this.root = root;
    this.keyColumn = keyColumn;
    this.keyValue = keyValue;
  }

  /** {@return rows marked} */
  long seed(Staging t, String column, String value) throws SQLException {
    return update(
        "UPDATE "
            + t.temp
            + " s SET "
            + Staging.SELECTED
            + " = true WHERE "
            + "s."
            + Identifiers.quote(column)
            + "::text = ?"
            + guard(t),
        List.of(value));
  }

  void children(Set<Long> tenantTables) throws SQLException {
    List<LiveSchema.ForeignKey> edges =
        fks.stream()
            .filter(fk -> tenantTables.contains(fk.child()) && tenantTables.contains(fk.parent()))
            .toList();
    fixpoint(edges, true);
  }

  void missingParents() throws SQLException {
    List<LiveSchema.ForeignKey> edges =
        fks.stream()
            .filter(fk -> staged.containsKey(fk.child()) && staged.containsKey(fk.parent()))
            .toList();
    fixpoint(edges, false);
  }

  private void fixpoint(List<LiveSchema.ForeignKey> edges, boolean down) throws SQLException {
    long changed;
    do {
      changed = 0;
      for (LiveSchema.ForeignKey fk : edges) {
        changed += down ? markChildren(fk) : markParents(fk);
      }
    } while (changed > 0);
  }

  private long markChildren(LiveSchema.ForeignKey fk) throws SQLException {
    Staging child = staged.get(fk.child());
    Staging parent = staged.get(fk.parent());
    if (!child.columns.containsAll(fk.columns())
        || !parent.columns.containsAll(fk.parentColumns())) {
      return 0;
    }
    return update(
        "UPDATE "
            + child.temp
            + " s SET "
            + Staging.SELECTED
            + " = true WHERE NOT s."
            + Staging.SELECTED
            + guard(child)
            + " AND EXISTS (SELECT 1 FROM "
            + parent.temp
            + " p WHERE p."
            + Staging.SELECTED
            + " AND "
            + equal("p", fk.parentColumns(), "s", fk.columns())
            + ")",
        params(child));
  }

  private long markParents(LiveSchema.ForeignKey fk) throws SQLException {
    Staging child = staged.get(fk.child());
    Staging parent = staged.get(fk.parent());
    if (!child.columns.containsAll(fk.columns())
        || !parent.columns.containsAll(fk.parentColumns())) {
      return 0;
    }
    List<String> params = new ArrayList<>(params(parent));
    String rootOnly = "";
    if (parent.table.oid() == root.oid()) {
      rootOnly = " AND s." + Identifiers.quote(keyColumn) + "::text = ?";
      params.add(keyValue);
    }
    return update(
        "UPDATE "
            + parent.temp
            + " s SET "
            + Staging.SELECTED
            + " = true WHERE NOT s."
            + Staging.SELECTED
            + guard(parent)
            + rootOnly
            + " AND EXISTS (SELECT 1 FROM "
            + child.temp
            + " k WHERE k."
            + Staging.SELECTED
            + " AND "
            + equal("s", fk.parentColumns(), "k", fk.columns())
            + ") AND NOT EXISTS (SELECT 1 FROM "
            + parent.table.qualified()
            + " l WHERE "
            + equal("l", fk.parentColumns(), "s", fk.parentColumns())
            + ")",
        params);
  }

  /** Foreign keys of this table straight to the root's key: they must be null or the tenant's. */
  private List<LiveSchema.ForeignKey> rootKeys(Staging t) {
    return fks.stream()
        .filter(
            fk ->
                fk.child() == t.table.oid()
                    && fk.parent() == root.oid()
                    && t.table.oid() != root.oid()
                    && fk.parentColumns().equals(List.of(keyColumn))
                    && t.columns.containsAll(fk.columns()))
        .toList();
  }

  private String guard(Staging t) {
    StringBuilder b = new StringBuilder();
    for (LiveSchema.ForeignKey fk : rootKeys(t)) {
      String col = "s." + Identifiers.quote(fk.columns().get(0));
      b.append(" AND (").append(col).append(" IS NULL OR ").append(col).append("::text = ?)");
    }
    return b.toString();
  }

  private List<String> params(Staging t) {
    return rootKeys(t).stream().map(fk -> keyValue).toList();
  }

  static String equal(String a, List<String> aCols, String b, List<String> bCols) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < aCols.size(); i++) {
      parts.add(
          a
              + "."
              + Identifiers.quote(aCols.get(i))
              + " = "
              + b
              + "."
              + Identifiers.quote(bCols.get(i)));
    }
    return String.join(" AND ", parts);
  }

  private long update(String sql, List<String> params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setString(i + 1, params.get(i));
      }
      return ps.executeUpdate();
    }
  }
}
