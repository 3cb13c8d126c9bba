package com.avnology.backup.postgres.internal.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Shared steps of the readers for schema-qualified catalog objects (collations, operators, …). */
final class SchemaObjects {
  static final long PG_DEFAULT_ACL = 826;
  static final long PG_AMOP = 2602;
  static final long PG_AMPROC = 2603;
  static final long PG_CAST = 2605;
  static final long PG_CONVERSION = 2607;
  static final long PG_OPCLASS = 2616;
  static final long PG_OPERATOR = 2617;
  static final long PG_OPFAMILY = 2753;
  static final long PG_STATISTIC_EXT = 3381;
  static final long PG_COLLATION = 3456;
  static final long PG_EVENT_TRIGGER = 3466;
  static final long PG_TS_DICT = 3600;
  static final long PG_TS_PARSER = 3601;
  static final long PG_TS_CONFIG = 3602;
  static final long PG_TS_TEMPLATE = 3764;

  private SchemaObjects() {}

  /**
   * A new object in a dumped schema ({@code selectDumpableObject}), or null when its schema is not
   * dumped or it belongs to an extension. Columns {@code oid}, {@code nsp} (schema oid), {@code
   * nspname} and {@code name} are read from {@code rs}.
   */
  static DumpObject create(Ctx ctx, ResultSet rs, Kind kind, long classOid, String desc)
      throws SQLException {
    long oid = rs.getLong("oid");
    if (!ctx.namespaces.containsKey(rs.getLong("nsp")) || ctx.isExtensionMember(classOid, oid)) {
      return null;
    }
    DumpObject o =
        new DumpObject(kind, classOid, oid, rs.getString("nspname"), rs.getString("name"));
    o.desc = desc;
    return o;
  }

  /**
   * {@code DROP <desc> Q;} and the COMMENT target {@code <desc> Q} / tag {@code <desc> q(name)}.
   */
  static void finish(Ctx ctx, DumpObject o, String ownerRole, String defn) {
    String qn = Sql.qq(o.namespace, o.name);
    o.owner = ownerRole == null ? null : ctx.owner(ownerRole);
    o.defn = defn;
    o.dropStmt = "DROP " + o.desc + " " + qn + ";\n";
    ctx.add(o);
    ctx.comments(o, o.classOid, o.oid, o.desc + " " + qn, o.desc + " " + Sql.q(o.name));
  }

  /** pg_dump's {@code convertRegProcReference}: a regprocedure text up to its argument list. */
  static String regprocName(String regprocedure) {
    if (regprocedure == null || regprocedure.equals("-")) {
      return null;
    }
    boolean quoted = false;
    for (int i = 0; i < regprocedure.length(); i++) {
      char c = regprocedure.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '(' && !quoted) {
        return regprocedure.substring(0, i);
      }
    }
    return regprocedure;
  }
}
