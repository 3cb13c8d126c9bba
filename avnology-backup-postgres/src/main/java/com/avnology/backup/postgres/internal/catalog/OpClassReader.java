package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Operator classes and families ({@code dumpOpclass}, {@code dumpOpfamily}). */
final class OpClassReader {
  private OpClassReader() {}

  /** Members (pg_amop, pg_amproc) tied by pg_depend to an opclass or opfamily, as clause text. */
  private static Map<Long, List<String>> members(Ctx ctx, long refClass, String familyMatch)
      throws SQLException {
    Map<Long, List<String>> out = new HashMap<>();
    ctx.query(
        "SELECT d.refobjid, ao.amopstrategy, ao.amopopr::pg_catalog.regoperator AS opr,"
            + " f.opfname AS sortfamily, fn.nspname AS sortfamilynsp"
            + " FROM pg_catalog.pg_amop ao JOIN pg_catalog.pg_depend d"
            + "   ON d.classid = 'pg_catalog.pg_amop'::pg_catalog.regclass AND d.objid = ao.oid"
            + " LEFT JOIN pg_catalog.pg_opfamily f ON f.oid = ao.amopsortfamily"
            + " LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace"
            + " WHERE d.refclassid = "
            + refClass
            + " AND d.refobjid >= 16384 AND "
            + familyMatch
            + " ORDER BY d.refobjid, ao.amopstrategy",
        rs -> {
          String s = "OPERATOR " + rs.getInt("amopstrategy") + " " + rs.getString("opr");
          if (rs.getString("sortfamily") != null) {
            s +=
                " FOR ORDER BY "
                    + Sql.qq(rs.getString("sortfamilynsp"), rs.getString("sortfamily"));
          }
          out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(s);
        });
    ctx.query(
        "SELECT d.refobjid, ap.amprocnum, ap.amproc::pg_catalog.regprocedure AS proc,"
            + " ap.amproclefttype::pg_catalog.regtype AS lt, ap.amprocrighttype::pg_catalog.regtype AS rt"
            + " FROM pg_catalog.pg_amproc ap JOIN pg_catalog.pg_depend d"
            + "   ON d.classid = 'pg_catalog.pg_amproc'::pg_catalog.regclass AND d.objid = ap.oid"
            + " WHERE d.refclassid = "
            + refClass
            + " AND d.refobjid >= 16384"
            + " ORDER BY d.refobjid, ap.amprocnum",
        rs ->
            out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                .add(
                    "FUNCTION "
                        + rs.getInt("amprocnum")
                        + " ("
                        + rs.getString("lt")
                        + ", "
                        + rs.getString("rt")
                        + ") "
                        + rs.getString("proc")));
    return out;
  }

  static void read(Ctx ctx) throws SQLException {
    if (!ctx.opts.includeTables().isEmpty()) {
      return;
    }
    // getDependencies: dependencies of pg_amop / pg_amproc rows count as their opfamily's
    ctx.query(
        "SELECT o.amopfamily, d.refclassid, d.refobjid, d.deptype FROM pg_catalog.pg_depend d"
            + " JOIN pg_catalog.pg_amop o ON o.oid = d.objid"
            + " WHERE d.deptype NOT IN ('p', 'e', 'i') AND d.classid = "
            + SchemaObjects.PG_AMOP
            + " AND NOT (d.refclassid = "
            + SchemaObjects.PG_OPFAMILY
            + " AND o.amopfamily = d.refobjid)"
            + " AND o.amopfamily >= 16384"
            + " UNION ALL"
            + " SELECT p.amprocfamily, d.refclassid, d.refobjid, d.deptype FROM pg_catalog.pg_depend d"
            + " JOIN pg_catalog.pg_amproc p ON p.oid = d.objid"
            + " WHERE d.deptype NOT IN ('p', 'e', 'i') AND d.classid = "
            + SchemaObjects.PG_AMPROC
            + " AND NOT (d.refclassid = "
            + SchemaObjects.PG_OPFAMILY
            + " AND p.amprocfamily = d.refobjid)"
            + " AND p.amprocfamily >= 16384",
        rs ->
            ctx.rawDeps
                .computeIfAbsent(
                    new Ctx.Key(SchemaObjects.PG_OPFAMILY, rs.getLong(1)), k -> new ArrayList<>())
                .add(new long[] {rs.getLong(2), rs.getLong(3), rs.getString(4).charAt(0)}));

    Map<Long, List<String>> classMembers =
        members(
            ctx,
            SchemaObjects.PG_OPCLASS,
            "ao.amopfamily = (SELECT c.opcfamily"
                + " FROM pg_catalog.pg_opclass c WHERE c.oid = d.refobjid)");
    ctx.query(
        "SELECT c.oid, c.opcname AS name, c.opcnamespace AS nsp, n.nspname,"
            + " pg_catalog.pg_get_userbyid(c.opcowner) AS owner, a.amname,"
            + " c.opcintype::pg_catalog.regtype AS intype, c.opckeytype::pg_catalog.regtype AS keytype,"
            + " c.opcdefault, f.opfname, fn.nspname AS opfnsp"
            + " FROM pg_catalog.pg_opclass c JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace"
            + " JOIN pg_catalog.pg_am a ON a.oid = c.opcmethod"
            + " LEFT JOIN pg_catalog.pg_opfamily f ON f.oid = c.opcfamily"
            + " LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace"
            + " WHERE c.oid >= 16384",
        rs -> {
          DumpObject o =
              SchemaObjects.create(
                  ctx, rs, Kind.OPCLASS, SchemaObjects.PG_OPCLASS, "OPERATOR CLASS");
          if (o == null) {
            return;
          }
          String am = rs.getString("amname");
          o.parentName = am;
          String qn = Sql.qq(o.namespace, o.name);
          StringBuilder sb =
              new StringBuilder("CREATE OPERATOR CLASS ").append(qn).append("\n    ");
          if (rs.getBoolean("opcdefault")) {
            sb.append("DEFAULT ");
          }
          sb.append("FOR TYPE ").append(rs.getString("intype")).append(" USING ").append(Sql.q(am));
          if (rs.getString("opfname") != null) {
            sb.append(" FAMILY ").append(Sql.qq(rs.getString("opfnsp"), rs.getString("opfname")));
          }
          sb.append(" AS\n    ");
          List<String> clauses = new ArrayList<>();
          if (!"-".equals(rs.getString("keytype"))) {
            clauses.add("STORAGE " + rs.getString("keytype"));
          }
          clauses.addAll(classMembers.getOrDefault(o.oid, List.of()));
          if (clauses.isEmpty()) {
            clauses.add("STORAGE " + rs.getString("intype"));
          }
          sb.append(String.join(" ,\n    ", clauses)).append(";\n");
          finish(ctx, o, rs.getString("owner"), sb.toString(), am);
        });

    Map<Long, List<String>> familyMembers =
        members(ctx, SchemaObjects.PG_OPFAMILY, "ao.amopfamily = d.refobjid");
    ctx.query(
        "SELECT f.oid, f.opfname AS name, f.opfnamespace AS nsp, n.nspname,"
            + " pg_catalog.pg_get_userbyid(f.opfowner) AS owner, a.amname"
            + " FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace"
            + " JOIN pg_catalog.pg_am a ON a.oid = f.opfmethod WHERE f.oid >= 16384",
        rs -> {
          DumpObject o =
              SchemaObjects.create(
                  ctx, rs, Kind.OPFAMILY, SchemaObjects.PG_OPFAMILY, "OPERATOR FAMILY");
          if (o == null) {
            return;
          }
          String am = rs.getString("amname");
          o.parentName = am;
          String qn = Sql.qq(o.namespace, o.name);
          StringBuilder sb =
              new StringBuilder("CREATE OPERATOR FAMILY ")
                  .append(qn)
                  .append(" USING ")
                  .append(Sql.q(am))
                  .append(";\n");
          List<String> loose = familyMembers.getOrDefault(o.oid, List.of());
          if (!loose.isEmpty()) {
            sb.append("ALTER OPERATOR FAMILY ")
                .append(qn)
                .append(" USING ")
                .append(Sql.q(am))
                .append(" ADD\n    ")
                .append(String.join(" ,\n    ", loose))
                .append(";\n");
          }
          finish(ctx, o, rs.getString("owner"), sb.toString(), am);
        });
  }

  private static void finish(Ctx ctx, DumpObject o, String owner, String defn, String am) {
    String using = " USING " + Sql.q(am);
    o.owner = ctx.owner(owner);
    o.defn = defn;
    o.dropStmt = "DROP " + o.desc + " " + Sql.qq(o.namespace, o.name) + using + ";\n";
    ctx.add(o);
    ctx.comments(
        o,
        o.classOid,
        o.oid,
        o.desc + " " + Sql.qq(o.namespace, o.name) + using,
        o.desc + " " + Sql.q(o.name) + using);
  }
}
