package com.avnology.backup.postgres.internal.catalog;

/** SQL text helpers: identifier quoting as pg_dump's {@code fmtId}, string literals. */
final class Sql {
  private Sql() {}

  /** {@link Identifiers#fmtId}. */
  static String q(String id) {
    return Identifiers.fmtId(id);
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
