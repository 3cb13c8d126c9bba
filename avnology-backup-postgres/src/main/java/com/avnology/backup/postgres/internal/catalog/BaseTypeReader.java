package com.avnology.backup.postgres.internal.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Base types and lone shell types ({@code dumpBaseType}, {@code dumpShellType}, {@code
 * dumpUndefinedType}). A base type and its I/O functions (a range type and its canonical function)
 * depend on each other; such a type gets a SHELL TYPE object that {@link LoopRepair} adds, ahead of
 * the functions, when such a loop exists.
 */
final class BaseTypeReader {
  private BaseTypeReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (!ctx.opts.includeTables().isEmpty()) {
      return;
    }
    String subscript =
        ctx.version >= 140000
            ? "t.typsubscript::pg_catalog.text AS typsubscript, t.typsubscript::pg_catalog.oid AS typsubscriptoid"
            : "'-' AS typsubscript, 0 AS typsubscriptoid";
    ctx.query(
        "SELECT t.oid, t.typname, t.typnamespace, n.nspname, t.typtype, t.typlen,"
            + " pg_catalog.pg_get_userbyid(t.typowner) AS owner,"
            + " t.typacl::pg_catalog.text[] AS acl,"
            + " pg_catalog.acldefault('T', t.typowner)::pg_catalog.text[] AS base,"
            + " t.typinput::pg_catalog.text AS typinput, t.typoutput::pg_catalog.text AS typoutput,"
            + " t.typreceive::pg_catalog.text AS typreceive, t.typreceive::pg_catalog.oid AS typreceiveoid,"
            + " t.typsend::pg_catalog.text AS typsend, t.typsend::pg_catalog.oid AS typsendoid,"
            + " t.typmodin::pg_catalog.text AS typmodin, t.typmodin::pg_catalog.oid AS typmodinoid,"
            + " t.typmodout::pg_catalog.text AS typmodout, t.typmodout::pg_catalog.oid AS typmodoutoid,"
            + " t.typanalyze::pg_catalog.text AS typanalyze, t.typanalyze::pg_catalog.oid AS typanalyzeoid,"
            + " t.typdelim, t.typbyval, t.typalign, t.typstorage, t.typcategory, t.typispreferred,"
            + " (t.typcollation <> 0) AS typcollatable,"
            + " pg_catalog.pg_get_expr(t.typdefaultbin, 0) AS typdefaultbin, t.typdefault,"
            + " CASE WHEN t.typelem <> 0 THEN pg_catalog.format_type(t.typelem, NULL) END AS elem, "
            + subscript
            + " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
            + " WHERE t.oid >= 16384 AND ((t.typtype = 'b' AND NOT EXISTS (SELECT 1"
            + "   FROM pg_catalog.pg_type e WHERE e.typarray = t.oid))"
            + "   OR (t.typtype = 'p' AND NOT t.typisdefined))",
        rs -> {
          long oid = rs.getLong("oid");
          if (!ctx.namespaces.containsKey(rs.getLong("typnamespace"))
              || ctx.isExtensionMember(Ctx.PG_TYPE, oid)) {
            return;
          }
          String schema = rs.getString("nspname");
          String name = rs.getString("typname");
          String qn = Sql.qq(schema, name);
          String owner = rs.getString("owner");
          DumpObject o = new DumpObject(Kind.TYPE, Ctx.PG_TYPE, oid, schema, name);
          o.owner = ctx.owner(owner);
          o.desc = "TYPE";
          if (rs.getString("typtype").equals("p")) {
            o.defn = "CREATE TYPE " + qn + ";\n";
            o.dropStmt = "DROP TYPE " + qn + ";\n";
          } else {
            o.defn = baseTypeDefinition(qn, rs);
            // CASCADE: the loop between the type and its I/O functions allows no other way
            o.dropStmt = "DROP TYPE " + qn + " CASCADE;\n";
            o.shellType = shell(o);
          }
          ctx.add(o);
          ctx.comments(o, Ctx.PG_TYPE, oid, "TYPE " + qn, "TYPE " + Sql.q(name));
          ctx.acl(
              o,
              "TYPE",
              qn,
              "TYPE " + Sql.q(name),
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              owner,
              null,
              5000);
        });
  }

  /** The SHELL TYPE of a base or range type, its owner's; dumped only if a function needs it. */
  static DumpObject shell(DumpObject type) {
    DumpObject shell = new DumpObject(Kind.SHELL_TYPE, 0, 0, type.namespace, type.name);
    shell.desc = "SHELL TYPE";
    shell.owner = type.owner;
    // no DROP: pg_restore then leaves the owner to the filled-in type's entry
    shell.defn = "CREATE TYPE " + Sql.qq(type.namespace, type.name) + ";\n";
    return shell;
  }

  private static String baseTypeDefinition(String qn, ResultSet rs) throws SQLException {
    String typlen = rs.getString("typlen");
    StringBuilder sb =
        new StringBuilder("CREATE TYPE ")
            .append(qn)
            .append(" (\n")
            .append("    INTERNALLENGTH = ")
            .append(typlen.equals("-1") ? "variable" : typlen)
            .append(",\n    INPUT = ")
            .append(rs.getString("typinput"))
            .append(",\n    OUTPUT = ")
            .append(rs.getString("typoutput"));
    optionalFunction(sb, rs, "RECEIVE", "typreceive");
    optionalFunction(sb, rs, "SEND", "typsend");
    optionalFunction(sb, rs, "TYPMOD_IN", "typmodin");
    optionalFunction(sb, rs, "TYPMOD_OUT", "typmodout");
    optionalFunction(sb, rs, "ANALYZE", "typanalyze");
    if (rs.getBoolean("typcollatable")) {
      sb.append(",\n    COLLATABLE = true");
    }
    if (rs.getString("typdefaultbin") != null) {
      sb.append(",\n    DEFAULT = ").append(rs.getString("typdefaultbin"));
    } else if (rs.getString("typdefault") != null) {
      sb.append(",\n    DEFAULT = ").append(Sql.literal(rs.getString("typdefault")));
    }
    optionalFunction(sb, rs, "SUBSCRIPT", "typsubscript");
    if (rs.getString("elem") != null) {
      sb.append(",\n    ELEMENT = ").append(rs.getString("elem"));
    }
    if (!rs.getString("typcategory").equals("U")) {
      sb.append(",\n    CATEGORY = ").append(Sql.literal(rs.getString("typcategory")));
    }
    if (rs.getBoolean("typispreferred")) {
      sb.append(",\n    PREFERRED = true");
    }
    String delim = rs.getString("typdelim");
    if (delim != null && !delim.equals(",")) {
      sb.append(",\n    DELIMITER = ").append(Sql.literal(delim));
    }
    switch (rs.getString("typalign")) {
      case "c" -> sb.append(",\n    ALIGNMENT = char");
      case "s" -> sb.append(",\n    ALIGNMENT = int2");
      case "i" -> sb.append(",\n    ALIGNMENT = int4");
      case "d" -> sb.append(",\n    ALIGNMENT = double");
      default -> {}
    }
    switch (rs.getString("typstorage")) {
      case "p" -> sb.append(",\n    STORAGE = plain");
      case "e" -> sb.append(",\n    STORAGE = external");
      case "x" -> sb.append(",\n    STORAGE = extended");
      case "m" -> sb.append(",\n    STORAGE = main");
      default -> {}
    }
    if (rs.getBoolean("typbyval")) {
      sb.append(",\n    PASSEDBYVALUE");
    }
    return sb.append("\n);\n").toString();
  }

  private static void optionalFunction(StringBuilder sb, ResultSet rs, String option, String column)
      throws SQLException {
    if (rs.getLong(column + "oid") != 0) {
      sb.append(",\n    ").append(option).append(" = ").append(rs.getString(column));
    }
  }
}
