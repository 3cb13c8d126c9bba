package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Enum, composite, range and domain types ({@code getTypes}, {@code dump*Type}). */
final class TypeReader {
  private TypeReader() {}

  static void read(Ctx ctx) throws SQLException {
    ctx.query(
        "SELECT t.oid, t.typelem, t.typrelid, c.relkind,"
            + " EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid) AS isarray"
            + " FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid"
            + " WHERE t.oid >= 16384",
        rs -> {
          long oid = rs.getLong("oid");
          String relkind = rs.getString("relkind");
          if (rs.getBoolean("isarray")) {
            ctx.alias(Ctx.PG_TYPE, oid, Ctx.PG_TYPE, rs.getLong("typelem"));
          } else if (relkind != null && !relkind.equals("c")) {
            ctx.alias(Ctx.PG_TYPE, oid, Ctx.PG_CLASS, rs.getLong("typrelid"));
          } else if (relkind != null) {
            ctx.alias(Ctx.PG_CLASS, rs.getLong("typrelid"), Ctx.PG_TYPE, oid);
          }
        });
    if (ctx.version >= 140000) {
      ctx.query(
          "SELECT rngtypid, rngmultitypid FROM pg_catalog.pg_range",
          rs -> ctx.alias(Ctx.PG_TYPE, rs.getLong(2), Ctx.PG_TYPE, rs.getLong(1)));
    }
    if (!ctx.opts.includeTables().isEmpty()) {
      return;
    }

    Map<Long, List<String>> enumLabels = new HashMap<>();
    ctx.query(
        "SELECT enumtypid, enumlabel FROM pg_catalog.pg_enum ORDER BY enumtypid, enumsortorder",
        rs ->
            enumLabels.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2)));

    Map<Long, List<String[]>> attrs = new HashMap<>();
    ctx.query(
        "SELECT a.attrelid, a.attnum, a.attname,"
            + " pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, "
            + Ctx.collationExpr("a.attcollation", "t.typcollation")
            + " AS coll"
            + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
            + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid AND c.relkind = 'c'"
            + " WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum",
        rs ->
            attrs
                .computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                .add(
                    new String[] {
                      rs.getString("attnum"),
                      rs.getString("attname"),
                      rs.getString("type"),
                      rs.getString("coll")
                    }));

    Map<Long, String> ranges = new HashMap<>();
    ctx.query(
        "SELECT r.rngtypid, pg_catalog.format_type(r.rngsubtype, NULL) AS subtype, "
            + (ctx.version >= 140000 ? "pg_catalog.format_type(r.rngmultitypid, NULL)" : "NULL")
            + " AS multi, opc.opcname, opcn.nspname AS opcnsp, opc.opcdefault, "
            + Ctx.collationExpr("r.rngcollation", "st.typcollation")
            + " AS coll,"
            + " CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::pg_catalog.regproc::pg_catalog.text END AS canon,"
            + " CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::pg_catalog.regproc::pg_catalog.text END AS diff"
            + " FROM pg_catalog.pg_range r"
            + " JOIN pg_catalog.pg_opclass opc ON opc.oid = r.rngsubopc"
            + " JOIN pg_catalog.pg_namespace opcn ON opcn.oid = opc.opcnamespace"
            + " JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype",
        rs -> {
          StringBuilder sb = new StringBuilder("    subtype = ").append(rs.getString("subtype"));
          if (rs.getString("multi") != null) {
            sb.append(",\n    multirange_type_name = ").append(rs.getString("multi"));
          }
          if (!rs.getBoolean("opcdefault")) {
            sb.append(",\n    subtype_opclass = ")
                .append(Sql.qq(rs.getString("opcnsp"), rs.getString("opcname")));
          }
          if (rs.getString("coll") != null) {
            sb.append(",\n    collation = ").append(rs.getString("coll"));
          }
          if (rs.getString("canon") != null) {
            sb.append(",\n    canonical = ").append(rs.getString("canon"));
          }
          if (rs.getString("diff") != null) {
            sb.append(",\n    subtype_diff = ").append(rs.getString("diff"));
          }
          ranges.put(rs.getLong(1), sb.toString());
        });

    Map<Long, DumpObject> domains = new HashMap<>();
    ctx.query(
        "SELECT t.oid, t.typname, t.typnamespace, n.nspname, t.typtype, t.typrelid,"
            + " pg_catalog.pg_get_userbyid(t.typowner) AS owner,"
            + " t.typacl::pg_catalog.text[] AS acl,"
            + " pg_catalog.acldefault('T', t.typowner)::pg_catalog.text[] AS base,"
            + " pg_catalog.format_type(t.typbasetype, t.typtypmod) AS basetype, t.typnotnull,"
            + " pg_catalog.pg_get_expr(t.typdefaultbin, 'pg_catalog.pg_type'::pg_catalog.regclass) AS defexpr,"
            + " t.typdefault, "
            + Ctx.collationExpr("t.typcollation", "bt.typcollation")
            + " AS coll"
            + " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
            + " LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype"
            + " WHERE t.oid >= 16384 AND (t.typtype IN ('e', 'r', 'd') OR (t.typtype = 'c' AND"
            + " (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c'))",
        rs -> {
          long oid = rs.getLong("oid");
          if (!ctx.namespaces.containsKey(rs.getLong("typnamespace"))
              || ctx.isExtensionMember(Ctx.PG_TYPE, oid)) {
            return;
          }
          String schema = rs.getString("nspname");
          String name = rs.getString("typname");
          String qn = Sql.qq(schema, name);
          String typtype = rs.getString("typtype");
          String owner = rs.getString("owner");
          DumpObject o = new DumpObject(Kind.TYPE, Ctx.PG_TYPE, oid, schema, name);
          o.owner = ctx.owner(owner);
          o.desc = typtype.equals("d") ? "DOMAIN" : "TYPE";
          o.dropStmt = "DROP " + o.desc + " " + qn + ";\n";
          switch (typtype) {
            case "e" -> {
              StringBuilder sb = new StringBuilder("CREATE TYPE ").append(qn).append(" AS ENUM (");
              List<String> labels = enumLabels.getOrDefault(oid, List.of());
              for (int i = 0; i < labels.size(); i++) {
                sb.append(i == 0 ? "\n    " : ",\n    ").append(Sql.literal(labels.get(i)));
              }
              o.defn = sb.append("\n);\n").toString();
            }
            case "r" -> {
              o.defn = "CREATE TYPE " + qn + " AS RANGE (\n" + ranges.get(oid) + "\n);\n";
              // a canonical function loops with its range type as I/O functions do
              o.shellType = BaseTypeReader.shell(o);
            }
            case "c" -> {
              StringBuilder sb = new StringBuilder("CREATE TYPE ").append(qn).append(" AS (");
              Map<Integer, String[]> cols = new HashMap<>();
              List<String[]> list = attrs.getOrDefault(rs.getLong("typrelid"), List.of());
              for (int i = 0; i < list.size(); i++) {
                String[] a = list.get(i);
                sb.append(i == 0 ? "\n\t" : ",\n\t").append(Sql.q(a[1])).append(' ').append(a[2]);
                if (a[3] != null) {
                  sb.append(" COLLATE ").append(a[3]);
                }
                cols.put(
                    Integer.parseInt(a[0]),
                    new String[] {
                      "COLUMN " + qn + "." + Sql.q(a[1]),
                      "COLUMN " + Sql.q(name) + "." + Sql.q(a[1])
                    });
              }
              o.defn = sb.append("\n);\n").toString();
              ctx.comments(o, Ctx.PG_CLASS, rs.getLong("typrelid"), null, null, cols, 0);
            }
            default -> {
              StringBuilder sb =
                  new StringBuilder("CREATE DOMAIN ")
                      .append(qn)
                      .append(" AS ")
                      .append(rs.getString("basetype"));
              if (rs.getString("coll") != null) {
                sb.append(" COLLATE ").append(rs.getString("coll"));
              }
              if (rs.getBoolean("typnotnull")) {
                sb.append(" NOT NULL");
              }
              if (rs.getString("defexpr") != null) {
                sb.append(" DEFAULT ").append(rs.getString("defexpr"));
              } else if (rs.getString("typdefault") != null) {
                sb.append(" DEFAULT ").append(Sql.literal(rs.getString("typdefault")));
              }
              o.defn = sb.toString();
              domains.put(oid, o);
            }
          }
          ctx.add(o);
          ctx.comments(o, Ctx.PG_TYPE, oid, o.desc + " " + qn, o.desc + " " + Sql.q(name));
          ctx.acl(
              o,
              "TYPE",
              qn,
              o.desc + " " + Sql.q(name),
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              owner,
              null,
              5000);
        });

    ctx.query(
        "SELECT c.oid, c.contypid, c.conname, pg_catalog.pg_get_constraintdef(c.oid) AS def,"
            + " c.convalidated FROM pg_catalog.pg_constraint c"
            + " WHERE c.contypid <> 0 AND c.contype = 'c' ORDER BY c.conname",
        rs -> {
          DumpObject d = domains.get(rs.getLong("contypid"));
          if (d == null) {
            return;
          }
          String qn = Sql.qq(d.namespace, d.name);
          String con = rs.getString("conname");
          String commentSql = "CONSTRAINT " + Sql.q(con) + " ON DOMAIN " + qn;
          String commentTag = "CONSTRAINT " + Sql.q(con) + " ON DOMAIN " + Sql.q(d.name);
          if (rs.getBoolean("convalidated")) {
            d.defn += "\n\tCONSTRAINT " + Sql.q(con) + " " + rs.getString("def");
            ctx.alias(Ctx.PG_CONSTRAINT, rs.getLong("oid"), Ctx.PG_TYPE, d.oid);
            ctx.comments(
                d, Ctx.PG_CONSTRAINT, rs.getLong("oid"), commentSql, commentTag, null, 2000);
          } else {
            DumpObject c =
                new DumpObject(
                    Kind.CONSTRAINT, Ctx.PG_CONSTRAINT, rs.getLong("oid"), d.namespace, con);
            c.desc = "CHECK CONSTRAINT";
            c.tag = d.name + " " + con;
            c.domainChild = true;
            c.parentName = d.name;
            c.owner = d.owner;
            c.defn =
                "ALTER DOMAIN "
                    + qn
                    + "\n    ADD CONSTRAINT "
                    + Sql.q(con)
                    + " "
                    + rs.getString("def")
                    + ";\n";
            c.dropStmt = "ALTER DOMAIN " + qn + " DROP CONSTRAINT " + Sql.q(con) + ";\n";
            c.dependOn(d);
            ctx.add(c);
            ctx.comments(c, Ctx.PG_CONSTRAINT, c.oid, commentSql, commentTag);
          }
        });
    for (DumpObject d : domains.values()) {
      d.defn += ";\n";
    }
  }
}
