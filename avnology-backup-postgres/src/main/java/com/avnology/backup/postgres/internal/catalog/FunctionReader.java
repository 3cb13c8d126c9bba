package com.avnology.backup.postgres.internal.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** Functions, procedures and aggregates ({@code getFuncs}, {@code dumpFunc}, {@code dumpAgg}). */
final class FunctionReader {
  private FunctionReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (!ctx.opts.includeTables().isEmpty()) {
      return;
    }
    Map<Long, String> aggBodies = new HashMap<>();
    ctx.query(
        "SELECT a.aggfnoid::pg_catalog.oid AS aggfnoid, a.aggkind,"
            + " a.aggtransfn::pg_catalog.regproc::pg_catalog.text AS sfunc,"
            + " pg_catalog.format_type(a.aggtranstype, NULL) AS stype, a.aggtransspace,"
            + " CASE WHEN a.aggfinalfn <> 0 THEN a.aggfinalfn::pg_catalog.regproc::pg_catalog.text END AS ffunc,"
            + " a.aggfinalextra, a.aggfinalmodify, a.agginitval,"
            + " CASE WHEN a.aggcombinefn <> 0 THEN a.aggcombinefn::pg_catalog.regproc::pg_catalog.text END AS cfunc,"
            + " CASE WHEN a.aggserialfn <> 0 THEN a.aggserialfn::pg_catalog.regproc::pg_catalog.text END AS serfunc,"
            + " CASE WHEN a.aggdeserialfn <> 0 THEN a.aggdeserialfn::pg_catalog.regproc::pg_catalog.text END AS deserfunc,"
            + " (SELECT 'OPERATOR(' || pg_catalog.quote_ident(opn.nspname) || '.' || o.oprname || ')'"
            + "   FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace"
            + "   WHERE o.oid = a.aggsortop) AS sortop,"
            + " CASE WHEN a.aggmtransfn <> 0 THEN a.aggmtransfn::pg_catalog.regproc::pg_catalog.text END AS msfunc,"
            + " CASE WHEN a.aggminvtransfn <> 0 THEN a.aggminvtransfn::pg_catalog.regproc::pg_catalog.text END AS minvfunc,"
            + " CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END AS mstype,"
            + " a.aggmtransspace,"
            + " CASE WHEN a.aggmfinalfn <> 0 THEN a.aggmfinalfn::pg_catalog.regproc::pg_catalog.text END AS mffunc,"
            + " a.aggmfinalextra, a.aggmfinalmodify, a.aggminitval, p.proparallel"
            + " FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid"
            + " WHERE a.aggfnoid >= 16384",
        rs -> aggBodies.put(rs.getLong("aggfnoid"), aggBody(rs)));

    ctx.query(
        "SELECT p.oid, p.proname, p.pronamespace, n.nspname, p.prokind, p.pronargs,"
            + " pg_catalog.pg_get_userbyid(p.proowner) AS owner,"
            + " p.proacl::pg_catalog.text[] AS acl,"
            + " pg_catalog.acldefault('f', p.proowner)::pg_catalog.text[] AS base,"
            + " pg_catalog.pg_get_function_identity_arguments(p.oid) AS idargs,"
            + " pg_catalog.pg_get_function_arguments(p.oid) AS args,"
            + " pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.format_type(u.t, NULL)"
            + "   FROM pg_catalog.unnest(p.proargtypes) WITH ORDINALITY u(t, i) ORDER BY u.i), ', ') AS argtypes,"
            + " pg_catalog.array_to_string(ARRAY(SELECT tn.nspname || pg_catalog.chr(1) || ty.typname"
            + "   FROM pg_catalog.unnest(p.proargtypes) WITH ORDINALITY u(t, i)"
            + "   JOIN pg_catalog.pg_type ty ON ty.oid = u.t"
            + "   JOIN pg_catalog.pg_namespace tn ON tn.oid = ty.typnamespace ORDER BY u.i),"
            + "   pg_catalog.chr(2)) AS argsortkey,"
            + FunctionText.columns(ctx.version)
            + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            + " JOIN pg_catalog.pg_language l ON l.oid = p.prolang"
            + " WHERE p.oid >= 16384 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
            + "   WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid"
            + "   AND d.deptype = 'i')",
        rs -> {
          long oid = rs.getLong("oid");
          if (!ctx.namespaces.containsKey(rs.getLong("pronamespace"))
              || ctx.isExtensionMember(Ctx.PG_PROC, oid)) {
            return;
          }
          String schema = rs.getString("nspname");
          String name = rs.getString("proname");
          String prokind = rs.getString("prokind");
          boolean agg = prokind.equals("a");
          String owner = rs.getString("owner");
          String idargs = rs.getString("idargs");
          DumpObject o = new DumpObject(agg ? Kind.AGG : Kind.FUNC, Ctx.PG_PROC, oid, schema, name);
          o.desc = agg ? "AGGREGATE" : prokind.equals("p") ? "PROCEDURE" : "FUNCTION";
          o.owner = ctx.owner(owner);
          o.argCount = rs.getInt("pronargs");
          o.argKey = rs.getString("argsortkey");
          String argTypes = rs.getString("argtypes");
          String signature = Sql.qq(schema, name) + "(" + idargs + ")";
          if (agg) {
            String args = rs.getString("args");
            String sig = Sql.qq(schema, name) + "(" + (args.isEmpty() ? "*" : args) + ")";
            signature = Sql.qq(schema, name) + "(" + (idargs.isEmpty() ? "*" : idargs) + ")";
            o.tag = name + "(" + (argTypes.isEmpty() ? "*" : argTypes) + ")";
            o.defn = "CREATE AGGREGATE " + sig + " (\n" + aggBodies.get(oid) + "\n);\n";
          } else {
            o.tag = name + "(" + argTypes + ")";
            o.defn = FunctionText.build(rs, Sql.qq(schema, name));
          }
          o.dropStmt = "DROP " + o.desc + " " + signature + ";\n";
          ctx.add(o);
          String tagName = Sql.q(name) + "(" + (agg && idargs.isEmpty() ? "*" : idargs) + ")";
          ctx.comments(o, Ctx.PG_PROC, oid, o.desc + " " + signature, o.desc + " " + tagName);
          String aclType = prokind.equals("p") ? "PROCEDURE" : "FUNCTION";
          ctx.acl(
              o,
              aclType,
              Sql.qq(schema, name) + "(" + idargs + ")",
              aclType + " " + tagName,
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              owner,
              null,
              5000);
        });
  }

  private static String aggBody(ResultSet rs) throws SQLException {
    StringBuilder sb = new StringBuilder();
    sb.append("    SFUNC = ").append(rs.getString("sfunc"));
    sb.append(",\n    STYPE = ").append(rs.getString("stype"));
    if (rs.getInt("aggtransspace") != 0) {
      sb.append(",\n    SSPACE = ").append(rs.getInt("aggtransspace"));
    }
    if (rs.getString("agginitval") != null) {
      sb.append(",\n    INITCOND = ").append(Sql.literal(rs.getString("agginitval")));
    }
    if (rs.getString("ffunc") != null) {
      sb.append(",\n    FINALFUNC = ").append(rs.getString("ffunc"));
      if (rs.getBoolean("aggfinalextra")) {
        sb.append(",\n    FINALFUNC_EXTRA");
      }
      sb.append(",\n    FINALFUNC_MODIFY = ").append(modify(rs.getString("aggfinalmodify")));
    }
    appendIf(sb, "COMBINEFUNC", rs.getString("cfunc"));
    appendIf(sb, "SERIALFUNC", rs.getString("serfunc"));
    appendIf(sb, "DESERIALFUNC", rs.getString("deserfunc"));
    if (rs.getString("msfunc") != null) {
      sb.append(",\n    MSFUNC = ").append(rs.getString("msfunc"));
      sb.append(",\n    MINVFUNC = ").append(rs.getString("minvfunc"));
      sb.append(",\n    MSTYPE = ").append(rs.getString("mstype"));
      if (rs.getInt("aggmtransspace") != 0) {
        sb.append(",\n    MSSPACE = ").append(rs.getInt("aggmtransspace"));
      }
      if (rs.getString("aggminitval") != null) {
        sb.append(",\n    MINITCOND = ").append(Sql.literal(rs.getString("aggminitval")));
      }
      if (rs.getString("mffunc") != null) {
        sb.append(",\n    MFINALFUNC = ").append(rs.getString("mffunc"));
        if (rs.getBoolean("aggmfinalextra")) {
          sb.append(",\n    MFINALFUNC_EXTRA");
        }
        sb.append(",\n    MFINALFUNC_MODIFY = ").append(modify(rs.getString("aggmfinalmodify")));
      }
    }
    appendIf(sb, "SORTOP", rs.getString("sortop"));
    String parallel = rs.getString("proparallel");
    if (parallel.equals("s")) {
      sb.append(",\n    PARALLEL = safe");
    } else if (parallel.equals("r")) {
      sb.append(",\n    PARALLEL = restricted");
    }
    if (rs.getString("aggkind").equals("h")) {
      sb.append(",\n    HYPOTHETICAL");
    }
    return sb.toString();
  }

  private static void appendIf(StringBuilder sb, String key, String value) {
    if (value != null) {
      sb.append(",\n    ").append(key).append(" = ").append(value);
    }
  }

  private static String modify(String code) {
    return switch (code) {
      case "s" -> "SHAREABLE";
      case "w" -> "READ_WRITE";
      default -> "READ_ONLY";
    };
  }
}
