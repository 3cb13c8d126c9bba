package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Foreign-data wrappers, foreign servers and their user mappings ({@code getForeignDataWrappers},
 * {@code getForeignServers}, {@code dumpForeignDataWrapper}, {@code dumpForeignServer}, {@code
 * dumpUserMappings}). Foreign tables are relations (RelationReader); like pg_dump without {@code
 * --include-foreign-data}, their rows are never dumped.
 */
final class ForeignDataReader {
  static final long PG_FOREIGN_DATA_WRAPPER = 2328;
  static final long PG_FOREIGN_SERVER = 1417;

  private ForeignDataReader() {}

  /** SQL: a generic options array as pg_dump prints it, {@code name 'value'} one per line. */
  static String options(String column) {
    return "pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.quote_ident(option_name) || ' ' ||"
        + " pg_catalog.quote_literal(option_value) FROM pg_catalog.pg_options_to_table("
        + column
        + ") ORDER BY option_name), E',\\n    ')";
  }

  /** {@code OPTIONS (\n …\n)} with a leading space, or "" when there are none. */
  static String optionsClause(String text) {
    return text == null || text.isEmpty() ? "" : " OPTIONS (\n    " + text + "\n)";
  }

  static void read(Ctx ctx) throws SQLException {
    if (ctx.opts.selective()) {
      return;
    }
    Map<Long, String> wrapperNames = new HashMap<>();
    ctx.query(
        "SELECT w.oid, w.fdwname, pg_catalog.pg_get_userbyid(w.fdwowner) AS owner,"
            + " w.fdwhandler::pg_catalog.regproc AS handler,"
            + " w.fdwvalidator::pg_catalog.regproc AS validator,"
            + " w.fdwacl::pg_catalog.text[] AS acl,"
            + " pg_catalog.acldefault('F', w.fdwowner)::pg_catalog.text[] AS base, "
            + options("w.fdwoptions")
            + " AS opts"
            + " FROM pg_catalog.pg_foreign_data_wrapper w ORDER BY w.oid",
        rs -> {
          long oid = rs.getLong("oid");
          String name = rs.getString("fdwname");
          wrapperNames.put(oid, name);
          if (ctx.isExtensionMember(PG_FOREIGN_DATA_WRAPPER, oid)) {
            return;
          }
          String q = Sql.q(name);
          StringBuilder sb = new StringBuilder("CREATE FOREIGN DATA WRAPPER ").append(q);
          if (!"-".equals(rs.getString("handler"))) {
            sb.append(" HANDLER ").append(rs.getString("handler"));
          }
          if (!"-".equals(rs.getString("validator"))) {
            sb.append(" VALIDATOR ").append(rs.getString("validator"));
          }
          sb.append(optionsClause(rs.getString("opts"))).append(";\n");
          String owner = rs.getString("owner");
          DumpObject o =
              object(
                  ctx,
                  Kind.FDW,
                  PG_FOREIGN_DATA_WRAPPER,
                  oid,
                  name,
                  "FOREIGN DATA WRAPPER",
                  owner,
                  sb.toString());
          ctx.acl(
              o,
              "FOREIGN DATA WRAPPER",
              q,
              "FOREIGN DATA WRAPPER " + q,
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              owner,
              null,
              5000);
        });
    ctx.query(
        "SELECT s.oid, s.srvname, pg_catalog.pg_get_userbyid(s.srvowner) AS owner, s.srvfdw,"
            + " s.srvtype, s.srvversion, s.srvacl::pg_catalog.text[] AS acl,"
            + " pg_catalog.acldefault('S', s.srvowner)::pg_catalog.text[] AS base, "
            + options("s.srvoptions")
            + " AS opts"
            + " FROM pg_catalog.pg_foreign_server s ORDER BY s.oid",
        rs -> {
          long oid = rs.getLong("oid");
          if (ctx.isExtensionMember(PG_FOREIGN_SERVER, oid)) {
            return;
          }
          String name = rs.getString("srvname");
          String q = Sql.q(name);
          StringBuilder sb = new StringBuilder("CREATE SERVER ").append(q);
          String type = rs.getString("srvtype");
          if (type != null && !type.isEmpty()) {
            sb.append(" TYPE ").append(Sql.literal(type));
          }
          String version = rs.getString("srvversion");
          if (version != null && !version.isEmpty()) {
            sb.append(" VERSION ").append(Sql.literal(version));
          }
          sb.append(" FOREIGN DATA WRAPPER ")
              .append(Sql.q(wrapperNames.get(rs.getLong("srvfdw"))))
              .append(optionsClause(rs.getString("opts")))
              .append(";\n");
          String owner = rs.getString("owner");
          DumpObject o =
              object(
                  ctx,
                  Kind.FOREIGN_SERVER,
                  PG_FOREIGN_SERVER,
                  oid,
                  name,
                  "SERVER",
                  owner,
                  sb.toString());
          ctx.acl(
              o,
              "FOREIGN SERVER",
              q,
              "FOREIGN SERVER " + q,
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              owner,
              null,
              5000);
        });
    userMappings(ctx);
  }

  private static DumpObject object(
      Ctx ctx,
      Kind kind,
      long classOid,
      long oid,
      String name,
      String desc,
      String owner,
      String defn) {
    DumpObject o = new DumpObject(kind, classOid, oid, null, name);
    o.desc = desc;
    o.owner = ctx.owner(owner);
    o.defn = defn;
    o.dropStmt =
        "DROP " + (kind == Kind.FDW ? "FOREIGN DATA WRAPPER " : "SERVER ") + Sql.q(name) + ";\n";
    ctx.add(o);
    ctx.comments(o, classOid, oid, desc + " " + Sql.q(name), desc + " " + Sql.q(name));
    return o;
  }

  /** pg_user_mappings shows a mapping's options to its user, the server's owner and superusers. */
  private static void userMappings(Ctx ctx) throws SQLException {
    ctx.query(
        "SELECT m.srvid, m.srvname, m.usename, "
            + options("m.umoptions")
            + " AS opts"
            + " FROM pg_catalog.pg_user_mappings m ORDER BY m.srvid, m.usename",
        rs -> {
          DumpObject server = ctx.byKey.get(new Ctx.Key(PG_FOREIGN_SERVER, rs.getLong("srvid")));
          if (server == null) {
            return;
          }
          String user = rs.getString("usename");
          String srv = rs.getString("srvname");
          String on = "FOR " + Sql.q(user) + " SERVER " + Sql.q(srv);
          server.attachPreData(
              "USER MAPPING",
              "USER MAPPING " + user + " SERVER " + srv,
              "CREATE USER MAPPING " + on + optionsClause(rs.getString("opts")) + ";\n",
              "DROP USER MAPPING " + on + ";\n",
              6000);
        });
  }
}
