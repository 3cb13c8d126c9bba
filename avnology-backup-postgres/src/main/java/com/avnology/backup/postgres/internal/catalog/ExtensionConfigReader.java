package com.avnology.backup.postgres.internal.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Extension configuration tables and sequences ({@code pg_extension_config_dump}, {@code
 * processExtensionTables}): {@code CREATE EXTENSION} recreates them, so only their data is dumped,
 * with the extension's filter condition (the rows the user added), and a sequence's value. Only for
 * extensions the dump creates; a config table's data sorts after the data of the config tables it
 * references (as in pg_dump, the entries do not depend on each other).
 */
final class ExtensionConfigReader {
  private ExtensionConfigReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (ctx.extensions.isEmpty()) {
      return;
    }
    String notGenerated = ctx.version >= 120000 ? " AND a.attgenerated = ''" : "";
    Map<Long, DumpObject> dataOf = new HashMap<>();
    ctx.query(
        "SELECT x.oid AS ext, c.oid, n.nspname, c.relname, c.relkind, c.relpersistence,"
            + " cfg.cond, c.relpages,"
            + " c.reltuples, pg_catalog.pg_get_userbyid(c.relowner) AS owner,"
            + " ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid"
            + "   AND a.attnum > 0 AND NOT a.attisdropped"
            + notGenerated
            + "   ORDER BY a.attnum)::pg_catalog.text[] AS columns"
            + " FROM pg_catalog.pg_extension x,"
            + " ROWS FROM (pg_catalog.unnest(x.extconfig), pg_catalog.unnest(x.extcondition))"
            + "   AS cfg(reloid, cond)"
            + " JOIN pg_catalog.pg_class c ON c.oid = cfg.reloid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE x.extconfig IS NOT NULL ORDER BY c.oid",
        rs -> {
          String schema = rs.getString("nspname");
          String name = rs.getString("relname");
          if (!ctx.extensions.containsKey(rs.getLong("ext"))
              || ctx.opts.excludeSchemas().contains(schema)
              || ctx.opts.excludeTables().contains(schema + "." + name)) {
            return;
          }
          long oid = rs.getLong("oid");
          String owner = ctx.owner(rs.getString("owner"));
          String qn = Sql.qq(schema, name);
          String kind = rs.getString("relkind");
          boolean unlogged = "u".equals(rs.getString("relpersistence"));
          if ((kind.equals("r") || kind.equals("S"))
              && !ctx.opts.dataWanted(schema, name, unlogged)) {
            // as pg_dump's processExtensionTables, through makeTableDataInfo
            ctx.dataLeftOut.add(new DataLeftOut(schema + "." + name, unlogged));
            return;
          }
          switch (kind) {
            case "r" -> {
              List<String> columns = List.of(Ctx.strings(rs, "columns"));
              DumpObject d = new DumpObject(Kind.TABLE_DATA, 0, oid, schema, name);
              d.desc = "TABLE DATA";
              d.owner = owner;
              d.copyStmt =
                  "COPY "
                      + qn
                      + " "
                      + (columns.isEmpty()
                          ? ""
                          : "(" + String.join(", ", columns.stream().map(Sql::q).toList()) + ")")
                      + " FROM stdin;\n";
              String cond = rs.getString("cond");
              long bytes = rs.getLong("relpages") * 8192L;
              d.data =
                  new DumpObject.TableDataSpec(
                      schema, name, columns, bytes, cond == null || cond.isEmpty() ? null : cond);
              d.fixedDeps = List.of();
              ctx.add(d);
              dataOf.put(oid, d);
            }
            case "S" -> {
              DumpObject set = new DumpObject(Kind.SEQUENCE_SET, 0, oid, schema, name);
              set.desc = "SEQUENCE SET";
              set.owner = owner;
              try (Statement s = ctx.conn.createStatement();
                  ResultSet v = s.executeQuery("SELECT last_value, is_called FROM " + qn)) {
                v.next();
                set.defn =
                    "SELECT pg_catalog.setval("
                        + Sql.literal(qn)
                        + ", "
                        + v.getLong(1)
                        + ", "
                        + v.getBoolean(2)
                        + ");\n";
              }
              set.fixedDeps = List.of();
              ctx.add(set);
            }
            default -> {} // views, partitioned and foreign tables hold no data of their own
          }
        });
    if (dataOf.size() < 2) {
      return;
    }
    ctx.query(
        "SELECT c.conrelid, c.confrelid FROM pg_catalog.pg_constraint c WHERE c.contype = 'f'",
        rs -> {
          DumpObject referencing = dataOf.get(rs.getLong(1));
          DumpObject referenced = dataOf.get(rs.getLong(2));
          if (referencing != null && referenced != null && referencing != referenced) {
            // the sort order only: like pg_dump, the entry's dependencies stay empty
            referencing.dependOn(referenced);
          }
        });
  }
}
