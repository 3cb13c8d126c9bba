package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.util.List;

/**
 * Triggers, rules, policies and ROW SECURITY ({@code getTriggers}, {@code getRules}, {@code
 * getPolicies}).
 */
final class TriggerReader {
  private TriggerReader() {}

  static void read(Ctx ctx) throws SQLException {
    ctx.query(
        "SELECT t.oid, t.tgname, t.tgrelid, t.tgenabled, t.tgparentid <> 0 AS clone,"
            + " pg_catalog.pg_get_triggerdef(t.oid, false) AS def FROM pg_catalog.pg_trigger t"
            + " LEFT JOIN pg_catalog.pg_trigger u ON u.oid = t.tgparentid"
            + " WHERE t.tgrelid >= 16384 AND ((NOT t.tgisinternal AND t.tgparentid = 0)"
            + " OR t.tgenabled <> u.tgenabled)",
        rs -> {
          Ctx.Rel rel = ctx.rels.get(rs.getLong("tgrelid"));
          if (rel == null || rel.obj == null) {
            return;
          }
          String name = rs.getString("tgname");
          DumpObject o = child(ctx, Kind.TRIGGER, Ctx.PG_TRIGGER, rs.getLong("oid"), rel, name);
          o.desc = "TRIGGER";
          String state = rs.getString("tgenabled");
          if (rs.getBoolean("clone")) {
            // a partition's clone whose enabled state differs from its parent's: only the ALTER
            o.defn = enable(state.equals("O") ? "E" : state, rel, "TRIGGER", name);
            o.dropStmt = "";
          } else {
            o.defn = rs.getString("def") + ";\n" + enable(state, rel, "TRIGGER", name);
            o.dropStmt = "DROP TRIGGER " + Sql.q(name) + " ON " + rel.qname() + ";\n";
          }
          comment(ctx, o, "TRIGGER", rel, name);
        });
    ctx.query(
        "SELECT r.oid, r.rulename, r.ev_class, r.ev_enabled,"
            + " pg_catalog.pg_get_ruledef(r.oid) AS def FROM pg_catalog.pg_rewrite r"
            + " WHERE r.ev_class >= 16384",
        rs -> {
          Ctx.Rel rel = ctx.rels.get(rs.getLong("ev_class"));
          if (rel == null || rel.obj == null) {
            return;
          }
          String name = rs.getString("rulename");
          if (name.equals("_RETURN")) {
            ctx.alias(Ctx.PG_REWRITE, rs.getLong("oid"), Ctx.PG_CLASS, rel.oid);
            rel.obj.returnRuleOid = rs.getLong("oid");
            return;
          }
          DumpObject o = child(ctx, Kind.RULE, Ctx.PG_REWRITE, rs.getLong("oid"), rel, name);
          o.desc = "RULE";
          o.defn =
              rs.getString("def") + "\n" + enable(rs.getString("ev_enabled"), rel, "RULE", name);
          o.dropStmt = "DROP RULE " + Sql.q(name) + " ON " + rel.qname() + ";\n";
          comment(ctx, o, "RULE", rel, name);
        });
    ctx.query(
        "SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relrowsecurity AND c.oid >= 16384",
        rs -> {
          Ctx.Rel rel = ctx.rels.get(rs.getLong(1));
          if (rel == null || rel.obj == null) {
            return;
          }
          DumpObject o = new DumpObject(Kind.POLICY, 0, rel.oid, rel.schema, rel.name);
          o.desc = "ROW SECURITY";
          o.owner = rel.obj.owner;
          o.parentName = rel.name;
          o.defn = "ALTER TABLE " + rel.qname() + " ENABLE ROW LEVEL SECURITY;";
          o.dependOn(rel.obj);
          o.fixedDeps = List.of(rel.obj);
          ctx.add(o);
        });
    ctx.query(
        "SELECT p.oid, p.polname, p.polrelid, p.polcmd, p.polpermissive,"
            + " CASE WHEN p.polroles = '{0}' THEN NULL ELSE pg_catalog.array_to_string(ARRAY("
            + "   SELECT pg_catalog.quote_ident(rolname) FROM pg_catalog.pg_roles"
            + "   WHERE oid = ANY(p.polroles)), ', ') END AS roles,"
            + " pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS qual,"
            + " pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS withcheck"
            + " FROM pg_catalog.pg_policy p",
        rs -> {
          Ctx.Rel rel = ctx.rels.get(rs.getLong("polrelid"));
          if (rel == null || rel.obj == null) {
            return;
          }
          String name = rs.getString("polname");
          DumpObject o = child(ctx, Kind.POLICY, Ctx.PG_POLICY, rs.getLong("oid"), rel, name);
          o.desc = "POLICY";
          StringBuilder sb =
              new StringBuilder("CREATE POLICY ")
                  .append(Sql.q(name))
                  .append(" ON ")
                  .append(rel.qname());
          if (!rs.getBoolean("polpermissive")) {
            sb.append(" AS RESTRICTIVE");
          }
          switch (rs.getString("polcmd")) {
            case "r" -> sb.append(" FOR SELECT");
            case "a" -> sb.append(" FOR INSERT");
            case "w" -> sb.append(" FOR UPDATE");
            case "d" -> sb.append(" FOR DELETE");
            default -> {}
          }
          if (rs.getString("roles") != null) {
            sb.append(" TO ").append(rs.getString("roles"));
          }
          if (rs.getString("qual") != null) {
            sb.append(" USING (").append(rs.getString("qual")).append(')');
          }
          if (rs.getString("withcheck") != null) {
            sb.append(" WITH CHECK (").append(rs.getString("withcheck")).append(')');
          }
          o.defn = sb.append(";\n").toString();
          o.dropStmt = "DROP POLICY " + Sql.q(name) + " ON " + rel.qname() + ";\n";
          comment(ctx, o, "POLICY", rel, name);
        });
  }

  private static DumpObject child(
      Ctx ctx, Kind kind, long classOid, long oid, Ctx.Rel rel, String name) {
    DumpObject o = new DumpObject(kind, classOid, oid, rel.schema, name);
    o.tag = rel.name + " " + name;
    o.parentName = rel.name;
    o.owner = rel.obj.owner;
    o.dependOn(rel.obj);
    ctx.add(o);
    return o;
  }

  private static void comment(Ctx ctx, DumpObject o, String type, Ctx.Rel rel, String name) {
    ctx.comments(
        o,
        o.classOid,
        o.oid,
        type + " " + Sql.q(name) + " ON " + rel.qname(),
        type + " " + Sql.q(name) + " ON " + Sql.q(rel.name));
  }

  private static String enable(String state, Ctx.Rel rel, String what, String name) {
    String action =
        switch (state) {
          case "D" -> "DISABLE";
          case "A" -> "ENABLE ALWAYS";
          case "R" -> "ENABLE REPLICA";
          case "E" -> "ENABLE";
          default -> null;
        };
    return action == null
        ? ""
        : "\nALTER TABLE " + rel.qname() + " " + action + " " + what + " " + Sql.q(name) + ";\n";
  }
}
