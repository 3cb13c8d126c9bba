package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Privileges on {@code pg_catalog} objects changed from their initial state ({@code
 * pg_init_privs}), as pg_dump 15 dumps them: the schema, its relations with their columns (GRANT
 * SELECT (rolname) ON TABLE pg_catalog.pg_authid …) and its types, each as the GRANT and REVOKE
 * statements that lead from the initial privileges (or the type's default when there are none) to
 * the current ones. The objects themselves are never dumped: their entries carry only the ACL.
 * Functions are left out, as pg_dump 15 leaves them out. Whole-database dumps only.
 */
final class SystemAclReader {
  private static final String PG_CATALOG = "pg_catalog";

  private SystemAclReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (ctx.opts.selective() || ctx.opts.noPrivileges()) {
      return;
    }
    String init =
        "LEFT JOIN pg_catalog.pg_init_privs pip ON pip.objoid = %s"
            + " AND pip.classoid = '%s'::pg_catalog.regclass AND pip.objsubid = %s";
    ctx.query(
        "SELECT n.oid, pg_catalog.pg_get_userbyid(n.nspowner) AS owner,"
            + " COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))::pg_catalog.text[] AS acl,"
            + " COALESCE(pip.initprivs, pg_catalog.acldefault('n', n.nspowner))::pg_catalog.text[]"
            + " AS base FROM pg_catalog.pg_namespace n "
            + String.format(init, "n.oid", "pg_catalog.pg_namespace", "0")
            + " WHERE n.nspname = 'pg_catalog' AND n.nspacl IS DISTINCT FROM pip.initprivs",
        rs -> {
          DumpObject o =
              holder(ctx, Kind.NAMESPACE, Ctx.PG_NAMESPACE, rs.getLong("oid"), null, PG_CATALOG);
          ctx.acl(
              o,
              "SCHEMA",
              PG_CATALOG,
              "SCHEMA " + PG_CATALOG,
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              rs.getString("owner"),
              null,
              5000);
        });

    // relations whose own or any column's ACL differs from the initial one, in one query each
    Map<Long, DumpObject> relations = new HashMap<>();
    ctx.query(
        "SELECT c.oid, c.relname, c.relkind, pg_catalog.pg_get_userbyid(c.relowner) AS owner,"
            + " COALESCE(c.relacl, pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's'"
            + "   ELSE 'r' END::\"char\", c.relowner))::pg_catalog.text[] AS acl,"
            + " COALESCE(pip.initprivs, pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's'"
            + "   ELSE 'r' END::\"char\", c.relowner))::pg_catalog.text[] AS base"
            + " FROM pg_catalog.pg_class c "
            + String.format(init, "c.oid", "pg_catalog.pg_class", "0")
            + " WHERE c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace"
            + " AND c.relkind IN ('r', 'v', 'm', 'S', 'p', 'f')"
            + " AND (c.relacl IS DISTINCT FROM pip.initprivs OR EXISTS ("
            + "   SELECT 1 FROM pg_catalog.pg_attribute a "
            + String.format(init, "a.attrelid", "pg_catalog.pg_class", "a.attnum")
            + "   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            + "   AND a.attacl IS DISTINCT FROM pip.initprivs))"
            + " ORDER BY c.oid",
        rs -> {
          long oid = rs.getLong("oid");
          String name = rs.getString("relname");
          DumpObject o = holder(ctx, Kind.TABLE, Ctx.PG_CLASS, oid, PG_CATALOG, name);
          o.owner = rs.getString("owner");
          relations.put(oid, o);
          String type = rs.getString("relkind").equals("S") ? "SEQUENCE" : "TABLE";
          ctx.acl(
              o,
              type,
              Sql.qq(PG_CATALOG, name),
              type + " " + Sql.q(name),
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              o.owner,
              null,
              5000);
        });
    if (!relations.isEmpty()) {
      ctx.query(
          "SELECT a.attrelid, a.attnum, a.attname, c.relname,"
              + " COALESCE(a.attacl, '{}')::pg_catalog.text[] AS acl,"
              + " pip.initprivs::pg_catalog.text[] AS base"
              + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
              + String.format(init, "a.attrelid", "pg_catalog.pg_class", "a.attnum")
              + " WHERE c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace"
              + " AND a.attnum > 0 AND NOT a.attisdropped"
              + " AND (a.attacl IS NOT NULL OR pip.initprivs IS NOT NULL)"
              + " ORDER BY a.attrelid, a.attnum",
          rs -> {
            DumpObject o = relations.get(rs.getLong("attrelid"));
            if (o == null) {
              return;
            }
            String rel = rs.getString("relname");
            String column = rs.getString("attname");
            ctx.acl(
                o,
                "TABLE",
                Sql.qq(PG_CATALOG, rel),
                "COLUMN " + Sql.q(rel) + "." + Sql.q(column),
                Ctx.strings(rs, "acl"),
                Ctx.strings(rs, "base"),
                o.owner,
                column,
                5000 + rs.getInt("attnum"));
          });
    }

    // types dumpType writes (not arrays, not table row types)
    ctx.query(
        "SELECT t.oid, t.typname, pg_catalog.pg_get_userbyid(t.typowner) AS owner,"
            + " COALESCE(t.typacl, pg_catalog.acldefault('T', t.typowner))::pg_catalog.text[] AS acl,"
            + " COALESCE(pip.initprivs, pg_catalog.acldefault('T', t.typowner))::pg_catalog.text[]"
            + " AS base FROM pg_catalog.pg_type t "
            + String.format(init, "t.oid", "pg_catalog.pg_type", "0")
            + " WHERE t.typnamespace = 'pg_catalog'::pg_catalog.regnamespace"
            + " AND t.typacl IS DISTINCT FROM pip.initprivs"
            + " AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_catalog.pg_class c"
            + "   WHERE c.oid = t.typrelid) = 'c')"
            + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e"
            + "   WHERE e.oid = t.typelem AND e.typarray = t.oid)"
            + " ORDER BY t.oid",
        rs -> {
          String name = rs.getString("typname");
          DumpObject o = holder(ctx, Kind.TYPE, Ctx.PG_TYPE, rs.getLong("oid"), PG_CATALOG, name);
          o.owner = rs.getString("owner");
          ctx.acl(
              o,
              "TYPE",
              Sql.qq(PG_CATALOG, name),
              "TYPE " + Sql.q(name),
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              o.owner,
              null,
              5000);
        });
  }

  /** A sorted object that writes no entry of its own, only the ACL entries attached to it. */
  private static DumpObject holder(
      Ctx ctx, Kind kind, long classOid, long oid, String namespace, String name) {
    DumpObject o = new DumpObject(kind, classOid, oid, namespace, name);
    o.emit = false;
    o.aclOnly = true;
    o.desc = kind == Kind.NAMESPACE ? "SCHEMA" : kind == Kind.TYPE ? "TYPE" : "TABLE";
    ctx.add(o);
    return o;
  }
}
