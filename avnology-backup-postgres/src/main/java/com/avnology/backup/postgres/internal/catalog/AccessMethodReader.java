package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;

/**
 * User-defined access methods ({@code getAccessMethods}, {@code dumpAccessMethod}); tables using a
 * custom table access method carry it in their entry's {@code tableam} field, as pg_dump's do.
 */
final class AccessMethodReader {
  static final long PG_AM = 2601;

  private AccessMethodReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (ctx.opts.selective()) {
      return;
    }
    ctx.query(
        "SELECT a.oid, a.amname, a.amtype, a.amhandler::pg_catalog.regproc AS handler"
            + " FROM pg_catalog.pg_am a WHERE a.oid >= 16384 ORDER BY a.oid",
        rs -> {
          long oid = rs.getLong("oid");
          if (ctx.isExtensionMember(PG_AM, oid)) {
            return;
          }
          String name = rs.getString("amname");
          String q = Sql.q(name);
          String type =
              switch (rs.getString("amtype")) {
                case "i" -> "INDEX";
                case "t" -> "TABLE";
                default ->
                    throw new SQLException(
                        "access method " + name + " has an unknown type " + rs.getString("amtype"));
              };
          DumpObject o = new DumpObject(Kind.ACCESS_METHOD, PG_AM, oid, null, name);
          o.desc = "ACCESS METHOD";
          o.defn =
              "CREATE ACCESS METHOD "
                  + q
                  + " TYPE "
                  + type
                  + " HANDLER "
                  + rs.getString("handler")
                  + ";\n";
          o.dropStmt = "DROP ACCESS METHOD " + q + ";\n";
          ctx.add(o);
          ctx.comments(o, PG_AM, oid, "ACCESS METHOD " + q, "ACCESS METHOD " + q);
        });
  }
}
