package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;

/** ALTER DEFAULT PRIVILEGES ({@code getDefaultACLs}, {@code dumpDefaultACL}); POST_DATA. */
final class DefaultAclReader {
  private DefaultAclReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (ctx.opts.noPrivileges() || !ctx.opts.includeTables().isEmpty()) {
      return;
    }
    // global entries are deltas from the built-in default, per-schema ones from nothing
    ctx.query(
        "SELECT d.oid, d.defaclnamespace, n.nspname, d.defaclobjtype,"
            + " pg_catalog.pg_get_userbyid(d.defaclrole) AS role,"
            + " d.defaclacl::pg_catalog.text[] AS acl,"
            + " CASE WHEN d.defaclnamespace = 0 THEN pg_catalog.acldefault(CASE WHEN d.defaclobjtype = 'S'"
            + "   THEN 's'::\"char\" ELSE d.defaclobjtype END, d.defaclrole) ELSE '{}' END::pg_catalog.text[] AS base"
            + " FROM pg_catalog.pg_default_acl d"
            + " LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace",
        rs -> {
          long nsp = rs.getLong("defaclnamespace");
          String schema = nsp == 0 ? null : rs.getString("nspname");
          if (nsp == 0 ? ctx.opts.selective() : !ctx.namespaces.containsKey(nsp)) {
            return;
          }
          String objtype = rs.getString("defaclobjtype");
          String grantType;
          String type;
          switch (objtype) {
            case "r" -> {
              type = "TABLES";
              grantType = "TABLE";
            }
            case "S" -> {
              type = "SEQUENCES";
              grantType = "SEQUENCE";
            }
            case "f" -> {
              type = "FUNCTIONS";
              grantType = "FUNCTION";
            }
            case "T" -> {
              type = "TYPES";
              grantType = "TYPE";
            }
            case "n" -> {
              type = "SCHEMAS";
              grantType = "SCHEMA";
            }
            default -> {
              return;
            }
          }
          String role = rs.getString("role");
          String prefix =
              "ALTER DEFAULT PRIVILEGES FOR ROLE "
                  + Sql.q(role)
                  + " "
                  + (schema == null ? "" : "IN SCHEMA " + Sql.q(schema) + " ");
          // Acls writes "… ON <grantType> <name> TO …"; an empty name and the plural type give
          // buildDefaultACLCommands' "… ON TABLES  TO …"
          String marker = "\u0001";
          String text =
              Acls.build(
                  grantType,
                  marker,
                  null,
                  Ctx.strings(rs, "acl"),
                  Ctx.strings(rs, "base"),
                  role,
                  ctx.version >= 170000);
          if (text.isEmpty()) {
            return;
          }
          StringBuilder sb = new StringBuilder();
          for (String line : text.split("\n")) {
            line = line.replace(" ON " + grantType + " " + marker, " ON " + type + " ");
            if (line.startsWith("GRANT ") || line.startsWith("REVOKE ")) {
              sb.append(prefix);
            }
            sb.append(line).append('\n');
          }
          DumpObject o =
              new DumpObject(
                  Kind.DEFAULT_ACL,
                  SchemaObjects.PG_DEFAULT_ACL,
                  rs.getLong("oid"),
                  schema,
                  objtype);
          o.desc = "DEFAULT ACL";
          o.tag = "DEFAULT PRIVILEGES FOR " + type;
          o.parentName = role;
          o.owner = role;
          o.defn = sb.toString();
          ctx.add(o);
        });
  }
}
