package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Names of NOT NULL constraints (PostgreSQL 18 and newer keep them in pg_constraint) that differ
 * from the name a plain {@code NOT NULL} would get ({@code <table>_<column>_not_null}), such as a
 * partition's constraints inherited from its parent: pg_dump 18 writes those as {@code CONSTRAINT
 * name NOT NULL} (its {@code determineNotNullFlags}), so a restore keeps them.
 */
final class NotNullNames {
  private NotNullNames() {}

  /** {@return table oid \u2192 attnum \u2192 constraint name; empty before PostgreSQL 18} */
  static Map<Long, Map<Integer, String>> read(Ctx ctx) throws SQLException {
    Map<Long, Map<Integer, String>> out = new HashMap<>();
    if (ctx.version < 180000) {
      return out;
    }
    ctx.query(
        "SELECT co.conrelid, a.attnum, co.conname FROM pg_catalog.pg_constraint co"
            + " JOIN pg_catalog.pg_class c ON c.oid = co.conrelid"
            + " JOIN pg_catalog.pg_attribute a ON a.attrelid = co.conrelid"
            + " AND a.attnum = co.conkey[1]"
            + " WHERE co.contype = 'n' AND co.conrelid >= 16384"
            + " AND co.conname <> c.relname || '_' || a.attname || '_not_null'",
        rs ->
            out.computeIfAbsent(rs.getLong("conrelid"), k -> new HashMap<>())
                .put(rs.getInt("attnum"), rs.getString("conname")));
    return out;
  }
}
