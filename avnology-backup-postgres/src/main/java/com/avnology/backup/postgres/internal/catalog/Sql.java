package com.avnology.backup.postgres.internal.catalog;

import java.util.Set;

/** SQL text helpers: identifier quoting as pg_dump's {@code fmtId}, string literals. */
final class Sql {
  /** Keywords that are not UNRESERVED (PostgreSQL 15 {@code pg_get_keywords()}, catcode <> 'U'). */
  private static final Set<String> KEYWORDS = 
      Set.of(
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
      "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
      "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
      "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
      "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
      "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
      "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant",
      "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout",
      "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral",
      "leading", "least", "left", "like", "limit", "localtime", "localtimestamp", "national",
      "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric",
      "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
      "position", "precision", "primary", "real", "references", "returning", "right", "row",
      "select", "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric",
      "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim",
      "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose",
      "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
      "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable");

  private Sql() {}

  /** Quotes an identifier as {@code fmtId} does. */
  static String quoteIdentStatic(String id) {
    boolean safe = !id.isEmpty();
    if (safe) {
      char first = id.charAt(0);
      safe = (first >= 'a' && first <= 'z') || first == '_';
    }
    for (int i = 0; safe && i < id.length(); i++) {
      char c = id.charAt(i);
      safe = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
    if (safe && !KEYWORDS.contains(id)) {
      return id;
    }
    return "\"" + id.replace("\"", "\"\"") + "\"";
  }

  /** {@link #quoteIdentStatic}. */
  static String q(String id) {
    return quoteIdentStatic(id);
  }

  /** {@code q(schema).q(name)}. */
  static String qq(String schema, String name) {
    return q(schema) + "." + q(name);
  }

  /** A standard-conforming string literal. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
