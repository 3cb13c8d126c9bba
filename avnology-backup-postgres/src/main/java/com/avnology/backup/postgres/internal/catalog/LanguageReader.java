package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Procedural languages ({@code getProcLangs}, {@code dumpProcLang}) and transforms ({@code
 * getTransforms}, {@code dumpTransform}). Languages created by initdb or by an extension (plpgsql)
 * are left to the server and the extension; a language whose handler, inline or validator function
 * is not dumped becomes a parameterless {@code CREATE OR REPLACE PROCEDURAL LANGUAGE}, as pg_dump
 * writes it. Runs after {@link FunctionReader}: the handler functions must be known.
 */
final class LanguageReader {
  static final long PG_LANGUAGE = 2612;
  static final long PG_TRANSFORM = 3576;

  private LanguageReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (ctx.opts.selective()) {
      return;
    }
    // fmtId'd names of every language, for transforms (get_language_name)
    Map<Long, String> languages = new HashMap<>();
    ctx.query(
        "SELECT l.oid, l.lanname FROM pg_catalog.pg_language l",
        rs -> languages.put(rs.getLong("oid"), Sql.q(rs.getString("lanname"))));
    ctx.query(
        "SELECT l.oid, l.lanname, l.lanpltrusted, l.lanplcallfoid, l.laninline, l.lanvalidator,"
            + " pg_catalog.pg_get_userbyid(l.lanowner) AS owner,"
            + " l.lanacl::pg_catalog.text[] AS acl,"
            + " pg_catalog.acldefault('l', l.lanowner)::pg_catalog.text[] AS base"
            + " FROM pg_catalog.pg_language l WHERE l.lanispl AND l.oid >= 16384 ORDER BY l.oid",
        rs -> {
          long oid = rs.getLong("oid");
          if (ctx.isExtensionMember(PG_LANGUAGE, oid)) {
            return;
          }
          String name = rs.getString("lanname");
          String q = Sql.q(name);
          DumpObject handler = function(ctx, rs.getLong("lanplcallfoid"));
          long inlineOid = rs.getLong("laninline");
          long validatorOid = rs.getLong("lanvalidator");
          DumpObject inline = function(ctx, inlineOid);
          DumpObject validator = function(ctx, validatorOid);
          boolean trusted = rs.getBoolean("lanpltrusted");
          StringBuilder defn = new StringBuilder();
          if (handler != null
              && (inline != null || inlineOid == 0)
              && (validator != null || validatorOid == 0)) {
            defn.append("CREATE ")
                .append(trusted ? "TRUSTED " : "")
                .append("PROCEDURAL LANGUAGE ")
                .append(q)
                .append(" HANDLER ")
                .append(Sql.qq(handler.namespace, handler.name));
            if (inline != null) {
              defn.append(" INLINE ").append(Sql.qq(inline.namespace, inline.name));
            }
            if (validator != null) {
              defn.append(" VALIDATOR ").append(Sql.qq(validator.namespace, validator.name));
            }
          } else {
            defn.append("CREATE OR REPLACE PROCEDURAL LANGUAGE ").append(q);
          }
          String owner = rs.getString("owner");
          DumpObject o = new DumpObject(Kind.PROCLANG, PG_LANGUAGE, oid, null, name);
          o.desc = "PROCEDURAL LANGUAGE";
          o.owner = ctx.owner(owner);
          o.defn = defn.append(";\n").toString();
          o.dropStmt = "DROP PROCEDURAL LANGUAGE " + q + ";\n";
          ctx.add(o);
          ctx.comments(o, PG_LANGUAGE, oid, "LANGUAGE " + q, "LANGUAGE " + q);
          if (trusted) {
            ctx.acl(
                o,
                "LANGUAGE",
                q,
                "LANGUAGE " + q,
                Ctx.strings(rs, "acl"),
                Ctx.strings(rs, "base"),
                owner,
                null,
                5000);
          }
        });
    ctx.query(
        "SELECT x.oid, x.trftype, x.trflang, x.trffromsql::pg_catalog.oid AS trffromsql,"
            + " x.trftosql::pg_catalog.oid AS trftosql, t.typname,"
            + " pg_catalog.format_type(x.trftype, NULL) AS type"
            + " FROM pg_catalog.pg_transform x LEFT JOIN pg_catalog.pg_type t ON t.oid = x.trftype"
            + " ORDER BY x.oid",
        rs -> {
          long oid = rs.getLong("oid");
          if (ctx.isExtensionMember(PG_TRANSFORM, oid)) {
            return;
          }
          String lanname = languages.get(rs.getLong("trflang"));
          String type = rs.getString("type");
          String sortName =
              rs.getString("typname") != null && lanname != null
                  ? rs.getString("typname") + " " + lanname
                  : "";
          String target = "FOR " + type + " LANGUAGE " + lanname;
          StringBuilder defn = new StringBuilder("CREATE TRANSFORM ").append(target).append(" (");
          long from = rs.getLong("trffromsql");
          long to = rs.getLong("trftosql");
          if (from != 0) {
            defn.append("FROM SQL WITH FUNCTION ").append(signature(ctx, from, "from-SQL", target));
          }
          if (to != 0) {
            if (from != 0) {
              defn.append(", ");
            }
            defn.append("TO SQL WITH FUNCTION ").append(signature(ctx, to, "to-SQL", target));
          }
          DumpObject o = new DumpObject(Kind.TRANSFORM, PG_TRANSFORM, oid, null, sortName);
          o.desc = "TRANSFORM";
          o.tag = "TRANSFORM " + target;
          o.owner = null;
          o.defn = defn.append(");\n").toString();
          o.dropStmt = "DROP TRANSFORM " + target + ";\n";
          ctx.add(o);
          ctx.comments(o, PG_TRANSFORM, oid, "TRANSFORM " + target, "TRANSFORM " + target);
        });
  }

  /** A dumped function, or null when it is not dumped (a system or extension function). */
  private static DumpObject function(Ctx ctx, long oid) {
    DumpObject f = oid == 0 ? null : ctx.byKey.get(new Ctx.Key(Ctx.PG_PROC, oid));
    return f != null && f.kind == Kind.FUNC ? f : null;
  }

  /** {@code schema.name(argtypes)} as {@code format_function_signature} writes it, qualified. */
  private static String signature(Ctx ctx, long funcOid, String role, String transform)
      throws SQLException {
    String[] sig = new String[1];
    ctx.query(
        "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname)"
            + " || '(' || pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.format_type(u.t, NULL)"
            + " FROM pg_catalog.unnest(p.proargtypes) WITH ORDINALITY u(t, i) ORDER BY u.i), ', ')"
            + " || ')' FROM pg_catalog.pg_proc p"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = "
            + funcOid,
        rs -> sig[0] = rs.getString(1));
    if (sig[0] == null) {
      throw new SQLException(
          "the "
              + role
              + " function (oid "
              + funcOid
              + ") of transform "
              + transform
              + " does not exist; drop and recreate the transform, then back up again");
    }
    return sig[0];
  }
}
