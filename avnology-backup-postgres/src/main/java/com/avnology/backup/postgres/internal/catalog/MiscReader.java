package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;

/**
 * Collations, extended statistics, default privileges and event triggers
 * ({@code dumpCollation}, {@code dumpStatisticsExt}, {@code dumpDefaultACL}, {@code dumpEventTrigger}).
 */
final class MiscReader {
  private static final long PG_COLLATION = 3456;
  private static final long PG_STATISTIC_EXT = 3381;
  private static final long PG_DEFAULT_ACL = 826;
  private static final long PG_EVENT_TRIGGER = 3466;

  private MiscReader() {}

  /** Collations: read before tables, which depend on them. */
  static void collations(Ctx ctx) throws SQLException {
    if (!ctx.opts.includeTables().isEmpty()) {
      return;
    }
    String locale = ctx.version >= 170000 ? "c.colllocale"
        : ctx.version >= 150000 ? "c.colliculocale" : "NULL";
    String rules = ctx.version >= 160000 ? "c.collicurules" : "NULL";
    ctx.query(
        "SELECT c.oid, c.collname, c.collnamespace, n.nspname, c.collprovider, c.collisdeterministic,"
            + " c.collcollate, c.collctype, " + locale + " AS locale, " + rules + " AS rules,"
            + " pg_catalog.pg_get_userbyid(c.collowner) AS owner FROM pg_catalog.pg_collation c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace WHERE c.oid >= 16384",
        rs -> {
          long oid = rs.getLong("oid");
          if (!ctx.namespaces.containsKey(rs.getLong("collnamespace"))
              || ctx.isExtensionMember(PG_COLLATION, oid)) {
            return;
          }
          String schema = rs.getString("nspname");
          String name = rs.getString("collname");
          String qn = Sql.qq(schema, name);
          DumpObject o = new DumpObject(Kind.COLLATION, PG_COLLATION, oid, schema, name);
          o.desc = "COLLATION";
          o.owner = ctx.owner(rs.getString("owner"));
          StringBuilder sb = new StringBuilder("CREATE COLLATION ").append(qn).append(" (provider = ")
              .append(switch (rs.getString("collprovider")) {
                case "c" -> "libc";
                case "i" -> "icu";
                case "b" -> "builtin";
                default -> "default";
              });
          if (!rs.getBoolean("collisdeterministic")) {
            sb.append(", deterministic = false");
          }
          String loc = rs.getString("locale");
          String collate = rs.getString("collcollate");
          String ctype = rs.getString("collctype");
          if (loc != null) {
            sb.append(", locale = ").append(Sql.literal(loc));
          } else if (collate != null && collate.equals(ctype)) {
            sb.append(", locale = ").append(Sql.literal(collate));
          } else if (collate != null) {
            sb.append(", lc_collate = ").append(Sql.literal(collate))
                .append(", lc_ctype = ").append(Sql.literal(ctype));
          }
          if (rs.getString("rules") != null) {
            sb.append(", rules = ").append(Sql.literal(rs.getString("rules")));
          }
          o.defn = sb.append(");\n").toString();
          o.dropStmt = "DROP COLLATION " + qn + ";\n";
          ctx.add(o);
          ctx.comments(o, PG_COLLATION, oid, "COLLATION " + qn, "COLLATION " + Sql.q(name));
        });
  }

  /** Statistics, default ACLs and event triggers: read after tables. */
  static void read(Ctx ctx) throws SQLException {
    ctx.query(
        "SELECT s.oid, s.stxname, s.stxnamespace, n.nspname, s.stxrelid, s.stxstattarget,"
            + " pg_catalog.pg_get_userbyid(s.stxowner) AS owner,"
            + " pg_catalog.pg_get_statisticsobjdef(s.oid) AS def FROM pg_catalog.pg_statistic_ext s"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace",
        rs -> {
          Ctx.Rel rel = ctx.rels.get(rs.getLong("stxrelid"));
          if (rel == null || rel.obj == null || !ctx.namespaces.containsKey(rs.getLong("stxnamespace"))
              || !ctx.opts.includeTables().isEmpty()) {
            return;
          }
          String schema = rs.getString("nspname");
          String name = rs.getString("stxname");
          String qn = Sql.qq(schema, name);
          DumpObject o = new DumpObject(Kind.STATSEXT, PG_STATISTIC_EXT, rs.getLong("oid"), schema, name);
          o.desc = "STATISTICS";
          o.owner = ctx.owner(rs.getString("owner"));
          Object target = rs.getObject("stxstattarget");
          int t = target == null ? -1 : ((Number) target).intValue();
          o.defn = rs.getString("def") + ";\n"
              + (t >= 0 ? "ALTER STATISTICS " + qn + " SET STATISTICS " + t + ";\n" : "");
          o.dropStmt = "DROP STATISTICS " + qn + ";\n";
          ctx.add(o);
          ctx.comments(o, PG_STATISTIC_EXT, o.oid, "STATISTICS " + qn, "STATISTICS " + Sql.q(name));
        });
    if (ctx.opts.selective()) {
      return;
    }
    if (!ctx.opts.noPrivileges()) {
      ctx.query(
          "SELECT d.oid, pg_catalog.pg_get_userbyid(d.defaclrole) AS role, d.defaclnamespace,"
              + " n.nspname, d.defaclobjtype, d.defaclacl::pg_catalog.text[] AS acl,"
              + " CASE WHEN d.defaclnamespace = 0 THEN pg_catalog.acldefault(CASE WHEN d.defaclobjtype = 'S'"
              + "   THEN 's'::\"char\" ELSE d.defaclobjtype END, d.defaclrole) ELSE '{}' END"
              + "   ::pg_catalog.text[] AS base"
              + " FROM pg_catalog.pg_default_acl d"
              + " LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace",
          rs -> {
            String schema = rs.getString("nspname");
            if (schema != null && !ctx.namespaces.containsKey(rs.getLong("defaclnamespace"))) {
              return;
            }
            String type = switch (rs.getString("defaclobjtype")) {
              case "r" -> "TABLES";
              case "S" -> "SEQUENCES";
              case "f" -> "FUNCTIONS";
              case "T" -> "TYPES";
              default -> "SCHEMAS";
            };
            String role = rs.getString("role");
            String prefix = "ALTER DEFAULT PRIVILEGES FOR ROLE " + Sql.q(role) + " "
                + (schema != null ? "IN SCHEMA " + Sql.q(schema) + " " : "");
            String text = Acls.build(type, "", null, Ctx.strings(rs, "acl"), Ctx.strings(rs, "base"),
                role, ctx.version >= 170000, prefix);
            if (text.isEmpty()) {
              return;
            }
            DumpObject o = new DumpObject(Kind.DEFAULT_ACL, PG_DEFAULT_ACL, rs.getLong("oid"), schema,
                rs.getString("defaclobjtype"));
            o.desc = "DEFAULT ACL";
            o.tag = "DEFAULT PRIVILEGES FOR " + type;
            o.parentName = role;
            o.owner = role;
            o.defn = text;
            ctx.add(o);
          });
    }
    ctx.query(
        "SELECT e.oid, e.evtname, e.evtevent, pg_catalog.pg_get_userbyid(e.evtowner) AS owner,"
            + " pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.quote_literal(x)"
            + "   FROM pg_catalog.unnest(e.evttags) AS t(x)), ', ') AS tags,"
            + " e.evtfoid::pg_catalog.regproc::pg_catalog.text AS fname, e.evtenabled"
            + " FROM pg_catalog.pg_event_trigger e",
        rs -> {
          long oid = rs.getLong("oid");
          if (ctx.isExtensionMember(PG_EVENT_TRIGGER, oid)) {
            return;
          }
          String name = rs.getString("evtname");
          DumpObject o = new DumpObject(Kind.EVENT_TRIGGER, PG_EVENT_TRIGGER, oid, null, name);
          o.desc = "EVENT TRIGGER";
          o.owner = ctx.owner(rs.getString("owner"));
          StringBuilder sb = new StringBuilder("CREATE EVENT TRIGGER ").append(Sql.q(name))
              .append(" ON ").append(Sql.q(rs.getString("evtevent")));
          if (!rs.getString("tags").isEmpty()) {
            sb.append("\n         WHEN TAG IN (").append(rs.getString("tags")).append(')');
          }
          sb.append("\n   EXECUTE FUNCTION ").append(rs.getString("fname")).append("();\n");
          String state = rs.getString("evtenabled");
          if (!state.equals("O")) {
            sb.append("\nALTER EVENT TRIGGER ").append(Sql.q(name)).append(' ').append(switch (state) {
              case "D" -> "DISABLE";
              case "A" -> "ENABLE ALWAYS";
              case "R" -> "ENABLE REPLICA";
              default -> "ENABLE";
            }).append(";\n");
          }
          o.defn = sb.toString();
          o.dropStmt = "DROP EVENT TRIGGER " + Sql.q(name) + ";\n";
          ctx.add(o);
          ctx.comments(o, PG_EVENT_TRIGGER, oid, "EVENT TRIGGER " + Sql.q(name),
              "EVENT TRIGGER " + Sql.q(name));
        });
  }
}
