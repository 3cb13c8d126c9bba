package com.avnology.backup.postgres.internal.catalog;

import com.avnology.backup.postgres.internal.catalog.RelationReader.RelRow;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** CREATE TABLE / VIEW / MATERIALIZED VIEW text and their satellites ({@code dumpTableSchema}). */
final class TableDefinition {
  private TableDefinition() {}

  /** One pg_attribute row. */
  @SuppressWarnings("ArrayRecordComponent") // catalog rows as read, never compared or hashed
  record Col(
      int attnum,
      String name,
      String type,
      boolean notNull,
      boolean local,
      String identity,
      String generated,
      Integer statTarget,
      boolean storageDiffers,
      String storage,
      String coll,
      String[] options,
      String compression,
      String defExpr,
      long defOid,
      String[] acl,
      boolean inhNotNull,
      boolean inhDefault,
      boolean inhGenerated,
      String fdwOptions) {

    Col withDefault(String expr) {
      return new Col(
          attnum,
          name,
          type,
          notNull,
          local,
          identity,
          generated,
          statTarget,
          storageDiffers,
          storage,
          coll,
          options,
          compression,
          expr,
          0,
          acl,
          inhNotNull,
          inhDefault,
          inhGenerated,
          fdwOptions);
    }
  }

  /** One CHECK constraint. */
  record Check(long oid, long table, String name, String def, boolean local, boolean valid) {}

  static void build(Ctx ctx, List<RelRow> dumped, Map<Long, RelRow> rows, Map<Long, String[]> names)
      throws SQLException {
    Map<Long, List<Col>> cols = new HashMap<>();
    ctx.query(
        columnsSql(ctx.version),
        rs -> {
          if (!ctx.rels.containsKey(rs.getLong("attrelid"))) {
            return;
          }
          Object st = rs.getObject("attstattarget");
          Integer stat = st == null ? null : ((Number) st).intValue();
          String storage = rs.getString("attstorage");
          cols.computeIfAbsent(rs.getLong("attrelid"), k -> new ArrayList<>())
              .add(
                  new Col(
                      rs.getInt("attnum"),
                      rs.getString("attname"),
                      rs.getString("type"),
                      rs.getBoolean("attnotnull"),
                      rs.getBoolean("attislocal"),
                      rs.getString("attidentity"),
                      rs.getString("attgenerated"),
                      stat,
                      !storage.equals(rs.getString("typstorage")),
                      storage,
                      rs.getString("coll"),
                      Ctx.strings(rs, "attoptions"),
                      rs.getString("compression"),
                      rs.getString("defexpr"),
                      rs.getLong("defoid"),
                      Ctx.strings(rs, "attacl"),
                      rs.getBoolean("inhnotnull"),
                      rs.getBoolean("inhdefault"),
                      rs.getBoolean("inhgenerated"),
                      rs.getString("fdwoptions")));
        });
    Map<Long, List<Check>> checks = new HashMap<>();
    ctx.query(
        "SELECT co.oid, co.conrelid, co.conname, pg_catalog.pg_get_constraintdef(co.oid) AS def,"
            + " co.conislocal, co.convalidated FROM pg_catalog.pg_constraint co"
            + " WHERE co.contype = 'c' AND co.conrelid >= 16384 ORDER BY co.conname",
        rs ->
            checks
                .computeIfAbsent(rs.getLong("conrelid"), k -> new ArrayList<>())
                .add(
                    new Check(
                        rs.getLong("oid"),
                        rs.getLong("conrelid"),
                        rs.getString("conname"),
                        rs.getString("def"),
                        rs.getBoolean("conislocal"),
                        rs.getBoolean("convalidated"))));
    Map<Long, Map<Integer, String>> notNullNames = NotNullNames.read(ctx);

    for (RelRow r : dumped) {
      if (r.rel.relkind != 'S') {
        relation(
            ctx,
            r,
            cols.getOrDefault(r.rel.oid, List.of()),
            checks.getOrDefault(r.rel.oid, List.of()),
            rows,
            notNullNames.getOrDefault(r.rel.oid, Map.of()));
      }
    }
    for (RelRow r : dumped) {
      if (r.rel.relkind == 'r' || r.rel.relkind == 'p' || r.rel.relkind == 'f') {
        TableSatellites.add(ctx, r, cols.getOrDefault(r.rel.oid, List.of()), rows);
      }
    }
  }

  private static void relation(
      Ctx ctx,
      RelRow r,
      List<Col> cols,
      List<Check> checks,
      Map<Long, RelRow> rows,
      Map<Integer, String> notNullNames) {
    Ctx.Rel rel = r.rel;
    String qn = rel.qname();
    DumpObject o = new DumpObject(Kind.TABLE, Ctx.PG_CLASS, rel.oid, rel.schema, rel.name);
    rel.obj = o;
    o.owner = ctx.owner(rel.owner);
    o.relkind = rel.relkind;
    boolean view = rel.relkind == 'v';
    boolean matview = rel.relkind == 'm';
    boolean foreign = rel.relkind == 'f';
    o.desc = view ? "VIEW" : matview ? "MATERIALIZED VIEW" : foreign ? "FOREIGN TABLE" : "TABLE";
    o.dropStmt = "DROP " + o.desc + " " + qn + ";\n";
    if (!view && !foreign) {
      o.tablespace = r.tablespace == null ? "" : r.tablespace;
      o.tableAm = rel.relkind == 'p' ? null : r.am;
    }
    ctx.add(o);
    Map<Integer, String[]> colComments = new HashMap<>();
    for (Col c : cols) {
      rel.columns.put(c.attnum(), c.name());
      colComments.put(
          c.attnum(),
          new String[] {
            "COLUMN " + qn + "." + Sql.q(c.name()),
            "COLUMN " + Sql.q(rel.name) + "." + Sql.q(c.name())
          });
    }
    String kindWord = rel.relkind == 'p' || rel.relkind == 'r' ? "TABLE" : o.desc;
    ctx.comments(
        o,
        Ctx.PG_CLASS,
        rel.oid,
        kindWord + " " + qn,
        kindWord + " " + Sql.q(rel.name),
        colComments,
        0);
    ctx.acl(o, "TABLE", qn, "TABLE " + Sql.q(rel.name), r.acl, r.base, rel.owner, null, 5000);
    for (Col c : cols) {
      if (c.acl() != null) {
        ctx.acl(
            o,
            "TABLE",
            qn,
            "COLUMN " + Sql.q(rel.name) + "." + Sql.q(c.name()),
            c.acl(),
            null,
            rel.owner,
            c.name(),
            5000 + c.attnum());
      }
    }

    List<String> opts = new ArrayList<>();
    String checkOption = RelationReader.reloptions(r.relopts, "", opts, "check_option");
    RelationReader.reloptions(r.toastopts, "toast.", opts, null);
    String with = opts.isEmpty() ? "" : " WITH (" + String.join(", ", opts) + ")";
    if (view || matview) {
      String def = r.viewdef.stripTrailing();
      if (def.endsWith(";")) {
        def = def.substring(0, def.length() - 1);
      }
      String tail =
          checkOption != null
              ? "\n  WITH " + checkOption.toUpperCase(Locale.ROOT) + " CHECK OPTION"
              : "";
      StringBuilder mvAlters = new StringBuilder();
      if (matview) {
        for (Col c : cols) {
          ColumnAlters.append(mvAlters, c, qn, false);
        }
      }
      o.defn =
          "CREATE "
              + o.desc
              + " "
              + qn
              + with
              + " AS\n"
              + def
              + (matview ? "\n  WITH NO DATA" : "")
              + tail
              + ";\n"
              + mvAlters;
      if (view) {
        List<String> nulls = new ArrayList<>();
        for (Col c : cols) {
          nulls.add(
              "NULL::"
                  + c.type()
                  + (c.coll() != null ? " COLLATE " + c.coll() : "")
                  + " AS "
                  + Sql.q(c.name()));
        }
        String dummy = qn + with + " AS\nSELECT\n    " + String.join(",\n    ", nulls) + ";\n";
        o.dummyViewDefn = "CREATE VIEW " + dummy;
        o.replaceViewDefn = "CREATE OR REPLACE VIEW " + qn + " AS\n" + def + tail + ";\n";
        o.dummyViewDrop = "CREATE OR REPLACE VIEW " + dummy;
      }
      for (Col c : cols) {
        if (c.defExpr() != null) {
          TableSatellites.separateDefault(ctx, rel, o, c);
        }
      }
      if (matview && r.populated && !ctx.opts.dataWanted(rel.schema, rel.name, false)) {
        // pg_dump --exclude-table-data leaves a materialized view unpopulated
        ctx.dataLeftOut.add(new DataLeftOut(rel.schema + "." + rel.name, false));
      } else if (matview && r.populated) {
        DumpObject d = new DumpObject(Kind.REFRESH_MATVIEW, 0, rel.oid, rel.schema, rel.name);
        d.desc = "MATERIALIZED VIEW DATA";
        d.owner = o.owner;
        d.defn = "REFRESH MATERIALIZED VIEW " + qn + ";\n";
        d.dependOn(o);
        ctx.add(d);
      }
      return;
    }

    StringBuilder sb = new StringBuilder("CREATE ");
    if ("u".equals(r.persistence)) {
      sb.append("UNLOGGED ");
    }
    sb.append(foreign ? "FOREIGN TABLE " : "TABLE ").append(qn);
    if (r.oftype != null) {
      sb.append(" OF ").append(r.oftype);
    }
    StringBuilder alters = new StringBuilder();
    List<String> items = new ArrayList<>();
    for (Col col : cols) {
      boolean printed = col.local() || rel.partition;
      // flagInhAttrs: an inherited default the child lacks must be overridden by DEFAULT NULL
      Col c =
          col.defExpr() == null && col.inhDefault() && !rel.partition && col.generated().isEmpty()
              ? col.withDefault("NULL")
              : col;
      boolean hasDefault = c.defExpr() != null && c.generated().isEmpty();
      boolean inlineDefault =
          hasDefault
              && printed
              && !TableSatellites.needsSeparate(ctx, Ctx.PG_ATTRDEF, c.defOid(), rel.oid);
      boolean notNull = c.notNull() && (!c.inhNotNull() || rel.partition);
      if (printed && (r.oftype == null || inlineDefault || notNull)) {
        StringBuilder cs = new StringBuilder(Sql.q(c.name()));
        if (r.oftype == null) {
          cs.append(' ').append(c.type());
        }
        if (!c.generated().isEmpty() && (rel.partition || !c.inhGenerated())) {
          cs.append(" GENERATED ALWAYS AS (").append(c.defExpr()).append(") STORED");
        } else if (inlineDefault) {
          cs.append(" DEFAULT ").append(c.defExpr());
        }
        if (notNull) {
          String name = notNullNames.get(c.attnum());
          cs.append(name == null ? "" : " CONSTRAINT " + Sql.q(name)).append(" NOT NULL");
        }
        if (c.coll() != null && r.oftype == null) {
          cs.append(" COLLATE ").append(c.coll());
        }
        items.add(cs.toString());
      } else if (!printed && c.notNull() && !c.inhNotNull()) {
        alters
            .append(foreign ? "ALTER FOREIGN TABLE ONLY " : "ALTER TABLE ONLY ")
            .append(qn)
            .append(" ALTER COLUMN ")
            .append(Sql.q(c.name()))
            .append(" SET NOT NULL;\n");
      }
      if (c.defExpr() != null) {
        if (!c.generated().isEmpty() || inlineDefault) {
          if (c.defOid() != 0) {
            ctx.alias(Ctx.PG_ATTRDEF, c.defOid(), Ctx.PG_CLASS, rel.oid);
          }
        } else {
          TableSatellites.separateDefault(ctx, rel, o, c);
        }
      }
      ColumnAlters.append(alters, c, qn, foreign);
    }
    for (Check k : checks) {
      String commentSql = "CONSTRAINT " + Sql.q(k.name()) + " ON " + qn;
      String commentTag = "CONSTRAINT " + Sql.q(k.name()) + " ON " + Sql.q(rel.name);
      boolean separate =
          !k.valid() || TableSatellites.needsSeparate(ctx, Ctx.PG_CONSTRAINT, k.oid(), rel.oid);
      if (!separate && (k.local() || rel.partition)) {
        items.add("CONSTRAINT " + Sql.q(k.name()) + " " + k.def());
        ctx.alias(Ctx.PG_CONSTRAINT, k.oid(), Ctx.PG_CLASS, rel.oid);
        ctx.comments(o, Ctx.PG_CONSTRAINT, k.oid(), commentSql, commentTag, null, 2000);
      } else if (k.local()) {
        DumpObject c =
            new DumpObject(Kind.CONSTRAINT, Ctx.PG_CONSTRAINT, k.oid(), rel.schema, k.name());
        c.desc = "CHECK CONSTRAINT";
        c.tag = rel.name + " " + k.name();
        c.parentName = rel.name;
        c.owner = o.owner;
        c.defn =
            "ALTER TABLE " + qn + "\n    ADD CONSTRAINT " + Sql.q(k.name()) + " " + k.def() + ";\n";
        c.dropStmt = "ALTER TABLE " + qn + " DROP CONSTRAINT " + Sql.q(k.name()) + ";\n";
        c.dependOn(o);
        ctx.add(c);
        ctx.comments(c, Ctx.PG_CONSTRAINT, k.oid(), commentSql, commentTag);
      } else {
        ctx.alias(Ctx.PG_CONSTRAINT, k.oid(), Ctx.PG_CLASS, rel.oid);
      }
    }
    if (!items.isEmpty()) {
      sb.append(" (\n    ").append(String.join(",\n    ", items)).append("\n)");
    } else if (r.oftype == null) {
      sb.append(" (\n)");
    }
    if (!rel.partition && !r.parents.isEmpty()) {
      List<String> ps = new ArrayList<>();
      for (long p : r.parents) {
        RelRow pr = rows.get(p);
        ps.add(pr.rel.qname());
      }
      sb.append("\nINHERITS (").append(String.join(", ", ps)).append(')');
    }
    if (r.partkey != null) {
      sb.append("\nPARTITION BY ").append(r.partkey);
    }
    if (foreign) {
      sb.append("\nSERVER ").append(Sql.q(r.server));
    }
    sb.append(with.isEmpty() ? "" : "\n" + with.substring(1));
    if (foreign && r.ftoptions != null && !r.ftoptions.isEmpty()) {
      sb.append("\nOPTIONS (\n    ").append(r.ftoptions).append("\n)");
    }
    sb.append(";\n").append(alters);
    if (!foreign && ("f".equals(r.replident) || "n".equals(r.replident))) {
      sb.append("\nALTER TABLE ONLY ")
          .append(qn)
          .append(" REPLICA IDENTITY ")
          .append(r.replident.equals("f") ? "FULL" : "NOTHING")
          .append(";\n");
    }
    if (r.forceRowSecurity) {
      sb.append("\nALTER TABLE ONLY ").append(qn).append(" FORCE ROW LEVEL SECURITY;\n");
    }
    o.defn = sb.toString();
  }

  /** {@return the query of every column of the relations; the catalog prefetch runs it ahead} */
  static String columnsSql(int version) {
    String compression = version >= 140000 ? "a.attcompression::pg_catalog.text" : "NULL";
    return "SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,"
        + " a.attnotnull, a.attislocal, a.attidentity, a.attgenerated, a.attstattarget,"
        + " a.attstorage, t.typstorage, "
        + Ctx.collationExpr("a.attcollation", "t.typcollation")
        + " AS coll, "
        // as the pg_dump of the server that makes it: an attribute option pg_attver, set by
        // the server itself on every column it creates (Debian's PostgreSQL 15 here), is the
        // server's own and is left out; a server without it refuses the option
        + " CASE WHEN a.attoptions IS NOT NULL THEN ARRAY("
        + "SELECT o FROM pg_catalog.unnest(a.attoptions::pg_catalog.text[]) o"
        + " WHERE pg_catalog.substr(o, 1, 10) <> 'pg_attver=') END AS attoptions, "
        + compression
        + " AS compression,"
        + " pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS defexpr, d.oid AS defoid,"
        + " a.attacl::pg_catalog.text[] AS attacl,"
        // what the parents' same-named columns hold, aggregated once per (child, column) rather
        // than a correlated subquery per column (thousands of columns on large schemas)
        + " COALESCE(p.notnull, false) AS inhnotnull, COALESCE(p.hasdefault, false) AS inhdefault,"
        // flagInhAttrs: a child's generation expression is left to inheritance only when every
        // generated parent column has the same one; under a plain parent column (PostgreSQL
        // 15 and older) or a different expression (16 and newer) it is the child's own
        + " CASE WHEN p.genexprs IS NOT NULL"
        + " THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) = ALL (p.genexprs) END AS inhgenerated,"
        + " CASE WHEN c.relkind = 'f' THEN "
        + ForeignDataReader.options("a.attfdwoptions")
        + " END AS fdwoptions"
        + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
        + " LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
        + " LEFT JOIN (SELECT i.inhrelid, pa.attname,"
        + " pg_catalog.bool_or(pa.attnotnull) AS notnull,"
        + " pg_catalog.bool_or(pa.atthasdef AND pa.attgenerated = '') AS hasdefault,"
        + " pg_catalog.array_agg(pg_catalog.pg_get_expr(pd.adbin, pd.adrelid))"
        + "   FILTER (WHERE pa.attgenerated <> '') AS genexprs"
        + " FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_attribute pa"
        + "   ON pa.attrelid = i.inhparent AND pa.attnum > 0 AND NOT pa.attisdropped"
        + " LEFT JOIN pg_catalog.pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = pa.attnum"
        + "   AND pa.attgenerated <> ''"
        + " GROUP BY i.inhrelid, pa.attname) p ON p.inhrelid = a.attrelid AND p.attname = a.attname"
        + " LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
        + " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.oid >= 16384"
        + " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY a.attrelid, a.attnum";
  }
}
