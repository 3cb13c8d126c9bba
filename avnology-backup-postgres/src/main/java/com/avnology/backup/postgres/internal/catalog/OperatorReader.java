package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;

/** Operators ({@code getOperators}, {@code dumpOpr}); shell operators (no function) are skipped. */
final class OperatorReader {
  private OperatorReader() {}

  /** {@code getFormattedOperatorName}: {@code OPERATOR(schema.name)} of an operator oid column. */
  private static String opRef(String column) {
    return "(SELECT 'OPERATOR(' || pg_catalog.quote_ident(rn.nspname) || '.' || r.oprname || ')'"
        + " FROM pg_catalog.pg_operator r JOIN pg_catalog.pg_namespace rn ON rn.oid = r.oprnamespace"
        + " WHERE r.oid = "
        + column
        + ")";
  }

  /** Sort key of an argument type: schema and name ({@code pgTypeNameCompare}). */
  private static String typeKey(String column) {
    return "(SELECT tn.nspname || E'\\001' || t.typname FROM pg_catalog.pg_type t"
        + " JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace WHERE t.oid = "
        + column
        + ")";
  }

  static void read(Ctx ctx) throws SQLException {
    if (!ctx.opts.includeTables().isEmpty()) {
      return;
    }
    ctx.query(
        "SELECT o.oid, o.oprname AS name, o.oprnamespace AS nsp, n.nspname,"
            + " pg_catalog.pg_get_userbyid(o.oprowner) AS owner, o.oprkind,"
            + " o.oprcode::pg_catalog.regprocedure AS code,"
            + " o.oprleft::pg_catalog.regtype AS lefttype, o.oprright::pg_catalog.regtype AS righttype,"
            + " "
            + opRef("o.oprcom")
            + " AS com, "
            + opRef("o.oprnegate")
            + " AS neg,"
            + " o.oprrest::pg_catalog.regprocedure AS rest, o.oprjoin::pg_catalog.regprocedure AS j,"
            + " o.oprcanmerge, o.oprcanhash,"
            + " "
            + typeKey("o.oprleft")
            + " AS leftkey, "
            + typeKey("o.oprright")
            + " AS rightkey"
            + " FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace"
            + " WHERE o.oid >= 16384 AND o.oprcode <> 0",
        rs -> {
          DumpObject o =
              SchemaObjects.create(ctx, rs, Kind.OPERATOR, SchemaObjects.PG_OPERATOR, "OPERATOR");
          if (o == null) {
            return;
          }
          String kind = rs.getString("oprkind");
          // DOTypeNameCompare: prefix ('l') before postfix ('r') before infix ('b'), then arg types
          o.argCount = -kind.charAt(0);
          String leftKey = rs.getString("leftkey");
          String rightKey = rs.getString("rightkey");
          o.argKey =
              (leftKey == null ? "" : leftKey) + "\u0002" + (rightKey == null ? "" : rightKey);
          StringBuilder details =
              new StringBuilder("    FUNCTION = ")
                  .append(SchemaObjects.regprocName(rs.getString("code")));
          StringBuilder id = new StringBuilder(o.name).append(" (");
          if (kind.equals("r") || kind.equals("b")) {
            details.append(",\n    LEFTARG = ").append(rs.getString("lefttype"));
            id.append(rs.getString("lefttype"));
          } else {
            id.append("NONE");
          }
          if (kind.equals("l") || kind.equals("b")) {
            details.append(",\n    RIGHTARG = ").append(rs.getString("righttype"));
            id.append(", ").append(rs.getString("righttype")).append(')');
          } else {
            id.append(", NONE)");
          }
          if (rs.getString("com") != null) {
            details.append(",\n    COMMUTATOR = ").append(rs.getString("com"));
          }
          if (rs.getString("neg") != null) {
            details.append(",\n    NEGATOR = ").append(rs.getString("neg"));
          }
          if (rs.getBoolean("oprcanmerge")) {
            details.append(",\n    MERGES");
          }
          if (rs.getBoolean("oprcanhash")) {
            details.append(",\n    HASHES");
          }
          String rest = SchemaObjects.regprocName(rs.getString("rest"));
          if (rest != null) {
            details.append(",\n    RESTRICT = ").append(rest);
          }
          String join = SchemaObjects.regprocName(rs.getString("j"));
          if (join != null) {
            details.append(",\n    JOIN = ").append(join);
          }
          String qid = Sql.q(o.namespace) + "." + id;
          o.owner = ctx.owner(rs.getString("owner"));
          o.defn =
              "CREATE OPERATOR " + Sql.q(o.namespace) + "." + o.name + " (\n" + details + "\n);\n";
          o.dropStmt = "DROP OPERATOR " + qid + ";\n";
          ctx.add(o);
          ctx.comments(o, o.classOid, o.oid, "OPERATOR " + qid, "OPERATOR " + id);
        });
  }
}
