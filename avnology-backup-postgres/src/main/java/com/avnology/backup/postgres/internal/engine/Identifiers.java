package com.avnology.backup.postgres.internal.engine;

import java.util.regex.Pattern;

/** SQL identifier quoting as pg_dump's {@code fmtId} does it (quote unless plain lower-case). */
public final class Identifiers {
  private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");

  private Identifiers() {}

  /**
   * @param name an identifier
   * @return it, double-quoted if needed
   */
  public static String quote(String name) {
    if (PLAIN.matcher(name).matches() && !Keywords.reserved(name)) {
      return name;
    }
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** The few keywords that matter for table and schema names here; quoting more is harmless. */
  static final class Keywords {
    private static final java.util.Set<String> RESERVED = java.util.Set.of(
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both",
        "case", "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
        "current_date", "current_role", "current_time", "current_timestamp", "current_user",
        "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false",
        "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially",
        "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
        "null", "offset", "on", "only", "or", "order", "placing", "primary", "references",
        "returning", "select", "session_user", "some", "symmetric", "table", "then", "to",
        "trailing", "true", "union", "unique", "user", "using", "variadic", "when", "where",
        "window", "with", "authorization", "binary", "collation", "concurrently", "cross",
        "current_schema", "freeze", "full", "ilike", "inner", "is", "isnull", "join", "left",
        "like", "natural", "notnull", "outer", "overlaps", "right", "similar", "tablesample",
        "verbose");

    private Keywords() {}

    static boolean reserved(String name) {
      return RESERVED.contains(name);
    }
  }
}
