package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Indexes, PK/UNIQUE/EXCLUDE constraints, INDEX ATTACH and FKs ({@code getIndexes}, {@code
 * getConstraints}).
 */
final class IndexReader {
  private IndexReader() {}

  private record Attach(DumpObject obj, long childIndex, long parentIndex, long childTable) {}

  static void read(Ctx ctx) throws SQLException {
    List<Attach> attaches = new ArrayList<>();
    java.util.Map<Long, List<Attach>> byParent = new java.util.HashMap<>();
    ctx.query(
        indexesSql(),
        rs -> {
          Ctx.Rel rel = ctx.rels.get(rs.getLong("indrelid"));
          if (rel == null || rel.obj == null || rel.relkind == 'S') {
            return;
          }
          String qt = rel.qname();
          long indexOid = rs.getLong("indexrelid");
          String indname = rs.getString("indname");
          long conoid = rs.getLong("conoid");
          boolean constraint = !rs.wasNull();
          long parentIdx = rs.getLong("parentidx");
          StringBuilder extra = new StringBuilder();
          if (rs.getBoolean("indisclustered")) {
            extra
                .append("\nALTER TABLE ")
                .append(qt)
                .append(" CLUSTER ON ")
                .append(Sql.q(indname))
                .append(";\n");
          }
          if (rs.getBoolean("indisreplident")) {
            extra
                .append("\nALTER TABLE ONLY ")
                .append(qt)
                .append(" REPLICA IDENTITY USING INDEX ")
                .append(Sql.q(indname))
                .append(";\n");
          }
          DumpObject o;
          if (constraint) {
            String con = rs.getString("conname");
            o = new DumpObject(Kind.CONSTRAINT, Ctx.PG_CONSTRAINT, conoid, rel.schema, con);
            o.desc = "CONSTRAINT";
            o.tag = rel.name + " " + con;
            o.parentName = rel.name;
            o.defn =
                "ALTER TABLE ONLY "
                    + qt
                    + "\n    ADD CONSTRAINT "
                    + Sql.q(con)
                    + " "
                    + rs.getString("condef")
                    + ";\n"
                    + extra;
            o.dropStmt = "ALTER TABLE ONLY " + qt + " DROP CONSTRAINT " + Sql.q(con) + ";\n";
            ctx.alias(Ctx.PG_CLASS, indexOid, Ctx.PG_CONSTRAINT, conoid);
            ctx.comments(
                o,
                Ctx.PG_CONSTRAINT,
                conoid,
                "CONSTRAINT " + Sql.q(con) + " ON " + qt,
                "CONSTRAINT " + Sql.q(con) + " ON " + Sql.q(rel.name));
          } else {
            o = new DumpObject(Kind.INDEX, Ctx.PG_CLASS, indexOid, rel.schema, indname);
            o.desc = "INDEX";
            o.defn = rs.getString("indexdef") + ";\n" + extra;
            o.dropStmt = parentIdx != 0 ? "" : "DROP INDEX " + Sql.qq(rel.schema, indname) + ";\n";
          }
          // comments on an index always say INDEX, even when it backs a constraint
          ctx.comments(
              o,
              Ctx.PG_CLASS,
              indexOid,
              "INDEX " + Sql.qq(rel.schema, indname),
              "INDEX " + Sql.q(indname));
          o.owner = rel.obj.owner;
          o.tablespace = rs.getString("spcname") == null ? "" : rs.getString("spcname");
          o.dependOn(rel.obj);
          ctx.add(o);
          if (parentIdx != 0) {
            DumpObject a = new DumpObject(Kind.INDEX_ATTACH, 0, indexOid, rel.schema, indname);
            a.desc = "INDEX ATTACH";
            a.owner = o.owner;
            attaches.add(new Attach(a, indexOid, parentIdx, rel.oid));
          }
        });
    java.util.Map<Long, String[]> parents =
        attaches.isEmpty() ? java.util.Map.of() : partitionedIndexes(ctx);
    for (Attach at : attaches) {
      DumpObject child = ctx.resolve(Ctx.PG_CLASS, at.childIndex);
      DumpObject parent = ctx.resolve(Ctx.PG_CLASS, at.parentIndex);
      if (parent == null || child == null) {
        continue;
      }
      String[] parentInfo = parents.get(at.parentIndex);
      if (parentInfo == null) {
        continue;
      }
      String parentQ = parentInfo[0];
      DumpObject a = at.obj;
      a.defn =
          "ALTER INDEX " + parentQ + " ATTACH PARTITION " + Sql.qq(a.namespace, a.name) + ";\n";
      a.dependOn(child);
      a.dependOn(parent);
      a.dependOn(ctx.resolve(Ctx.PG_CLASS, at.childTable));
      a.dependOn(ctx.resolve(Ctx.PG_CLASS, Long.parseLong(parentInfo[1])));
      ctx.add(a);
      byParent.computeIfAbsent(at.parentIndex, k -> new ArrayList<>()).add(at);
    }
    foreignKeys(ctx, byParent);
  }

  /** Every partitioned index (the only kind a partition's index attaches to), in one query. */
  private static java.util.Map<Long, String[]> partitionedIndexes(Ctx ctx) throws SQLException {
    java.util.Map<Long, String[]> out = new java.util.HashMap<>();
    ctx.query(
        "SELECT c.oid, n.nspname, c.relname, i.indrelid FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid WHERE c.relkind = 'I'",
        rs ->
            out.put(
                rs.getLong(1),
                new String[] {Sql.qq(rs.getString(2), rs.getString(3)), rs.getString(4)}));
    return out;
  }

  private static void foreignKeys(Ctx ctx, java.util.Map<Long, List<Attach>> byParent)
      throws SQLException {
    ctx.query(
        "SELECT co.oid, co.conname, co.conrelid, co.conindid, pg_catalog.pg_get_constraintdef(co.oid, false) AS def"
            + " FROM pg_catalog.pg_constraint co"
            + " WHERE co.contype = 'f' AND co.conparentid = 0 AND co.conrelid >= 16384",
        rs -> {
          Ctx.Rel rel = ctx.rels.get(rs.getLong("conrelid"));
          if (rel == null || rel.obj == null) {
            return;
          }
          String con = rs.getString("conname");
          String only = rel.relkind == 'p' ? "" : "ONLY ";
          String qt = rel.qname();
          DumpObject o =
              new DumpObject(
                  Kind.FK_CONSTRAINT, Ctx.PG_CONSTRAINT, rs.getLong("oid"), rel.schema, con);
          o.desc = "FK CONSTRAINT";
          o.tag = rel.name + " " + con;
          o.parentName = rel.name;
          o.owner = rel.obj.owner;
          o.defn =
              "ALTER TABLE "
                  + only
                  + qt
                  + "\n    ADD CONSTRAINT "
                  + Sql.q(con)
                  + " "
                  + rs.getString("def")
                  + ";\n";
          o.dropStmt = "ALTER TABLE " + only + qt + " DROP CONSTRAINT " + Sql.q(con) + ";\n";
          o.dependOn(rel.obj);
          // addConstrChildIdxDeps: wait for every partition of the referenced index to attach
          java.util.ArrayDeque<Long> todo =
              new java.util.ArrayDeque<>(List.of(rs.getLong("conindid")));
          while (!todo.isEmpty()) {
            for (Attach at : byParent.getOrDefault(todo.pop(), List.of())) {
              o.dependOn(at.obj);
              todo.add(at.childIndex);
            }
          }
          ctx.add(o);
          ctx.comments(
              o,
              Ctx.PG_CONSTRAINT,
              o.oid,
              "CONSTRAINT " + Sql.q(con) + " ON " + qt,
              "CONSTRAINT " + Sql.q(con) + " ON " + Sql.q(rel.name));
        });
  }

  /** {@return the query of every index; the catalog prefetch runs it ahead} */
  static String indexesSql() {
    return "SELECT i.indexrelid, ic.relname AS indname, i.indrelid, i.indisclustered, i.indisreplident,"
        + " pg_catalog.pg_get_indexdef(i.indexrelid) AS indexdef, ts.spcname,"
        + " co.oid AS conoid, co.conname, co.contype,"
        + " CASE WHEN co.oid IS NOT NULL THEN pg_catalog.pg_get_constraintdef(co.oid, false) END AS condef,"
        + " (SELECT inh.inhparent FROM pg_catalog.pg_inherits inh WHERE inh.inhrelid = i.indexrelid) AS parentidx"
        + " FROM pg_catalog.pg_index i"
        + " JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
        + " JOIN pg_catalog.pg_class t ON t.oid = i.indrelid"
        + " LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = ic.reltablespace"
        + " LEFT JOIN pg_catalog.pg_constraint co ON co.conindid = i.indexrelid"
        + "   AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')"
        + " WHERE i.indrelid >= 16384 AND (i.indisvalid OR t.relkind = 'p') AND i.indisready"
        + " ORDER BY i.indexrelid";
  }
}
