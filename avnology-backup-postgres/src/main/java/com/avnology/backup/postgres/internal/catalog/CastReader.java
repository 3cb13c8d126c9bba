package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;

/** User-defined casts ({@code getCasts}, {@code dumpCast}); casts of extensions are skipped. */
final class CastReader {
  private CastReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (ctx.opts.selective()) {
      return;
    }
    String multirange =
        ctx.version >= 140000
            ? " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_range r"
                + " WHERE c.castsource = r.rngtypid AND c.casttarget = r.rngmultitypid)"
            : "";
    ctx.query(
        "SELECT c.oid, c.castcontext, c.castmethod, st.typname AS srcname, tt.typname AS tgtname,"
            + " pg_catalog.format_type(c.castsource, NULL) AS src,"
            + " pg_catalog.format_type(c.casttarget, NULL) AS tgt,"
            + " CASE WHEN c.castfunc <> 0 THEN (SELECT pg_catalog.quote_ident(pn.nspname) || '.'"
            + "   || pg_catalog.quote_ident(p.proname) || '(' || pg_catalog.array_to_string(ARRAY("
            + "   SELECT pg_catalog.format_type(u.t, NULL) FROM pg_catalog.unnest(p.proargtypes)"
            + "   WITH ORDINALITY u(t, i) ORDER BY u.i), ', ') || ')'"
            + "   FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace"
            + "   WHERE p.oid = c.castfunc) END AS func"
            + " FROM pg_catalog.pg_cast c"
            + " JOIN pg_catalog.pg_type st ON st.oid = c.castsource"
            + " JOIN pg_catalog.pg_type tt ON tt.oid = c.casttarget"
            + " WHERE c.oid >= 16384"
            + multirange,
        rs -> {
          long oid = rs.getLong("oid");
          if (ctx.isExtensionMember(SchemaObjects.PG_CAST, oid)) {
            return;
          }
          String args = "(" + rs.getString("src") + " AS " + rs.getString("tgt") + ")";
          DumpObject o =
              new DumpObject(
                  Kind.CAST,
                  SchemaObjects.PG_CAST,
                  oid,
                  null,
                  rs.getString("srcname") + " " + rs.getString("tgtname"));
          o.desc = "CAST";
          o.tag = "CAST " + args;
          o.owner = null;
          StringBuilder sb = new StringBuilder("CREATE CAST ").append(args).append(' ');
          switch (rs.getString("castmethod")) {
            case "b" -> sb.append("WITHOUT FUNCTION");
            case "i" -> sb.append("WITH INOUT");
            default -> {
              if (rs.getString("func") != null) {
                sb.append("WITH FUNCTION ").append(rs.getString("func"));
              }
            }
          }
          switch (rs.getString("castcontext")) {
            case "a" -> sb.append(" AS ASSIGNMENT");
            case "i" -> sb.append(" AS IMPLICIT");
            default -> {}
          }
          o.defn = sb.append(";\n").toString();
          o.dropStmt = "DROP CAST " + args + ";\n";
          ctx.add(o);
          ctx.comments(o, o.classOid, oid, "CAST " + args, "CAST " + args);
        });
  }
}
