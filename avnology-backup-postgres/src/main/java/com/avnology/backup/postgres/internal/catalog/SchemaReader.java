package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;

/** Extensions, extension membership and schemas ({@code getExtensions}, {@code getNamespaces}). */
final class SchemaReader {
  private SchemaReader() {}

  static void read(Ctx ctx) throws SQLException {
    ctx.query(
        "SELECT classid, objid, refobjid FROM pg_catalog.pg_depend"
            + " WHERE refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND deptype = 'e'",
        rs -> ctx.memberOf.put(new Ctx.Key(rs.getLong(1), rs.getLong(2)), rs.getLong(3)));
    ctx.query(
        "SELECT DISTINCT objid FROM pg_catalog.pg_depend"
            + " WHERE classid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
            + " AND refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass",
        rs -> ctx.procsReadingRelations.add(rs.getLong(1)));

    ctx.query(
        "SELECT n.oid, n.nspname, pg_catalog.pg_get_userbyid(n.nspowner) AS owner,"
            + " n.nspacl::pg_catalog.text[] AS acl,"
            + " CASE WHEN n.nspname = 'public' THEN pg_catalog.array_append("
            + "   pg_catalog.acldefault('n', n.nspowner), pg_catalog.makeaclitem(0, n.nspowner, 'USAGE', false))"
            + " ELSE pg_catalog.acldefault('n', n.nspowner) END::pg_catalog.text[] AS base"
            + " FROM pg_catalog.pg_namespace n ORDER BY n.oid",
        rs -> {
          long oid = rs.getLong("oid");
          String name = rs.getString("nspname");
          if (name.startsWith("pg_")
              || name.equals("information_schema")
              || !ctx.opts.schemaWanted(name)
              || ctx.isExtensionMember(Ctx.PG_NAMESPACE, oid)) {
            return;
          }
          ctx.namespaces.put(oid, name);
          if (!ctx.opts.includeTables().isEmpty()) {
            return;
          }
          String owner = rs.getString("owner");
          DumpObject o = new DumpObject(Kind.NAMESPACE, Ctx.PG_NAMESPACE, oid, null, name);
          o.desc = "SCHEMA";
          o.owner = ctx.owner(owner);
          if (name.equals("public") && !ctx.opts.includeSchemas().contains("public")) {
            // initdb creates it: no CREATE, and its initdb comment is not dumped
            ctx.initdbPublic = o;
            if (owner.equals("pg_database_owner")) {
              o.emit = false;
            } else {
              o.defn = "-- *not* creating schema, since initdb creates it\n";
              o.dropStmt = "-- *not* dropping schema, since initdb creates it\n";
            }
          } else {
            o.defn = "CREATE SCHEMA " + Sql.q(name) + ";\n";
            o.dropStmt = "DROP SCHEMA " + Sql.q(name) + ";\n";
          }
          ctx.add(o);
          ctx.comments(o, Ctx.PG_NAMESPACE, oid, "SCHEMA " + Sql.q(name), "SCHEMA " + Sql.q(name));
          ctx.acl(
              o,
              "SCHEMA",
              Sql.q(name),
              "SCHEMA " + Sql.q(name),
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              owner,
              null,
              5000);
        });

    ctx.query(
        "SELECT x.oid, x.extname, n.nspname FROM pg_catalog.pg_extension x"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace ORDER BY x.oid",
        rs -> {
          long oid = rs.getLong("oid");
          String name = rs.getString("extname");
          String schema = rs.getString("nspname");
          if (oid < 16384) {
            return;
          }
          if (ctx.opts.selective()) {
            return; // pg_dump: extensions only when dumping everything (no -n / -t)
          }
          DumpObject o = new DumpObject(Kind.EXTENSION, Ctx.PG_EXTENSION, oid, null, name);
          o.desc = "EXTENSION";
          o.defn =
              "CREATE EXTENSION IF NOT EXISTS "
                  + Sql.q(name)
                  + " WITH SCHEMA "
                  + Sql.q(schema)
                  + ";\n";
          o.dropStmt = "DROP EXTENSION " + Sql.q(name) + ";\n";
          o.owner = null;
          ctx.add(o);
          ctx.extensions.put(oid, o);
          ctx.comments(
              o, Ctx.PG_EXTENSION, oid, "EXTENSION " + Sql.q(name), "EXTENSION " + Sql.q(name));
        });
  }
}
