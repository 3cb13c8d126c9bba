package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Privileges on members of dumped extensions changed from their initial state ({@code
 * pg_init_privs}), as pg_dump 15 dumps them ({@code checkExtensionMembership}: a member keeps its
 * ACL component): {@code CREATE EXTENSION} recreates the objects with their initial privileges,
 * these entries bring them to the current ones ({@code REVOKE USAGE ON LANGUAGE plpgsql FROM
 * PUBLIC}, {@code GRANT EXECUTE ON FUNCTION public.citext(boolean) …}). Languages, schemas,
 * functions, types, relations with their columns, foreign-data wrappers and servers; members of the
 * extensions the dump creates and of initdb's (plpgsql).
 */
final class ExtensionAclReader {
  private static final String INIT =
      " LEFT JOIN pg_catalog.pg_init_privs pip ON pip.objoid = %s"
          + " AND pip.classoid = '%s'::pg_catalog.regclass AND pip.objsubid = %s";
  private static final String MEMBER =
      " JOIN pg_catalog.pg_depend dep ON dep.objid = %s"
          + " AND dep.classid = '%s'::pg_catalog.regclass AND dep.objsubid = 0 AND dep.deptype = 'e'"
          + " AND dep.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass";

  private ExtensionAclReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (ctx.opts.noPrivileges()) {
      return;
    }
    simple(
        ctx,
        "pg_catalog.pg_language",
        "x.oid",
        "x.lanname",
        null,
        "x.lanacl",
        "'l'",
        "x.lanowner",
        "LANGUAGE",
        LanguageReader.PG_LANGUAGE);
    simple(
        ctx,
        "pg_catalog.pg_namespace",
        "x.oid",
        "x.nspname",
        null,
        "x.nspacl",
        "'n'",
        "x.nspowner",
        "SCHEMA",
        Ctx.PG_NAMESPACE);
    simple(
        ctx,
        "pg_catalog.pg_foreign_data_wrapper",
        "x.oid",
        "x.fdwname",
        null,
        "x.fdwacl",
        "'F'",
        "x.fdwowner",
        "FOREIGN DATA WRAPPER",
        ForeignDataReader.PG_FOREIGN_DATA_WRAPPER);
    simple(
        ctx,
        "pg_catalog.pg_foreign_server",
        "x.oid",
        "x.srvname",
        null,
        "x.srvacl",
        "'S'",
        "x.srvowner",
        "FOREIGN SERVER",
        ForeignDataReader.PG_FOREIGN_SERVER);
    // types that dumpType writes: not arrays, not row types of tables
    simple(
        ctx,
        "pg_catalog.pg_type",
        "x.oid",
        "x.typname",
        "x.typnamespace",
        "x.typacl",
        "'T'",
        "x.typowner",
        "TYPE",
        Ctx.PG_TYPE);

    ctx.query(
        "SELECT x.oid, dep.refobjid AS ext, n.nspname, x.proname, x.prokind,"
            + " pg_catalog.pg_get_function_identity_arguments(x.oid) AS idargs,"
            + " pg_catalog.pg_get_userbyid(x.proowner) AS owner,"
            + " COALESCE(x.proacl, pg_catalog.acldefault('f', x.proowner))::pg_catalog.text[] AS acl,"
            + " COALESCE(pip.initprivs, pg_catalog.acldefault('f', x.proowner))::pg_catalog.text[]"
            + " AS base FROM pg_catalog.pg_proc x"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = x.pronamespace"
            + String.format(MEMBER, "x.oid", "pg_catalog.pg_proc")
            + String.format(INIT, "x.oid", "pg_catalog.pg_proc", "0")
            + " WHERE x.proacl IS DISTINCT FROM pip.initprivs ORDER BY x.oid",
        rs -> {
          if (!dumped(ctx, rs.getLong("ext"))) {
            return;
          }
          String schema = rs.getString("nspname");
          String name = rs.getString("proname");
          String idargs = rs.getString("idargs");
          boolean agg = rs.getString("prokind").equals("a");
          String type = rs.getString("prokind").equals("p") ? "PROCEDURE" : "FUNCTION";
          String args = agg && idargs.isEmpty() ? "*" : idargs;
          DumpObject o =
              holder(
                  ctx,
                  agg ? Kind.AGG : Kind.FUNC,
                  Ctx.PG_PROC,
                  rs.getLong("oid"),
                  schema,
                  name,
                  rs.getString("owner"));
          ctx.acl(
              o,
              type,
              Sql.qq(schema, name) + "(" + idargs + ")",
              type + " " + Sql.q(name) + "(" + args + ")",
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              o.owner,
              null,
              5000);
        });

    Map<Long, DumpObject> relations = new HashMap<>();
    String aclKind = "CASE WHEN x.relkind = 'S' THEN 's' ELSE 'r' END::\"char\"";
    ctx.query(
        "SELECT x.oid, dep.refobjid AS ext, n.nspname, x.relname, x.relkind,"
            + " pg_catalog.pg_get_userbyid(x.relowner) AS owner,"
            + " COALESCE(x.relacl, pg_catalog.acldefault("
            + aclKind
            + ", x.relowner))"
            + "::pg_catalog.text[] AS acl,"
            + " COALESCE(pip.initprivs, pg_catalog.acldefault("
            + aclKind
            + ", x.relowner))"
            + "::pg_catalog.text[] AS base FROM pg_catalog.pg_class x"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace"
            + String.format(MEMBER, "x.oid", "pg_catalog.pg_class")
            + String.format(INIT, "x.oid", "pg_catalog.pg_class", "0")
            + " WHERE x.relkind IN ('r', 'v', 'm', 'S', 'p', 'f')"
            + " AND (x.relacl IS DISTINCT FROM pip.initprivs OR EXISTS ("
            + "   SELECT 1 FROM pg_catalog.pg_attribute a"
            + String.format(INIT, "a.attrelid", "pg_catalog.pg_class", "a.attnum")
            + "   WHERE a.attrelid = x.oid AND a.attnum > 0 AND NOT a.attisdropped"
            + "   AND a.attacl IS DISTINCT FROM pip.initprivs)) ORDER BY x.oid",
        rs -> {
          if (!dumped(ctx, rs.getLong("ext"))) {
            return;
          }
          String name = rs.getString("relname");
          String schema = rs.getString("nspname");
          DumpObject o =
              holder(
                  ctx,
                  Kind.TABLE,
                  Ctx.PG_CLASS,
                  rs.getLong("oid"),
                  schema,
                  name,
                  rs.getString("owner"));
          relations.put(o.oid, o);
          String type = rs.getString("relkind").equals("S") ? "SEQUENCE" : "TABLE";
          ctx.acl(
              o,
              type,
              Sql.qq(schema, name),
              type + " " + Sql.q(name),
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              o.owner,
              null,
              5000);
        });
    if (!relations.isEmpty()) {
      ctx.query(
          "SELECT a.attrelid, a.attnum, a.attname, c.relname, n.nspname,"
              + " COALESCE(a.attacl, '{}')::pg_catalog.text[] AS acl,"
              + " pip.initprivs::pg_catalog.text[] AS base"
              + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
              + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
              + String.format(MEMBER, "c.oid", "pg_catalog.pg_class")
              + String.format(INIT, "a.attrelid", "pg_catalog.pg_class", "a.attnum")
              + " WHERE a.attnum > 0 AND NOT a.attisdropped"
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
                Sql.qq(rs.getString("nspname"), rel),
                "COLUMN " + Sql.q(rel) + "." + Sql.q(column),
                Ctx.strings(rs, "acl"),
                Ctx.strings(rs, "base"),
                o.owner,
                column,
                5000 + rs.getInt("attnum"));
          });
    }
  }

  /** Objects whose ACL is one column and whose GRANT names them {@code [schema.]name}. */
  private static void simple(
      Ctx ctx,
      String catalog,
      String oid,
      String name,
      String namespace,
      String acl,
      String aclType,
      String owner,
      String type,
      long classOid)
      throws SQLException {
    String typeFilter =
        classOid == Ctx.PG_TYPE
            ? " AND (x.typrelid = 0 OR (SELECT c.relkind FROM pg_catalog.pg_class c"
                + " WHERE c.oid = x.typrelid) = 'c') AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e"
                + " WHERE e.oid = x.typelem AND e.typarray = x.oid)"
            : "";
    ctx.query(
        "SELECT "
            + oid
            + " AS oid, dep.refobjid AS ext, "
            + name
            + " AS name, "
            + (namespace == null
                ? "NULL"
                : "(SELECT n.nspname FROM pg_catalog.pg_namespace n"
                    + " WHERE n.oid = "
                    + namespace
                    + ")")
            + " AS nspname,"
            + " pg_catalog.pg_get_userbyid("
            + owner
            + ") AS owner,"
            + " COALESCE("
            + acl
            + ", pg_catalog.acldefault("
            + aclType
            + ", "
            + owner
            + "))"
            + "::pg_catalog.text[] AS acl,"
            + " COALESCE(pip.initprivs, pg_catalog.acldefault("
            + aclType
            + ", "
            + owner
            + "))"
            + "::pg_catalog.text[] AS base FROM "
            + catalog
            + " x"
            + String.format(MEMBER, oid, catalog)
            + String.format(INIT, oid, catalog, "0")
            + " WHERE "
            + acl
            + " IS DISTINCT FROM pip.initprivs"
            + typeFilter
            + " ORDER BY 1",
        rs -> {
          if (!dumped(ctx, rs.getLong("ext"))) {
            return;
          }
          String schema = rs.getString("nspname");
          String raw = rs.getString("name");
          Kind kind =
              switch (type) {
                case "LANGUAGE" -> Kind.PROCLANG;
                case "SCHEMA" -> Kind.NAMESPACE;
                case "FOREIGN DATA WRAPPER" -> Kind.FDW;
                case "FOREIGN SERVER" -> Kind.FOREIGN_SERVER;
                default -> Kind.TYPE;
              };
          DumpObject o =
              holder(ctx, kind, classOid, rs.getLong("oid"), schema, raw, rs.getString("owner"));
          String sqlName = schema == null ? Sql.q(raw) : Sql.qq(schema, raw);
          ctx.acl(
              o,
              type,
              sqlName,
              type + " " + Sql.q(raw),
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              o.owner,
              null,
              5000);
        });
  }

  /**
   * Members of extensions the dump creates, and of those initdb created (plpgsql), whose members'
   * privileges pg_dump dumps too ({@code selectDumpableExtension}: ACL only).
   */
  private static boolean dumped(Ctx ctx, long extension) {
    return ctx.extensions.containsKey(extension) || (extension < 16384 && !ctx.opts.selective());
  }

  /** A sorted object that writes no entry of its own, only the ACL entries attached to it. */
  private static DumpObject holder(
      Ctx ctx, Kind kind, long classOid, long oid, String namespace, String name, String owner) {
    DumpObject o = new DumpObject(kind, classOid, oid, namespace, name);
    o.emit = false;
    o.aclOnly = true;
    o.owner = owner;
    // after its extension; not registered by address, so that objects using the member still
    // depend on the extension (their entries' order may differ from pg_dump's, never their deps)
    o.dependOn(ctx.extensions.get(ctx.memberOf.get(new Ctx.Key(classOid, oid))));
    ctx.objects.add(o);
    return o;
  }
}
