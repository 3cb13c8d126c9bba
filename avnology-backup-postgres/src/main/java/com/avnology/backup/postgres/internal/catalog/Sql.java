package com.avnology.backup.postgres.internal.catalog;

/** SQL text helpers: identifier quoting as pg_dump's {@code fmtId}, string literals. */
final class Sql {
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
    if (safe && !Keywords.PG15.contains(id)) {
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
